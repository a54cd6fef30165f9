import type { ActionContext, ActionRequest, ResourceWithOptions } from 'adminjs';
import { EmailOutbox } from '../../src/notify/email-outbox.model.js';
import { retryEmail } from '../../src/notify/outbox.service.js';
import { AppError } from '../../src/http/errors.js';
import type { Role } from '../../src/users/user.model.js';
import { canAction, staffReadActions } from '../access.js';

export const emailOutboxLabel = { email_outbox: 'Email outbox' };

/**
 * The outbox, read-only, plus "Retry" for failed mail (finance and admin): the same service as
 * POST /api/admin/emails/:id/retry, audited there. AdminJS calls record actions with GET; the
 * action is harmless to repeat (only a 'failed' row can be re-queued).
 */
export const emailOutboxResource: ResourceWithOptions = {
  resource: EmailOutbox,
  options: {
    navigation: { name: 'Operations', icon: 'Settings' },
    listProperties: ['id', 'to_address', 'template', 'category', 'status', 'attempts', 'created_at', 'sent_at'],
    filterProperties: ['status', 'category', 'template', 'to_address', 'user_id', 'created_at'],
    showProperties: ['id', 'user_id', 'to_address', 'template', 'subject', 'category', 'status', 'attempts', 'last_error', 'created_at', 'sent_at', 'next_attempt_at', 'text'],
    properties: {
      html: { isVisible: false },
      text: { type: 'textarea' },
      last_error: { type: 'textarea' },
      status: { availableValues: ['pending', 'sending', 'sent', 'failed', 'skipped'].map((v) => ({ value: v, label: v })) },
      category: { availableValues: ['transaction', 'security', 'staff'].map((v) => ({ value: v, label: v })) },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions,
      retry: {
        actionType: 'record',
        icon: 'RefreshCw',
        component: false,
        guard: 'Send this email again (a fresh round of delivery attempts)?',
        isAccessible: canAction('finance.write'),
        isVisible: (ctx: ActionContext) => canAction('finance.write')(ctx) && ctx.record?.params.status === 'failed',
        handler: async (_request: ActionRequest, _response: unknown, ctx: ActionContext) => {
          const { record, currentAdmin, resource } = ctx;
          if (!record || !currentAdmin) throw new Error('retry needs a record and a signed-in staff user');
          try {
            await retryEmail(String(record.id()), { id: Number(currentAdmin.id), role: currentAdmin.role as Role });
          } catch (error) {
            if (error instanceof AppError) return { record: record.toJSON(currentAdmin), notice: { message: error.message, type: 'error' } };
            throw error;
          }
          const fresh = await resource.findOne(String(record.id()));
          return { record: (fresh ?? record).toJSON(currentAdmin), notice: { message: 'Email re-queued for delivery', type: 'success' } };
        },
      },
    },
  },
};

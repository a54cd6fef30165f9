import type { ActionResponse, RecordJSON } from 'adminjs';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { LIST_SPECS } from '../../src/backoffice/list-specs.js';
import { exportAction, guarded, readOnlyActions, referenceTo } from '../access.js';
import { Components } from '../component-loader.js';
import { defineResource } from '../resource.js';

const ID = 'audit_logs';

type Json = unknown;
const text = (v: Json) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Before and after as one line per changed leaf: `path: before → after`. */
export function diff(before: Json, after: Json, path = ''): { path: string; before: string; after: string }[] {
  const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) || isObject(after)) {
    const b = isObject(before) ? before : {};
    const a = isObject(after) ? after : {};
    if (!isObject(before) && before !== null && before !== undefined) return [{ path: path || '(value)', before: text(before), after: text(after) }];
    if (!isObject(after) && after !== null && after !== undefined) return [{ path: path || '(value)', before: text(before), after: text(after) }];
    return [...new Set([...Object.keys(b), ...Object.keys(a)])].flatMap((k) => diff(b[k], a[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '(value)', before: text(before), after: text(after) }];
}

/** Where the audited thing lives in the back-office, when it has a page. */
const TARGET_RESOURCE: Record<string, string> = { transaction: 'transactions', investment: 'investments', email: 'email_outbox' };

async function withChanges(response: ActionResponse): Promise<ActionResponse> {
  const record = response.record as RecordJSON | undefined;
  if (record?.id) {
    const row = await AuditLog.findByPk(record.id, { attributes: ['before', 'after', 'target_type', 'target_id'] });
    record.params.changes = JSON.stringify(diff(row?.before ?? null, row?.after ?? null));
    const resource = row?.target_type === 'user' ? 'users' : TARGET_RESOURCE[row?.target_type ?? ''];
    record.params.target = row?.target_id ? `${row.target_type} #${row.target_id}` : (row?.target_type ?? '');
    if (resource && row?.target_id && /^\d+$/.test(row.target_id)) record.params.target_url = `/admin/resources/${resource}/records/${row.target_id}/show`;
  }
  return response;
}

/** The audit trail: who did what to what, with a readable before/after diff. Read-only; exportable. */
export const auditResource = defineResource({
  id: ID,
  model: AuditLog,
  spec: LIST_SPECS.audit,
  options: {
    navigation: { name: 'Audit', icon: 'Shield' },
    listProperties: ['id', 'created_at', 'actor_id', 'actor_role', 'action', 'target_type', 'target_id', 'reason'],
    showProperties: ['id', 'created_at', 'actor_id', 'actor_role', 'action', 'target', 'reason', 'changes', 'request_id'],
    properties: {
      actor_id: { ...referenceTo('staff'), description: 'Staff member (empty: the system)' },
      changes: { type: 'string', isVisible: { show: true, list: false, edit: false, filter: false }, components: { show: Components.AuditChanges } },
      target: { type: 'string', isVisible: { show: true, list: false, edit: false, filter: false }, components: { show: Components.LinkCell } },
      target_url: { type: 'string', isVisible: false },
      before: { isVisible: false },
      after: { isVisible: false },
      reason: { type: 'textarea' },
    },
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...readOnlyActions,
      list: guarded(ID, 'list', 'staff.read', {}),
      show: guarded(ID, 'show', 'staff.read', { after: withChanges }),
      search: guarded(ID, 'search', 'staff.read', {}, () => false),
      export: exportAction(ID, 'audit'),
    },
  },
});

import type { ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { QueryTypes } from 'sequelize';
import { AdminConfig } from '../../src/config/admin-config.model.js';
import { CONFIG, isConfigKey } from '../../src/config/config.catalogue.js';
import { listConfig, updateConfig } from '../../src/config/config.service.js';
import { db } from '../../src/db/database.js';
import { AppError, badRequest } from '../../src/http/errors.js';
import { guarded, readOnlyActions } from '../access.js';
import { actorOf } from '../actor.js';
import { Components } from '../component-loader.js';
import { defineResource } from '../resource.js';

const ID = 'configuration';
type Kind = 'text' | 'json' | 'boolean' | 'number';

/** How a key is edited: by the type of its default (strings as plain text, objects and lists as JSON). */
function kindOf(key: keyof typeof CONFIG): Kind {
  const def = CONFIG[key].default as unknown;
  if (typeof def === 'boolean') return 'boolean';
  if (typeof def === 'number') return 'number';
  if (typeof def === 'string') return 'text';
  return 'json';
}

const asText = (value: unknown, kind: Kind) => (kind === 'json' ? JSON.stringify(value, null, 2) : String(value));

/** The form's text → the value the REST body would carry; unparseable JSON is a message on the field. */
function fromText(key: keyof typeof CONFIG, text: string): unknown {
  const kind = kindOf(key);
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (kind === 'number') return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
  if (kind === 'text') return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(400, 'validation_error', `${key} is not valid JSON`, [{ field: key, message: 'is not valid JSON' }]);
  }
}

async function list(request: ActionRequest, _response: unknown, _ctx: ActionContext): Promise<ActionResponse> {
  // Every key, always: nothing to filter or sort by.
  const asked = Object.keys(request.query ?? {}).find((k) => k.startsWith('filters.') || k === 'sortBy');
  if (asked) throw badRequest('Configuration cannot be filtered or sorted', [{ field: asked, message: 'is not allowed here' }]);
  const entries = await listConfig();
  const ids = [...new Set(entries.map((e) => e.updated_by).filter((v): v is number => typeof v === 'number'))];
  const names = ids.length
    ? new Map((await db().query<{ id: number; username: string }>(`SELECT id, username FROM users WHERE id IN (:ids)`, { replacements: { ids }, type: QueryTypes.SELECT })).map((r) => [r.id, r.username]))
    : new Map<number, string>();
  return {
    records: [],
    meta: { total: entries.length, perPage: entries.length, page: 1 },
    config: entries.map((e) => {
      const kind = kindOf(e.key);
      return { ...e, kind, text: asText(e.value, kind), updated_by: e.updated_by ? { id: e.updated_by, username: names.get(e.updated_by) ?? null } : null };
    }),
  };
}

/** Saves one key through the same validation and audit as PUT /api/admin/config. */
async function save(request: ActionRequest, _response: unknown, ctx: ActionContext): Promise<ActionResponse> {
  if (request.method !== 'post') return {};
  const payload = (request.payload ?? {}) as { key?: unknown; value?: unknown };
  const key = String(payload.key ?? '');
  if (!isConfigKey(key)) return { notice: { message: 'Unknown configuration key', type: 'error' }, errors: { [key || 'key']: 'is not a configuration key' } };
  try {
    await updateConfig(actorOf(ctx.currentAdmin), { [key]: fromText(key, String(payload.value ?? '')) });
    return { notice: { message: `${key} saved`, type: 'success' } };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { notice: { message: error.message, type: 'error' }, errors: { [key]: error.details.map((d) => (d.field === key ? d.message : `${d.field.slice(key.length + 1)}: ${d.message}`)).join('; ') || error.message } };
  }
}

/** Configuration (admins): every key with its meaning, current value, who changed it and when. */
export const configResource = defineResource({
  id: ID,
  model: AdminConfig,
  spec: { filters: {}, sortable: ['id'] },
  options: {
    navigation: { name: 'Operations', icon: 'Settings' },
    actions: {
      ...readOnlyActions,
      show: { isAccessible: false, isVisible: false },
      search: { isAccessible: false, isVisible: false },
      list: guarded(ID, 'list', 'config.manage', { component: Components.ConfigEditor, handler: list, showFilter: false }),
      save: guarded(ID, 'save', 'config.manage', { actionType: 'resource', component: false, handler: save }, () => false),
    },
  },
});

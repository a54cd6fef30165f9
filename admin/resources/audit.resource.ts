import type { ResourceWithOptions } from 'adminjs';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { staffReadActions } from '../access.js';

export const auditResource: ResourceWithOptions = {
  resource: AuditLog,
  options: {
    navigation: { name: 'Audit', icon: 'Shield' },
    listProperties: ['id', 'created_at', 'actor_id', 'action', 'target_type', 'target_id', 'reason'],
    filterProperties: ['action', 'actor_id', 'target_type', 'target_id', 'created_at'],
    sort: { sortBy: 'id', direction: 'desc' },
    actions: {
      ...staffReadActions,
    },
  },
};

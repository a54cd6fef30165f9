import type { CurrentAdmin } from 'adminjs';
import type { Actor } from '../src/audit/actor.js';
import type { Role } from '../src/users/user.model.js';

/** The back-office's signed-in staff member as the services' Actor (for audit rows). */
export function actorOf(admin: CurrentAdmin | undefined): Actor {
  if (!admin?.id) throw new Error('no staff session');
  return { id: Number(admin.id), role: admin.role as Role, requestId: `admin-${Date.now().toString(36)}` };
}

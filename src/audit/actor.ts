import type { Request } from 'express';
import type { Role } from '../users/user.model.js';

/** Who is acting on staff paths: the staff user and the request that carried the action. */
export interface Actor {
  id: number;
  role: Role;
  requestId?: string;
}

export function actorFrom(req: Request): Actor {
  if (!req.user) throw new Error('actorFrom needs an authenticated request');
  return { id: req.user.id, role: req.user.role, requestId: String(req.id ?? '') || undefined };
}

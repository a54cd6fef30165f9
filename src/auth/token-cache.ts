import { QueryTypes } from 'sequelize';
import { db } from '../db/database.js';
import { FeedCache } from '../db/feed-cache.js';
import { feedGeneration, onChange, onReset } from '../db/change-feed.js';
import type { Role } from '../users/user.model.js';

export interface TokenOwner {
  id: number;
  username: string;
  role: Role;
  is_active: boolean;
  token_version: number;
  revoked: boolean;
}

/**
 * Token state per token id, kept while the change feed is live: a logout (token:<jti>) or a change
 * to the owner's role, status, name or token version (user:<id>) drops it on every instance at once.
 */
const owners = new FeedCache<string, TokenOwner | undefined>(60_000, 100_000);
const tokensOf = new Map<number, Set<string>>();
onChange((message) => {
  const [kind, id] = message.split(':');
  if (kind === 'token') forgetToken(id);
  if (kind === 'user') forgetUser(Number(id));
});
onReset(() => tokensOf.clear());

/** The owner's current state and whether this token id was logged out: one round trip, or none. */
export async function lookUpOwner(id: number, jti: string): Promise<TokenOwner | undefined> {
  const cached = owners.get(jti);
  if (cached) return cached;
  const generation = feedGeneration();
  const [owner] = await db().query<TokenOwner>(
    `SELECT u.id, u.username, u.role, u.is_active, u.token_version,
            EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = :jti) AS revoked
       FROM users u WHERE u.id = :id`,
    { replacements: { id, jti }, type: QueryTypes.SELECT },
  );
  if (owner) {
    owners.set(jti, owner, generation);
    if (tokensOf.size > 100_000) tokensOf.clear();
    tokensOf.set(id, (tokensOf.get(id) ?? new Set()).add(jti));
  }
  return owner;
}

/** This instance forgets at once what it just changed itself; the others hear it from the feed. */
export function forgetToken(jti: string): void {
  owners.delete(jti);
}

export function forgetUser(id: number): void {
  for (const jti of tokensOf.get(id) ?? []) owners.delete(jti);
  tokensOf.delete(id);
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

export interface RequestContext {
  requestId: string;
  /** Set by routes whose reads may be served by the replica (see src/db/replica.ts). */
  replicaReads?: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The context of the request being served, if any (also inside services and queries it awaits). */
export function requestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** A client's own id is kept when it is short and plain; anything else gets a fresh UUID. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(given: string | string[] | undefined): string {
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}

/**
 * Runs the rest of the request inside its context, so every log line written while serving it
 * (by any logger, see createLogger's mixin) carries `request_id`.
 */
export const withRequestContext: RequestHandler = (req, _res, next) => {
  storage.run({ requestId: String(req.id) }, next);
};

/** Runs `work` with extra context flags set for this request (e.g. replica reads). */
export function withContext<T>(patch: Partial<RequestContext>, work: () => T): T {
  const current = storage.getStore();
  return storage.run({ requestId: current?.requestId ?? randomUUID(), ...current, ...patch }, work);
}

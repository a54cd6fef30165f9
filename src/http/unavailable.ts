import { SharedStateUnavailable } from '../cluster/shared-state.js';

// Connection-level failures: PostgreSQL stopped, restarting or unreachable; Redis away.
const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
const UNAVAILABLE_NAMES = new Set([
  'SequelizeConnectionError',
  'SequelizeConnectionRefusedError',
  'SequelizeConnectionTimedOutError',
  'SequelizeConnectionAcquireTimeoutError',
  'SequelizeHostNotFoundError',
  'SequelizeHostNotReachableError',
  'ClientClosedError',
  'ClientOfflineError',
  'SocketClosedUnexpectedlyError',
  'ConnectionTimeoutError',
]);
const UNAVAILABLE_MESSAGES = /Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down)|Client has encountered a connection error|The client is (closed|offline)/;

/**
 * Whether an error means a dependency (database, replica or Redis) is down rather than a bug: the
 * request is answered 503 and the server carries on; pools reconnect once it is back.
 */
export function isDependencyDown(error: unknown): boolean {
  for (let e = error as { name?: string; code?: string; message?: string; parent?: unknown; original?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e instanceof SharedStateUnavailable) return true;
    if (e.name && UNAVAILABLE_NAMES.has(e.name)) return true;
    if (e.code && PG_UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
    e = (e.parent ?? e.original ?? e.cause) as typeof e;
  }
  return false;
}

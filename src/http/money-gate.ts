import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from './errors.js';

/** A counting semaphore whose waiters are served first come, first served, or give up at a deadline. */
class Slots {
  private used = 0;
  private readonly waiting: { grant: () => void }[] = [];
  constructor(private readonly size: number) {}

  get idle(): boolean {
    return this.used === 0 && this.waiting.length === 0;
  }

  get queued(): number {
    return this.waiting.length;
  }

  take(deadline: number): Promise<boolean> {
    if (this.used < this.size && this.waiting.length === 0) {
      this.used++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
      this.waiting.push(waiter);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.used--;
  }
}

export interface MoneyGateOptions {
  /** Money writes of one account running at once. */
  perAccount: number;
  /** Money writes running at once in this process: the database pool keeps the rest for reads. */
  total: number;
  /** Longest wait in line before 429. */
  waitMs: number;
  /** Longest line per account; further requests get 429 at once. */
  maxQueue: number;
}

/** The route calls res.locals.releaseMoneySlot when its work is done; 'close' covers a request that ended otherwise. */
function holdUntilDone(res: Response, release: () => void) {
  let released = false;
  res.locals.releaseMoneySlot = () => {
    if (released) return;
    released = true;
    release();
  };
  res.on('close', res.locals.releaseMoneySlot);
}

const busy = () =>
  new AppError(429, 'too_many_concurrent_requests', 'Too many money requests from this account at once; try again shortly', [], { 'Retry-After': '1' });

/**
 * Money writes hold a database connection for their whole unit of work. One account's burst must
 * neither hold every connection (other members' reads would stall behind it) nor pile up on its own
 * row locks: at most `perAccount` of a member account's money writes run at once and at most
 * `total` overall; the rest wait in line briefly, then get 429 with Retry-After.
 */
export function moneyGate(opts: MoneyGateOptions): RequestHandler {
  const accounts = new Map<number, Slots>();
  const overall = new Slots(opts.total);
  return async (req: Request, res, next) => {
    if (req.user!.role !== 'member') return staffGate(res, next);
    const id = req.user!.id;
    let mine = accounts.get(id);
    if (!mine) accounts.set(id, (mine = new Slots(opts.perAccount)));
    if (mine.queued >= opts.maxQueue) return next(busy());
    const deadline = Date.now() + opts.waitMs;
    if (!(await mine.take(deadline))) return next(busy());
    if (!(await overall.take(deadline))) {
      release(id, mine);
      return next(busy());
    }
    holdUntilDone(res, () => {
      overall.release();
      release(id, mine);
    });
    next();
  };

  /** Staff act on many members (audited, one at a time in the panel): only the overall bound applies. */
  async function staffGate(res: Response, next: NextFunction) {
    if (!(await overall.take(Date.now() + opts.waitMs))) return next(busy());
    holdUntilDone(res, () => overall.release());
    next();
  }

  function release(id: number, slots: Slots) {
    slots.release();
    if (slots.idle && accounts.get(id) === slots) accounts.delete(id);
  }
}

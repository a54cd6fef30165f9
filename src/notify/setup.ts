import type { Agenda } from 'agenda';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { createMailer, type Mailer } from './mailer.js';
import { configureNotify } from './outbox.service.js';

/** Wires the outbox to this process's Agenda and mail transport; returns the mailer to close on shutdown. */
export function setupNotifications(opts: { env: Env; logger: Logger; agenda: Agenda }): Mailer {
  const mailer = createMailer(opts.env, opts.logger);
  configureNotify({
    referralBaseUrl: opts.env.REFERRAL_BASE_URL,
    enqueue: (id) => opts.agenda.now('send-email', { id }),
    mailer,
    leaseMs: opts.env.JOBS_LOCK_LIFETIME_MS,
    logger: opts.logger,
  });
  opts.logger.info({ mail: mailer.target }, 'mail transport ready');
  return mailer;
}

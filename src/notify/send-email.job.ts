import type { JobSpec } from '../jobs/job-spec.js';
import { claimEmail, markFailed, markSent, notifySettings, sweepOutbox } from './outbox.service.js';

/**
 * With `{id}`: delivers one outbox row (queued after the commit that wrote it). A failure is
 * thrown so Agenda retries with backoff; the row records each error and ends 'failed' after the
 * last attempt. Without an id (the recurring run): sweeps rows whose delivery was lost.
 */
export const sendEmailJob: JobSpec<{ id?: string | number }> = {
  name: 'send-email',
  every: '1 minute',
  concurrency: 5,
  async run(job, ctx) {
    const id = job.attrs.data?.id;
    if (id === undefined || id === null) return sweepOutbox();
    const { mailer } = notifySettings();
    if (!mailer) throw new Error('send-email: no mailer configured');
    const email = await claimEmail(String(id));
    if (!email) return { sent: 0, already_handled: 1 };
    try {
      await mailer.send({ id: String(email.id), to: email.to_address, subject: email.subject, text: email.text, html: email.html });
    } catch (error) {
      await markFailed(String(email.id), (error as Error).message ?? String(error), ctx.retryDelayMs);
      throw error;
    }
    await markSent(String(email.id));
    return { sent: 1, attempts: email.attempts };
  },
};

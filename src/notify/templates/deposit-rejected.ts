import { compose, mxc, type EmailTemplate } from './compose.js';
import type { MoneyEvent } from './money-event.js';

export const depositRejected: EmailTemplate<MoneyEvent & { reason?: string | null }> = {
  name: 'deposit-rejected',
  render: (d) =>
    compose({
      subject: `Deposit rejected: ${mxc(d.amount)}`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: ['Your deposit was not approved and nothing was credited. Contact support if you think this is a mistake.'],
      facts: [['Amount', mxc(d.amount)], ['Transaction', `#${d.transactionId}`], ...(d.reason ? [['Reason', d.reason] as [string, string]] : [])],
    }),
};

import { compose, mxc, type EmailTemplate } from './compose.js';
import type { MoneyEvent } from './money-event.js';

export const withdrawalRejected: EmailTemplate<MoneyEvent & { reason: string }> = {
  name: 'withdrawal-rejected',
  render: (d) =>
    compose({
      subject: `Withdrawal rejected: ${mxc(d.amount)}`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: ['Your withdrawal was rejected; the locked amount is back in your wallet.'],
      facts: [['Amount', mxc(d.amount)], ['Transaction', `#${d.transactionId}`], ['Reason', d.reason]],
    }),
};

import { compose, mxc, type EmailTemplate } from './compose.js';
import type { MoneyEvent } from './money-event.js';

export const depositApproved: EmailTemplate<MoneyEvent> = {
  name: 'deposit-approved',
  render: (d) =>
    compose({
      subject: `Deposit approved: ${mxc(d.amount)}`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: ['Your deposit was approved and the amount is now in your wallet.'],
      facts: [['Amount', mxc(d.amount)], ['Transaction', `#${d.transactionId}`]],
    }),
};

import { compose, mxc, type EmailTemplate } from './compose.js';
import type { MoneyEvent } from './money-event.js';

export const withdrawalApproved: EmailTemplate<MoneyEvent & { txHash?: string | null }> = {
  name: 'withdrawal-approved',
  render: (d) =>
    compose({
      subject: `Withdrawal approved: ${mxc(d.amount)}`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: ['Your withdrawal was approved and paid out.'],
      facts: [['Amount', mxc(d.amount)], ['Transaction', `#${d.transactionId}`], ...(d.txHash ? [['Tx hash', d.txHash] as [string, string]] : [])],
    }),
};

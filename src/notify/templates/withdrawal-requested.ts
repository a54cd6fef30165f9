import { compose, mxc, type EmailTemplate } from './compose.js';
import type { MoneyEvent } from './money-event.js';

export const withdrawalRequested: EmailTemplate<MoneyEvent & { fee?: string; netAmount?: string; walletAddress?: string }> = {
  name: 'withdrawal-requested',
  render: (d) =>
    compose({
      subject: `Withdrawal requested: ${mxc(d.amount)}`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: [
        'We received your withdrawal request; the amount is locked until our team processes it.',
        'If you did not make this request, change your password and contact support at once.',
      ],
      facts: [
        ['Amount', mxc(d.amount)],
        ...(d.fee ? [['Fee', mxc(d.fee)] as [string, string]] : []),
        ...(d.netAmount ? [['You receive', mxc(d.netAmount)] as [string, string]] : []),
        ...(d.walletAddress ? [['To address', d.walletAddress] as [string, string]] : []),
        ['Transaction', `#${d.transactionId}`],
      ],
    }),
};

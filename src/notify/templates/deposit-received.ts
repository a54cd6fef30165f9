import { compose, mxc, type EmailTemplate } from './compose.js';
import type { MoneyEvent } from './money-event.js';

export const depositReceived: EmailTemplate<MoneyEvent> = {
  name: 'deposit-received',
  render: (d) =>
    compose({
      subject: `Deposit received: ${mxc(d.amount)}`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: ['We received your deposit request. It will be credited once our team has checked it.'],
      facts: [['Amount', mxc(d.amount)], ['Transaction', `#${d.transactionId}`]],
    }),
};

import { compose, PRODUCT_NAME, type EmailTemplate } from './compose.js';

export const ledgerAlert: EmailTemplate<{ summary: string; details: [string, string][]; checkedAt: Date }> = {
  name: 'ledger-alert',
  render: (d) =>
    compose({
      subject: `${PRODUCT_NAME} ledger alert: ${d.summary}`,
      greeting: 'Hello,',
      paragraphs: [
        `The ledger verification at ${d.checkedAt.toISOString()} found a problem: ${d.summary}.`,
        'Check the job record (ledger-verify) in the back-office before approving further money movements.',
      ],
      facts: d.details,
    }),
};

import { compose, PRODUCT_NAME, type EmailTemplate } from './compose.js';

/** Operations trouble staff must act on (a backup that failed or does not restore). */
export const opsAlert: EmailTemplate<{ title: string; summary: string; action: string; details: [string, string][]; at: Date }> = {
  name: 'ops-alert',
  render: (d) =>
    compose({
      subject: `${PRODUCT_NAME} operations alert: ${d.title}`,
      greeting: 'Hello,',
      paragraphs: [`At ${d.at.toISOString()}: ${d.summary}`, d.action],
      facts: d.details,
    }),
};

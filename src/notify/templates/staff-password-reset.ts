import { compose, PRODUCT_NAME, type EmailTemplate } from './compose.js';

export const staffPasswordReset: EmailTemplate<{ username: string; role: string }> = {
  name: 'staff-password-reset',
  render: (d) =>
    compose({
      subject: `${PRODUCT_NAME} back-office: your staff password was reset`,
      greeting: `Hello ${d.username},`,
      paragraphs: [
        `The password of your staff account (role: ${d.role}) was reset by an administrator and earlier sign-ins were ended.`,
        'If you did not expect this, tell the other administrators at once.',
      ],
    }),
};

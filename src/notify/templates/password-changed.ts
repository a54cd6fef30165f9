import { compose, PRODUCT_NAME, type EmailTemplate } from './compose.js';

export const passwordChanged: EmailTemplate<{ firstName: string; username: string }> = {
  name: 'password-changed',
  render: (d) =>
    compose({
      subject: `Your ${PRODUCT_NAME} password was changed`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: [
        `The password of your account "${d.username}" was just changed and every earlier sign-in was ended.`,
        'If this was not you, contact support at once.',
      ],
    }),
};

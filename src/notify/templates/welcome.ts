import { compose, PRODUCT_NAME, type EmailTemplate } from './compose.js';

export const welcome: EmailTemplate<{ firstName: string; username: string; referralLink: string }> = {
  name: 'welcome',
  render: (d) =>
    compose({
      subject: `Welcome to ${PRODUCT_NAME}, ${d.firstName}`,
      greeting: `Hello ${d.firstName},`,
      paragraphs: [
        `Your ${PRODUCT_NAME} account "${d.username}" is ready. Your nine wallets are open and you can sign in now.`,
        'Invite friends with your personal referral link:',
      ],
      link: { label: 'Your referral link', url: d.referralLink },
    }),
};

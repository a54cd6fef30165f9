export const PRODUCT_NAME = 'MetaX Coin';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** An email template: one module per message, rendered when the mail is queued. */
export interface EmailTemplate<Data> {
  name: string;
  render(data: Data): RenderedEmail;
}

/** Amounts arrive as the ledger's decimal strings ("10.00000000") and are shown exactly as given. */
export function mxc(amount: string): string {
  if (!/^-?\d{1,12}(\.\d{1,8})?$/.test(amount)) throw new Error(`not a decimal amount: ${amount}`);
  return `${amount} MXC`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

export interface Content {
  subject: string;
  greeting: string;
  paragraphs: string[];
  /** Label/value lines (amount, transaction id, …) shown as a small table. */
  facts?: [string, string][];
  link?: { label: string; url: string };
}

/**
 * Builds the plain-text and HTML bodies from one description, so the two never disagree. Every
 * value is escaped for HTML: member names and staff notes end up here.
 */
export function compose(content: Content): RenderedEmail {
  const facts = content.facts ?? [];
  const text = [
    content.greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(facts.length ? [...facts.map(([k, v]) => `${k}: ${v}`), ''] : []),
    ...(content.link ? [`${content.link.label}: ${content.link.url}`, ''] : []),
    `— The ${PRODUCT_NAME} team`,
  ].join('\n');

  const rows = facts
    .map(([k, v]) => `<tr><td style="padding:2px 12px 2px 0;color:#555">${escapeHtml(k)}</td><td style="padding:2px 0"><strong>${escapeHtml(v)}</strong></td></tr>`)
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#222">',
    `<h2 style="color:#1a3d7c">${escapeHtml(PRODUCT_NAME)}</h2>`,
    `<p>${escapeHtml(content.greeting)}</p>`,
    ...content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    rows ? `<table>${rows}</table>` : '',
    content.link ? `<p><a href="${escapeHtml(content.link.url)}">${escapeHtml(content.link.label)}</a><br>${escapeHtml(content.link.url)}</p>` : '',
    `<p style="color:#777">— The ${escapeHtml(PRODUCT_NAME)} team</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: content.subject, text, html };
}

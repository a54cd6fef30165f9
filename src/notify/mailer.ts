import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';

export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Where mail goes, for logs: `smtp://host:port` or the outbox folder. */
  target: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

type MailEnv = Pick<Env, 'MAIL_SERVER' | 'MAIL_PORT' | 'MAIL_USE_TLS' | 'MAIL_USERNAME' | 'MAIL_PASSWORD' | 'MAIL_FROM' | 'DATA_DIR'>;

/** A stable Message-ID per outbox row, so a mail re-sent after a crash is recognisably the same one. */
function messageId(env: MailEnv, id: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(env.MAIL_FROM)?.[1] ?? 'metaxcoin.cloud';
  return `<email-${id}@${domain}>`;
}

/**
 * SMTP from the MAIL_* settings; without MAIL_SERVER (development and tests only — production
 * refuses to start) each message is written as an .eml file under DATA_DIR/outbox.
 */
export function createMailer(env: MailEnv, logger: Logger): Mailer {
  if (env.MAIL_SERVER) {
    const implicitTls = env.MAIL_PORT === 465;
    const transport = nodemailer.createTransport({
      host: env.MAIL_SERVER,
      port: env.MAIL_PORT,
      secure: implicitTls,
      // Flask-Mail's MAIL_USE_TLS means STARTTLS: required when on, not attempted when off.
      requireTLS: env.MAIL_USE_TLS && !implicitTls,
      ignoreTLS: !env.MAIL_USE_TLS && !implicitTls,
      auth: env.MAIL_USERNAME ? { user: env.MAIL_USERNAME, pass: env.MAIL_PASSWORD ?? '' } : undefined,
      // nodemailer waits minutes by default; a job should fail fast and retry instead.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      target: `smtp://${env.MAIL_SERVER}:${env.MAIL_PORT}`,
      async send(mail) {
        await transport.sendMail({ from: env.MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: messageId(env, mail.id) });
      },
      close: () => transport.close(),
    };
  }

  const folder = path.join(env.DATA_DIR, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    target: folder,
    async send(mail) {
      const info = await transport.sendMail({ from: env.MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: messageId(env, mail.id) });
      await fs.mkdir(folder, { recursive: true });
      const file = path.join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-email-${mail.id}.eml`);
      await fs.writeFile(file, info.message as Buffer);
      logger.info({ file, to: mail.to, subject: mail.subject }, 'no MAIL_SERVER: mail written to the outbox folder');
    },
    close: () => transport.close(),
  };
}

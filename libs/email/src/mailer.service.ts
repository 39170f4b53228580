import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '@fjord/config';
import { createTransport } from 'nodemailer';

export interface SendEmailInput {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Deterministic, e.g. mediaMessageId(id, 'ready'): see message-id.ts for why. */
  messageId: string;
}

export interface SendEmailResult {
  messageId: string;
  transport: 'smtp' | 'outbox';
}

export interface Mailer {
  readonly transport: 'smtp' | 'outbox';
  send(input: SendEmailInput): Promise<SendEmailResult>;
  /** Throws when the SMTP server cannot be reached / the outbox folder cannot be written. */
  verify(): Promise<void>;
  close(): Promise<void>;
}

export type MailerConfig = Pick<
  Config,
  | 'SMTP_URL'
  | 'MAIL_FROM'
  | 'mailOutboxDir'
  | 'SMTP_CONNECTION_TIMEOUT_MS'
  | 'SMTP_GREETING_TIMEOUT_MS'
  | 'SMTP_SOCKET_TIMEOUT_MS'
>;

/** `<media-1-ready@fjord>` → `media-1-ready@fjord.eml`: the same message always lands in the same file. */
export function outboxFileName(messageId: string): string {
  const base = messageId.replace(/^<|>$/g, '').replace(/[^a-zA-Z0-9@._-]/g, '_');
  return `${base.replace(/^\.+/, '') || 'message'}.eml`;
}

function createSmtpMailer(config: MailerConfig & { SMTP_URL: string }): Mailer {
  // One pooled connection per process, reused across jobs: an SMTP handshake (+TLS) per email would cost
  // more than rendering it. The timeouts bound every wait on the server (nodemailer's own defaults are
  // 2 min / 30 s / 10 min), so a stalled server fails the send and the queue retries it later.
  // maxRequeues: the pool resends on a new connection only when no byte of the message went out; one
  // such retry covers a server that closed an idle pooled connection, the queue's backoff covers the rest.
  const transporter = createTransport(
    {
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 2,
      maxRequeues: 1,
      connectionTimeout: config.SMTP_CONNECTION_TIMEOUT_MS,
      greetingTimeout: config.SMTP_GREETING_TIMEOUT_MS,
      socketTimeout: config.SMTP_SOCKET_TIMEOUT_MS,
    },
    { from: config.MAIL_FROM },
  );
  return {
    transport: 'smtp',
    async send({ messageId, ...mail }) {
      const info = await transporter.sendMail({ ...mail, messageId });
      return { messageId: info.messageId || messageId, transport: 'smtp' };
    },
    async verify() {
      await transporter.verify();
    },
    async close() {
      transporter.close();
    },
  };
}

function createOutboxMailer(outboxDir: string, from: string): Mailer {
  // streamTransport builds the exact RFC 822 message SMTP would carry, without sending it anywhere.
  const transporter = createTransport({ streamTransport: true, buffer: true, newline: 'unix' }, { from });
  return {
    transport: 'outbox',
    async send({ messageId, ...mail }) {
      const info = await transporter.sendMail({ ...mail, messageId });
      await fs.mkdir(outboxDir, { recursive: true });
      const target = path.join(outboxDir, outboxFileName(messageId));
      // Write then rename, so a reader of the folder never opens half a message.
      const temp = path.join(outboxDir, `.${randomUUID()}.tmp`);
      try {
        await fs.writeFile(temp, info.message as Buffer);
        await fs.rename(temp, target);
      } catch (err) {
        await fs.rm(temp, { force: true });
        throw err;
      }
      return { messageId: info.messageId || messageId, transport: 'outbox' };
    },
    async verify() {
      await fs.mkdir(outboxDir, { recursive: true });
      await fs.access(outboxDir, fs.constants.W_OK);
    },
    async close() {
      transporter.close();
    },
  };
}

/** SMTP when SMTP_URL is set; otherwise .eml files in the outbox folder, readable by any mail client. */
export function createMailer(config: MailerConfig): Mailer {
  return config.SMTP_URL
    ? createSmtpMailer({ ...config, SMTP_URL: config.SMTP_URL })
    : createOutboxMailer(config.mailOutboxDir, config.MAIL_FROM);
}

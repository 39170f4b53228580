import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { startSmtpListener, testConfig, type SmtpListener } from '@fjord/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, outboxFileName, type Mailer } from './mailer.service';
import { mediaMessageId } from './message-id';
import { renderMediaReadyEmail } from './templates/media-ready.template';

/** Counts TCP sessions, which startSmtpListener does not expose: enough to see the pool at work. */
async function startCountingSmtpServer() {
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const content = renderMediaReadyEmail({
  recipientName: 'Ada',
  mediaName: '<script>x</script>.jpg',
  mediaUrl: 'https://fjord.example/media/1',
  renditionCount: 3,
});

describe('SMTP mode', () => {
  let listener: SmtpListener;
  let mailer: Mailer;

  beforeAll(async () => {
    listener = await startSmtpListener();
    mailer = createMailer(testConfig({ SMTP_URL: listener.url, MAIL_FROM: 'Fjord <fjord@test.local>' }));
  });

  afterAll(async () => {
    await mailer.close();
    await listener.close();
  });

  it('delivers over SMTP with the given Message-ID', async () => {
    expect(mailer.transport).toBe('smtp');
    await mailer.verify();
    const first = await mailer.send({
      to: 'ada@example.com',
      ...content,
      messageId: mediaMessageId('m-1', 'ready'),
    });
    await mailer.send({ to: 'ada@example.com', ...content, messageId: mediaMessageId('m-2', 'ready') });
    expect(first).toEqual({ messageId: '<media-m-1-ready@fjord>', transport: 'smtp' });

    const [mail1, mail2] = await listener.waitForMessages(2);
    expect(mail1?.messageId).toBe('<media-m-1-ready@fjord>');
    expect(mail2?.messageId).toBe('<media-m-2-ready@fjord>');
    expect(mail1?.subject).toBe(content.subject);
    expect(mail1?.from?.value[0]).toMatchObject({ name: 'Fjord', address: 'fjord@test.local' });
    expect(mail1?.text).toContain('Hi Ada,');
    expect(mail1?.html).toContain('&lt;script&gt;');
  });

  it('reuses one pooled connection across sends', async () => {
    const server = await startCountingSmtpServer();
    const pooled = createMailer(testConfig({ SMTP_URL: server.url }));
    try {
      for (const id of ['p-1', 'p-2', 'p-3']) {
        await pooled.send({ to: 'ada@example.com', ...content, messageId: mediaMessageId(id, 'ready') });
      }
      expect(server.connections()).toBe(1);
    } finally {
      await pooled.close();
      await server.close();
    }
  });

  it('fails loudly when the server is unreachable', async () => {
    const server = await startCountingSmtpServer();
    const url = server.url;
    await server.close();
    const broken = createMailer(testConfig({ SMTP_URL: url }));
    try {
      await expect(broken.verify()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await broken.close();
    }
  });
});

describe('outbox mode', () => {
  let outboxDir: string;
  let mailer: Mailer;

  beforeAll(async () => {
    const config = testConfig({ MAIL_FROM: 'Fjord <fjord@test.local>' });
    outboxDir = config.mailOutboxDir;
    mailer = createMailer(config);
  });

  afterEach(async () => {
    for (const name of await fs.readdir(outboxDir)) await fs.rm(path.join(outboxDir, name));
  });

  afterAll(async () => {
    await mailer.close();
    // testConfig made a fresh data dir for this file; the outbox lives inside it.
    await fs.rm(path.dirname(outboxDir), { recursive: true, force: true });
  });

  it('writes a parseable .eml named after the Message-ID', async () => {
    expect(mailer.transport).toBe('outbox');
    await mailer.verify();
    expect(await fs.readdir(outboxDir)).toEqual([]);
    const messageId = mediaMessageId('m-3', 'MEDIA_READY');
    const result = await mailer.send({ to: 'ada@example.com', ...content, messageId });
    expect(result).toEqual({ messageId: '<media-m-3-media-ready@fjord>', transport: 'outbox' });

    expect(await fs.readdir(outboxDir)).toEqual(['media-m-3-media-ready@fjord.eml']);
    const mail = await simpleParser(
      await fs.readFile(path.join(outboxDir, 'media-m-3-media-ready@fjord.eml')),
    );
    expect(mail.messageId).toBe(messageId);
    expect(mail.subject).toBe(content.subject);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('ada@example.com');
    expect(mail.html).toContain('href="https://fjord.example/media/1"');
    expect(mail.text).toContain('3 versions are ready');
  });

  it('a resend of the same message replaces the file instead of adding one', async () => {
    const messageId = mediaMessageId('m-4', 'failed');
    await mailer.send({ to: 'a@example.com', ...content, messageId });
    await mailer.send({ to: 'a@example.com', ...content, messageId });
    expect(await fs.readdir(outboxDir)).toEqual([outboxFileName(messageId)]);
  });
});

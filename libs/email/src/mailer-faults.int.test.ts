import { closedLoopbackPort, startFaultySmtpServer, testConfig, type FaultySmtpServer } from '@fjord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type Mailer } from './mailer.service';
import { mediaMessageId } from './message-id';
import { classifySmtpError, describeSmtpError } from './smtp-error';

// Small bounds so every fault resolves in well under a second; production defaults are 10 s/10 s/30 s.
const timeouts = {
  SMTP_CONNECTION_TIMEOUT_MS: '1000',
  SMTP_GREETING_TIMEOUT_MS: '300',
  SMTP_SOCKET_TIMEOUT_MS: '500',
};
const mail = { to: 'ada@example.com', subject: 'Your media is ready', text: 'hi', html: '<p>hi</p>' };

async function sendFailure(mailer: Mailer, messageId: string) {
  const started = performance.now();
  const error = await mailer.send({ ...mail, messageId }).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, ms: performance.now() - started };
}

describe('SMTP faults, against a real server on loopback', () => {
  let server: FaultySmtpServer;
  let mailer: Mailer;

  beforeAll(async () => {
    server = await startFaultySmtpServer();
    mailer = createMailer(testConfig({ SMTP_URL: server.url, ...timeouts }));
  });

  afterAll(async () => {
    await mailer.close();
    await server.close();
  });

  it('a refused connection fails at once, as transient', async () => {
    const refused = createMailer(
      testConfig({ SMTP_URL: `smtp://127.0.0.1:${await closedLoopbackPort()}`, ...timeouts }),
    );
    try {
      const { error, ms } = await sendFailure(refused, mediaMessageId('refused', 'ready'));
      expect(error).toMatchObject({ message: expect.stringMatching(/ECONNREFUSED/) });
      expect(classifySmtpError(error)).toBe('transient');
      expect(ms).toBeLessThan(1000);
    } finally {
      await refused.close();
    }
  });

  it('451 to RCPT TO is transient; the retry delivers exactly one message', async () => {
    const messageId = mediaMessageId('m451', 'ready');
    server.failNext('rcpt-451');
    const { error } = await sendFailure(mailer, messageId);
    expect(error).toMatchObject({ responseCode: 451, command: 'RCPT TO' });
    expect(classifySmtpError(error)).toBe('transient');
    await mailer.send({ ...mail, messageId });
    await server.waitForReceived(1);
    expect(server.copiesOf(messageId)).toBe(1);
  });

  it('550 to RCPT TO is permanent, with the server reply as the reason, and nothing is delivered', async () => {
    const messageId = mediaMessageId('m550', 'ready');
    server.failNext('rcpt-550');
    const { error } = await sendFailure(mailer, messageId);
    expect(classifySmtpError(error)).toBe('permanent');
    expect(describeSmtpError(error)).toBe('550 5.1.1 <ada@example.com>: mailbox unavailable');
    expect(server.copiesOf(messageId)).toBe(0);
  });

  it('a connection dropped after DATA is transient; the server may already hold the message', async () => {
    const messageId = mediaMessageId('mdrop', 'ready');
    server.failNext('drop-after-data');
    const { error } = await sendFailure(mailer, messageId);
    expect(error).toMatchObject({ code: 'ECONNECTION' });
    expect(classifySmtpError(error)).toBe('transient');
    // nodemailer's pool does not resend a message it already streamed: one copy, unacknowledged.
    expect(server.received.filter((r) => r.messageId === messageId).map((r) => r.acknowledged)).toEqual([
      false,
    ]);
    // The caller's retry is the second copy; both carry the same Message-ID, so the receiver can fold them.
    await mailer.send({ ...mail, messageId });
    expect(server.received.filter((r) => r.messageId === messageId).map((r) => r.acknowledged)).toEqual([
      false,
      true,
    ]);
  });

  it('a server that never greets fails within the greeting timeout', async () => {
    server.failNext('stall-greeting');
    const stalled = createMailer(testConfig({ SMTP_URL: server.url, ...timeouts }));
    try {
      const { error, ms } = await sendFailure(stalled, mediaMessageId('mgreet', 'ready'));
      expect(error).toMatchObject({ code: 'ETIMEDOUT' });
      expect(classifySmtpError(error)).toBe('transient');
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(2_000);
    } finally {
      await stalled.close();
    }
  });

  it('a server that never answers DATA fails within the socket timeout', async () => {
    const messageId = mediaMessageId('mstall', 'ready');
    server.failNext('stall-after-data');
    const { error, ms } = await sendFailure(mailer, messageId);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(classifySmtpError(error)).toBe('transient');
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(2_500);
    // After the stalled one, the pool opens a fresh connection and carries on.
    await mailer.send({ ...mail, messageId: mediaMessageId('mafter', 'ready') });
    expect(server.copiesOf(mediaMessageId('mafter', 'ready'))).toBe(1);
  });
});

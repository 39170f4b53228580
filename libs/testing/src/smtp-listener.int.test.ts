import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpListener, type SmtpListener } from './smtp-listener';

describe('startSmtpListener', () => {
  let listener: SmtpListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  it('receives and parses what nodemailer sends', async () => {
    listener = await startSmtpListener();
    const transport = nodemailer.createTransport(listener.url);
    try {
      await transport.sendMail({
        from: 'Fjord <fjord@localhost>',
        to: 'someone@example.test',
        subject: 'Your image is ready',
        text: 'All 4 renditions are done.',
        messageId: '<media-1-ready@fjord>',
      });
    } finally {
      transport.close();
    }
    const [mail] = await listener.waitForMessages(1);
    expect(mail?.subject).toBe('Your image is ready');
    expect(mail?.text?.trim()).toBe('All 4 renditions are done.');
    expect(mail?.messageId).toBe('<media-1-ready@fjord>');
    expect(mail?.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('someone@example.test');
  });

  it('accepts any credentials, so SMTP_URL may carry a user and password', async () => {
    listener = await startSmtpListener();
    const transport = nodemailer.createTransport(listener.url.replace('smtp://', 'smtp://user:secret@'));
    try {
      await transport.sendMail({ from: 'a@localhost', to: 'b@localhost', subject: 'with auth', text: 'hi' });
    } finally {
      transport.close();
    }
    expect((await listener.waitForMessages(1)).map((m) => m.subject)).toEqual(['with auth']);
  });

  it('times out with a readable error when too few messages arrive', async () => {
    listener = await startSmtpListener();
    await expect(listener.waitForMessages(1, 200)).rejects.toThrow(
      /1 message\(s\) on the SMTP listener, got 0/,
    );
  });
});

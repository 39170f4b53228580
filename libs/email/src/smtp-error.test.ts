import { describe, expect, it } from 'vitest';
import { classifySmtpError, describeSmtpError, isPermanentSmtpError } from './smtp-error';

/** Shaped like nodemailer's errors (smtp-connection _formatError): code, response, responseCode, command. */
function smtpError(fields: { code?: string; response?: string; responseCode?: number; command?: string }) {
  return Object.assign(new Error(fields.response ?? fields.code ?? 'error'), fields);
}

describe('classifySmtpError', () => {
  it.each([
    ['550 to RCPT TO', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }],
    ['553 to RCPT TO (bad address)', { code: 'EENVELOPE', responseCode: 553, command: 'RCPT TO' }],
    ['554 after DATA', { code: 'EMESSAGE', responseCode: 554, command: 'DATA' }],
    ['552 to DATA', { code: 'EENVELOPE', responseCode: 552, command: 'DATA' }],
    ['invalid recipient, refused before sending', { code: 'EENVELOPE', command: 'API' }],
    ['no recipients', { code: 'EENVELOPE' }],
    ['larger than the server SIZE', { code: 'EMESSAGE', command: 'MAIL FROM' }],
  ])('%s is permanent', (_name, fields) => {
    expect(classifySmtpError(smtpError(fields))).toBe('permanent');
    expect(isPermanentSmtpError(smtpError(fields))).toBe(true);
  });

  it.each([
    ['451 to RCPT TO', { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }],
    ['452 after DATA', { code: 'EMESSAGE', responseCode: 452, command: 'DATA' }],
    ['421 closing', { code: 'ECONNECTION', responseCode: 421, command: 'CONN' }],
    ['503 bad sequence to DATA', { code: 'EENVELOPE', responseCode: 503, command: 'DATA' }],
    ['535 authentication failed', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }],
    ['550 to MAIL FROM (our sender)', { code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' }],
    ['554 greeting', { code: 'EPROTOCOL', responseCode: 554, command: 'CONN' }],
    ['connection refused', { code: 'ESOCKET', command: 'CONN' }],
    ['connection closed after DATA', { code: 'ECONNECTION', command: 'CONN' }],
    ['timeout', { code: 'ETIMEDOUT', command: 'CONN' }],
    ['DNS', { code: 'EDNS', command: 'CONN' }],
  ])('%s is transient', (_name, fields) => {
    expect(classifySmtpError(smtpError(fields))).toBe('transient');
  });

  it('anything that is not an SMTP error is transient (retried, bounded by the job attempts)', () => {
    expect(classifySmtpError(new TypeError('boom'))).toBe('transient');
    expect(classifySmtpError('a string')).toBe('transient');
    expect(classifySmtpError(undefined)).toBe('transient');
  });
});

describe('describeSmtpError', () => {
  it("prefers the server's reply and falls back to the message", () => {
    expect(describeSmtpError(smtpError({ response: '550 5.1.1 No such user ' }))).toBe(
      '550 5.1.1 No such user',
    );
    expect(describeSmtpError(new Error('Connection timeout'))).toBe('Connection timeout');
    expect(describeSmtpError(smtpError({ response: 'x'.repeat(1000) }))).toHaveLength(300);
  });
});

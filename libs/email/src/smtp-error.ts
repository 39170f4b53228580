/**
 * What a failed send means for the message. `permanent`: the server refused this message or address
 * (a 5xx reply to RCPT TO or DATA, or an address nodemailer rejects before sending): the same message
 * would be refused again, so retrying only repeats the refusal. `transient`: anything else — refused or
 * reset connections, timeouts, 4xx replies, authentication or sender problems (the operator's to fix,
 * the same for every email): retried with backoff.
 */
export type SmtpErrorClass = 'permanent' | 'transient';

/** The fields nodemailer sets on an SMTP error (see its errors.js); anything else counts as unknown. */
type SmtpErrorShape = { code?: unknown; responseCode?: unknown; command?: unknown; response?: unknown };

const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);

function shapeOf(err: unknown): SmtpErrorShape {
  return typeof err === 'object' && err !== null ? (err as SmtpErrorShape) : {};
}

export function classifySmtpError(err: unknown): SmtpErrorClass {
  const { code, responseCode, command } = shapeOf(err);
  if (typeof responseCode === 'number') {
    // RFC 5321: 5yz is a permanent negative reply, except 503 (bad sequence: the session, not the message).
    const isPermanentReply = responseCode >= 500 && responseCode < 600 && responseCode !== 503;
    return isPermanentReply && typeof command === 'string' && MESSAGE_COMMANDS.has(command)
      ? 'permanent'
      : 'transient';
  }
  // No reply at all: EENVELOPE/EMESSAGE are then nodemailer's own refusals (no or invalid recipient,
  // message larger than the server's SIZE), which no retry changes.
  return code === 'EENVELOPE' || code === 'EMESSAGE' ? 'permanent' : 'transient';
}

export function isPermanentSmtpError(err: unknown): boolean {
  return classifySmtpError(err) === 'permanent';
}

/** One line for a person: the server's own reply when there is one, else the error's message. */
export function describeSmtpError(err: unknown): string {
  const { response } = shapeOf(err);
  if (typeof response === 'string' && response.trim()) return response.trim().slice(0, 300);
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

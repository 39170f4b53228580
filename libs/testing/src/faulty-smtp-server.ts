import net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { waitFor } from './wait-for';

/**
 * One fault, used up by the next SMTP transaction (MAIL FROM … end of DATA), or by the next connection
 * for `stall-greeting`. Once the planned faults are used up, every transaction succeeds.
 * - `rcpt-451` / `rcpt-550`: that reply to RCPT TO (transient / permanent refusal of the address);
 * - `drop-after-data`: the whole message is read, then the socket is destroyed before any reply — the
 *   client cannot know whether the server kept it (the server here does: it is recorded, unacknowledged);
 * - `stall-after-data`: the whole message is read and recorded, then nothing is ever answered;
 * - `slow-after-data`: the whole message is read and recorded, and 250 comes after `slowReplyMs`;
 * - `stall-greeting`: the TCP connection is accepted and nothing is ever sent.
 */
export type SmtpFault =
  'rcpt-451' | 'rcpt-550' | 'drop-after-data' | 'stall-after-data' | 'slow-after-data' | 'stall-greeting';

export type ReceivedSmtpMessage = {
  /** The message as carried by DATA, dot-unstuffed. */
  raw: string;
  messageId: string | undefined;
  parse(): Promise<ParsedMail>;
  /** False when the server read the whole message and then dropped or stalled instead of replying 250. */
  acknowledged: boolean;
};

export type FaultySmtpServer = {
  /** smtp://127.0.0.1:<port>, ready for SMTP_URL. */
  url: string;
  /** Every message read to its end, acknowledged or not, in arrival order. */
  received: ReceivedSmtpMessage[];
  /** Plans faults for the next transactions (or connections, for `stall-greeting`), in order. */
  failNext(...faults: SmtpFault[]): void;
  stats(): { connections: number; transactions: number; pendingFaults: number };
  copiesOf(messageId: string): number;
  waitForReceived(n: number, timeoutMs?: number): Promise<ReceivedSmtpMessage[]>;
  close(): Promise<void>;
};

/**
 * A minimal SMTP server on raw TCP (RFC 5321 without extensions), for faults smtp-server cannot
 * produce: a reply that never comes, or a connection destroyed between the end of DATA and the reply.
 */
export async function startFaultySmtpServer({ slowReplyMs = 3_000 } = {}): Promise<FaultySmtpServer> {
  const planned: SmtpFault[] = [];
  const received: ReceivedSmtpMessage[] = [];
  const sockets = new Set<net.Socket>();
  const counts = { connections: 0, transactions: 0 };

  const server = net.createServer((socket) => {
    counts.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the client hanging up is part of the faults under test
    if (planned[0] === 'stall-greeting') {
      planned.shift();
      socket.resume();
      return;
    }
    let fault: SmtpFault | undefined;
    let buffer = '';
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);

    function endOfData(raw: string) {
      inData = false;
      const message = raw.replace(/^\.\./gm, '.');
      const acknowledged = fault !== 'drop-after-data' && fault !== 'stall-after-data';
      const current = fault;
      fault = undefined;
      // Recorded before the reply, as a real server queues a message before it answers 250.
      const messageId = /^message-id:[ \t]*(<[^>\r\n]+>)/im.exec(message.split('\r\n\r\n')[0] ?? '')?.[1];
      received.push({ raw: message, messageId, acknowledged, parse: () => simpleParser(message) });
      if (current === 'drop-after-data') socket.destroy();
      else if (current === 'slow-after-data') setTimeout(() => reply('250 2.0.0 queued'), slowReplyMs);
      else if (current !== 'stall-after-data') reply('250 2.0.0 queued');
    }

    function command(line: string) {
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') reply('250 fault.test');
      else if (verb === 'MAIL') {
        counts.transactions += 1;
        fault = planned.shift();
        reply('250 2.1.0 ok');
      } else if (verb === 'RCPT') {
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        if (fault === 'rcpt-451') reply(`451 4.3.0 <${address}>: try again later`);
        else if (fault === 'rcpt-550') reply(`550 5.1.1 <${address}>: mailbox unavailable`);
        else reply('250 2.1.5 ok');
      } else if (verb === 'DATA') {
        inData = true;
        reply('354 end with <CRLF>.<CRLF>');
      } else if (verb === 'RSET') {
        fault = undefined;
        reply('250 2.0.0 ok');
      } else if (verb === 'NOOP') reply('250 2.0.0 ok');
      else if (verb === 'QUIT') {
        reply('221 2.0.0 bye');
        socket.end();
      } else reply('502 5.5.2 command not implemented');
    }

    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.startsWith('.\r\n') ? 0 : buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const raw = end === 0 ? '' : buffer.slice(0, end + 2);
          buffer = buffer.slice(end === 0 ? 3 : end + 5);
          endOfData(raw);
          if (socket.destroyed) return;
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        command(line);
      }
    });
    reply('220 fault.test ESMTP');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const copiesOf = (messageId: string) => received.filter((r) => r.messageId === messageId).length;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    failNext: (...faults) => void planned.push(...faults),
    stats: () => ({ ...counts, pendingFaults: planned.length }),
    copiesOf,
    waitForReceived(n, timeoutMs = 10_000) {
      return waitFor(() => (received.length >= n ? [...received] : undefined), {
        timeoutMs,
        message: `${n} message(s) on the faulty SMTP server, got ${received.length}`,
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

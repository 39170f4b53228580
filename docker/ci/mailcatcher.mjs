// A development SMTP sink with a read-only, Mailpit-shaped JSON API (CI stand-in only).
import http from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const messages = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    simpleParser(stream).then((mail) => {
      messages.push({
        ID: String(messages.length + 1),
        From: { Address: mail.from?.value[0]?.address ?? '' },
        To: (mail.to?.value ?? []).map((a) => ({ Address: a.address })),
        Subject: mail.subject ?? '',
        Created: new Date().toISOString(),
      });
      callback();
    }, callback);
  },
});
smtp.listen(1025, '0.0.0.0');
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/api/v1/messages')) {
      res.end(JSON.stringify({ total: messages.length, messages: [...messages].reverse() }));
    } else res.end(JSON.stringify({ ok: true }));
  })
  .listen(8025, '0.0.0.0');
const stop = () => smtp.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

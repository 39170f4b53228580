const SNIPPET = `import { createHmac, timingSafeEqual } from 'node:crypto';

// header = req.headers['fjord-signature'], e.g. "t=1763900000,v1=5f2c…"; body = the raw request body.
export function verifyFjordSignature(secret: string, header: string, body: string, toleranceSeconds = 300) {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(\`\${t}.\${body}\`).digest('hex');
  const given = Buffer.from(String(parts.v1 ?? ''));
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}`;

/** How to check a delivery; the same code as verifyWebhookSignature in @fjord/sdk. */
export function WebhookVerification() {
  return (
    <article className="panel" id="webhook-signatures">
      <h2>Webhook signatures</h2>
      <p>
        Every delivery is a JSON POST with <code>Fjord-Event</code>, <code>Fjord-Event-Id</code> (stable: use
        it to ignore duplicates), <code>Fjord-Delivery-Id</code> and{' '}
        <code>
          Fjord-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, t + &quot;.&quot; + body)&gt;
        </code>
        . Answer 2xx within 10 s; anything else is retried with exponential backoff for about 24 hours.
        Redirects are not followed.
      </p>
      <pre>
        <code>{SNIPPET}</code>
      </pre>
    </article>
  );
}

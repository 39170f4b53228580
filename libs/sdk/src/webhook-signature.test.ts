import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from './webhook-signature';

const secret = 'whsec_test';
const body = '{"type":"media.ready","data":{"id":"x"}}';
const now = new Date('2026-11-23T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

describe('webhook signatures', () => {
  it('verifies its own signature within the tolerance', () => {
    const header = signWebhookPayload({ secret, body, timestamp: t });
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret, header, body, now })).toBe(true);
  });

  it('refuses another body, another secret, an old timestamp and garbage', () => {
    const header = signWebhookPayload({ secret, body, timestamp: t });
    expect(verifyWebhookSignature({ secret, header, body: `${body} `, now })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'other', header, body, now })).toBe(false);
    const old = signWebhookPayload({ secret, body, timestamp: t - 301 });
    expect(verifyWebhookSignature({ secret, header: old, body, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, header: 'nonsense', body, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, header: undefined, body, now })).toBe(false);
  });
});

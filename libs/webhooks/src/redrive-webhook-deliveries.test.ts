import { describe, expect, it } from 'vitest';
import { candidateWebhookJobIds } from './redrive-webhook-deliveries.service';

describe('candidateWebhookJobIds', () => {
  const id = '00000000-0000-4000-8000-000000000000';
  it('looks at the first round and every redelivery round the logged attempts allow, newest first', () => {
    expect(candidateWebhookJobIds(id, 0)).toEqual([`webhook.${id}.r1`, `webhook.${id}`]);
    expect(candidateWebhookJobIds(id, 2)).toEqual([
      `webhook.${id}.r3`,
      `webhook.${id}.r2`,
      `webhook.${id}.r1`,
      `webhook.${id}`,
    ]);
  });
  it('is bounded however many attempts were logged', () => {
    expect(candidateWebhookJobIds(id, 10_000)).toHaveLength(64);
  });
});

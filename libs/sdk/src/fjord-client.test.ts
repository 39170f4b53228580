import { describe, expect, it } from 'vitest';
import { createFjordClient } from './fjord-client';

type Seen = { url: string; method: string; headers: Headers; body: string };

function recordingFetch(status: number, answer: unknown) {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : String(init?.body),
    });
    return new Response(JSON.stringify(answer), { status, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  return { seen, fetch: fetchImpl };
}

const caption = { lang: 'pt-BR', label: 'Português', bytes: 40, url: 'https://f/files/m1/caption-pt-BR' };

describe('SDK uploadCaption', () => {
  it('PUTs/POSTs the text to the media’s captions with lang, label, the type from the text and the key', async () => {
    const cases = [
      { text: 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nOlá\n', type: 'text/vtt; charset=utf-8' },
      { text: '1\n00:00:00,000 --> 00:00:01,000\nOlá\n', type: 'application/x-subrip; charset=utf-8' },
    ];
    for (const { text, type } of cases) {
      const api = recordingFetch(201, caption);
      const client = createFjordClient({ baseUrl: 'https://f', apiKey: 'fj_k', fetch: api.fetch });
      await expect(
        client.uploadCaption('m1', { lang: 'pt-BR', label: 'Português', text, idempotencyKey: 'k1' }),
      ).resolves.toEqual(caption);
      const [req] = api.seen;
      const url = new URL(req!.url);
      expect(`${req!.method} ${url.pathname}`).toMatch(/^(POST|PUT) \/api\/v1\/media\/m1\/captions$/);
      expect(Object.fromEntries(url.searchParams)).toEqual({ lang: 'pt-BR', label: 'Português' });
      expect(req!.headers.get('content-type')).toBe(type);
      expect(req!.headers.get('authorization')).toBe('Bearer fj_k');
      expect(req!.headers.get('idempotency-key')).toBe('k1');
      expect(req!.body).toBe(text);
    }
  });

  it('turns a refusal into an error carrying the server’s message', async () => {
    const api = recordingFetch(422, {
      error: { code: 'invalid_captions', message: 'Line 3: "00:01 --> 00:02" is not a cue timing.' },
    });
    const client = createFjordClient({ baseUrl: 'https://f', apiKey: 'fj_k', fetch: api.fetch });
    await expect(
      client.uploadCaption('m1', { lang: 'en', label: 'English', text: 'WEBVTT\n\n00:01 --> 00:02\nx\n' }),
    ).rejects.toThrow(/not a cue timing/);
  });
});

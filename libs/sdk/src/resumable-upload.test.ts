import { describe, expect, it } from 'vitest';
import { createResumableUploader, ResumableUploadError } from './resumable-upload';

type Seen = { url: string; method: string; authorization: string | null };

/** A tus server stand-in: answers creation with `location`, then accepts every PATCH whole. */
function fakeTus(location: string) {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      authorization: headers.get('authorization'),
    });
    if (init?.method === 'POST') return new Response(null, { status: 201, headers: { Location: location } });
    const offset = Number(headers.get('upload-offset')) + (init?.body as Uint8Array).byteLength;
    return new Response(null, {
      status: 204,
      headers: { 'Upload-Offset': String(offset), 'Upload-Media-Id': 'media-1' },
    });
  }) as typeof fetch;
  return { seen, fetch: fetchImpl };
}

const BASE = 'https://fjord.example';
const bytes = new Uint8Array(32);

describe('uploadResumable: the API key never leaves baseUrl’s origin', () => {
  it('follows a relative Location (what Fjord sends) and an absolute one on the same origin', async () => {
    for (const location of ['/api/tus/abc', 'https://fjord.example/api/tus/abc']) {
      const tus = fakeTus(location);
      const upload = createResumableUploader({ baseUrl: BASE, apiKey: 'fj_secret', fetch: tus.fetch });
      await expect(upload(bytes)).resolves.toEqual({
        mediaId: 'media-1',
        uploadUrl: 'https://fjord.example/api/tus/abc',
      });
      expect(tus.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        'POST https://fjord.example/api/tus',
        'PATCH https://fjord.example/api/tus/abc',
      ]);
    }
  });

  it.each([
    'http://fjord.example/api/tus/abc', // TLS downgrade: the key in clear text
    'https://evil.example/api/tus/abc',
    'https://fjord.example:8443/api/tus/abc',
    '//evil.example/api/tus/abc',
  ])('refuses the Location %s before sending anything to it', async (location) => {
    const tus = fakeTus(location);
    const upload = createResumableUploader({ baseUrl: BASE, apiKey: 'fj_secret', fetch: tus.fetch });
    const err = await upload(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResumableUploadError);
    expect((err as Error).message).toMatch(/not on https:\/\/fjord\.example/);
    expect(tus.seen).toHaveLength(1); // the creation only
    expect(tus.seen[0]!.url).toBe('https://fjord.example/api/tus');
  });

  it('refuses to resume from a stored uploadUrl on another origin', async () => {
    const tus = fakeTus('/api/tus/abc');
    const upload = createResumableUploader({ baseUrl: BASE, apiKey: 'fj_secret', fetch: tus.fetch });
    await expect(upload(bytes, { uploadUrl: 'http://fjord.example/api/tus/abc' })).rejects.toBeInstanceOf(
      ResumableUploadError,
    );
    expect(tus.seen).toEqual([]);
  });
});

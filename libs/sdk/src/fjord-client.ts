import { FjordApiError } from './fjord-errors';
import { createResumableUploader } from './resumable-upload';
import { SDK_OPERATIONS, type SdkOperation } from './sdk-operations';
import type {
  ImageUrl,
  ImageUrlOptions,
  Caption,
  CaptionList,
  Media,
  MediaCreated,
  MediaList,
  MediaListQuery,
  RenditionList,
  WebhookEndpoint,
  WebhookEvent,
} from './sdk.types';

export type FjordClientOptions = { baseUrl: string; apiKey: string; fetch?: typeof fetch };

/** A small typed client for REST v1 (fetch-based: Node 20+, browsers, Deno, Bun). */
export function createFjordClient(opts: FjordClientOptions) {
  const doFetch = opts.fetch ?? fetch;

  async function call<T>(
    op: SdkOperation,
    args: {
      params?: Record<string, string>;
      query?: object;
      body?: BodyInit;
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    const { method, path } = SDK_OPERATIONS[op];
    const url = new URL(
      path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(args.params?.[k] ?? '')),
      opts.baseUrl,
    );
    for (const [k, v] of Object.entries(args.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const res = await doFetch(url, {
      method,
      body: args.body,
      headers: { Authorization: `Bearer ${opts.apiKey}`, Accept: 'application/json', ...args.headers },
    });
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!res.ok) {
      const retry = res.headers.get('retry-after');
      throw new FjordApiError(
        res.status,
        json?.error?.code ?? 'http_error',
        json?.error?.message ?? `HTTP ${res.status}`,
        retry ? Number(retry) : undefined,
      );
    }
    return json as T;
  }

  const getMedia = (id: string) => call<Media>('getMedia', { params: { id } });
  const uploadResumable = createResumableUploader({ ...opts, fetch: doFetch });

  return {
    /** Uploads one file; pass an idempotencyKey to make retries safe. */
    uploadMedia(input: {
      file: Blob | Uint8Array;
      filename: string;
      contentType?: string;
      idempotencyKey?: string;
    }) {
      const blob =
        input.file instanceof Blob
          ? input.file
          : new Blob([new Uint8Array(input.file)], { type: input.contentType });
      const form = new FormData();
      form.append('file', blob, input.filename);
      return call<MediaCreated>('uploadMedia', {
        body: form,
        headers: input.idempotencyKey ? { 'Idempotency-Key': input.idempotencyKey } : {},
      });
    },
    /**
     * Uploads a file, path, Blob or sized stream resumably (tus, `/api/tus`) in chunks; survives dropped
     * connections, and an interrupted upload continues from its `uploadUrl`. Resolves to the media id.
     */
    uploadResumable,
    getMedia,
    listMedia: (query: MediaListQuery = {}) => call<MediaList>('listMedia', { query }),
    /** Runs a finished media through processing again; FjordApiError 409 while it still runs. */
    reprocess: (id: string, o: { idempotencyKey?: string } = {}) =>
      call<MediaCreated>('reprocessMedia', {
        params: { id },
        headers: o.idempotencyKey ? { 'Idempotency-Key': o.idempotencyKey } : {},
      }),
    listRenditions: (id: string) => call<RenditionList>('listRenditions', { params: { id } }),
    /** A signed URL of the image resized/cropped/encoded as asked; it works without credentials until expiresAt. */
    getImageUrl: (id: string, options: ImageUrlOptions) =>
      call<ImageUrl>('getImageUrl', { params: { id }, query: options }),
    listCaptions: (id: string) => call<CaptionList>('listCaptions', { params: { id } }),
    /** Adds or replaces the captions of one language; `format` defaults from the text (WEBVTT header → vtt). */
    uploadCaption: (
      id: string,
      input: { lang: string; label: string; text: string; format?: 'vtt' | 'srt'; idempotencyKey?: string },
    ) => {
      const format = input.format ?? (/^\uFEFF?WEBVTT/.test(input.text) ? 'vtt' : 'srt');
      return call<Caption>('uploadCaption', {
        params: { id },
        query: { lang: input.lang, label: input.label },
        body: input.text,
        headers: {
          'Content-Type':
            format === 'vtt' ? 'text/vtt; charset=utf-8' : 'application/x-subrip; charset=utf-8',
          ...(input.idempotencyKey ? { 'Idempotency-Key': input.idempotencyKey } : {}),
        },
      });
    },
    deleteCaption: (id: string, lang: string) => call<void>('deleteCaption', { params: { id, lang } }),
    /** Polls until READY or FAILED (returned, not thrown); throws on timeout. */
    async waitUntilReady(id: string, o: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Media> {
      const deadline = Date.now() + (o.timeoutMs ?? 120_000);
      for (;;) {
        const media = await getMedia(id);
        if (media.status === 'READY' || media.status === 'FAILED') return media;
        if (Date.now() > deadline) throw new Error(`Media ${id} is still ${media.status} after the timeout.`);
        await new Promise((r) => setTimeout(r, o.intervalMs ?? 1_000));
      }
    },
    createWebhook: (input: { url: string; events: WebhookEvent[] }) =>
      call<WebhookEndpoint & { secret: string }>('createWebhook', {
        body: JSON.stringify(input),
        headers: { 'Content-Type': 'application/json' },
      }),
    listWebhooks: () => call<{ items: WebhookEndpoint[] }>('listWebhooks'),
    deleteWebhook: (id: string) => call<void>('deleteWebhook', { params: { id } }),
  };
}
export type FjordClient = ReturnType<typeof createFjordClient>;

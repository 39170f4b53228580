import { fork, type ChildProcess } from 'node:child_process';
import {
  computeImagePlaceholder,
  prepareImageSourceWithMeta,
  type DecodedSource,
  renderImageVariant,
  type ImagePlaceholder,
  type ImageVariantSpec,
  type RenderedImage,
} from '@fjord/media';
import { isInfrastructureError } from '@fjord/errors';
import { UnrecoverableError } from '@fjord/queue';

/**
 * A job that stalled several times was in flight while its worker died, more than once
 * (docs/adr/0025-stalled-jobs.md). Either the machine is in trouble (OOM kills, restarts, a starved event
 * loop) and the job is innocent, or the file itself crashes the decoder in-process and would take every
 * worker down in turn. Rendering it once more in a child process of its own tells the two apart without
 * risking the worker: the child finishing is the answer (the job goes on as usual); the child dying by a
 * signal, twice, convicts the file.
 */
/** The argument that starts the entrypoint as a render child (no worker, one render, exit). */
export const ISOLATED_RENDER_FLAG = '--fjord-isolated-render';

export const CRASHING_FILE_MESSAGE =
  'This image crashes the image decoder, so it was set aside to keep other uploads safe';

type Request = {
  input: string | Buffer;
  variant: ImageVariantSpec;
  avifEffort: number;
  /** Only PLACEHOLDER_VARIANT's job hashes its render: once per image, not once per child. */
  withPlaceholder: boolean;
};
export type SerializedError = {
  name: string;
  message: string;
  code?: unknown;
  isPermanent?: unknown;
  details?: unknown;
  /** Kept when the chain says infrastructure (a starved decoder): the retry meaning survives the pipe. */
  cause?: { code: 'unavailable' };
};
/** Everything a variant job decodes: the source (HEIC through heif-convert, JPEG XL through djxl), the render, the placeholder. */
export type IsolatedRender = { rendered: RenderedImage; placeholder?: ImagePlaceholder };
type Reply = ({ ok: true } & IsolatedRender) | { ok: false; error: SerializedError };

/** Starts the child: by default this same entrypoint (tsx or the bundle) with ISOLATED_RENDER_FLAG. */
export type SpawnRenderChild = () => ChildProcess;

export const spawnSelf: SpawnRenderChild = () =>
  fork(process.argv[1]!, [ISOLATED_RENDER_FLAG], {
    serialization: 'advanced', // Buffers cross as bytes, not as JSON arrays
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

/** True in the child: the entrypoint serves one render instead of starting a worker. */
export const isIsolatedRenderChild = () => process.argv.includes(ISOLATED_RENDER_FLAG);

/** The whole decoding part of an image job, in-process (the normal path) or in the child (a suspect's). */
export async function renderAll(request: Request, decoded?: DecodedSource): Promise<IsolatedRender> {
  // HEVC HEIC and JPEG XL: decoded in a limited child into an upright, metadata-free PNG, or that PNG read
  // where an earlier job kept it (ADR 0023). The isolated child decodes afresh: a suspect keeps nothing.
  const { input, meta } = await prepareImageSourceWithMeta(request.input, { decoded });
  const { withPlaceholder, ...spec } = request;
  const rendered = await renderImageVariant({ ...spec, input, meta });
  if (!withPlaceholder) return { rendered };
  // From the variant just rendered (a small decode, not the original's): ADR 0023.
  return { rendered, placeholder: await computeImagePlaceholder(rendered.data) };
}

/** An error as it crosses the IPC pipe: what classifyJobFailure reads of it, and nothing else. */
export function serializeError(err: unknown): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  const { code, isPermanent, details } = e as Error & Omit<SerializedError, 'name' | 'message'>;
  const cause = isInfrastructureError(e) ? { code: 'unavailable' as const } : undefined;
  return { name: e.name, message: e.message, code, isPermanent, details, cause };
}

/** The child's side: one request in, one reply out, then exit. */
export function serveIsolatedRender(): void {
  // The worker that asked died (a SIGKILL does not reach its children): nobody wants the answer.
  process.once('disconnect', () => process.exit(0));
  process.once('message', (request: Request) => {
    void renderAll(request)
      .then(
        (result): Reply => ({ ok: true, ...result }),
        (err: unknown): Reply => ({ ok: false, error: serializeError(err) }),
      )
      .then((reply) => process.send!(reply, () => process.exit(0)));
  });
}

type Outcome = { reply: Reply } | { crashed: NodeJS.Signals | number | null };

function renderOnce(request: Request, spawnChild: SpawnRenderChild, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawnChild();
    let reply: Reply | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The isolated render did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (message: Reply) => (reply = message));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(reply ? { reply } : { crashed: signal ?? code });
    });
    child.send(request);
  });
}

export function reviveError(error: SerializedError): Error {
  const { name, message, ...rest } = error;
  return Object.assign(new Error(message), { name, ...rest });
}

/**
 * renderAll (source preparation, render, placeholder) in a child process. The child's own errors come back as they were thrown (a corrupt
 * file is still an input failure with its sentence); a child that dies without answering twice in a row
 * is the file's fault: UnrecoverableError with CRASHING_FILE_MESSAGE.
 */
export async function renderInIsolation(
  request: Request,
  opts: { spawnChild?: SpawnRenderChild; timeoutMs?: number; onCrash?: (how: string) => void } = {},
): Promise<IsolatedRender> {
  const { spawnChild = spawnSelf, timeoutMs = 5 * 60_000 } = opts;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const outcome = await renderOnce(request, spawnChild, timeoutMs);
    if ('reply' in outcome) {
      if (outcome.reply.ok) {
        const { rendered, placeholder } = outcome.reply;
        return { rendered: { ...rendered, data: Buffer.from(rendered.data) }, placeholder };
      }
      throw reviveError(outcome.reply.error);
    }
    opts.onCrash?.(`the isolated render died (${String(outcome.crashed)}), try ${attempt} of 2`);
  }
  throw new UnrecoverableError(CRASHING_FILE_MESSAGE);
}

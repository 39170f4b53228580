import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { childCpuMs, starvedChildError } from './child-cpu';
import type { ImageInput } from './image-variant.types';
import { MediaProcessingError } from './media-processing.error';

/**
 * Runs an external still-image decoder (heif-convert, djxl) as hostile-input code: an args
 * array (no shell), a fixed PATH and nothing else in the environment, its own cwd, SIGKILL past the
 * timeout. `what` names the format in the sentences a person reads ("The HEIC image could not be decoded").
 * A missing tool is the machine's fault (retryable); a failed decode is the file's; past the timeout, the
 * child's CPU time tells a costly image (too_large) from a busy machine (retried; starvedChildError).
 */
function runDecoderChild(
  binary: string,
  args: string[],
  { cwd, timeoutMs, what }: { cwd: string; timeoutMs: number; what: string },
): Promise<void> {
  const unavailable = (cause: Error) =>
    new MediaProcessingError('unknown', `${what} decoding is not available on this worker`, false, { cause });
  return new Promise<void>((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd,
      // A fixed PATH and nothing else: no inherited secrets or LD_* variables reach the decoder.
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume(); // nothing is expected, but never let a full pipe block the child
    let stderr = '';
    let timedOut = false;
    let cpuMsAtTimeout: number | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      cpuMsAtTimeout = childCpuMs(child.pid);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.on('error', (err: Error) => {
      clearTimeout(timer);
      reject(unavailable(err)); // the tool is missing: another worker may have it
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      // prlimit ran but the decoder is missing or not executable: the machine, not the file.
      if (code === 126 || code === 127) return reject(unavailable(new Error(stderr.trim())));
      // Out of the address space prlimit allows: the image needs more memory than an upload may take.
      if (/cannot allocate memory|out of memory|ENOMEM|bad_alloc/i.test(stderr)) {
        return reject(
          new MediaProcessingError(
            'too_large',
            `The ${what} image needs more memory to decode than an upload may use`,
            true,
            { cause: new Error(stderr.trim()) },
          ),
        );
      }
      // Past the file-size limit prlimit sets from the header's pixels: more output than the image can be.
      if (signal === 'SIGXFSZ') {
        return reject(
          new MediaProcessingError(
            'too_large',
            `The ${what} image decodes to more data than its size allows`,
            true,
          ),
        );
      }
      const starved =
        timedOut &&
        starvedChildError({
          cpuMs: cpuMsAtTimeout,
          timeoutMs,
          sentence: `This worker was too busy to decode the ${what} image within ${Math.round(timeoutMs / 1000)} s; it will be retried`,
        });
      if (starved) return reject(starved);
      if (timedOut || signal === 'SIGKILL' || signal === 'SIGXCPU') {
        return reject(
          new MediaProcessingError(
            'too_large',
            `Decoding the ${what} image took longer than ${Math.round(timeoutMs / 1000)} s`,
            true,
            { details: { timeoutMs } },
          ),
        );
      }
      reject(
        new MediaProcessingError('corrupt', `The ${what} image could not be decoded`, true, {
          cause: new Error(stderr.trim() || `${binary} exited with ${code ?? signal}`),
        }),
      );
    });
  });
}

/**
 * PNG chunks kept from heif-convert's output: pixels, palette/transparency and colour. eXIf (with the GPS
 * tags and an orientation that libheif has already applied from irot/imir) and every text chunk go.
 */
const KEPT_PNG_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'iCCP', 'sRGB', 'gAMA', 'cHRM', 'IDAT', 'IEND']);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG with only KEPT_PNG_CHUNKS; throws on a malformed chunk table. */
export function stripPngMetadata(png: Buffer): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  const parts: Buffer[] = [PNG_SIGNATURE];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > png.length) throw new Error('truncated PNG chunk');
    const type = png.toString('latin1', at + 4, at + 8);
    if (KEPT_PNG_CHUNKS.has(type)) parts.push(png.subarray(at, end));
    at = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(parts);
}

/**
 * One external decode of `input` (a file, or a buffer written to a temp file) into a metadata-free PNG:
 * `command(source, output)` run under prlimit in its own temp folder; the folder always goes.
 */
export async function decodeToPng(
  input: ImageInput,
  opts: {
    what: string;
    ext: string;
    pixels: number;
    timeoutMs: number;
    command: (source: string, output: string) => string[];
  },
): Promise<Buffer> {
  const { what, timeoutMs } = opts;
  const dir = await mkdtemp(path.join(os.tmpdir(), `fjord-${opts.ext}-`));
  try {
    const source = typeof input === 'string' ? input : path.join(dir, `in.${opts.ext}`);
    if (typeof input !== 'string') await writeFile(source, input);
    const output = path.join(dir, 'out.png');
    const args = [...decoderLimits(opts.pixels, timeoutMs), '--', ...opts.command(source, output)];
    await runDecoderChild('prlimit', args, { cwd: dir, timeoutMs, what });
    const png = await readFile(output).catch(() => {
      throw new MediaProcessingError('corrupt', `The ${what} image could not be decoded`, true);
    });
    return stripPngMetadata(png);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** prlimit's arguments for a decoder child of an image of `pixels` pixels (16-bit RGBA at most). */
function decoderLimits(pixels: number, timeoutMs: number): string[] {
  // Plus decoder state: generous, but a lying header cannot take the machine.
  const addressSpace = Math.max(1024 * 1024 * 1024, pixels * 8 * 4);
  const fileSize = Math.max(16 * 1024 * 1024, pixels * 8 + 1024 * 1024);
  return [
    `--as=${addressSpace}`,
    `--fsize=${fileSize}`,
    `--cpu=${Math.ceil(timeoutMs / 1000)}`,
    '--nofile=64',
  ];
}

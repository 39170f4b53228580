import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Metadata } from 'sharp';
import type { ImageInput } from '../image-variant.types';
import { MediaProcessingError } from '../media-processing.error';
import { DEFAULT_MAX_INPUT_PIXELS, readCheckedMetadata } from '../read-image-info.service';

export interface HeifDecodeOptions {
  maxInputPixels?: number;
  /** Wall-clock limit of the child; killed (SIGKILL) past it. Default 30 s (a 48 MP HEIC takes ~2 s here). */
  timeoutMs?: number;
  /** Default `heif-convert` from PATH (Debian's libheif-examples). */
  binary?: string;
}

/** HEIF whose image is HEVC: the prebuilt sharp reads its header but cannot decode it (no libde265). */
export function isHevcHeif(meta: Pick<Metadata, 'format' | 'compression'>): boolean {
  return meta.format === 'heif' && meta.compression === 'hevc';
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
 * Decodes an HEVC HEIC/HEIF into a metadata-free PNG through Debian's `heif-convert`, hostile-input style:
 * the header (ispe) is checked against the pixel limit by sharp before anything is decoded; the child gets
 * an args array (no shell), an empty environment but PATH, its own temp folder as cwd, address-space,
 * file-size and CPU-time limits (prlimit) and a wall-clock timeout. libheif applies irot/imir while
 * decoding, so the PNG is already upright; the EXIF orientation (which would rotate it twice) is dropped
 * with the rest of the metadata.
 */
export async function decodeHeifToPng(input: ImageInput, opts: HeifDecodeOptions = {}): Promise<Buffer> {
  const { maxInputPixels = DEFAULT_MAX_INPUT_PIXELS, timeoutMs = 30_000 } = opts;
  const meta = await readCheckedMetadata(input, { maxInputPixels });
  if (!isHevcHeif(meta)) {
    throw new MediaProcessingError('unsupported', 'Not an HEVC-coded HEIF image', true, {
      details: { format: meta.format, compression: meta.compression },
    });
  }
  const pixels = meta.width * meta.height;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fjord-heif-'));
  try {
    const source = typeof input === 'string' ? input : path.join(dir, 'in.heic');
    if (typeof input !== 'string') await writeFile(source, input);
    const output = path.join(dir, 'out.png');
    // RGBA 16-bit at most, plus decoder state: generous, but a lying header cannot take the machine.
    const addressSpace = Math.max(1024 * 1024 * 1024, pixels * 8 * 4);
    const fileSize = Math.max(16 * 1024 * 1024, pixels * 8 + 1024 * 1024);
    const cpuSeconds = Math.ceil(timeoutMs / 1000);
    const args = [
      `--as=${addressSpace}`,
      `--fsize=${fileSize}`,
      `--cpu=${cpuSeconds}`,
      '--nofile=64',
      '--',
      opts.binary ?? 'heif-convert',
      '--quiet',
      source,
      output,
    ];
    await runChild('prlimit', args, { cwd: dir, timeoutMs });
    const png = await readFile(output).catch(() => {
      throw new MediaProcessingError('corrupt', 'The HEIC image could not be decoded', true);
    });
    return stripPngMetadata(png);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(binary: string, args: string[], { cwd, timeoutMs }: { cwd: string; timeoutMs: number }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd,
      // A fixed PATH and nothing else: no inherited secrets or LD_* variables reach the decoder.
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume(); // --quiet: nothing comes, but never let a full pipe block the child
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.on('error', (err: Error) => {
      clearTimeout(timer);
      // The tool is missing: the machine, not the file; another worker may have it.
      reject(
        new MediaProcessingError('unknown', 'HEIC decoding is not available on this worker', false, {
          cause: err,
        }),
      );
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      if (code === 126 || code === 127) {
        // prlimit ran but heif-convert is missing or not executable: the machine, not the file.
        return reject(
          new MediaProcessingError('unknown', 'HEIC decoding is not available on this worker', false, {
            cause: new Error(stderr.trim()),
          }),
        );
      }
      if (timedOut || signal === 'SIGKILL' || signal === 'SIGXCPU') {
        return reject(
          new MediaProcessingError(
            'too_large',
            `Decoding the HEIC image took longer than ${Math.round(timeoutMs / 1000)} s`,
            true,
            { details: { timeoutMs } },
          ),
        );
      }
      reject(
        new MediaProcessingError('corrupt', 'The HEIC image could not be decoded', true, {
          cause: new Error(stderr.trim() || `heif-convert exited with ${code ?? signal}`),
        }),
      );
    });
  });
}

/**
 * The input every sharp pipeline reads: the file itself, or for an HEVC HEIC its decoded, upright,
 * metadata-free PNG. One header read decides.
 */
export async function prepareImageSource(
  input: ImageInput,
  opts: HeifDecodeOptions = {},
): Promise<ImageInput> {
  const meta = await readCheckedMetadata(input, { maxInputPixels: opts.maxInputPixels });
  return isHevcHeif(meta) ? decodeHeifToPng(input, opts) : input;
}

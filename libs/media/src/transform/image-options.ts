import { createHash } from 'node:crypto';
import { AppError } from '@fjord/errors';
import type { ImageOutputFormat } from '../image-variant.types';
import {
  COMPASS_GRAVITIES,
  type CompassGravity,
  type ImageFit,
  type ImageTransformSpec,
} from './image-transform.types';

/**
 * The options segment of `/img/<sig>/<options>/<mediaId>`: comma-separated `key:value` pairs, e.g.
 * `w:800,h:600,fit:cover,g:smart,dpr:2,q:75,f:auto,exp:1764640000`. Keys: w, h, fit, g (gravity), dpr, q
 * (quality), f (format), blur, sharpen, preset, exp (unix seconds; required in a URL, part of what is signed).
 */
export type ImageOptions = {
  w?: number;
  h?: number;
  fit?: ImageFit;
  g?: string;
  dpr?: number;
  q?: number;
  f?: ImageOutputFormat | 'auto';
  blur?: number;
  sharpen?: number;
  preset?: string;
  exp?: number;
};

export type ImageLimits = {
  /** Largest output side in pixels, DPR included. */
  maxSize: number;
  /** Largest output in pixels, DPR included. */
  maxPixels: number;
  presets: Readonly<Record<string, string>>;
};

/** The limits from the config's names for them (the web's /img and the transcode worker read the same). */
export function imageLimitsOf(config: {
  IMAGE_TRANSFORM_MAX_SIZE: number;
  IMAGE_TRANSFORM_MAX_PIXELS: number;
  imagePresets: Readonly<Record<string, string>>;
}): ImageLimits {
  return {
    maxSize: config.IMAGE_TRANSFORM_MAX_SIZE,
    maxPixels: config.IMAGE_TRANSFORM_MAX_PIXELS,
    presets: config.imagePresets,
  };
}

/** What a request asks for once presets and defaults are applied; `format: 'auto'` awaits the Accept header. */
export type ResolvedImageOptions = Omit<ImageTransformSpec, 'format'> & {
  format: ImageOutputFormat | 'auto';
  /** Canonical text of everything that shapes the output (not the expiry): the cache key's input. */
  normalized: string;
  expires?: number;
};

const KEY_ORDER = ['preset', 'w', 'h', 'fit', 'g', 'dpr', 'q', 'f', 'blur', 'sharpen', 'exp'] as const;
const FITS = new Set<string>(['cover', 'contain', 'inside']);
const FORMATS = new Set<string>(['auto', 'avif', 'webp', 'jpeg', 'png']);
const DEFAULT_QUALITY: Record<ImageOutputFormat, number> = { jpeg: 80, webp: 80, avif: 55, png: 100 };

const bad = (message: string) => new AppError('bad_request', message);

function numberIn(key: string, value: string, min: number, max: number, { isInteger = false } = {}) {
  const pattern = isInteger ? /^\d{1,12}$/ : /^\d{1,6}(\.\d{1,2})?$/;
  const n = Number(value);
  if (!pattern.test(value) || n < min || n > max) {
    throw bad(
      `${key}:${value.slice(0, 20)} is out of range: ${key} takes ${isInteger ? 'a whole number' : 'a number'} from ${min} to ${max}`,
    );
  }
  return n;
}

function parseGravity(value: string): string {
  if (value === 'center') return 'centre';
  if (value === 'smart' || (COMPASS_GRAVITIES as readonly string[]).includes(value)) return value;
  const fp = /^fp:(\d(?:\.\d{1,3})?):(\d(?:\.\d{1,3})?)$/.exec(value);
  if (fp && Number(fp[1]) <= 1 && Number(fp[2]) <= 1) return `fp:${Number(fp[1])}:${Number(fp[2])}`;
  throw bad(
    `g:${value.slice(0, 20)} is not a gravity: use centre, a compass point (north, northeast, …), smart, or a focal point fp:<x>:<y> with x and y from 0 to 1`,
  );
}

/** Parses the pairs; every refusal says what was wrong, because the caller is a person building a URL. */
export function parseImageOptions(raw: string, limits: ImageLimits): ImageOptions {
  if (raw.length === 0 || raw.length > 300)
    throw bad('The image options are empty or longer than 300 characters.');
  const options: ImageOptions = {};
  const record = options as Record<string, unknown>;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf(':');
    const key = at > 0 ? pair.slice(0, at) : pair;
    const value = at > 0 ? pair.slice(at + 1) : '';
    if (!(KEY_ORDER as readonly string[]).includes(key) || value === '') {
      throw bad(
        `"${pair.slice(0, 30)}" is not an image option: use key:value with one of ${KEY_ORDER.join(', ')}.`,
      );
    }
    if (key in record) throw bad(`${key} is given twice.`);
    record[key] = parseValue(key, value, limits);
  }
  return options;
}

function parseValue(key: string, value: string, limits: ImageLimits): unknown {
  switch (key) {
    case 'w':
    case 'h':
      return numberIn(key, value, 1, limits.maxSize, { isInteger: true });
    case 'dpr':
      return numberIn(key, value, 1, 3);
    case 'q':
      return numberIn(key, value, 1, 100, { isInteger: true });
    case 'blur':
      return numberIn(key, value, 0.3, 50);
    case 'sharpen':
      return numberIn(key, value, 0.5, 10);
    case 'exp':
      return numberIn(key, value, 0, 1e12, { isInteger: true });
    case 'fit':
      if (!FITS.has(value))
        throw bad(`fit:${value.slice(0, 20)} is not a fit: use cover, contain or inside.`);
      return value;
    case 'f':
      if (!FORMATS.has(value))
        throw bad(`f:${value.slice(0, 20)} is not a format: use auto, avif, webp, jpeg or png.`);
      return value;
    case 'g':
      return parseGravity(value);
    default: {
      if (!Object.hasOwn(limits.presets, value)) {
        throw bad(
          `There is no preset "${value.slice(0, 32)}"; presets: ${Object.keys(limits.presets).join(', ')}.`,
        );
      }
      return value;
    }
  }
}

/** Canonical text: keys in one order, so one request has one spelling (and one signature). */
export function formatImageOptions(options: ImageOptions): string {
  const record = options as Record<string, unknown>;
  return KEY_ORDER.filter((k) => record[k] !== undefined)
    .map((k) => `${k}:${String(record[k])}`)
    .join(',');
}

function gravityOf(g: string | undefined): ImageTransformSpec['gravity'] {
  if (!g || g === 'centre') return { kind: 'compass', position: 'centre' };
  if (g === 'smart') return { kind: 'smart' };
  if (g.startsWith('fp:')) {
    const [, x, y] = g.split(':');
    return { kind: 'focal', x: Number(x), y: Number(y) };
  }
  return { kind: 'compass', position: g as CompassGravity };
}

/**
 * Applies the preset (explicit options win), defaults and the rules on combinations and size, and returns
 * what the renderer needs. Everything refused here is refused before the source is even looked up.
 */
export function resolveImageOptions(raw: string, limits: ImageLimits): ResolvedImageOptions {
  const own = parseImageOptions(raw, limits);
  const fromPreset = own.preset
    ? parseImageOptions(limits.presets[own.preset]!, { ...limits, presets: {} })
    : {};
  const o: ImageOptions = { ...fromPreset, ...own };
  if (!o.w && !o.h) throw bad('Give a width (w:), a height (h:) or a preset (preset:).');
  const fit = o.fit ?? 'inside';
  if (fit !== 'inside' && !(o.w && o.h)) throw bad(`fit:${fit} needs both w: and h:.`);
  if (o.g && fit !== 'cover') throw bad('A gravity (g:) only applies with fit:cover.');
  const dpr = o.dpr ?? 1;
  const width = o.w ? Math.round(o.w * dpr) : undefined;
  const height = o.h ? Math.round(o.h * dpr) : undefined;
  if ((width ?? 0) > limits.maxSize || (height ?? 0) > limits.maxSize) {
    throw bad(`The output would be larger than ${limits.maxSize} pixels on a side (size × dpr).`);
  }
  if (width && height && width * height > limits.maxPixels) {
    throw bad(`The output would be larger than ${limits.maxPixels} pixels (w × h × dpr²).`);
  }
  const format = o.f ?? 'auto';
  const spec = {
    width,
    height,
    fit,
    gravity: gravityOf(o.g),
    quality: o.q ?? (format === 'auto' ? 0 : DEFAULT_QUALITY[format]),
    blur: o.blur,
    sharpen: o.sharpen,
  };
  const normalized = JSON.stringify({ ...spec, format });
  return { ...spec, format, normalized, expires: o.exp };
}

/** The final spec once `auto` is decided: a quality left at 0 takes the chosen format's default. */
export function specFor(resolved: ResolvedImageOptions, format: ImageOutputFormat): ImageTransformSpec {
  const { normalized: _n, expires: _e, ...spec } = resolved;
  return { ...spec, format, quality: spec.quality || DEFAULT_QUALITY[format] };
}

/**
 * `f:auto`: AVIF, else WebP, else JPEG, from what the Accept header names with a non-zero q. Only explicit
 * types count (`image/*` or `*\/*` get JPEG): a browser that can show AVIF says so.
 */
export function negotiateImageFormat(accept: string | null): ImageOutputFormat {
  const accepted = new Set<string>();
  for (const range of (accept ?? '').toLowerCase().split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    if (type && (!q || Number(q.slice(2)) > 0)) accepted.add(type);
  }
  if (accepted.has('image/avif')) return 'avif';
  if (accepted.has('image/webp')) return 'webp';
  return 'jpeg';
}

/** Every format a request can be answered in: the one it names, or all `f:auto` can negotiate. */
export function formatsOf(resolved: ResolvedImageOptions): ImageOutputFormat[] {
  return resolved.format === 'auto' ? ['avif', 'webp', 'jpeg'] : [resolved.format];
}

export const IMAGE_FILE_EXT: Record<ImageOutputFormat, string> = {
  avif: 'avif',
  webp: 'webp',
  jpeg: 'jpg',
  png: 'png',
};

/**
 * The ImageCacheEntry key (and storage file name) of one render. The media's run, not its updatedAt: a
 * reprocess moves the run (old renders age out of the LRU), while finalize's READY write does not — so
 * what the flow renders eagerly before READY is what /img looks up after (docs/adr/0027).
 */
export function imageTransformCacheKey(opts: {
  resolved: Pick<ResolvedImageOptions, 'normalized'>;
  format: ImageOutputFormat;
  mediaId: string;
  run: number;
}): string {
  return createHash('sha256')
    .update(`${opts.resolved.normalized}\n${opts.format}\n${opts.mediaId}\nrun:${opts.run}`)
    .digest('hex');
}

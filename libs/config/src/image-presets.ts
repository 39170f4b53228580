import { z } from 'zod';

/**
 * Named on-the-fly transforms (`preset:card` in an /img URL, `?preset=card` on image-url). A preset is an
 * options string in the URL grammar, without `preset:` or `exp:`; options given next to it override its own.
 * IMAGE_PRESETS (JSON, name → options) adds presets or replaces these.
 */
export const DEFAULT_IMAGE_PRESETS: Readonly<Record<string, string>> = {
  thumb: 'w:160,h:160,fit:cover,g:smart',
  card: 'w:480,h:320,fit:cover,g:smart',
  hero: 'w:1600,h:900,fit:cover,g:centre',
  full: 'w:2048,fit:inside',
};

const PRESET_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const PRESET_OPTIONS = /^(?!.*(?:^|,)(?:preset|exp):)[a-z]+:[a-z0-9.:]+(?:,[a-z]+:[a-z0-9.:]+)*$/;

export const ImagePresetsSchema = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object: {"name": "w:480,h:320,fit:cover"}' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().regex(PRESET_NAME, 'preset names: lowercase letters, digits and -, up to 32'),
      z
        .string()
        .regex(PRESET_OPTIONS, 'an options string such as "w:480,h:320,fit:cover" (no preset: or exp:)'),
    ),
  );

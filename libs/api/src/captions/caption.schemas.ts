import { z } from 'zod';

export const CAPTION_MAX_TRACKS = 20;

/** A BCP-47 tag, canonicalised (`en-us` → `en-US`) by Intl; letters, digits and `-` only. */
export const CaptionLangSchema = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .transform((tag, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && /^[A-Za-z0-9-]+$/.test(canonical)) return canonical;
    } catch {
      // RangeError: not a well-formed language tag
    }
    ctx.addIssue({
      code: 'custom',
      message: `"${tag.slice(0, 35)}" is not a BCP-47 language tag; use one like "en", "de" or "pt-BR".`,
    });
    return z.NEVER;
  })
  .meta({ description: 'BCP-47 language tag, e.g. "en", "pt-BR".' });

export const CaptionLabelSchema = z
  .string()
  .trim()
  .min(1, 'Give the track a label people see in the player, e.g. "English".')
  .max(64)
  .refine((s) => !/\p{Cc}/u.test(s), 'The label may not contain control characters.')
  .meta({ description: 'Shown in the player’s captions menu, e.g. "English".' });

export const CaptionUploadQuerySchema = z.strictObject({
  lang: CaptionLangSchema,
  label: CaptionLabelSchema,
});

export const CaptionSchema = z
  .object({
    lang: z.string().meta({ description: 'BCP-47 language tag (canonical form).' }),
    label: z.string(),
    bytes: z.int().meta({ description: 'Size of the stored WebVTT.' }),
    createdAt: z.iso.datetime(),
    url: z.url().meta({
      description:
        'The WebVTT (text/vtt): GET with the same API key or session; part of the media’s signed playback.',
    }),
  })
  .meta({ id: 'Caption' });
export type RestCaption = z.infer<typeof CaptionSchema>;

export const CaptionListSchema = z
  .object({ mediaId: z.uuid(), items: z.array(CaptionSchema) })
  .meta({ id: 'CaptionList' });
export type CaptionList = z.infer<typeof CaptionListSchema>;

import { z } from 'zod';

/** GET /api/v1/media/:id/image-url — the same options as the /img URL grammar, spelled out (docs/adr/0020). */
export const ImageUrlQuerySchema = z
  .strictObject({
    preset: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/)
      .optional()
      .meta({
        description: 'A configured preset (thumb, card, hero, full, …); the options below override it.',
      }),
    width: z.coerce.number().int().min(1).optional().meta({ description: 'CSS pixels; × dpr on the wire.' }),
    height: z.coerce.number().int().min(1).optional(),
    fit: z.enum(['cover', 'contain', 'inside']).optional().meta({ description: 'Default inside.' }),
    gravity: z
      .string()
      .regex(
        /^(centre|center|north|northeast|east|southeast|south|southwest|west|northwest|smart|fp:[0-9.]+:[0-9.]+)$/,
      )
      .optional()
      .meta({
        description:
          'With fit=cover: a compass point, `smart` (attention), or a focal point `fp:<x>:<y>` (0–1).',
      }),
    dpr: z.coerce.number().min(1).max(3).optional(),
    quality: z.coerce.number().int().min(1).max(100).optional(),
    format: z
      .enum(['auto', 'avif', 'webp', 'jpeg', 'png'])
      .optional()
      .meta({
        description: 'Default auto: AVIF, WebP or JPEG from the Accept header of whoever follows the URL.',
      }),
    blur: z.coerce.number().min(0.3).max(50).optional(),
    sharpen: z.coerce.number().min(0.5).max(10).optional(),
  })
  .meta({ id: 'ImageUrlQuery' });
export type ImageUrlQuery = z.infer<typeof ImageUrlQuerySchema>;

export const ImageUrlSchema = z
  .object({
    url: z
      .url()
      .meta({ description: 'GET it without credentials until expiresAt: /img/<signature>/<options>/<id>.' }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'ImageUrl' });
export type ImageUrl = z.infer<typeof ImageUrlSchema>;

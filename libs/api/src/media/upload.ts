import { AppError } from '@fjord/errors';
import { authedProcedure } from '../trpc';
import { UploadMediaInputSchema } from './media.schemas';

/**
 * Images only, bounded by UPLOAD_MAX_BYTES (ingest enforces it), so buffering the multipart body is
 * acceptable here; large files belong on a streaming path. Answers at once: the workers do the rest.
 */
export const uploadProcedure = authedProcedure
  .input(UploadMediaInputSchema)
  .mutation(async ({ ctx, input }) => {
    const files = input.getAll('file');
    const file = files[0];
    if (files.length !== 1 || !(file instanceof File)) {
      throw new AppError('bad_request', 'Send exactly one file in the form field "file".');
    }
    const media = await ctx.services.ingest.ingestUpload({
      ownerId: ctx.user.id,
      filename: file.name || 'upload',
      declaredType: file.type || undefined,
      body: file.stream(),
      requestId: ctx.requestId,
    });
    return { id: media.id, status: media.status };
  });

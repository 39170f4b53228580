import { Readable } from 'node:stream';
import type { DbClient } from '@fjord/db';
import { createUserExport } from '@fjord/ingest';
import type { Logger } from '@fjord/observability';
import type { BlobStore } from '@fjord/storage';
import { toErrorResponse, unauthorized } from '../http-error';
import { assertScope, authenticateRequest } from '../request-auth';

export type ExportHandlerDeps = {
  db: DbClient;
  storage: Pick<BlobStore, 'stat' | 'createReadStream'>;
  logger?: Pick<Logger, 'error'>;
};

/**
 * GET /api/v1/export — "Download my data" (docs/adr/0018): the caller's own account only (there is no
 * id to pass, so nobody else's), by session or by an API key with `account:export`. The tar is streamed
 * as it is read; nothing is built in memory. The audit entry names the account, and goes with it on erasure.
 */
export function createExportHandler(deps: ExportHandlerDeps) {
  const exportUser = createUserExport(deps);
  return async function exportAccount(req: Request): Promise<Response> {
    try {
      const principal = await authenticateRequest(req, deps.db, { allowSession: true });
      if (!principal) throw unauthorized('Sign in or send an API key with the account:export scope.');
      assertScope(principal, 'account:export');
      const archive = await exportUser(principal.user.id);
      await deps.db.auditLog.create({
        data: {
          actorId: principal.user.id,
          action: 'user.export',
          targetType: 'user',
          targetId: principal.user.id,
          meta: { via: principal.via },
        },
        select: { id: true },
      });
      const day = new Date().toISOString().slice(0, 10);
      return new Response(Readable.toWeb(archive) as ReadableStream, {
        headers: {
          'Content-Type': 'application/x-tar',
          'Content-Disposition': `attachment; filename="fjord-export-${day}.tar"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch (err) {
      return toErrorResponse(err, deps.logger);
    }
  };
}

import { Readable } from 'node:stream';
import type { DbClient } from '@fjord/db';
import { AppError } from '@fjord/errors';
import type { BlobStore } from '@fjord/storage';
import { writeTar, type TarEntry } from './tar-writer';

export type ExportUserDeps = { db: DbClient; storage: Pick<BlobStore, 'stat' | 'createReadStream'> };

const extOf = (key: string) => key.slice(key.lastIndexOf('.') + 1);

/** The account document: what Fjord holds about the person, without secrets or hashes. */
export async function buildAccountDocument(db: DbClient, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      emailVerifiedAt: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  if (!user) throw new AppError('not_found', 'This account does not exist.');
  const [media, webhooks, apiKeys, sessions, accountEmails] = await Promise.all([
    db.media.findMany({
      where: { ownerId: userId },
      orderBy: { createdAt: 'asc' },
      omit: { ownerId: true },
      include: {
        renditions: { omit: { mediaId: true }, orderBy: { name: 'asc' } },
        notifications: {
          select: { kind: true, recipient: true, sentAt: true, failedAt: true, createdAt: true },
        },
      },
    }),
    db.webhookEndpoint.findMany({
      where: { userId },
      select: {
        id: true,
        url: true,
        events: true,
        disabledAt: true,
        createdAt: true,
        deliveries: {
          select: {
            id: true,
            event: true,
            eventId: true,
            status: true,
            attempts: true,
            createdAt: true,
            deliveredAt: true,
          },
        },
      },
    }),
    db.apiKey.findMany({
      where: { userId },
      select: { name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true },
    }),
    db.session.findMany({
      where: { userId },
      select: { createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true },
    }),
    // Mail about the account (verification links), without the link: it is a credential.
    db.accountEmail.findMany({
      where: { userId },
      orderBy: { createdAt: 'asc' },
      select: { kind: true, recipient: true, createdAt: true, sentAt: true, failedAt: true, error: true },
    }),
  ]);
  const ids = [userId, ...media.map((m) => m.id), ...webhooks.map((w) => w.id)];
  const auditEvents = await db.auditLog.findMany({
    where: { OR: [{ actorId: userId }, { targetId: { in: ids } }] },
    orderBy: { createdAt: 'asc' },
    select: { action: true, targetType: true, targetId: true, meta: true, createdAt: true, actorId: true },
  });
  return {
    format: 'fjord-export/1',
    exportedAt: new Date().toISOString(),
    account: user,
    media,
    webhooks,
    apiKeys,
    sessions,
    accountEmails,
    // Whether the person did it themself; an admin's id is not theirs to receive.
    auditEvents: auditEvents.map(({ actorId, ...e }) => ({ ...e, byYou: actorId === userId })),
  };
}

const toJson = (doc: unknown) =>
  Buffer.from(JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));

/**
 * "Download my data" (GDPR art. 20; docs/adr/0018): a tar of `account.json` and every original and
 * rendition, streamed. Blobs are read one at a time, only as fast as the consumer takes them, so an
 * account of any size exports in constant memory. A blob gone since the listing (deleted meanwhile) is
 * left out of the archive; its media's metadata stays in account.json.
 */
export function createUserExport(deps: ExportUserDeps) {
  return async function exportUser(userId: string): Promise<Readable> {
    const doc = await buildAccountDocument(deps.db, userId);
    const json = toJson(doc);
    async function* entries(): AsyncGenerator<TarEntry> {
      yield { name: 'account.json', size: json.length, mtime: new Date(), body: json };
      for (const m of doc.media) {
        const files = [
          { key: m.storageKey, name: `media/${m.id}/original.${extOf(m.storageKey)}` },
          ...m.renditions.map((r) => ({
            key: r.storageKey,
            name: `media/${m.id}/renditions/${r.name}.${extOf(r.storageKey)}`,
          })),
        ];
        for (const file of files) {
          const stat = await deps.storage.stat(file.key);
          if (!stat) continue;
          yield {
            name: file.name,
            size: stat.size,
            mtime: m.createdAt,
            body: deps.storage.createReadStream(file.key),
          };
        }
      }
    }
    return Readable.from(writeTar(entries()), { objectMode: false });
  };
}

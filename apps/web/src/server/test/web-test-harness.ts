import { createApiKey } from '@fjord/auth';
import { createTestDatabase, createTestUser, testConfig } from '@fjord/testing';
import { closeWebServices, createWebServices } from '../services';

/** The web app's real wiring (createWebServices) on a fresh database and a unique Redis prefix. */
export async function createWebHarness(overrides: Record<string, string> = {}) {
  const database = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: database.url, ...overrides });
  const services = createWebServices(config);

  async function createUserWithKey(opts: { role?: 'USER' | 'ADMIN'; scopes?: string[] } = {}) {
    const user = await createTestUser(services.db, { role: opts.role ?? 'USER' });
    const { key } = await createApiKey({
      db: services.db,
      userId: user.id,
      name: 'test',
      scopes: opts.scopes,
    });
    return { user, key, auth: { authorization: `Bearer ${key}` } };
  }

  async function close() {
    for (const q of [
      services.queues.transcode,
      services.queues.db,
      services.queues.email,
      services.queues.maintenance,
      services.queues.webhooks,
    ]) {
      await q.obliterate({ force: true }).catch(() => undefined);
    }
    // The auth throttles' buckets (they expire anyway; leave nothing under this prefix).
    const redis = services.queues.connection;
    let cursor = '0';
    for (let round = 0; round < 1000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.QUEUE_PREFIX}:auth-throttle:*`);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    await closeWebServices(services);
    await database.drop();
  }

  return { services, config, db: services.db, createUserWithKey, close };
}

export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export function multipart(bytes: Buffer, name: string, type: string): FormData {
  const form = new FormData();
  form.append('file', new File([new Uint8Array(bytes)], name, { type }));
  return form;
}

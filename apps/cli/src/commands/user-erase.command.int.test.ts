import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestService } from '@fjord/ingest';
import { createMediaFlowEnqueuer, createQueues, type Queues } from '@fjord/queue';
import { createBlobStore } from '@fjord/storage';
import { readTar } from '@fjord/ingest/testing';
import { createTestDatabase, createTestUser, testConfig, type TestDatabase } from '@fjord/testing';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

let t: TestDatabase;
let queues: Queues;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await queues?.close();
  await t?.drop();
});

describe('fjord user export / erase', () => {
  it('refuses without --yes, then erases the account, its media and their files', async () => {
    const config = testConfig({ DATABASE_URL: t.url });
    queues = createQueues(config);
    const enqueuer = createMediaFlowEnqueuer({ config, queues });
    const storage = createBlobStore(config);
    const ingest = createIngestService({ db: t.db, storage, enqueuer, config, logger: silent });
    const user = await createTestUser(t.db);
    const media = await ingest.ingestUpload({ ownerId: user.id, filename: 'a.png', body: PNG });
    await enqueuer.close();
    const env = {
      DATABASE_URL: t.url,
      REDIS_URL: config.REDIS_URL,
      QUEUE_PREFIX: config.QUEUE_PREFIX,
      FJORD_DATA_DIR: config.dataDir,
    };

    const out = path.join(config.dataDir, 'export.tar');
    const exported = await runCli(['user', 'export', '--email', user.email, '--out', out], env);
    expect(exported.output).toContain(`Exported ${user.email} to ${out}`);
    expect(exported.code).toBe(0);
    const names = readTar(await readFile(out)).map((f) => f.name);
    expect(names).toEqual(['account.json', `media/${media.id}/original.png`]);
    await rm(out);

    const refused = await runCli(['user', 'erase', '--email', user.email], env);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('--yes');
    expect(await t.db.user.count({ where: { id: user.id } })).toBe(1);

    const done = await runCli(['user', 'erase', '--email', user.email.toUpperCase(), '--yes'], env);
    expect(done.output).toContain(`Erased ${user.email}: 1 media`);
    expect(done.code).toBe(0);
    expect(await t.db.user.count({ where: { id: user.id } })).toBe(0);
    expect(await storage.list(`media/${media.id}/`)[Symbol.asyncIterator]().next()).toMatchObject({
      done: true,
    });
    expect(await queues.db.getJob(`media.${media.id}.finalize`)).toBeUndefined();

    const again = await runCli(['user', 'erase', '--email', user.email, '--yes'], env);
    expect(again.code).toBe(1);
    expect(again.output).toContain('No user with the email');
  }, 90_000);
});

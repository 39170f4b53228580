import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonWorld, readTar, type PersonWorld } from '@fjord/ingest/testing';
import { cliEnvOf, runCli } from '../test/run-cli';

let world: PersonWorld;
beforeAll(async () => {
  world = await createPersonWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('fjord user export / erase', () => {
  it('refuses without --yes, then erases the account, its media and their files', async () => {
    const { config, db, storage, queues } = world;
    const {
      user,
      media: [media],
    } = await world.createPersonWithMedia();
    const env = cliEnvOf(world);

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
    expect(await db.user.count({ where: { id: user.id } })).toBe(1);

    const done = await runCli(['user', 'erase', '--email', user.email.toUpperCase(), '--yes'], env);
    expect(done.output).toContain(`Erased ${user.email}: 1 media`);
    expect(done.code).toBe(0);
    expect(await db.user.count({ where: { id: user.id } })).toBe(0);
    expect(await storage.list(`media/${media.id}/`)[Symbol.asyncIterator]().next()).toMatchObject({
      done: true,
    });
    expect(await queues.db.getJob(`media.${media.id}.finalize`)).toBeUndefined();

    const again = await runCli(['user', 'erase', '--email', user.email, '--yes'], env);
    expect(again.code).toBe(1);
    expect(again.output).toContain('No user with the email');
  }, 90_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMediaTimeline } from '@fjord/ingest';
import { createPersonWorld, type PersonWorld } from '@fjord/ingest/testing';
import { cliEnvOf, runCli } from '../test/run-cli';

let world: PersonWorld;
beforeAll(async () => {
  world = await createPersonWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('fjord trace <mediaId>', () => {
  it('prints the media timeline from Postgres and BullMQ (text and --json), refuses bad ids clearly', async () => {
    const { db, queues } = world;
    const {
      media: [media],
    } = await world.createPersonWithMedia();
    const env = cliEnvOf(world);

    const text = await runCli(['trace', media.id], env);
    expect(text.code, text.output).toBe(0);
    const lines = text.output.trim().split('\n');
    const row = (await db.media.findUnique({ where: { id: media.id } }))!;
    expect(lines[0]).toBe(`media ${media.id} · ${row.status} · run ${row.run}`);
    expect(lines[1]).toMatch(/ \+0\.000s {2}web {14}ingest: image "[^"]+", \d+ bytes stored$/);
    // The flow's jobs are in Redis (no worker ran them): each with its wait state.
    expect(text.output).toMatch(/worker-db {8}finalize: waited \? ms, 0 attempts, not finished \([\w-]+\)/);

    const json = await runCli(['trace', media.id, '--json'], env);
    expect(json.code, json.output).toBe(0);
    expect(JSON.parse(json.output)).toEqual(
      JSON.parse(JSON.stringify(await buildMediaTimeline({ db, queues }, media.id))),
    );

    const unknown = await runCli(['trace', '00000000-0000-4000-8000-000000000000'], env);
    expect([unknown.code, unknown.output]).toEqual([
      1,
      expect.stringContaining('No media with the id 00000000-0000-4000-8000-000000000000.'),
    ]);
    const notAnId = await runCli(['trace', 'abc'], env);
    expect([notAnId.code, notAnId.output]).toEqual([2, expect.stringContaining('"abc" is not a media id')]);
  }, 90_000);
});

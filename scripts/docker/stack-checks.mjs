// The compose stack for real: 2 worker-transcode replicas, an API-key upload through the gateway until
// READY, the email in the mail catcher, web scaled to 2 with the first replica removed (the gateway
// must re-resolve), then `down -v`. Ports 8088/8089 keep clear of dev stacks.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { run, sh } from './docker-engine.mjs';

const HTTP_PORT = process.env.DOCKER_TEST_HTTP_PORT ?? '8088';
const MAIL_PORT = process.env.DOCKER_TEST_MAIL_PORT ?? '8089';
const gateway = `http://127.0.0.1:${HTTP_PORT}`;

async function waitFor(what, fn, { timeoutMs = 120_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      if (error.fatal) throw error;
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function runStackChecks({ root, check: checkOne }) {
  let hasFailure = false;
  const check = async (name, fn) => {
    const ok = await checkOne(name, fn);
    hasFailure ||= !ok;
    return ok;
  };
  const env = {
    ...process.env,
    FJORD_HTTP_PORT: HTTP_PORT,
    FJORD_MAIL_UI_PORT: MAIL_PORT,
    FJORD_PUBLIC_URL: `http://localhost:${HTTP_PORT}`,
    POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  };
  const composeArgs = [
    '-p',
    'fjord-dockertest',
    '-f',
    path.join(root, 'docker/compose.yml'),
    '-f',
    path.join(root, 'docker/compose.ci.yml'),
  ];
  const compose = (args) => sh('docker-compose', [...composeArgs, ...args], { env });
  const cli = (args) =>
    compose(['run', '--rm', '--no-deps', 'migrate', 'node', 'apps/cli/dist/main.js', ...args]);
  const email = `docker-${randomBytes(4).toString('hex')}@example.com`;
  let key;
  let mediaId;
  try {
    const up = await check('docker-compose up (worker-transcode × 2)', () =>
      run('docker-compose', [...composeArgs, 'up', '-d', '--no-build', '--scale', 'worker-transcode=2'], {
        env,
      }),
    );
    if (!up) return;
    await check('gateway → web /api/health/ready', () =>
      waitFor(
        'the gateway',
        async () => (await fetch(`${gateway}/api/health/ready`, { signal: AbortSignal.timeout(5_000) })).ok,
      ).then(() => []),
    );
    await check(
      'migrate ran once, exit 0; 2 healthy worker-transcode with cpu/memory/grace limits',
      async () => {
        const migrate = compose(['ps', '-q', 'migrate']).trim().split('\n').filter(Boolean);
        const exit = sh('docker', ['inspect', '-f', '{{.State.ExitCode}}', ...migrate]).trim();
        if (migrate.length !== 1 || exit !== '0')
          return [`migrate containers ${migrate.length}, exit ${exit}`];
        const ids = compose(['ps', '-q', 'worker-transcode']).trim().split('\n').filter(Boolean);
        if (ids.length !== 2) return [`${ids.length} worker-transcode containers`];
        // compose v1 applies cpus / mem_limit / stop_grace_period to every replica.
        const limits = sh('docker', [
          'inspect',
          '-f',
          '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.Config.StopTimeout}}',
          ...ids,
        ]).trim();
        const expected = `${1e9} ${1024 ** 3} 120`;
        if (limits.split('\n').some((l) => l !== expected)) return [`limits ${limits}, want ${expected}`];
        await waitFor('healthy transcode workers', () =>
          sh('docker', ['inspect', '-f', '{{.State.Health.Status}}', ...ids])
            .trim()
            .split('\n')
            .every((s) => s === 'healthy'),
        );
        return [];
      },
    );
    await check('API key from the CLI image', () => {
      cli(['user', 'create', '--email', email, '--password', randomBytes(12).toString('hex')]);
      const out = cli(['api-key', 'create', '--email', email, '--name', 'docker-test']);
      key = out.trim().split('\n').at(-1).trim();
      return key.length >= 20 ? [] : [`no key in: ${out}`];
    });
    await check('upload through the gateway with the API key → 202', async () => {
      const jpeg = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#4a7' } })
        .jpeg()
        .toBuffer();
      const form = new FormData();
      form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'docker-test.jpg');
      const response = await fetch(`${gateway}/api/v1/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: form,
      });
      const body = await response.json();
      mediaId = body.id;
      return response.status === 202 && mediaId ? [] : [`${response.status} ${JSON.stringify(body)}`];
    });
    await check('media READY with 3 renditions served by the gateway', async () => {
      const media = await waitFor('READY', async () => {
        const res = await fetch(`${gateway}/api/v1/media/${mediaId}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const body = await res.json();
        if (body.status === 'FAILED')
          throw Object.assign(new Error(`FAILED: ${JSON.stringify(body)}`), { fatal: true });
        return body.status === 'READY' ? body : undefined;
      });
      if (media.renditions?.length !== 3) return [`renditions: ${JSON.stringify(media.renditions)}`];
      const file = await fetch(new URL(media.renditions[0].url, gateway), {
        headers: { authorization: `Bearer ${key}` },
      });
      const type = file.headers.get('content-type') ?? '';
      return file.ok && type.startsWith('image/') ? [] : [`rendition ${file.status} ${type}`];
    });
    await check('email reached the mail catcher', () =>
      waitFor(
        'the email',
        async () => {
          const res = await fetch(`http://127.0.0.1:${MAIL_PORT}/api/v1/messages`);
          const { messages } = await res.json();
          return messages.some((m) => m.To.some((t) => t.Address === email));
        },
        { timeoutMs: 60_000 },
      ).then(() => []),
    );
    // nginx resolves `web` through Docker's DNS at request time (docker/nginx/nginx.conf): after a
    // scale-up and the removal of the first replica, the gateway must reach the new one by itself.
    await check('gateway follows web: --scale web=2, first replica removed, still served', async () => {
      const before = compose(['ps', '-q', 'web']).trim().split('\n').filter(Boolean);
      await run(
        'docker-compose',
        [...composeArgs, 'up', '-d', '--no-build', '--no-deps', '--scale', 'web=2', 'web'],
        {
          env,
        },
      );
      const ids = compose(['ps', '-q', 'web']).trim().split('\n').filter(Boolean);
      if (before.length !== 1 || ids.length !== 2)
        return [`web containers: ${before.length} → ${ids.length}`];
      const added = ids.find((id) => !before.includes(id));
      await waitFor(
        'the second web replica healthy',
        () => sh('docker', ['inspect', '-f', '{{.State.Health.Status}}', added]).trim() === 'healthy',
      );
      sh('docker', ['rm', '-f', before[0]]);
      let inARow = 0;
      await waitFor(
        'the gateway to answer from the remaining replica',
        async () => {
          const res = await fetch(`${gateway}/api/health/ready`, { signal: AbortSignal.timeout(5_000) });
          inARow = res.ok ? inARow + 1 : 0;
          return inARow >= 5;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      return [];
    });
  } finally {
    if (process.env.DOCKER_TEST_VERBOSE || hasFailure) {
      try {
        console.log(indentLogs(compose(['logs', '--no-color', '--tail', '25'])));
      } catch {
        // logs are a diagnostic only
      }
    }
    await check('docker-compose down -v', () =>
      run('docker-compose', [...composeArgs, 'down', '-v', '--remove-orphans'], { env }),
    );
  }
}

const indentLogs = (text) => text.replace(/^/gm, '      ');

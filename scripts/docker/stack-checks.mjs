// The compose stack for real: 2 worker-transcode replicas, an API-key upload through the gateway until
// READY, the email in the mail catcher, web scaled to 2 with the first replica removed (the gateway
// must re-resolve), then `down -v`. Ports 8088/8089 keep clear of dev stacks.
// The observability profile (runObservabilityChecks): the stack with Prometheus (port 8090), an upload,
// then Prometheus' HTTP API until every target is up with fjord_ metrics and Fjord's rules are loaded.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { run, sh } from './docker-engine.mjs';

const HTTP_PORT = process.env.DOCKER_TEST_HTTP_PORT ?? '8088';
const MAIL_PORT = process.env.DOCKER_TEST_MAIL_PORT ?? '8089';
const PROMETHEUS_PORT = process.env.DOCKER_TEST_PROMETHEUS_PORT ?? '8090';
const gateway = `http://127.0.0.1:${HTTP_PORT}`;
const prometheus = `http://127.0.0.1:${PROMETHEUS_PORT}`;

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

/** One compose project on the CI override: its env, `compose`, `cli`, and `down` for the end. */
function openStack({ root, check: checkOne, extraEnv = {}, profiles = [] }) {
  const stack = { hasFailure: false };
  stack.check = async (name, fn) => {
    const ok = await checkOne(name, fn);
    stack.hasFailure ||= !ok;
    return ok;
  };
  stack.env = {
    ...process.env,
    FJORD_HTTP_PORT: HTTP_PORT,
    FJORD_MAIL_UI_PORT: MAIL_PORT,
    FJORD_PUBLIC_URL: `http://localhost:${HTTP_PORT}`,
    POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
    ...extraEnv,
  };
  stack.composeArgs = [
    '-p',
    'fjord-dockertest',
    '-f',
    path.join(root, 'docker/compose.yml'),
    '-f',
    path.join(root, 'docker/compose.ci.yml'),
    ...profiles.flatMap((p) => ['--profile', p]),
  ];
  stack.compose = (args) => sh('docker-compose', [...stack.composeArgs, ...args], { env: stack.env });
  stack.cli = (args) =>
    stack.compose(['run', '--rm', '--no-deps', 'migrate', 'node', 'apps/cli/dist/main.js', ...args]);
  stack.up = (args) =>
    run('docker-compose', [...stack.composeArgs, 'up', '-d', '--no-build', ...args], { env: stack.env });
  stack.down = async () => {
    if (process.env.DOCKER_TEST_VERBOSE || stack.hasFailure) {
      try {
        console.log(indentLogs(stack.compose(['logs', '--no-color', '--tail', '25'])));
      } catch {
        // logs are a diagnostic only
      }
    }
    await stack.check('docker-compose down -v', () =>
      run('docker-compose', [...stack.composeArgs, 'down', '-v', '--remove-orphans'], { env: stack.env }),
    );
  };
  return stack;
}

const gatewayReady = () =>
  waitFor(
    'the gateway',
    async () => (await fetch(`${gateway}/api/health/ready`, { signal: AbortSignal.timeout(5_000) })).ok,
  ).then(() => []);

/** A user and API key from the CLI image, an upload through the gateway, READY with 3 renditions. */
async function uploadThroughGateway(stack, email) {
  const { check, cli } = stack;
  let key;
  let mediaId;
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
  return check('media READY with 3 renditions served by the gateway', async () => {
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
}

export async function runStackChecks({ root, check: checkOne }) {
  const stack = openStack({ root, check: checkOne });
  const { check, compose } = stack;
  const email = `docker-${randomBytes(4).toString('hex')}@example.com`;
  try {
    const up = await check('docker-compose up (worker-transcode × 2)', () =>
      stack.up(['--scale', 'worker-transcode=2']),
    );
    if (!up) return;
    await check('gateway → web /api/health/ready', gatewayReady);
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
    await uploadThroughGateway(stack, email);
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
      await stack.up(['--no-deps', '--scale', 'web=2', 'web']);
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
    await stack.down();
  }
}

/** Fjord's scrape jobs (deploy/observability/prometheus.yml), each of which must report fjord_ metrics. */
const FJORD_JOBS = [
  'fjord-web',
  'fjord-worker-transcode',
  'fjord-worker-db',
  'fjord-worker-email',
  'fjord-worker-webhook',
];

async function prometheusApi(pathAndQuery) {
  const res = await fetch(`${prometheus}${pathAndQuery}`, { signal: AbortSignal.timeout(5_000) });
  const body = await res.json();
  if (body.status !== 'success') throw new Error(`${pathAndQuery}: ${JSON.stringify(body)}`);
  return body.data;
}

/**
 * `--profile observability`: Prometheus (Debian's package on the local base image, docker/ci) against the
 * stack with a real METRICS_TOKEN; an upload through the gateway; then every target up, each Fjord job's
 * fjord_ series present (the upload counted by web), and every alert of deploy/observability loaded.
 */
export async function runObservabilityChecks({ root, check: checkOne }) {
  const stack = openStack({
    root,
    check: checkOne,
    profiles: ['observability'],
    extraEnv: {
      METRICS_TOKEN: randomBytes(24).toString('hex'),
      FJORD_PROMETHEUS_PORT: PROMETHEUS_PORT,
    },
  });
  const { check } = stack;
  const rulesFile = readFileSync(path.join(root, 'deploy/observability/fjord.rules.yml'), 'utf8');
  const alerts = [...rulesFile.matchAll(/^\s*- alert:\s*(\S+)/gm)].map((m) => m[1]).sort();
  try {
    if (!(await check('docker-compose --profile observability up', () => stack.up([])))) return;
    await check('gateway → web /api/health/ready', gatewayReady);
    await check('prometheus answers /-/ready', () =>
      waitFor('prometheus', async () => (await fetch(`${prometheus}/-/ready`)).ok).then(() => []),
    );
    await uploadThroughGateway(stack, `docker-${randomBytes(4).toString('hex')}@example.com`);
    await check(`every target up: ${FJORD_JOBS.join(', ')}, prometheus`, async () => {
      let last = [];
      await waitFor(
        'every target scraped and up',
        async () => {
          const { activeTargets } = await prometheusApi('/api/v1/targets?state=active');
          const jobs = new Set(activeTargets.map((t) => t.labels.job));
          const down = activeTargets.filter((t) => t.health !== 'up');
          last = [
            ...[...FJORD_JOBS, 'prometheus'].filter((j) => !jobs.has(j)).map((j) => `no target for ${j}`),
            ...down.map((t) => `${t.labels.job} ${t.scrapeUrl}: ${t.health} ${t.lastError}`),
          ];
          return last.length === 0;
        },
        { timeoutMs: 90_000, intervalMs: 2_000 },
      ).catch((error) => {
        throw new Error(`${error.message}\n${last.join('\n')}`);
      });
      return [];
    });
    await check('fjord_ metrics scraped from every Fjord job; the upload counted by web', async () => {
      let missing = [];
      await waitFor(
        'fjord_ series from every job and the upload in fjord_uploads_total',
        async () => {
          const series = await prometheusApi(
            `/api/v1/query?query=${encodeURIComponent('count by (job) ({__name__=~"fjord_.+"})')}`,
          );
          const jobs = new Set(series.result.map((r) => r.metric.job));
          const uploads = await prometheusApi(
            `/api/v1/query?query=${encodeURIComponent('sum(fjord_uploads_total{job="fjord-web"})')}`,
          );
          const counted = Number(uploads.result[0]?.value[1] ?? 0);
          missing = [
            ...FJORD_JOBS.filter((j) => !jobs.has(j)).map((j) => `no fjord_ series from ${j}`),
            ...(counted >= 1 ? [] : [`fjord_uploads_total from web is ${counted}`]),
          ];
          return missing.length === 0;
        },
        { timeoutMs: 90_000, intervalMs: 2_000 },
      ).catch((error) => {
        throw new Error(`${error.message}\n${missing.join('\n')}`);
      });
      return [];
    });
    await check(`Fjord's ${alerts.length} alert rules loaded`, async () => {
      const { groups } = await prometheusApi('/api/v1/rules?type=alert');
      const loaded = groups.flatMap((g) => g.rules.map((r) => r.name)).sort();
      const health = groups.flatMap((g) => g.rules).filter((r) => r.health === 'err');
      if (alerts.length === 0) return ['no alert found in deploy/observability/fjord.rules.yml'];
      return [
        ...(JSON.stringify(loaded) === JSON.stringify(alerts)
          ? []
          : [`loaded ${loaded.join(', ')}; want ${alerts.join(', ')}`]),
        ...health.map((r) => `${r.name}: ${r.lastError}`),
      ];
    });
  } finally {
    await stack.down();
  }
}

const indentLogs = (text) => text.replace(/^/gm, '      ');

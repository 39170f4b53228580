#!/usr/bin/env node
// Makes Postgres and Redis reachable: uses the ones at DATABASE_URL / REDIS_URL when they answer, else
// runs project-local instances with data under .data/ (installing Debian's packages if needed).
//   node scripts/services.mjs          ensure both (add --chromium to also ensure /usr/bin/chromium)
//   node scripts/services.mjs stop     stop only the instances this script started under .data/
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/fjord';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const isRoot = process.getuid?.() === 0;

function dataDir() {
  return path.resolve(root, process.env.FJORD_DATA_DIR || '.data');
}

function say(service, message) {
  console.log(`[services] ${service}: ${message}`);
}

/** Runs a command, inheriting nothing but errors; throws with its output when it fails. */
function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(
      `${cmd} ${args.join(' ')} failed (exit ${result.status}):\n${output || result.error?.message}`,
    );
  }
  return result.stdout;
}

/** As the `postgres` OS user when we are root: Postgres refuses to run as root. */
function runAsPostgres(cmd, args) {
  return isRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
}

function aptInstall(packages) {
  const [cmd, ...prefix] = isRoot ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  console.log(`[services] installing ${packages.join(' ')} with apt-get (one time)`);
  const opts = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const result = spawnSync(cmd, [...prefix, ...args], opts);
    if (result.status !== 0)
      throw new Error(`apt-get ${args[0]} failed; install ${packages.join(', ')} yourself`);
  }
}

async function waitUntil(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// ---------- Postgres ----------

function parsePostgresUrl(url) {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
  };
}

async function withPostgres(url, database, fn) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function isPostgresReachable(url) {
  try {
    await withPostgres(url, 'postgres', (c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** Creates the URL's database if missing; true when it did. */
async function ensureDatabaseExists(url) {
  const { database } = parsePostgresUrl(url);
  return withPostgres(url, 'postgres', async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      return true;
    } catch (error) {
      if (error.code === '42P04' || error.code === '23505') return false; // created concurrently
      throw error;
    }
  });
}

function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter(
      (v) => existsSync(path.join(base, v, 'bin/pg_ctl')) && existsSync(path.join(base, v, 'bin/initdb')),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? { version: versions[0], bin: path.join(base, versions[0], 'bin') } : null;
}

async function startLocalPostgres(url) {
  const { host, port, user } = parsePostgresUrl(url);
  let found = findPostgresBin();
  if (!found) {
    aptInstall(['postgresql']);
    found = findPostgresBin();
    if (!found) throw new Error('postgresql was installed but no /usr/lib/postgresql/*/bin/pg_ctl was found');
  }
  const dir = path.join(dataDir(), 'postgres');
  mkdirSync(dir, { recursive: true });
  if (isRoot) chownSync(dir, ...postgresOsIds());
  const initialized = existsSync(path.join(dir, 'PG_VERSION'));
  if (!initialized) {
    // Trust auth on loopback only: a developer's throwaway instance, never the production setup.
    runAsPostgres(path.join(found.bin, 'initdb'), [
      '-D',
      dir,
      '-U',
      user,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
  }
  const options = `-c listen_addresses=${host} -p ${port} -c unix_socket_directories=''`;
  runAsPostgres(path.join(found.bin, 'pg_ctl'), [
    'start',
    '-D',
    dir,
    '-w',
    '-t',
    '30',
    '-l',
    path.join(dir, 'server.log'),
    '-o',
    options,
  ]);
  await waitUntil(() => isPostgresReachable(url), 15_000, `Postgres on ${host}:${port}`);
  return `started project-local Postgres ${found.version} on ${host}:${port} (${path.relative(root, dir) || dir}${initialized ? '' : ', new cluster'})`;
}

function postgresOsIds() {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return [uid, gid];
}

async function ensurePostgres(url) {
  const { host, port, database } = parsePostgresUrl(url);
  let status;
  if (await isPostgresReachable(url)) {
    status = `reachable on ${host}:${port}`;
  } else {
    if (!isLocalHost(host)) throw new Error(`Postgres at ${host}:${port} is not reachable (DATABASE_URL)`);
    status = await startLocalPostgres(url);
  }
  const created = await ensureDatabaseExists(url);
  say('postgres', `${status}; database "${database}" ${created ? 'created' : 'exists'}`);
}

// ---------- Redis ----------

function parseRedisUrl(url) {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) };
}

/** PING over a raw socket: any RESP answer (PONG, or NOAUTH when a password is set) means Redis is there. */
function pingRedis(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^[+-]/.test(data.toString()) && !/LOADING/.test(data.toString())));
    socket.once('error', () => done(false));
  });
}

async function startLocalRedis(url) {
  const { host, port } = parseRedisUrl(url);
  let bin = whichSync('redis-server');
  if (!bin) {
    aptInstall(['redis-server']);
    bin = whichSync('redis-server');
    if (!bin) throw new Error('redis-server was installed but is not on PATH');
  }
  const dir = path.join(dataDir(), 'redis');
  mkdirSync(dir, { recursive: true });
  // Durable like production (AOF, fsync every second) and never evicts queue keys.
  run(bin, [
    '--bind',
    host,
    '--port',
    String(port),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'yes',
    '--pidfile',
    path.join(dir, 'redis.pid'),
    '--logfile',
    path.join(dir, 'redis.log'),
  ]);
  await waitUntil(() => pingRedis(host, port), 10_000, `Redis on ${host}:${port}`);
  return `started project-local Redis on ${host}:${port} (${path.relative(root, dir) || dir}, AOF on)`;
}

async function ensureRedis(url) {
  const { host, port } = parseRedisUrl(url);
  if (await pingRedis(host, port)) {
    say('redis', `reachable on ${host}:${port}`);
    return;
  }
  if (!isLocalHost(host)) throw new Error(`Redis at ${host}:${port} is not reachable (REDIS_URL)`);
  say('redis', await startLocalRedis(url));
}

// ---------- Debian tools ----------

/**
 * The Debian packages Fjord runs or tests with, each told present by the programs it ships (a name on
 * PATH, or an absolute path where the caller runs it by path). Whatever is missing is installed in one
 * apt-get run.
 */
const DEBIAN_TOOLS = {
  // worker-transcode shells out to ffmpeg/ffprobe for video (docs/architecture.md).
  ffmpeg: { pkg: 'ffmpeg', bins: ['ffmpeg', 'ffprobe'] },
  // The metrics and alert-rule tests validate with promtool (tests/observability).
  promtool: { pkg: 'prometheus', bins: ['promtool'] },
  // The zero-egress test (tests/egress) records every connect() with strace, which libs/testing runs by path.
  strace: { pkg: 'strace', bins: ['/usr/bin/strace'] },
  // HEIC decode (the prebuilt sharp has no HEVC decoder: docs/adr/0023); the tests make HEIC with heif-enc.
  libheif: { pkg: 'libheif-examples', bins: ['heif-convert', 'heif-enc'] },
  // JPEG XL decode (the prebuilt sharp has no libjxl: docs/adr/0023); the tests make oriented JXL with cjxl.
  libjxl: { pkg: 'libjxl-tools', bins: ['djxl', 'cjxl'] },
  // Playwright drives Debian's Chromium (`npx playwright install` would download one).
  chromium: { pkg: 'chromium', bins: ['/usr/bin/chromium'] },
};

const locate = (bin) => (bin.startsWith('/') ? (existsSync(bin) ? bin : null) : whichSync(bin));

function ensureDebianTools(names) {
  const missing = names.filter((name) => !DEBIAN_TOOLS[name].bins.every(locate));
  for (const name of names.filter((n) => !missing.includes(n)))
    say(name, `found ${locate(DEBIAN_TOOLS[name].bins[0])}`);
  if (missing.length === 0) return;
  aptInstall(missing.map((name) => DEBIAN_TOOLS[name].pkg));
  for (const name of missing) {
    const { pkg, bins } = DEBIAN_TOOLS[name];
    const absent = bins.filter((bin) => !locate(bin));
    if (absent.length) throw new Error(`${pkg} was installed but ${absent.join(', ')} cannot be found`);
    say(name, `installed ${bins.join(' and ')}`);
  }
}

// ---------- ImageMagick (bench only) ----------

/**
 * `npm run bench` compares image-e2e with Debian's ImageMagick 6 `convert`; nothing else needs it, so
 * only the bench calls this. /usr/bin/convert is checked by path: a stand-in may sit earlier on PATH.
 */
export function ensureImageMagick() {
  if (existsSync('/usr/bin/convert')) {
    say('imagemagick', 'found /usr/bin/convert');
    return;
  }
  aptInstall(['imagemagick']);
  if (!existsSync('/usr/bin/convert'))
    throw new Error('imagemagick was installed but /usr/bin/convert is missing');
  say('imagemagick', 'installed /usr/bin/convert');
}

// ---------- helpers ----------

function isLocalHost(host) {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}

function whichSync(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin'])) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function isProcessAlive(pid, nameHint) {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(nameHint);
  } catch {
    return false;
  }
}

// ---------- public API ----------

/**
 * Makes DATABASE_URL's Postgres (with its database) and REDIS_URL's Redis reachable; returns the URLs.
 * Quick when both already answer.
 */
export async function ensureServices({ needChromium = false } = {}) {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  await Promise.all([ensurePostgres(databaseUrl), ensureRedis(redisUrl)]);
  ensureDebianTools([
    'ffmpeg',
    'promtool',
    'strace',
    'libheif',
    'libjxl',
    ...(needChromium ? ['chromium'] : []),
  ]);
  return { databaseUrl, redisUrl };
}

/** Stops the Postgres and Redis that ensureServices started under the data directory; nothing else. */
export async function stopServices() {
  const pgDir = path.join(dataDir(), 'postgres');
  const pgPid = readPid(path.join(pgDir, 'postmaster.pid'));
  if (pgPid && isProcessAlive(pgPid, 'postgres')) {
    const found = findPostgresBin();
    if (!found) throw new Error('cannot find pg_ctl to stop the project-local Postgres');
    runAsPostgres(path.join(found.bin, 'pg_ctl'), ['stop', '-D', pgDir, '-m', 'fast', '-w']);
    say('postgres', `stopped project-local instance (pid ${pgPid})`);
  } else {
    say('postgres', 'no project-local instance running');
  }

  const redisPidFile = path.join(dataDir(), 'redis', 'redis.pid');
  const redisPid = readPid(redisPidFile);
  if (redisPid && isProcessAlive(redisPid, 'redis-server')) {
    process.kill(redisPid, 'SIGTERM'); // Redis flushes the AOF and exits on SIGTERM
    await waitUntil(
      async () => !isProcessAlive(redisPid, 'redis-server'),
      15_000,
      `Redis pid ${redisPid} to exit`,
    );
    say('redis', `stopped project-local instance (pid ${redisPid})`);
  } else {
    say('redis', 'no project-local instance running');
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const task =
    args[0] === 'stop' ? stopServices() : ensureServices({ needChromium: args.includes('--chromium') });
  task.then(
    () => process.exit(0),
    (error) => {
      console.error(`[services] ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}

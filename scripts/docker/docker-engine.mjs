// The Docker engine for `npm run test:docker`: Debian's docker.io, docker-compose v1 and debootstrap
// (installed when missing), a plain `dockerd` started in the background and stopped by its pid.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';

/** Runs a command, throws with its output when it fails; returns stdout. */
export function sh(cmd, args, { input, cwd, env } = {}) {
  const result = spawnSync(cmd, args, {
    cwd,
    env: env ?? process.env,
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status})\n${output}`);
  }
  return result.stdout;
}

/** Streams a long command's output (builds) with a prefix; resolves on success, rejects otherwise. */
export function run(cmd, args, { cwd, env, prefix = '' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 60) tail.shift();
        if (process.env.DOCKER_TEST_VERBOSE) process.stdout.write(`${prefix}${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code})\n${tail.join('\n')}`)),
    );
  });
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export function ensureDockerTools() {
  const missing = ['dockerd', 'docker-compose', 'debootstrap'].filter((c) => !hasCommand(c));
  if (missing.length === 0) return false;
  const apt = (args) =>
    process.getuid?.() === 0 ? sh('apt-get', args) : sh('sudo', ['-n', 'apt-get', ...args]);
  const packages = ['docker.io', 'docker-compose', 'debootstrap'];
  try {
    apt(['install', '-y', '--no-install-recommends', ...packages]);
  } catch {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', ...packages]);
  }
  return true;
}

function isEngineUp() {
  return spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
}

/** Starts dockerd unless one already answers; returns a stop() that only stops what it started. */
export async function startDockerEngine({ logFile = '/tmp/fjord-dockerd.log' } = {}) {
  if (isEngineUp()) return { started: false, stop: async () => {} };
  const fd = openSync(logFile, 'a');
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 60_000;
  while (!isEngineUp()) {
    if (child.exitCode !== null) throw new Error(`dockerd exited (${child.exitCode}); see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`dockerd did not answer within 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    // dockerd leaves its default network namespace mounted.
    if (existsSync('/run/docker/netns/default')) spawnSync('umount', ['/run/docker/netns/default']);
  };
  return { started: true, pid: child.pid, stop };
}

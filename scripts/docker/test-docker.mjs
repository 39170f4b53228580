#!/usr/bin/env node
// `npm run test:docker`: the images and the compose stack, for real (not part of `npm test`).
//   1. static: compose config, Dockerfile lint, every app has an image whose CMD its build produces,
//      Kubernetes manifests (deploy/kubernetes) against the Kubernetes and KEDA schemas, each overlay's
//      patches against the resources they target, each overlay rendered by `kubectl kustomize` (when
//      kubectl is installed) and validated the same way;
//   2. engine + local base images (cached: an existing tag is never rebuilt), every image built;
//   3. the stack up with 2 worker-transcode replicas: an API-key upload through the gateway → READY,
//      its email in the mail catcher; then down -v;
//   4. the `observability` profile: the stack with Prometheus, an upload, every target up with fjord_
//      metrics and the alert rules loaded (Prometheus' HTTP API); then down -v and the engine stopped.
// Prints the time of each phase and a last line `docker: N passed, N failed`.
//   --static   stop after the static checks     DOCKER_TEST_VERBOSE=1   stream build output
//   --only observability   compose config, engine, images, then phase 4 only
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImages } from './base-images.mjs';
import { ensureDockerTools, run, sh, startDockerEngine } from './docker-engine.mjs';
import {
  checkKubernetesSchemas,
  checkKubernetesWiring,
  checkOverlayPatches,
  checkRenderedOverlay,
  listOverlays,
} from './k8s-checks.mjs';
import * as staticChecks from './static-checks.mjs';
import { runObservabilityChecks, runStackChecks } from './stack-checks.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = { passed: 0, failed: 0 };
const timings = [];

async function check(name, fn) {
  const started = Date.now();
  try {
    const problems = (await fn()) ?? [];
    if (problems.length > 0) throw new Error(problems.join('\n'));
    results.passed += 1;
    console.log(`  ✓ ${name} (${seconds(Date.now() - started)})`);
    return true;
  } catch (error) {
    results.failed += 1;
    console.log(`  ✗ ${name} (${seconds(Date.now() - started)})\n${indent(error.message ?? String(error))}`);
    return false;
  }
}

async function phase(name, fn) {
  console.log(`[docker] ${name}`);
  const started = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([name, Date.now() - started]);
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const indent = (text) => text.replace(/^/gm, '      ');

/** A small real JPEG XL (cjxl) or HEIC (heif-enc), made on this machine (scripts/services.mjs has the tools). */
async function decoderSample(ext) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fjord-docker-decode-'));
  try {
    const png = path.join(dir, 'in.png');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', png]);
    const out = path.join(dir, `out.${ext}`);
    if (ext === 'jxl') execFileSync('cjxl', [png, out, '--quiet']);
    else execFileSync('heif-enc', ['-o', out, png]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each image's CMD target exists and runs as node; every package a bundle imports is installed. */
function imageContents(images) {
  return phase('image contents', async () => {
    const importCheck = readFileSync(path.join(root, 'docker/ci/check-bundle-imports.mjs'), 'utf8');
    for (const { name, file } of images) {
      const target = staticChecks.cmdTarget(staticChecks.finalCmd(readFileSync(file, 'utf8')));
      await check(`fjord/${name}: ${target.file} exists, runs as node`, () => {
        const script = `test -f ${target.file} && id -un`;
        const user = sh('docker', ['run', '--rm', '--entrypoint', 'sh', `fjord/${name}`, '-c', script]);
        return user.trim() === 'node' ? [] : [`runs as ${user.trim()}`];
      });
      if (staticChecks.RENDER_IMAGES.includes(name)) {
        // The decoders for what the prebuilt sharp cannot read (ADR 0023), run in the image on real files.
        for (const [ext, decode] of [
          ['jxl', 'djxl /tmp/in.jxl /tmp/out.png --quiet'],
          ['heic', 'heif-convert /tmp/in.heic /tmp/out.png >/dev/null'],
        ]) {
          await check(
            `fjord/${name}: decodes a ${ext === 'jxl' ? 'JPEG XL' : 'HEIC'} (${decode.split(' ')[0]})`,
            async () => {
              const script = `cat > /tmp/in.${ext} && ${decode} && test -s /tmp/out.png && echo decoded`;
              const args = ['run', '--rm', '-i', '--entrypoint', 'sh', `fjord/${name}`, '-c', script];
              const out = sh('docker', args, { input: await decoderSample(ext) });
              return out.trim() === 'decoded' ? [] : [`said: ${out.trim()}`];
            },
          );
        }
      }
      if (target.kind !== 'node-app') continue;
      await check(`fjord/${name}: every package its bundle imports is installed`, () => {
        const args = ['run', '--rm', '-i', '-w', '/app', '--entrypoint', 'node', `fjord/${name}`];
        sh('docker', [...args, '--input-type=module', '-', target.file], { input: importCheck });
      });
    }
  });
}

/** `--only observability` (the one phase that may run alone); anything else is a usage error. */
function onlyPhase(args) {
  const i = args.indexOf('--only');
  if (i === -1) return undefined;
  const name = args[i + 1];
  if (name !== 'observability') {
    console.error(`--only takes "observability" (got ${name ?? 'nothing'})`);
    process.exit(2);
  }
  return name;
}

async function main() {
  const staticOnly = process.argv.includes('--static');
  const only = onlyPhase(process.argv.slice(2));
  let engine;
  try {
    // docker-compose validates the compose files in the static phase already: install the tools first.
    if (ensureDockerTools()) console.log('  installed docker.io, docker-compose, debootstrap');
    await phase('static', async () => {
      await check('docker-compose config -q', () => staticChecks.checkComposeConfig(root));
      if (only) return;
      await check('Dockerfile lint (dockerfile-utils)', () => staticChecks.checkDockerfileLint(root));
      await check('every deployable app has an image', () => staticChecks.checkEveryAppHasAnImage(root));
      await check("each image's CMD runs its build output", () =>
        staticChecks.checkCmdPointsAtBuildOutput(root),
      );
      await check('images: node base, non-root, tini, healthcheck', () =>
        staticChecks.checkImageConventions(root),
      );
      await check('compose builds every image', () => staticChecks.checkComposeBuildsEveryImage(root));
      const k8s = path.join(root, 'deploy/kubernetes/base');
      await check('kubernetes manifests match the Kubernetes/KEDA schemas', () =>
        checkKubernetesSchemas(k8s),
      );
      await check('kubernetes: every image deployed, probes, PDBs, KEDA on the backlog', () =>
        checkKubernetesWiring(
          k8s,
          staticChecks.listDockerfiles(root).map((d) => d.name),
        ),
      );
      for (const overlay of listOverlays(path.join(root, 'deploy/kubernetes'))) {
        await check(`kubernetes overlay ${overlay.name}: every patch lands on a resource it has`, () =>
          checkOverlayPatches(overlay.dir),
        );
        await check(
          `kubernetes overlay ${overlay.name}: kubectl kustomize → schemas, wiring, namespace`,
          async () => {
            const rendered = await checkRenderedOverlay(
              overlay.dir,
              staticChecks.listDockerfiles(root).map((d) => d.name),
            );
            if (rendered.skipped) console.log(`      (${rendered.skipped})`);
            return rendered.problems ?? [];
          },
        );
      }
    });
    if (staticOnly || results.failed > 0) return;

    engine = await phase('engine', async () => startDockerEngine());
    const images = staticChecks.listDockerfiles(root);
    const built = await phase('base images', async () => {
      const ok = await check('local base images (debian, node, stand-ins)', async () => {
        const tags = await ensureBaseImages({ root, log: (m) => console.log(`    ${m}`) });
        if (tags.length === 0) console.log('    all cached');
      });
      return ok;
    });
    if (!built) return;
    const allBuilt = await phase('build images', async () => {
      let ok = true;
      for (const { name, file } of images) {
        ok =
          (await check(`build fjord/${name}`, () =>
            run('docker', ['build', '-f', file, '-t', `fjord/${name}:latest`, root], {
              prefix: `    [${name}] `,
            }),
          )) && ok;
      }
      return ok;
    });
    if (!allBuilt) return;
    if (!only) await imageContents(images);
    if (!only) await phase('stack', () => runStackChecks({ root, check }));
    await phase('observability profile', () => runObservabilityChecks({ root, check }));
  } finally {
    // Each build leaves the images it replaced behind, untagged: without this a CI machine fills its disk.
    if (engine?.started) {
      await phase('prune replaced images', async () => {
        try {
          sh('docker', ['image', 'prune', '-f']);
        } catch (error) {
          console.log(`  (could not prune: ${error.message ?? error})`);
        }
      });
    }
    if (engine?.started) await phase('engine stop', () => engine.stop());
    console.log('[docker] timings: ' + timings.map(([n, ms]) => `${n} ${seconds(ms)}`).join(', '));
    console.log(`docker: ${results.passed} passed, ${results.failed} failed`);
  }
}

main().then(
  () => process.exit(results.failed > 0 ? 1 : 0),
  (error) => {
    console.error(`[docker] ${error.stack ?? error}`);
    console.log(`docker: ${results.passed} passed, ${results.failed + 1} failed`);
    process.exit(1);
  },
);

// Static checks of docker/: no engine needed. Each returns a list of problems (empty = pass).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Apps that are not long-running services: they ship inside another image (cli → fjord/cli). */
const NOT_SERVICES = new Set(['cli']);

export function listDockerfiles(root) {
  return readdirSync(path.join(root, 'docker'))
    .filter((f) => f.endsWith('.Dockerfile'))
    .map((f) => ({ name: f.replace(/\.Dockerfile$/, ''), file: path.join(root, 'docker', f) }));
}

/** The JSON-form CMD of the final stage. */
export function finalCmd(dockerfileText) {
  const lines = dockerfileText.split('\n').filter((l) => /^CMD\s+\[/.test(l));
  const last = lines.at(-1);
  return last ? JSON.parse(last.replace(/^CMD\s+/, '')) : undefined;
}

/** Where the CMD's program lives in the image, and the build output it must come from. */
export function cmdTarget(cmd) {
  const joined = cmd.join(' ');
  const app = /apps\/([a-z0-9-]+)\/dist\/main\.js/.exec(joined);
  if (app) return { kind: 'node-app', app: app[1], file: `/app/apps/${app[1]}/dist/main.js` };
  if (joined.includes('next/dist/bin/next start')) {
    return { kind: 'next', app: 'web', file: '/app/apps/web/.next/BUILD_ID' };
  }
  return undefined;
}

export function checkEveryAppHasAnImage(root) {
  const images = new Set(listDockerfiles(root).map((d) => d.name));
  return readdirSync(path.join(root, 'apps'))
    .filter((app) => existsSync(path.join(root, 'apps', app, 'package.json')) && !NOT_SERVICES.has(app))
    .filter((app) => !images.has(app))
    .map((app) => `apps/${app} has no docker/${app}.Dockerfile`);
}

/** The CMD runs a file that this Dockerfile's build produces and copies into the final stage. */
export function checkCmdPointsAtBuildOutput(root) {
  const problems = [];
  for (const { name, file } of listDockerfiles(root)) {
    const text = readFileSync(file, 'utf8');
    const cmd = finalCmd(text);
    const target = cmd && cmdTarget(cmd);
    if (!target) {
      problems.push(`${name}: CMD ${JSON.stringify(cmd)} runs neither an app's dist/main.js nor next start`);
      continue;
    }
    const expected =
      target.kind === 'node-app'
        ? [
            `RUN node scripts/build-node-app.mjs apps/${target.app}`,
            `COPY --from=builder /src/apps/${target.app}/dist ./apps/${target.app}/dist`,
          ]
        : [
            'RUN npm run build --workspace=@fjord/web',
            'COPY --from=builder /src/apps/web/.next ./apps/web/.next',
          ];
    for (const line of expected) if (!text.includes(line)) problems.push(`${name}: missing "${line}"`);
    if (!existsSync(path.join(root, 'apps', target.app, 'package.json'))) {
      problems.push(`${name}: CMD runs apps/${target.app}, which does not exist`);
    }
  }
  return problems;
}

/** The images that render images (sharp, and the external decoders of ADR 0023). */
export const RENDER_IMAGES = ['web', 'worker-transcode'];

/** Non-root, an init process, a health check (services) and the base images users expect. */
export function checkImageConventions(root) {
  const problems = [];
  for (const { name, file } of listDockerfiles(root)) {
    const text = readFileSync(file, 'utf8');
    const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    for (const from of froms) {
      if (from !== 'node:20-bookworm-slim')
        problems.push(`${name}: FROM ${from} (expected node:20-bookworm-slim)`);
    }
    if (!/^USER\s+node\s*$/m.test(text)) problems.push(`${name}: no USER node (runs as root)`);
    if (!text.includes('ENTRYPOINT ["tini", "--"]')) problems.push(`${name}: no tini init process`);
    if (name !== 'cli' && !/^HEALTHCHECK /m.test(text)) problems.push(`${name}: no HEALTHCHECK`);
    const instructions = text.replace(/^#.*$/gm, '');
    if (name !== 'worker-transcode' && /ffmpeg/.test(instructions)) {
      problems.push(`${name}: installs ffmpeg (only the transcode image may)`);
    }
    // Both render images: the decoders for what the prebuilt sharp cannot read (HEIC, JPEG XL; ADR 0023).
    for (const pkg of ['libheif-examples', 'libjxl-tools']) {
      if (RENDER_IMAGES.includes(name) && !instructions.includes(pkg))
        problems.push(`${name}: does not install ${pkg} (its renders decode with it)`);
    }
  }
  return problems;
}

/** Every image is built by a compose service, so `docker compose build` covers them all. */
export function checkComposeBuildsEveryImage(root) {
  const compose = readFileSync(path.join(root, 'docker/compose.yml'), 'utf8');
  return listDockerfiles(root)
    .filter(({ name }) => !compose.includes(`dockerfile: docker/${name}.Dockerfile`))
    .map(({ name }) => `docker/compose.yml does not build docker/${name}.Dockerfile`);
}

export function checkDockerfileLint(root) {
  const bin = path.join(root, 'node_modules/.bin/dockerfile-utils');
  const files = [
    ...listDockerfiles(root).map((d) => d.file),
    ...readdirSync(path.join(root, 'docker/ci'))
      .filter((f) => f.endsWith('.Dockerfile'))
      .map((f) => path.join(root, 'docker/ci', f)),
  ];
  return files.flatMap((file) => {
    const result = spawnSync(bin, ['lint', file], { encoding: 'utf8' });
    return result.status === 0 ? [] : [`${path.relative(root, file)}:\n${result.stdout}${result.stderr}`];
  });
}

export function checkComposeConfig(root) {
  const problems = [];
  for (const files of [['compose.yml'], ['compose.yml', 'compose.ci.yml']]) {
    const args = files.flatMap((f) => ['-f', path.join(root, 'docker', f)]);
    const result = spawnSync('docker-compose', [...args, 'config', '-q'], { encoding: 'utf8' });
    if (result.status !== 0) problems.push(`docker-compose config (${files.join(' + ')}): ${result.stderr}`);
  }
  return problems;
}

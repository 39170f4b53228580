// Deps stage of docker/*.Dockerfile: an app's bundle (dist/main.js) resolves its external packages from
// /app/node_modules only, so packages npm nested under a workspace (libs/email/node_modules/nodemailer,
// because a devDependency wanted another version at the root) move up. A real version clash fails the build.
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';

const root = process.argv[2] ?? '/app';
const versionOf = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;

function packagesIn(modulesDir) {
  return readdirSync(modulesDir)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) =>
      name.startsWith('@') ? readdirSync(path.join(modulesDir, name)).map((sub) => `${name}/${sub}`) : [name],
    );
}

let failed = false;
for (const group of ['apps', 'libs']) {
  if (!existsSync(path.join(root, group))) continue;
  for (const workspace of readdirSync(path.join(root, group))) {
    const modulesDir = path.join(root, group, workspace, 'node_modules');
    if (!existsSync(modulesDir)) continue;
    for (const name of packagesIn(modulesDir)) {
      const from = path.join(modulesDir, name);
      const to = path.join(root, 'node_modules', name);
      if (!existsSync(to)) {
        renameSync(from, to);
        console.log(`hoisted ${name}@${versionOf(to)} from ${group}/${workspace}`);
      } else if (versionOf(to) !== versionOf(from)) {
        console.error(
          `${name}: ${group}/${workspace} needs ${versionOf(from)}, the root has ${versionOf(to)}`,
        );
        failed = true;
      }
    }
  }
}
process.exit(failed ? 1 : 0);

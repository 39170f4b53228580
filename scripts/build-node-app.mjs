#!/usr/bin/env node
// Bundles a Node app's src/main.ts into dist/main.js (ESM, node20). The @fjord/* workspace libs are
// TypeScript source, so they are bundled; every other package stays external and is loaded from
// node_modules at run time (sharp, prisma's runtime, bullmq's Lua scripts do not survive bundling).
// Usage: node scripts/build-node-app.mjs <appDir>
import path from 'node:path';
import fs from 'node:fs';
import { build } from 'esbuild';

const appDir = path.resolve(process.argv[2] ?? '.');
const entry = path.join(appDir, 'src/main.ts');
if (!fs.existsSync(entry)) {
  console.error(`build-node-app: ${entry} does not exist`);
  process.exit(1);
}

/** Everything that is not a relative path or an @fjord/* workspace lib is external. */
const externalizeDependencies = {
  name: 'externalize-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@fjord/')) return undefined;
      if (path.isAbsolute(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const started = Date.now();
const result = await build({
  entryPoints: [entry],
  outfile: path.join(appDir, 'dist/main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [externalizeDependencies],
  // Bundled CommonJS helpers sometimes call require(); give ESM output a real one.
  banner: {
    js: "import { createRequire as __fjordCreateRequire } from 'node:module';\nconst require = __fjordCreateRequire(import.meta.url);",
  },
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `built ${path.relative(process.cwd(), path.join(appDir, 'dist/main.js'))} (${Math.round(bytes / 1024)} KB) in ${Date.now() - started} ms`,
);

// Run inside an image by `npm run test:docker`: every package a bundled app imports must resolve from
// /app/node_modules (the only place a bundle looks), so a missing production dependency fails here,
// not at 3 a.m. Usage (stdin): node --input-type=module - <bundle>   (cwd /app)
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

const bundle = readFileSync(process.argv[2], 'utf8');
const specifiers = new Set();
for (const m of bundle.matchAll(/(?:\bfrom|\bimport\(|\brequire\()\s*["']([^"'./][^"']*)["']/g)) {
  const spec = m[1];
  if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
  specifiers.add(spec);
}
const missing = [...specifiers].filter((spec) => {
  try {
    import.meta.resolve(spec);
    return false;
  } catch {
    return true;
  }
});
console.log(`${specifiers.size} packages imported; missing: ${missing.join(', ') || 'none'}`);
process.exit(missing.length > 0 ? 1 : 0);

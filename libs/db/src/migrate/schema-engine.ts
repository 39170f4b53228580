import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiffTarget, SchemaEngine } from '@prisma/schema-engine-wasm';
import { withDatabase } from './database-url';

export type { DiffTarget };

export type SchemaDiffer = {
  /** The SQL that turns `from` into `to`, exactly as `prisma migrate diff --script` prints it. */
  diffScript(from: DiffTarget, to: DiffTarget): Promise<string>;
  close(): void;
};

type WasmBindings = typeof import('@prisma/schema-engine-wasm') & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
};

let bindings: Promise<WasmBindings> | undefined;

// The package's entry does `import * as wasm from "./x.wasm"`, which Node cannot load: instantiate the
// module ourselves against its JS glue (ADR 0001).
function loadBindings(): Promise<WasmBindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import(pathToFileURL(gluePath).href)) as WasmBindings;
    const bytes = readFileSync(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return bindings;
}

/** Prisma's schema engine (Wasm). It opens a connection at start, so give it any reachable server. */
export async function createSchemaDiffer(opts: { url: string }): Promise<SchemaDiffer> {
  const glue = await loadBindings();
  const adapter = bindMigrationAwareSqlAdapterFactory(
    new PrismaPg({ connectionString: withDatabase(opts.url, 'postgres'), max: 1 }),
  );
  const engine: SchemaEngine = await glue.SchemaEngine.new(
    { datamodels: undefined },
    () => undefined,
    adapter,
  );
  return {
    async diffScript(from, to) {
      const result = await engine.diff({
        from,
        to,
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      return result.stdout ?? '';
    },
    close() {
      engine.free();
    },
  };
}

export function datamodelTarget(content: string, fileName = 'schema.prisma'): DiffTarget {
  return { tag: 'schemaDatamodel', files: [{ path: fileName, content }] };
}

/** True when a diff script holds no statement (the engine prints a comment for an empty migration). */
export function isEmptyScript(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}

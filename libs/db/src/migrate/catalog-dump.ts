import type pg from 'pg';

// What Prisma can express, normalized so two databases built different ways compare equal when they are
// equal: column order is ignored (ALTER TABLE ADD appends), everything else is compared as Postgres
// itself prints it.
const QUERIES: Record<string, string> = {
  enum: `
    SELECT format('enum %I: %s', t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)) AS line
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`,
  column: `
    SELECT format('column %I.%I %s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
      CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
      coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')) AS line
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relname <> '_prisma_migrations'`,
  index: `
    SELECT format('index %s', pg_get_indexdef(i.indexrelid)) AS line
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'`,
  constraint: `
    SELECT format('constraint %I.%I %s', c.relname, k.conname, pg_get_constraintdef(k.oid)) AS line
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'`,
  sequence: `
    SELECT format('sequence %I', c.relname) AS line
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'S'`,
  table: `
    SELECT format('table %I', c.relname) AS line
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname <> '_prisma_migrations'`,
};

/** A sorted, line-per-object description of the public schema. */
export async function dumpCatalog(client: pg.Client): Promise<string[]> {
  const lines: string[] = [];
  for (const sql of Object.values(QUERIES)) {
    const result = await client.query<{ line: string }>(sql);
    lines.push(...result.rows.map((r) => r.line));
  }
  return lines.sort();
}

/** Lines only in `expected` (prefixed "+ ") or only in `actual` ("- "); empty when they agree. */
export function diffCatalogs(actual: string[], expected: string[]): string[] {
  const a = new Set(actual);
  const e = new Set(expected);
  return [
    ...actual.filter((l) => !e.has(l)).map((l) => `- ${l}`),
    ...expected.filter((l) => !a.has(l)).map((l) => `+ ${l}`),
  ].sort((x, y) => x.slice(2).localeCompare(y.slice(2)) || x.localeCompare(y));
}

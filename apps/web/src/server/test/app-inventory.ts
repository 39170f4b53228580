import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRouter } from '@fjord/api';
import { z } from 'zod';

/** apps/web/src/app, where Next finds its pages and route handlers. */
export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../app');

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
type RouteHandler = (
  req: Request,
  ctx: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>;

function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => path.basename(f) === name)
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/** `api/v1/media/[id]/route.ts` → `/api/v1/media/[id]` (Next's own spelling, brackets kept). */
const urlPathOf = (file: string) => `/${path.posix.dirname(file)}`.replace(/\/\.$/, '') || '/';

/** Every route handler Next serves: its path, the file, and whether a segment is dynamic (an id). */
export function listRouteFiles() {
  return filesNamed(APP_DIR, 'route.ts').map((file) => ({
    file,
    path: urlPathOf(file),
    isDynamic: file.includes('['),
  }));
}

/** Every page (page.tsx), with whether it takes an id in its path and whether it sits under /admin. */
export function listPageFiles() {
  return filesNamed(APP_DIR, 'page.tsx').map((file) => {
    const urlPath = urlPathOf(file);
    return { file, path: urlPath, isDynamic: file.includes('['), isAdmin: /^\/admin(\/|$)/.test(urlPath) };
  });
}

/** The module Next would load for a route file: its exported handlers by HTTP method. */
export async function loadRoute(routePath: string): Promise<Partial<Record<HttpMethod, RouteHandler>>> {
  const file = listRouteFiles().find((r) => r.path === routePath)?.file;
  if (!file) throw new Error(`no route file for ${routePath}`);
  const mod = (await import(/* @vite-ignore */ path.join(APP_DIR, file))) as Record<string, unknown>;
  return Object.fromEntries(
    HTTP_METHODS.filter((m) => typeof mod[m] === 'function').map((m) => [m, mod[m] as RouteHandler]),
  );
}

/** Input keys that name an object: `id`, `userId`, `jobId`, `targetId`… */
const isIdKey = (key: string) => key === 'id' || /Id$/.test(key);

function inputKeys(schema: unknown): string[] {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
  } catch {
    return [];
  }
  const variants = [json, ...(((json.anyOf ?? json.oneOf) as Record<string, unknown>[] | undefined) ?? [])];
  return variants.flatMap((v) => Object.keys((v.properties as object | undefined) ?? {}));
}

/** Every tRPC procedure: its path, type, and whether its input carries an id. */
export function listProcedures() {
  const procedures = (
    appRouter as unknown as {
      _def: { procedures: Record<string, { _def: { type: string; inputs: unknown[] } }> };
    }
  )._def.procedures;
  return Object.entries(procedures).map(([name, p]) => {
    const keys = p._def.inputs.flatMap(inputKeys);
    return { name, type: p._def.type, takesId: keys.some(isIdKey), isAdmin: name.startsWith('admin.') };
  });
}

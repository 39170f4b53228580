import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildOpenApiDocument } from '../rest/openapi.document';

type JsonObject = Record<string, unknown>;
type MediaTypeObject = { schema?: JsonObject };
type ResponseObject = { content?: Record<string, MediaTypeObject> };
type OperationObject = { operationId?: string; responses?: Record<string, ResponseObject> };

export type ContractCheck = { method: string; url: string | URL; response: Response };

const COMPONENTS_ID = 'urn:fjord:openapi:components';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// ajv-formats is CommonJS: its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** `/api/v1/media/{id}` → a regex for a concrete path; literal segments count, to prefer the most specific. */
function compileTemplate(template: string) {
  const segments = template.split('/');
  const source = segments
    .map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return {
    template,
    regex: new RegExp(`^${source}$`),
    literals: segments.filter((s) => !s.startsWith('{')).length,
  };
}

function mediaTypeOf(response: Response): string | null {
  const header = response.headers.get('content-type');
  return header ? header.split(';')[0]!.trim().toLowerCase() : null;
}

function matchesRange(range: string, mediaType: string): boolean {
  if (range === '*/*') return true;
  if (range.endsWith('/*')) return mediaType.startsWith(range.slice(0, -1));
  return range.toLowerCase() === mediaType;
}

/**
 * Checks live responses against the OpenAPI document Fjord serves (buildOpenApiDocument, generated from the
 * handlers' zod schemas): the operation must exist for the method + path, the status must be one it declares,
 * and a JSON body must validate against the declared schema (JSON Schema 2020-12, formats included). A
 * response with a body where none is declared, or of an undeclared media type, fails too. Throws on drift.
 */
export function createOpenApiContract(
  doc: JsonObject = buildOpenApiDocument({ serverUrl: 'http://localhost' }),
) {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, OperationObject>>;
  const templates = Object.keys(paths)
    .map(compileTemplate)
    .sort((a, b) => b.literals - a.literals);
  const components = (doc.components as { schemas?: JsonObject } | undefined)?.schemas ?? {};
  // Component refs are document-relative (#/components/schemas/X): the components become one schema resource
  // of their own, compiled once, and every response schema points into it.
  const rewrite = <T>(value: T, base: string): T =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${base}#/$defs/`)) as T;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addVocabulary(['example']);
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewrite(components, '') });
  const validators = new Map<string, ValidateFunction>();

  function findOperation(method: string, pathname: string) {
    const match = templates.find((t) => t.regex.test(pathname));
    if (!match) throw new Error(`OpenAPI: no path in the document matches ${pathname}`);
    const operation = paths[match.template]?.[method.toLowerCase()];
    if (!operation || !METHODS.includes(method.toLowerCase())) {
      throw new Error(`OpenAPI: ${method.toUpperCase()} ${match.template} is not in the document`);
    }
    return { template: match.template, operation };
  }

  /** The key of the responses entry that covers `status`: itself, its class (2XX) or default. */
  function statusKey(operation: OperationObject, status: number): string | undefined {
    const responses = operation.responses ?? {};
    return [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in responses);
  }

  function validatorFor(key: string, schema: JsonObject): ValidateFunction {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(rewrite(schema, COMPONENTS_ID));
      validators.set(key, validate);
    }
    return validate;
  }

  // Compiled up front, so the first request a (timing-sensitive) test makes pays nothing extra.
  for (const [template, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, declared] of Object.entries(operation.responses ?? {})) {
        for (const [range, media] of Object.entries(declared.content ?? {})) {
          if (media.schema && /[/+]json$/.test(range)) {
            validatorFor(`${method.toUpperCase()} ${template} ${status} ${range}`, media.schema);
          }
        }
      }
    }
  }

  /** Resolves when `response` is what the document promises for `method url`; throws with the reasons if not. */
  async function assertResponseMatches({ method, url, response }: ContractCheck): Promise<void> {
    const pathname = new URL(url, 'http://localhost').pathname;
    const { template, operation } = findOperation(method, pathname);
    const where = `${method.toUpperCase()} ${template} → ${response.status}`;
    const key = statusKey(operation, response.status);
    const declared = key === undefined ? undefined : operation.responses?.[key];
    if (!declared) {
      const statuses = Object.keys(operation.responses ?? {}).join(', ');
      throw new Error(`OpenAPI: ${where} is not a declared status (declared: ${statuses})`);
    }
    const text = method.toUpperCase() === 'HEAD' ? '' : await response.clone().text();
    const mediaType = mediaTypeOf(response);
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      if (text.length > 0)
        throw new Error(`OpenAPI: ${where} declares no body but one was sent: ${text.slice(0, 200)}`);
      return;
    }
    if (text.length === 0) return;
    const range = Object.keys(content).find((r) => mediaType !== null && matchesRange(r, mediaType));
    if (!range) {
      throw new Error(
        `OpenAPI: ${where} answered ${mediaType ?? 'no Content-Type'}; declared: ${Object.keys(content).join(', ')}`,
      );
    }
    const schema = content[range]?.schema;
    if (!schema || !/[/+]json$/.test(mediaType ?? '')) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`OpenAPI: ${where} sent ${mediaType} that is not JSON: ${text.slice(0, 200)}`);
    }
    const validate = validatorFor(`${method.toUpperCase()} ${template} ${key} ${range}`, schema);
    if (!validate(body)) {
      const reasons = (validate.errors ?? [])
        .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
        .join('; ');
      throw new Error(`OpenAPI: ${where} body violates its schema: ${reasons}\nbody: ${text.slice(0, 500)}`);
    }
  }

  return { assertResponseMatches, findOperation };
}

export type OpenApiContract = ReturnType<typeof createOpenApiContract>;

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildOpenApiDocument } from '../rest/openapi.document';

type JsonObject = Record<string, unknown>;
type MediaTypeObject = { schema?: JsonObject };
type ResponseObject = { content?: Record<string, MediaTypeObject> };
type OperationObject = { operationId?: string; responses?: Record<string, ResponseObject> };

export type ContractCheck = { method: string; url: string | URL; response: Response };

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
  // Component refs are document-relative (#/components/schemas/X); each compiled schema carries them as $defs.
  const rewrite = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/')) as T;
  const defs = rewrite(components);
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addVocabulary(['example']);
  addFormats(ajv);
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

  function declaredResponse(operation: OperationObject, status: number) {
    const responses = operation.responses ?? {};
    return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  }

  function validatorFor(key: string, schema: JsonObject): ValidateFunction {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile({ ...rewrite(schema), $defs: defs });
      validators.set(key, validate);
    }
    return validate;
  }

  /** Resolves when `response` is what the document promises for `method url`; throws with the reasons if not. */
  async function assertResponseMatches({ method, url, response }: ContractCheck): Promise<void> {
    const pathname = new URL(url, 'http://localhost').pathname;
    const { template, operation } = findOperation(method, pathname);
    const where = `${method.toUpperCase()} ${template} → ${response.status}`;
    const declared = declaredResponse(operation, response.status);
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
    const validate = validatorFor(`${where} ${range}`, schema);
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

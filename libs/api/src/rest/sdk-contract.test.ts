import { SDK_OPERATIONS } from '@fjord/sdk';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.document';

describe('@fjord/sdk against the OpenAPI document', () => {
  const paths = buildOpenApiDocument({ serverUrl: 'http://localhost' }).paths as Record<
    string,
    Record<string, unknown>
  >;

  it.each(Object.entries(SDK_OPERATIONS))('%s calls an operation the document has', (_name, op) => {
    expect(paths[op.path]?.[op.method.toLowerCase()]).toBeDefined();
  });
});

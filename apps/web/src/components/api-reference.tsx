type Json = Record<string, unknown>;
type Param = { name: string; in: string; required?: boolean; description?: string; schema?: Json };
type Operation = {
  operationId: string;
  summary?: string;
  'x-fjord-scope'?: string;
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema?: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Json }> }>;
};

function typeLabel(schema: Json | undefined): string {
  if (!schema) return '';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop() ?? '';
  if (Array.isArray(schema.enum)) return schema.enum.join(' | ');
  if (schema.type === 'array') return `${typeLabel(schema.items as Json)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'object');
  return schema.format ? `${type} (${String(schema.format)})` : type;
}

function SchemaRef({ schema }: { schema?: Json }) {
  const label = typeLabel(schema);
  return typeof schema?.$ref === 'string' ? <a href={`#schema-${label}`}>{label}</a> : <code>{label}</code>;
}

function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const body = op.requestBody ? Object.entries(op.requestBody.content)[0] : undefined;
  return (
    <article className="panel" id={op.operationId}>
      <h3>
        <code>
          {method.toUpperCase()} {path}
        </code>
      </h3>
      <p>
        {op.summary}{' '}
        {op['x-fjord-scope'] ? <span className="muted">— scope {op['x-fjord-scope']}</span> : null}
      </p>
      {op.parameters?.length ? (
        <table className="table">
          <caption className="visually-hidden">Parameters</caption>
          <thead>
            <tr>
              <th>parameter</th>
              <th>in</th>
              <th>type</th>
              <th>description</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td>
                  <code>{p.name}</code>
                  {p.required ? ' *' : ''}
                </td>
                <td>{p.in}</td>
                <td>
                  <SchemaRef schema={p.schema} />
                </td>
                <td>{p.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {body ? (
        <p>
          Body <code>{body[0]}</code>: <SchemaRef schema={body[1].schema} />
        </p>
      ) : null}
      <ul>
        {Object.entries(op.responses).map(([status, r]) => (
          <li key={status}>
            <strong>{status}</strong> {r.description}{' '}
            {r.content ? <SchemaRef schema={Object.values(r.content)[0]?.schema} /> : null}
          </li>
        ))}
      </ul>
    </article>
  );
}

function SchemaView({ name, schema }: { name: string; schema: Json }) {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  return (
    <article className="panel" id={`schema-${name}`}>
      <h3>{name}</h3>
      <table className="table">
        <tbody>
          {Object.entries(props).map(([prop, s]) => (
            <tr key={prop}>
              <td>
                <code>{prop}</code>
                {required.has(prop) ? ' *' : ''}
              </td>
              <td>
                <SchemaRef schema={s} />
              </td>
              <td>{typeof s.description === 'string' ? s.description : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

/** A readable rendering of the OpenAPI document, server-side, with no scripts or outside assets. */
export function ApiReference({ doc }: { doc: Json }) {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
  return (
    <>
      <h2>Operations</h2>
      {Object.entries(paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => (
          <OperationView key={`${method} ${path}`} method={method} path={path} op={op} />
        )),
      )}
      <h2>Schemas</h2>
      {Object.entries(schemas).map(([name, schema]) => (
        <SchemaView key={name} name={name} schema={schema} />
      ))}
    </>
  );
}

type Json = Record<string, unknown>;
type Param = { name: string; in: string; required?: boolean; description?: string; schema?: Json };
type Operation = {
  operationId: string;
  summary?: string;
  'x-fjord-scope'?: string;
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema?: Json }> };
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema?: Json }>; headers?: Record<string, Json> }
  >;
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
            {r.headers && !('RateLimit-Limit' in r.headers) ? (
              <span className="muted">
                {' '}
                — headers{' '}
                {Object.keys(r.headers).map((name, i) => (
                  <span key={name}>
                    {i > 0 ? ', ' : ''}
                    <code>{name}</code>
                  </span>
                ))}
              </span>
            ) : null}
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

type WebhookOperation = Operation & {
  description?: string;
  requestBody: { content: Record<string, { schema?: Json; example?: unknown }> };
};

/** One event of the document's `webhooks` section: what Fjord POSTs to a subscribed endpoint. */
function WebhookEventView({
  event,
  op,
  schemas,
}: {
  event: string;
  op: WebhookOperation;
  schemas: Record<string, Json>;
}) {
  const [mediaType, body] = Object.entries(op.requestBody.content)[0] ?? [];
  const payloadName = typeLabel(body?.schema);
  const payload = schemas[payloadName];
  return (
    <article className="panel" id={`webhook-${event.replace('.', '-')}`}>
      <h3>
        <code>{event}</code>
      </h3>
      <p>
        {op.description} <span className="muted">— POST, {mediaType}</span>
      </p>
      <table className="table">
        <caption className="visually-hidden">Headers of a {event} delivery</caption>
        <thead>
          <tr>
            <th>header</th>
            <th>description</th>
          </tr>
        </thead>
        <tbody>
          {(op.parameters ?? []).map((p) => (
            <tr key={p.name}>
              <td>
                <code>{p.name}</code>
              </td>
              <td>{p.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Body: <SchemaRef schema={body?.schema} />
        {payload?.properties ? (
          <>
            {' '}
            (
            {Object.keys(payload.properties as Json).map((prop, i) => (
              <span key={prop}>
                {i > 0 ? ', ' : ''}
                <code>{prop}</code>
              </span>
            ))}
            )
          </>
        ) : null}
      </p>
      {body?.example !== undefined ? (
        <pre aria-label={`Example ${event} body`}>
          <code>{JSON.stringify(body.example, null, 2)}</code>
        </pre>
      ) : null}
      <ul>
        {Object.entries(op.responses).map(([status, r]) => (
          <li key={status}>
            Your answer <strong>{status}</strong>: {r.description}
          </li>
        ))}
      </ul>
    </article>
  );
}

/** A readable rendering of the OpenAPI document, server-side, with no scripts or outside assets. */
export function ApiReference({ doc }: { doc: Json }) {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
  const webhooks = (doc.webhooks ?? {}) as Record<string, { post: WebhookOperation }>;
  return (
    <>
      <h2>Operations</h2>
      {Object.entries(paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => (
          <OperationView key={`${method} ${path}`} method={method} path={path} op={op} />
        )),
      )}
      <h2 id="webhooks">Webhook events</h2>
      <p>
        Register an endpoint (<a href="#createWebhook">POST /api/v1/webhooks</a>) and Fjord POSTs these events
        to it, signed with its secret; see <a href="#webhook-signatures">Webhook signatures</a> to verify
        them.
      </p>
      {Object.entries(webhooks).map(([event, item]) => (
        <WebhookEventView key={event} event={event} op={item.post} schemas={schemas} />
      ))}
      <h2>Schemas</h2>
      {Object.entries(schemas).map(([name, schema]) => (
        <SchemaView key={name} name={name} schema={schema} />
      ))}
    </>
  );
}

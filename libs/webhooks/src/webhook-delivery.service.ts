import type { DbClient } from '@fjord/db';
import { isAppError } from '@fjord/errors';
import { currentTraceCarrier, SpanKind, withSpan } from '@fjord/observability';
import { signWebhookPayload } from '@fjord/sdk';
import { postToTarget } from './http-post';
import { webhookSecretContext, type SecretCipher } from './secret-cipher';
import { resolveWebhookTarget, type Resolver } from './ssrf-guard';

export type DeliverWebhookDeps = {
  db: DbClient;
  /** Opens the endpoint's sealed signing secret. */
  secrets: Pick<SecretCipher, 'open'>;
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: Resolver;
  now?: () => Date;
};

export class WebhookAttemptError extends Error {
  override readonly name = 'WebhookAttemptError';
  constructor(
    message: string,
    /** The target is refused (SSRF guard, bad URL): retrying cannot help. */
    readonly isPermanent: boolean,
  ) {
    super(message);
  }
}

/**
 * One attempt of one delivery: SSRF check, signed POST, a row in the delivery log. A 2xx marks it
 * SUCCEEDED; anything else throws so the queue retries with backoff, and the last attempt marks it FAILED.
 */
export async function deliverWebhook(
  deps: DeliverWebhookDeps,
  input: { deliveryId: string; isLastAttempt: boolean },
): Promise<{ status: 'SUCCEEDED' | 'SKIPPED'; statusCode?: number }> {
  const delivery = await deps.db.webhookDelivery.findUnique({
    where: { id: input.deliveryId },
    select: {
      id: true,
      eventId: true,
      event: true,
      payload: true,
      status: true,
      endpointId: true,
      endpoint: { select: { url: true, secretCiphertext: true, disabledAt: true } },
    },
  });
  if (!delivery || delivery.status === 'SUCCEEDED' || delivery.endpoint.disabledAt)
    return { status: 'SKIPPED' };

  const { attempts } = await deps.db.webhookDelivery.update({
    where: { id: delivery.id },
    data: { attempts: { increment: 1 } },
    select: { attempts: true },
  });
  const body = JSON.stringify(delivery.payload);
  const timestamp = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
  let statusCode: number | undefined;
  let durationMs = 0;
  let error: string | undefined;
  let isPermanent = false;
  const started = performance.now();
  try {
    // A plain Error when it cannot be opened (key not configured yet): logged, and retried with backoff.
    const secret = deps.secrets.open(
      delivery.endpoint.secretCiphertext,
      webhookSecretContext(delivery.endpointId),
    );
    // A client span per attempt; its context goes to the receiver as `traceparent` (W3C), so a traced
    // receiver continues the upload's trace. The host only: a URL's path or query may hold a token.
    const attributes = {
      'http.request.method': 'POST',
      'server.address': URL.canParse(delivery.endpoint.url) ? new URL(delivery.endpoint.url).hostname : '',
      'fjord.webhook.event': delivery.event,
      'fjord.webhook.delivery.id': delivery.id,
    };
    const res = await withSpan('webhook POST', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const target = await resolveWebhookTarget(delivery.endpoint.url, deps);
      const posted = await postToTarget({
        target,
        body,
        timeoutMs: deps.timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Fjord-Webhooks/1',
          'Fjord-Event': delivery.event,
          'Fjord-Event-Id': delivery.eventId,
          'Fjord-Delivery-Id': delivery.id,
          'Fjord-Signature': signWebhookPayload({ secret, body, timestamp }),
          ...currentTraceCarrier(),
        },
      });
      span.setAttribute('http.response.status_code', posted.statusCode);
      return posted;
    });
    statusCode = res.statusCode;
    durationMs = res.durationMs;
    if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
  } catch (err) {
    durationMs = Math.round(performance.now() - started);
    isPermanent = isAppError(err);
    error = err instanceof Error ? err.message : String(err);
  }
  const isSuccess = error === undefined;
  await deps.db.$transaction([
    deps.db.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        attempt: attempts,
        statusCode,
        durationMs,
        error: error?.slice(0, 500),
      },
    }),
    deps.db.webhookDelivery.update({
      where: { id: delivery.id },
      data: isSuccess
        ? { status: 'SUCCEEDED', deliveredAt: new Date() }
        : { status: input.isLastAttempt || isPermanent ? 'FAILED' : 'PENDING' },
    }),
  ]);
  if (!isSuccess) {
    throw new WebhookAttemptError(
      `Webhook delivery ${delivery.id} attempt ${attempts}: ${error}`,
      isPermanent,
    );
  }
  return { status: 'SUCCEEDED', statusCode };
}

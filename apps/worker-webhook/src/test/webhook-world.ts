import http from 'node:http';
import type { Config } from '@fjord/config';
import { createQueues, QueueName, runWorker, type Queues, type RunningWorker } from '@fjord/queue';
import {
  createTestDatabase,
  listenOnLoopback,
  silentLogger,
  testConfig,
  type TestDatabase,
} from '@fjord/testing';
import { loadSecretCipher, type SecretCipher } from '@fjord/webhooks';
import { createDeliverWebhookProcessor } from '../deliver-webhook.processor';

export type ReceivedRequest = { headers: http.IncomingHttpHeaders; body: string };

export type WebhookWorldOptions = {
  /** Env on top of a fresh DATABASE_URL and WEBHOOK_ALLOW_PRIVATE=true (the receiver is on loopback). */
  env?: Record<string, string>;
  concurrency?: number;
  /** The processor's per-attempt timeout; config.WEBHOOK_TIMEOUT_MS, as in production, unless given. */
  timeoutMs?: number;
  /** Answers a request once its body is read and recorded in `received`; a plain 200 unless given. */
  respond?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
};

export type WebhookWorld = {
  database: TestDatabase;
  config: Config;
  queues: Queues;
  secrets: SecretCipher;
  worker: RunningWorker;
  /** The receiver's endpoint URL, on 127.0.0.1. */
  url: string;
  /** Every request the receiver got, in arrival order. */
  received: ReceivedRequest[];
  close(): Promise<void>;
};

/** A test database, queues, an HTTP receiver on loopback and the webhook worker delivering to it. */
export async function startWebhookWorld(opts: WebhookWorldOptions = {}): Promise<WebhookWorld> {
  const { respond = (_req, res) => res.end('ok') } = opts;
  const received: ReceivedRequest[] = [];
  const database = await createTestDatabase();
  let queues: Queues | undefined;
  let receiver: http.Server | undefined;
  let worker: RunningWorker | undefined;

  async function close() {
    await worker?.close();
    for (const q of queues ? [queues.transcode, queues.db, queues.email, queues.webhooks] : []) {
      await q.obliterate({ force: true }).catch(() => undefined);
    }
    await queues?.close();
    // A stalled request's socket would outlive the server.
    receiver?.closeAllConnections();
    receiver?.close();
    await database.drop();
  }

  try {
    const config = testConfig({ DATABASE_URL: database.url, WEBHOOK_ALLOW_PRIVATE: 'true', ...opts.env });
    queues = createQueues(config);
    const secrets = loadSecretCipher(config);
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        respond(req, res);
      });
    });
    const url = `http://127.0.0.1:${await listenOnLoopback(receiver)}/hooks/fjord`;
    worker = await runWorker({
      queueName: QueueName.webhooks,
      processor: createDeliverWebhookProcessor({
        db: database.db,
        secrets,
        logger: silentLogger,
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
        timeoutMs: opts.timeoutMs ?? config.WEBHOOK_TIMEOUT_MS,
      }),
      concurrency: opts.concurrency ?? 1,
      config,
      logger: silentLogger,
    });
    return { database, config, queues, secrets, worker, url, received, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

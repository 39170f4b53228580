import type { Redis } from 'ioredis';
import type { QueueLogger } from './logger';

export type BrokerDurability = {
  /** False when CONFIG is not permitted (managed Redis, ACLs): durability could not be checked. */
  isChecked: boolean;
  appendonly?: string;
  maxmemoryPolicy?: string;
  /** Human sentences naming each risk and its fix; empty when the broker keeps and never evicts work. */
  risks: string[];
};

const NOT_CHECKED_RISK =
  'Redis refused CONFIG GET, so Fjord cannot tell whether it persists (appendonly yes) and never evicts ' +
  '(maxmemory-policy noeviction); make sure it does, or a restart or memory pressure loses queued work.';

/** The broker's durability from its own config; every risk named together with its fix. */
export async function checkBrokerDurability(redis: Redis): Promise<BrokerDurability> {
  let appendonly: string | undefined;
  let maxmemoryPolicy: string | undefined;
  try {
    appendonly = configValue(await redis.call('CONFIG', 'GET', 'appendonly'));
    maxmemoryPolicy = configValue(await redis.call('CONFIG', 'GET', 'maxmemory-policy'));
  } catch (err) {
    if (isConnectionError(err)) throw err;
    return { isChecked: false, risks: [NOT_CHECKED_RISK] };
  }
  if (appendonly === undefined || maxmemoryPolicy === undefined) {
    return { isChecked: false, risks: [NOT_CHECKED_RISK] };
  }
  const risks: string[] = [];
  if (appendonly !== 'yes') {
    risks.push(
      `Redis runs with appendonly ${appendonly}: a restart loses every queued job (the reconciler re-drives ` +
        'them from Postgres, late). Fix: appendonly yes, appendfsync everysec.',
    );
  }
  if (maxmemoryPolicy !== 'noeviction') {
    risks.push(
      `Redis runs with maxmemory-policy ${maxmemoryPolicy}: under memory pressure it may evict queue keys ` +
        'and break flows. Fix: maxmemory-policy noeviction.',
    );
  }
  return { isChecked: true, appendonly, maxmemoryPolicy, risks };
}

function configValue(reply: unknown): string | undefined {
  // CONFIG GET answers [name, value] (RESP2) or a map flattened the same way by ioredis.
  return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
}

function isConnectionError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|max retries/i.test(message);
}

const WARN_DEDUPE_MS = 5_000;
let lastWarnedAt = 0;

/**
 * Checks the broker now and every time the connection becomes ready again (a restarted Redis may come
 * back with another config): one `warn` line per check that finds a risk, nothing when it is durable.
 */
export function watchBrokerDurability(
  redis: Redis,
  logger: QueueLogger,
  opts: { dedupeMs?: number } = {},
): { stop(): void } {
  const dedupeMs = opts.dedupeMs ?? WARN_DEDUPE_MS;
  const check = () => {
    checkBrokerDurability(redis).then(
      (result) => {
        if (result.risks.length === 0) return;
        // Several connections of one process reconnect together: one line per process and event.
        if (Date.now() - lastWarnedAt < dedupeMs) return;
        lastWarnedAt = Date.now();
        logger.warn(
          { appendonly: result.appendonly, maxmemoryPolicy: result.maxmemoryPolicy, risks: result.risks },
          `broker can lose work: ${result.risks.join(' ')}`,
        );
      },
      (err: unknown) => logger.debug({ err }, 'broker durability check skipped: Redis not reachable'),
    );
  };
  if (redis.status === 'ready') check();
  redis.on('ready', check);
  return { stop: () => redis.off('ready', check) };
}

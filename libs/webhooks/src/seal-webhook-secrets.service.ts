import type { DbClient } from '@fjord/db';
import { SEALED_PREFIX, webhookSecretContext, type SecretCipher } from './secret-cipher';

export type SealWebhookSecretsResult = { sealed: number; rotated: number; unreadable: number };

/**
 * Run at boot by web and worker-webhook: seals secrets still stored in plaintext (rows from before
 * secrets were encrypted) and re-seals those under a previous key with the current one, so a rotated-out
 * key can be dropped after one boot. Idempotent and safe to race: each row is swapped only if unchanged.
 */
export async function sealWebhookSecrets(deps: {
  db: DbClient;
  secrets: SecretCipher;
  logger?: { warn(obj: object, msg: string): void };
}): Promise<SealWebhookSecretsResult> {
  const { db, secrets } = deps;
  const result: SealWebhookSecretsResult = { sealed: 0, rotated: 0, unreadable: 0 };
  const rows = await db.webhookEndpoint.findMany({
    where: { NOT: { secretCiphertext: { startsWith: `${SEALED_PREFIX}${secrets.keyId}:` } } },
    select: { id: true, secretCiphertext: true },
  });
  for (const row of rows) {
    const context = webhookSecretContext(row.id);
    const isPlaintext = !secrets.isSealed(row.secretCiphertext);
    let plaintext: string;
    try {
      plaintext = isPlaintext ? row.secretCiphertext : secrets.open(row.secretCiphertext, context);
    } catch (err) {
      result.unreadable++;
      deps.logger?.warn(
        { err, endpointId: row.id },
        'webhook secret cannot be opened with any configured key',
      );
      continue;
    }
    const { count } = await db.webhookEndpoint.updateMany({
      where: { id: row.id, secretCiphertext: row.secretCiphertext },
      data: { secretCiphertext: secrets.seal(plaintext, context) },
    });
    if (count > 0) result[isPlaintext ? 'sealed' : 'rotated']++;
  }
  return result;
}

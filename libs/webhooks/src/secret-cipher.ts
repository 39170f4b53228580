import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { loadOrCreateSecretFile } from '@fjord/auth';

/**
 * Secrets Fjord must use again (webhook signing keys) are kept encrypted: AES-256-GCM with a random
 * 96-bit nonce and the row's identity as additional data, so a value can neither be read, changed, nor
 * moved to another row without the key. Format: `fjs1:<key id>:<nonce>:<ciphertext>:<tag>` (base64url),
 * the key id naming which key sealed it so keys can be rotated (docs/adr/0008-secrets-at-rest.md).
 */
export const SEALED_PREFIX = 'fjs1:';
const MIN_KEY_CHARS = 32;

export class SecretCipherError extends Error {
  override readonly name = 'SecretCipherError';
}

type Key = { id: string; bytes: Buffer };

/** 32 bytes from any long random string (hex, base64 or a passphrase from a secret manager). */
function deriveKey(material: string): Key {
  if (material.length < MIN_KEY_CHARS) {
    throw new SecretCipherError(`A secrets key must be at least ${MIN_KEY_CHARS} characters long.`);
  }
  const bytes = Buffer.from(hkdfSync('sha256', material, 'fjord-secrets', 'aes-256-gcm v1', 32));
  // Names the key without revealing anything usable about it.
  const id = createHash('sha256').update('fjord key id\n').update(bytes).digest('hex').slice(0, 8);
  return { id, bytes };
}

export type SecretCipher = {
  /** Id of the key new values are sealed with. */
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  /** Throws SecretCipherError if the value is not sealed, was changed, or its key is not configured. */
  open(sealed: string, context: string): string;
  isSealed(value: string): boolean;
  /** Sealed under the current key (nothing to rotate). */
  isCurrent(value: string): boolean;
};

export function createSecretCipher(opts: { key: string; previousKeys?: readonly string[] }): SecretCipher {
  const current = deriveKey(opts.key);
  const keys = new Map<string, Key>([[current.id, current]]);
  for (const material of opts.previousKeys ?? []) {
    const k = deriveKey(material);
    if (!keys.has(k.id)) keys.set(k.id, k);
  }

  function seal(plaintext: string, context: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.bytes, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [nonce, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return `${SEALED_PREFIX}${current.id}:${parts.join(':')}`;
  }

  function open(sealed: string, context: string): string {
    if (!sealed.startsWith(SEALED_PREFIX)) throw new SecretCipherError('The value is not sealed.');
    const [keyId = '', ...rest] = sealed.slice(SEALED_PREFIX.length).split(':');
    const key = keys.get(keyId);
    if (!key) {
      throw new SecretCipherError(
        `The value was sealed with key ${keyId}, which is not configured: set FJORD_SECRETS_KEY, or add the old key to FJORD_SECRETS_KEY_PREVIOUS.`,
      );
    }
    const [nonce, ciphertext, tag] = rest.map((p) => Buffer.from(p, 'base64url'));
    if (rest.length !== 3 || nonce?.length !== 12 || tag?.length !== 16 || !ciphertext) {
      throw new SecretCipherError('The sealed value is malformed.');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, nonce);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretCipherError('The sealed value was altered or belongs to another record.');
    }
  }

  return {
    keyId: current.id,
    seal,
    open,
    isSealed: (value) => value.startsWith(SEALED_PREFIX),
    isCurrent: (value) => value.startsWith(`${SEALED_PREFIX}${current.id}:`),
  };
}

/**
 * The process's cipher: FJORD_SECRETS_KEY, else a key generated once under <data dir>/secrets (like the
 * URL signing secret); FJORD_SECRETS_KEY_PREVIOUS (comma-separated) still opens values of older keys.
 */
export function loadSecretCipher(config: {
  FJORD_SECRETS_KEY?: string;
  FJORD_SECRETS_KEY_PREVIOUS?: string;
  dataDir: string;
}): SecretCipher {
  const key =
    config.FJORD_SECRETS_KEY ?? loadOrCreateSecretFile({ dataDir: config.dataDir, name: 'secrets.key' });
  const previousKeys = (config.FJORD_SECRETS_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return createSecretCipher({ key, previousKeys });
}

/** The additional data binding a webhook endpoint's sealed secret to that endpoint. */
export const webhookSecretContext = (endpointId: string) => `webhook-endpoint:${endpointId}`;

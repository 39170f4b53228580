import { parseArgs } from 'node:util';
import { API_KEY_SCOPES, createApiKey, normalizeEmail } from '@fjord/auth';
import { AppError } from '@fjord/errors';
import { requireOption, withDb } from '../cli-context';

export const apiKeyCreateHelp = `fjord api-key create --email <user email> --name <label> [--scopes ${API_KEY_SCOPES.join(',')}]
  Creates an API key for the user and prints it once (only a hash is stored).`;

export async function runApiKeyCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' } },
    strict: true,
  });
  const email = normalizeEmail(requireOption(values, 'email'));
  const name = requireOption(values, 'name');
  const scopes = values.scopes
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const { key, apiKey } = await withDb(async (db) => {
    const user = await db.user.findUnique({ where: { email }, select: { id: true, disabledAt: true } });
    if (!user) throw new AppError('not_found', `No user with the email ${email}.`);
    if (user.disabledAt) throw new AppError('forbidden', `The user ${email} is disabled.`);
    return createApiKey({ db, userId: user.id, name, scopes });
  });
  console.log(
    `Created API key "${apiKey.name}" (${apiKey.prefix}) for ${email}, scopes: ${apiKey.scopes.join(', ')}.`,
  );
  console.log('Key (shown only once):');
  console.log(key);
}

import { parseArgs } from 'node:util';
import { signUp } from '@fjord/auth';
import { requireOption, withDb } from '../cli-context';

export const userCreateHelp = `fjord user create --email <email> --password <password> [--name <name>] [--admin]
  Creates a user (at least 10 characters of password). --admin makes it an administrator.`;

export async function runUserCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const email = requireOption(values, 'email');
  const password = requireOption(values, 'password');
  const user = await withDb((db) =>
    signUp(db, { email, password, name: values.name ?? null, role: values.admin ? 'ADMIN' : 'USER' }),
  );
  console.log(`Created ${user.role === 'ADMIN' ? 'admin' : 'user'} ${user.email} (id ${user.id}).`);
}

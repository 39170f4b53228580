import type { Role } from '@fjord/db';

/** What the rest of the app sees of a user: never the password hash. */
export type AuthUser = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
};

export const authUserSelect = { id: true, email: true, name: true, role: true } as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

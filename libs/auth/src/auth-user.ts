import type { Role } from '@fjord/db';

/** What the rest of the app sees of a user: never the password hash. */
export type AuthUser = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** Null until the address is confirmed (docs/adr/0024): pages show a banner, no notification mail is sent. */
  emailVerifiedAt: Date | null;
};

export const authUserSelect = { id: true, email: true, name: true, role: true, emailVerifiedAt: true } as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

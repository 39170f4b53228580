import type { Metadata } from 'next';
import { UsersAdmin } from '@/components/admin/users-admin';

export const metadata: Metadata = { title: 'Users & keys' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function AdminUsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = (await searchParams).user;
  return (
    <section>
      <h1>Users & API keys</h1>
      <UsersAdmin quotaUserId={typeof user === 'string' && UUID.test(user) ? user : undefined} />
    </section>
  );
}

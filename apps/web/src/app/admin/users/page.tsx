import type { Metadata } from 'next';
import { UsersAdmin } from '@/components/admin/users-admin';

export const metadata: Metadata = { title: 'Users & keys' };

export default function AdminUsersPage() {
  return (
    <section>
      <h1>Users & API keys</h1>
      <UsersAdmin />
    </section>
  );
}

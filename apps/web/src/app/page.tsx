import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/server/current-user';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const user = await getCurrentUser();
  redirect(user ? '/media' : '/login');
}

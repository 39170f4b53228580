import { getCurrentUser } from '@/server/current-user';
import { SendVerificationButton } from './send-verification-button';

/**
 * Shown on every page to a signed-in account whose address is not confirmed (docs/adr/0024): it works,
 * but gets no notification mail until the link is opened.
 */
export async function VerifyEmailBanner() {
  const user = await getCurrentUser();
  if (!user || user.emailVerifiedAt) return null;
  return (
    <section className="container verify-banner" aria-label="Confirm your email address">
      <p className="alert" role="status">
        Confirm your email address: we sent a link to <strong>{user.email}</strong>. Until you open it, Fjord
        sends you no email about your uploads.
      </p>
      <SendVerificationButton />
    </section>
  );
}

import { escapeHtml, renderButton, renderLayout, safeUrl, type RenderedEmail } from './email-layout';

export interface VerifyEmailInput {
  recipientName?: string;
  /** The signed one-click page (docs/adr/0024). */
  link: string;
  validHours: number;
}

/** The one mail an unverified address gets: the link that proves it belongs to the account's owner. */
export function renderVerifyEmail({ recipientName, link, validHours }: VerifyEmailInput): RenderedEmail {
  const url = safeUrl(link);
  const greeting = recipientName ? `Hi ${recipientName},` : 'Hi,';
  const subject = 'Confirm your email address for Fjord';
  const explain = `Open the link below to confirm this address. Until you do, Fjord sends you no notifications. The link works for ${validHours} hours.`;
  const ignore =
    'If you did not create a Fjord account, ignore this message: nothing will be sent to you again.';
  const text = [greeting, '', explain, '', `Confirm: ${url}`, '', ignore].join('\n');
  const html = renderLayout({
    title: subject,
    bodyHtml: [
      `<p>${escapeHtml(greeting)}</p>`,
      `<p>${escapeHtml(explain)}</p>`,
      renderButton({ href: url, label: 'Confirm my address' }),
      `<p style="color:#555555;font-size:14px">Or paste this link into your browser: ${escapeHtml(url)}</p>`,
      `<p style="color:#555555;font-size:14px">${escapeHtml(ignore)}</p>`,
    ].join('\n'),
  });
  return { subject, text, html };
}

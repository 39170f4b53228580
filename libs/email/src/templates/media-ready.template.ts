import {
  escapeHtml,
  renderButton,
  renderLayout,
  safeUrl,
  toSubjectText,
  type RenderedEmail,
} from './email-layout';

export interface MediaReadyEmailInput {
  recipientName?: string;
  /** The original file name: user input, treated as hostile. */
  mediaName: string;
  mediaUrl: string;
  renditionCount: number;
}

export function renderMediaReadyEmail({
  recipientName,
  mediaName,
  mediaUrl,
  renditionCount,
}: MediaReadyEmailInput): RenderedEmail {
  const url = safeUrl(mediaUrl);
  const greeting = recipientName ? `Hi ${recipientName},` : 'Hi,';
  const versions = renditionCount === 1 ? '1 version is' : `${renditionCount} versions are`;
  const subject = `Ready: ${toSubjectText(mediaName)}`;
  const text = [
    greeting,
    '',
    `"${mediaName}" has been processed: ${versions} ready to view and share.`,
    '',
    `Open it: ${url}`,
  ].join('\n');
  const html = renderLayout({
    title: subject,
    bodyHtml: [
      `<p>${escapeHtml(greeting)}</p>`,
      `<p><strong>${escapeHtml(mediaName)}</strong> has been processed: ${versions} ready to view and share.</p>`,
      renderButton({ href: url, label: 'Open your file' }),
      `<p style="color:#555555;font-size:14px">Or paste this link into your browser: ${escapeHtml(url)}</p>`,
    ].join('\n'),
  });
  return { subject, text, html };
}

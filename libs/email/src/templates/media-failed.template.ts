import {
  escapeHtml,
  renderButton,
  renderLayout,
  safeUrl,
  toSubjectText,
  type RenderedEmail,
} from './email-layout';

export interface MediaFailedEmailInput {
  mediaName: string;
  /** A human reason from the pipeline ("The image file is corrupt or truncated"). */
  reason: string;
  mediaUrl: string;
}

export function renderMediaFailedEmail({
  mediaName,
  reason,
  mediaUrl,
}: MediaFailedEmailInput): RenderedEmail {
  const url = safeUrl(mediaUrl);
  const subject = `Could not process: ${toSubjectText(mediaName)}`;
  const text = [
    'Hi,',
    '',
    `We could not process "${mediaName}".`,
    `Reason: ${reason}`,
    '',
    'You can upload the file again, or a different copy of it.',
    `Details: ${url}`,
  ].join('\n');
  const html = renderLayout({
    title: subject,
    bodyHtml: [
      '<p>Hi,</p>',
      `<p>We could not process <strong>${escapeHtml(mediaName)}</strong>.</p>`,
      `<p>Reason: ${escapeHtml(reason)}</p>`,
      '<p>You can upload the file again, or a different copy of it.</p>',
      renderButton({ href: url, label: 'See details' }),
    ].join('\n'),
  });
  return { subject, text, html };
}

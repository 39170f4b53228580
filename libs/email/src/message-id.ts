/**
 * The Message-ID of a media notification: `<media-<id>-<kind>@fjord>`.
 *
 * Deterministic on purpose. The notify job sends, then records the send in Postgres; a crash between the
 * SMTP server accepting the message and that commit makes the job run again and send a second time.
 * Because both copies carry the same Message-ID, receiving servers and mail clients (Gmail, Outlook,
 * Thunderbird) treat the second as a duplicate and the user sees one email; in outbox mode the file is
 * simply overwritten.
 */
export function mediaMessageId(mediaId: string, kind: string): string {
  const safeKind = kind.toLowerCase().replace(/_/g, '-');
  if (!/^[a-zA-Z0-9-]+$/.test(mediaId) || !/^[a-z0-9-]+$/.test(safeKind)) {
    throw new Error(`Cannot build a Message-ID from media id "${mediaId}" and kind "${kind}"`);
  }
  return `<media-${mediaId}-${safeKind}@fjord>`;
}

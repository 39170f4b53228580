export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Every user-supplied string (file names above all) goes through this before it touches HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Subjects are one header line: no CR/LF from a file name, and a sane length. */
export function toSubjectText(value: string, maxLength = 80): string {
  const flat = value.replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}

/** Only http(s) links: a javascript: or data: URL in an email is never legitimate. */
export function safeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`Refusing to put a ${parsed.protocol} link in an email`);
  }
  return parsed.toString();
}

/**
 * Plain, accessible HTML: one column, system fonts, real text (no images, no remote fonts or tracking
 * pixels, which mail clients block anyway), a lang attribute and enough contrast. `bodyHtml` must already
 * be escaped.
 */
export function renderLayout({ title, bodyHtml }: { title: string; bodyHtml: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body style="margin:0;padding:24px;background:#ffffff;color:#1a1a1a;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5">
<main style="max-width:560px;margin:0 auto">
${bodyHtml}
<p style="margin-top:32px;color:#555555;font-size:13px">Sent by Fjord because you uploaded this file.</p>
</main>
</body>
</html>
`;
}

export function renderButton({ href, label }: { href: string; label: string }): string {
  return `<p><a href="${escapeHtml(href)}" style="display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(label)}</a></p>`;
}

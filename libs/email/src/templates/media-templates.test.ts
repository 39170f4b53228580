import { describe, expect, it } from 'vitest';
import { escapeHtml } from './email-layout';
import { renderMediaFailedEmail } from './media-failed.template';
import { renderMediaReadyEmail } from './media-ready.template';
import { renderVerifyEmail } from './verify-email.template';

const HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>.jpg';

describe('renderMediaReadyEmail', () => {
  const email = renderMediaReadyEmail({
    recipientName: 'Ada',
    mediaName: 'holiday.jpg',
    mediaUrl: 'https://fjord.example/media/123',
    renditionCount: 3,
  });

  it('says what happened in subject, text and html', () => {
    expect(email.subject).toBe('Ready: holiday.jpg');
    expect(email.text).toContain('Hi Ada,');
    expect(email.text).toContain('"holiday.jpg" has been processed: 3 versions are ready');
    expect(email.text).toContain('https://fjord.example/media/123');
    expect(email.html).toContain('<html lang="en">');
    expect(email.html).toContain('href="https://fjord.example/media/123"');
    expect(email.html).toContain('<strong>holiday.jpg</strong>');
  });

  it('loads nothing remote', () => {
    expect(email.html).not.toMatch(/<img|<link|@import|url\(|<script/i);
  });

  it('escapes a hostile file name and recipient name', () => {
    const hostile = renderMediaReadyEmail({
      recipientName: '<b>Eve</b>',
      mediaName: HOSTILE,
      mediaUrl: 'https://fjord.example/media/1',
      renditionCount: 1,
    });
    expect(hostile.html).not.toContain('<script>');
    expect(hostile.html).not.toContain('<img');
    expect(hostile.html).not.toContain('<b>Eve</b>');
    expect(hostile.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img');
    expect(hostile.text).toContain('1 version is ready');
  });

  it('keeps a file name from injecting header lines into the subject', () => {
    const email = renderMediaReadyEmail({
      mediaName: 'a.jpg\r\nBcc: victim@example.com',
      mediaUrl: 'https://fjord.example/media/1',
      renditionCount: 2,
    });
    expect(email.subject).toBe('Ready: a.jpg Bcc: victim@example.com');
    expect(email.text.startsWith('Hi,')).toBe(true);
  });

  it('refuses a non-http link', () => {
    expect(() =>
      renderMediaReadyEmail({ mediaName: 'a', mediaUrl: 'javascript:alert(1)', renditionCount: 1 }),
    ).toThrow(/javascript:/);
  });
});

describe('renderMediaFailedEmail', () => {
  it('gives the reason, escaped', () => {
    const email = renderMediaFailedEmail({
      mediaName: HOSTILE,
      reason: 'The image file is corrupt or truncated',
      mediaUrl: 'https://fjord.example/media/9',
    });
    expect(email.subject).toMatch(/^Could not process: <script>/); // subjects are plain text, not HTML
    expect(email.text).toContain('Reason: The image file is corrupt or truncated');
    expect(email.html).toContain('<p>Reason: The image file is corrupt or truncated</p>');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('<title>Could not process: &lt;script&gt;');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('renderVerifyEmail', () => {
  const link = 'https://fjord.example/verify-email?token=abc.123.def&x=1';

  it('carries the link in text and html, says why, loads nothing remote', () => {
    const email = renderVerifyEmail({ recipientName: 'Ada', link, validHours: 24 });
    expect(email.subject).toBe('Confirm your email address for Fjord');
    expect(email.text).toContain(`Confirm: ${link}`);
    expect(email.text).toContain(
      'Until you do, Fjord sends you no notifications. The link works for 24 hours.',
    );
    expect(email.html).toContain(`href="${escapeHtml(link)}"`);
    expect(email.html).not.toMatch(/<img|<link|@import|url\(|<script/i);
  });

  it('escapes a hostile name', () => {
    const email = renderVerifyEmail({ recipientName: '<b>Eve</b>', link, validHours: 1 });
    expect(email.html).not.toContain('<b>Eve</b>');
  });
});

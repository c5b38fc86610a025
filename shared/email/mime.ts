/**
 * A MIME message with text, HTML, inline images and attachments, as SES SendRawEmail wants it.
 * Pure: the random boundary is derived from the content, not from a random source.
 */
import type { OutgoingEmail } from '../ports';

/** Removes CR and LF (and other control characters) from a header value: no header injection. */
export function headerSafe(value: string): string {
  return value.replace(/[\r\n\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** RFC 2047 encoded-word for non-ASCII header text. */
export function encodeHeader(value: string): string {
  const safe = headerSafe(value);
  return /^[\x20-\x7e]*$/.test(safe) ? safe : `=?UTF-8?B?${Buffer.from(safe, 'utf8').toString('base64')}?=`;
}

const base64Lines = (data: Uint8Array | string) =>
  (Buffer.from(data as Uint8Array).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

function boundary(seed: string, n: number): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return `=_tanggap_${n}_${h.toString(36)}`;
}

/** Builds the raw message (CRLF line ends, base64 bodies). */
export function buildMime(mail: OutgoingEmail): string {
  const seed = `${mail.subject}|${mail.to.join(',')}|${mail.text.length}`;
  const mixed = boundary(seed, 1);
  const related = boundary(seed, 2);
  const alternative = boundary(seed, 3);
  const inline = (mail.attachments ?? []).filter((a) => a.contentId);
  const attached = (mail.attachments ?? []).filter((a) => !a.contentId);
  const lines: string[] = [
    `From: ${headerSafe(mail.from)}`,
    `To: ${mail.to.map(headerSafe).join(', ')}`,
    ...(mail.cc?.length ? [`Cc: ${mail.cc.map(headerSafe).join(', ')}`] : []),
    ...(mail.replyTo ? [`Reply-To: ${headerSafe(mail.replyTo)}`] : []),
    `Subject: ${encodeHeader(mail.subject)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/related; boundary="${related}"`,
    '',
    `--${related}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
    `--${alternative}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.text),
    `--${alternative}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.html),
    `--${alternative}--`,
  ];
  for (const a of inline) {
    lines.push(`--${related}`, `Content-Type: ${headerSafe(a.contentType)}`, 'Content-Transfer-Encoding: base64',
      `Content-ID: <${headerSafe(a.contentId!)}>`, `Content-Disposition: inline; filename="${headerSafe(a.filename).replace(/"/g, '')}"`, '', base64Lines(a.content));
  }
  lines.push(`--${related}--`);
  for (const a of attached) {
    lines.push(`--${mixed}`, `Content-Type: ${headerSafe(a.contentType)}; name="${headerSafe(a.filename).replace(/"/g, '')}"`, 'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${headerSafe(a.filename).replace(/"/g, '')}"`, '', base64Lines(a.content));
  }
  lines.push(`--${mixed}--`, '');
  return lines.join('\r\n');
}

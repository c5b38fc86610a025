/**
 * A multipart/form-data reader (RFC 7578) for the form without JavaScript, and for the local S3
 * stand-in's presigned POST: fields as text, files as bytes with the name the browser gave.
 */

export interface MultipartPart {
  name: string;
  /** Present for a file input (possibly empty: a file input left empty sends filename=""). */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data; boundary=…` content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /^\s*multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Decodes a header parameter: quoted (with `\"` escapes, as browsers send UTF-8 names), or RFC 5987 `*=`. */
function param(header: string, key: string): string | undefined {
  const star = new RegExp(`;\\s*${key}\\*=(?:UTF-8|utf-8)''([^;]*)`).exec(header);
  if (star) {
    try { return decodeURIComponent(star[1]!); } catch { /* fall through to the plain form */ }
  }
  const quoted = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`).exec(header);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1').replace(/%22/g, '"');
  const bare = new RegExp(`;\\s*${key}=([^;\\s]*)`).exec(header);
  return bare?.[1];
}

/** The parts of a multipart body; throws (with a message fit for a 400) when it is malformed. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // closing delimiter "--"
    if (body[at] === 0x0d && body[at + 1] === 0x0a) at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new Error('multipart part without headers');
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part without its closing boundary');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = param(disposition, 'name');
    if (name === undefined) throw new Error('multipart part without a name');
    const filename = param(disposition, 'filename');
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), ...(type ? { contentType: type.slice(type.indexOf(':') + 1).trim() } : {}), data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
}

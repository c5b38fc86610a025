/**
 * A local S3 endpoint for the handlers' file store (path-style: `<endpoint>/<bucket>/<key>`), with the
 * calls the file store makes — PutObject, GetObject, HeadObject, DeleteObject —
 * and what a browser does with what it hands out: a presigned POST (policy and signature checked,
 * with its `content-length-range` and `Content-Type` conditions, every form field named by a
 * condition, and S3's answers to a form: `success_action_redirect` — a 303 to that URL with `bucket`,
 * `key` and `etag` appended — or `success_action_status` 200 / 201 (an XML PostResponse) / 204) and a
 * presigned GET (signature and expiry checked). Objects live under DATA_DIR/s3, each written to a temporary file,
 * synced and renamed, so a `kill -9` never leaves half a file. Bound to 127.0.0.1.
 *
 * The handlers' own calls (functions/adapters/s3-file-store.ts, S3's REST API signed with SigV4) have
 * their Authorization header verified in full: canonical request, signed headers, the payload's hash
 * against the body. What it does not do: versioning, multipart upload, clock-skew checks.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { boundaryOf, parseMultipart } from '../../functions/http/multipart';

export interface LocalS3Options {
  dir: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Origins allowed to POST uploads from a page (CORS), as the bucket's CORS rule on AWS. */
  allowedOrigins: () => string[];
  /** Real time (signatures carry real time: the SDK signs with the machine's clock). */
  now?: () => number;
}

/** A request body above this is refused before it is read (S3 refuses a POST policy's range itself). */
const MAX_REQUEST_BYTES = 20 * 1024 * 1024;

interface ObjectMeta {
  key: string;
  contentType: string;
  size: number;
}

const xmlError = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, '')}</Message></Error>`;
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4's canonical query string: every parameter but the signature, RFC 3986-encoded, sorted. */
function canonicalQuery(query: URLSearchParams): string {
  return [...query.entries()].filter(([k]) => k !== 'X-Amz-Signature').map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
}

export class LocalS3 {
  constructor(private readonly o: LocalS3Options) {
    mkdirSync(o.dir, { recursive: true });
  }

  private file(bucket: string, key: string): string {
    return join(this.o.dir, bucket, createHash('sha256').update(key).digest('hex'));
  }

  private signingKey(date: string, region: string): Buffer {
    return hmac(hmac(hmac(hmac(`AWS4${this.o.secretAccessKey}`, date), region), 's3'), 'aws4_request');
  }

  /** Stores an object durably: temporary file, fsync, rename (an object is whole or absent). */
  put(bucket: string, key: string, data: Buffer, contentType: string): void {
    const path = this.file(bucket, key);
    mkdirSync(join(this.o.dir, bucket), { recursive: true });
    for (const [target, content] of [[`${path}.bin`, data], [`${path}.json`, Buffer.from(JSON.stringify({ key, contentType, size: data.length } satisfies ObjectMeta))]] as const) {
      const tmp = `${target}.${process.pid}.tmp`;
      const fd = openSync(tmp, 'w');
      try { writeSync(fd, content); fsyncSync(fd); } finally { closeSync(fd); }
      renameSync(tmp, target);
    }
  }

  get(bucket: string, key: string): { meta: ObjectMeta; data: Buffer } | undefined {
    const path = this.file(bucket, key);
    if (!existsSync(`${path}.json`) || !existsSync(`${path}.bin`)) return undefined;
    return { meta: JSON.parse(readFileSync(`${path}.json`, 'utf8')) as ObjectMeta, data: readFileSync(`${path}.bin`) };
  }

  delete(bucket: string, key: string): void {
    const path = this.file(bucket, key);
    rmSync(`${path}.json`, { force: true });
    rmSync(`${path}.bin`, { force: true });
  }

  /** Checks a browser's presigned POST as S3 does; returns the problem, or undefined when it may be stored. */
  checkPost(bucket: string, fields: Record<string, string>, file: { size: number } | undefined): { status: number; code: string; message: string } | undefined {
    const deny = (code: string, message: string, status = 403) => ({ status, code, message });
    const policy = fields.Policy ?? fields.policy;
    const signature = fields['X-Amz-Signature'] ?? fields['x-amz-signature'];
    const credential = fields['X-Amz-Credential'] ?? fields['x-amz-credential'] ?? '';
    if (!policy || !signature) return deny('AccessDenied', 'Missing policy or signature');
    const [accessKey, date, region] = credential.split('/');
    if (accessKey !== this.o.accessKeyId || !date || !region) return deny('InvalidAccessKeyId', 'Unknown access key');
    const expected = createHmac('sha256', this.signingKey(date, region)).update(policy).digest();
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return deny('SignatureDoesNotMatch', 'The policy signature does not match');
    let doc: { expiration?: string; conditions?: unknown[] };
    try { doc = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as typeof doc; } catch { return deny('InvalidPolicyDocument', 'Malformed policy', 400); }
    if (!doc.expiration || Date.parse(doc.expiration) < (this.o.now ?? Date.now)()) return deny('AccessDenied', 'Invalid according to Policy: Policy expired.');
    if (!file) return deny('InvalidArgument', 'POST requires exactly one file upload per request.', 400);
    const value = (name: string) => (name === 'bucket' ? bucket : Object.entries(fields).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]);
    // As S3: every field of the form must be named by a condition, but the signature, the policy and
    // x-ignore-* (and the file); so a redirect or a status no policy allowed is refused, never obeyed.
    const named = new Set<string>();
    for (const c of doc.conditions ?? []) {
      if (Array.isArray(c) && (c[0] === 'eq' || c[0] === 'starts-with')) named.add(String(c[1]).replace(/^\$/, '').toLowerCase());
      else if (c && typeof c === 'object' && !Array.isArray(c)) for (const k of Object.keys(c)) named.add(k.toLowerCase());
    }
    const extra = Object.keys(fields).filter((k) => !['x-amz-signature', 'policy', 'file'].includes(k.toLowerCase()) && !k.toLowerCase().startsWith('x-ignore-') && !named.has(k.toLowerCase()));
    if (extra.length) return deny('AccessDenied', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
    for (const c of doc.conditions ?? []) {
      if (Array.isArray(c) && c[0] === 'content-length-range') {
        if (file.size < Number(c[1]) || file.size > Number(c[2])) return deny(file.size > Number(c[2]) ? 'EntityTooLarge' : 'EntityTooSmall', 'Your proposed upload is outside the allowed size', 400);
      } else if (Array.isArray(c) && (c[0] === 'eq' || c[0] === 'starts-with')) {
        const got = value(String(c[1]).replace(/^\$/, ''));
        if (got === undefined || (c[0] === 'eq' ? got !== c[2] : !got.startsWith(String(c[2])))) return deny('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${String(c[1])}`);
      } else if (c && typeof c === 'object') {
        for (const [k, v] of Object.entries(c)) if (value(k) !== v) return deny('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${k}`);
      }
    }
    return undefined;
  }

  /** Checks a presigned GET's query signature and expiry; the path and query exactly as received. */
  checkPresignedGet(method: string, rawPath: string, query: URLSearchParams, host: string): string | undefined {
    const credential = query.get('X-Amz-Credential') ?? '';
    const [accessKey, date, region, service] = credential.split('/');
    const amzDate = query.get('X-Amz-Date') ?? '';
    const expires = Number(query.get('X-Amz-Expires'));
    const signature = query.get('X-Amz-Signature') ?? '';
    if (accessKey !== this.o.accessKeyId || !date || !region || !service) return 'Unknown access key';
    const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!Number.isFinite(signedAt) || !Number.isFinite(expires) || signedAt + expires * 1000 < (this.o.now ?? Date.now)()) return 'Request has expired';
    const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
    if (signedHeaders.join(';') !== 'host') return 'Only the host header may be signed here';
    const canonical = [method, rawPath, canonicalQuery(query), `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
    const expected = createHmac('sha256', this.signingKey(date, region)).update(toSign).digest('hex');
    return expected === signature ? undefined : 'The request signature we calculated does not match the signature you provided';
  }

  /**
   * Checks a call's SigV4 Authorization header as S3 does: the signature over the canonical request
   * (method, path as sent, query, the signed headers) and the payload's hash, which must be the body's.
   */
  checkSignedRequest(req: IncomingMessage, rawPath: string, query: URLSearchParams, body: Buffer): { code: string; message: string } | undefined {
    const auth = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(String(req.headers.authorization ?? ''));
    if (!auth) return { code: 'AccessDenied', message: 'Access Denied' };
    const [accessKey, date, region, service, terminator] = auth[1]!.split('/');
    if (accessKey !== this.o.accessKeyId) return { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
    if (!date || !region || service !== 's3' || terminator !== 'aws4_request') return { code: 'AuthorizationHeaderMalformed', message: 'The authorization header is malformed' };
    const signedHeaders = auth[2]!.split(';');
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return { code: 'AccessDenied', message: 'host and x-amz-date must be signed' };
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (!payloadHash) return { code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' };
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== createHash('sha256').update(body).digest('hex')) {
      return { code: 'XAmzContentSHA256Mismatch', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
    }
    const headerLines = signedHeaders.map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}`);
    const canonical = [req.method, rawPath, canonicalQuery(query), ...headerLines, '', signedHeaders.join(';'), payloadHash].join('\n');
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const toSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/aws4_request`, createHash('sha256').update(canonical).digest('hex')].join('\n');
    const expected = createHmac('sha256', this.signingKey(date, region)).update(toSign).digest();
    const given = Buffer.from(auth[3]!, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : { code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' };
  }

  /** Answers one request (see the module's comment for what it understands). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const cors: Record<string, string> = origin && this.o.allowedOrigins().includes(origin)
      ? { 'access-control-allow-origin': origin, 'access-control-allow-methods': 'POST, GET, HEAD', 'access-control-allow-headers': '*', 'access-control-expose-headers': 'ETag', vary: 'Origin' }
      : {};
    const answer = (status: number, body: string | Buffer = '', headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...cors, 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const fail = (status: number, code: string, message: string) => answer(status, xmlError(code, message), { 'content-type': 'application/xml', 'x-amz-error-code': code });
    const rawTarget = req.url ?? '/';
    const rawPath = rawTarget.split('?')[0]!;
    const query = new URL(rawTarget, 'http://s3.local').searchParams;
    const segments = rawPath.split('/').slice(1);
    const bucket = decodeURIComponent(segments[0] ?? '');
    const key = segments.slice(1).map((s) => decodeURIComponent(s)).join('/');
    if (req.method === 'OPTIONS') return answer(cors['access-control-allow-origin'] ? 200 : 403);
    if (!bucket) return fail(400, 'InvalidBucketName', 'Path-style requests only: /<bucket>/<key>');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES) { req.resume(); return fail(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'); }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BYTES) return fail(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);

    if (req.method === 'POST' && !key) {
      const boundary = boundaryOf(req.headers['content-type']);
      if (!boundary) return fail(400, 'InvalidArgument', 'POST requires multipart/form-data');
      let parts;
      try { parts = parseMultipart(body, boundary); } catch (err) { return fail(400, 'MalformedPOSTRequest', err instanceof Error ? err.message : 'malformed'); }
      const fileIndex = parts.findIndex((p) => p.name === 'file');
      // As S3: fields after the file are ignored.
      const fields = Object.fromEntries(parts.slice(0, fileIndex < 0 ? parts.length : fileIndex).filter((p) => p.filename === undefined).map((p) => [p.name, p.data.toString('utf8')]));
      const file = fileIndex >= 0 ? parts[fileIndex] : undefined;
      const problem = this.checkPost(bucket, fields, file ? { size: file.data.length } : undefined);
      if (problem) return fail(problem.status, problem.code, problem.message);
      const objectKey = fields.key ?? '';
      if (!objectKey) return fail(400, 'InvalidArgument', 'Bucket POST must contain a field named key.');
      const field = (name: string) => Object.entries(fields).find(([k]) => k.toLowerCase() === name)?.[1];
      this.put(bucket, objectKey, file!.data, field('content-type') ?? 'binary/octet-stream');
      const etag = `"${createHash('md5').update(file!.data).digest('hex')}"`;
      return answerPost(answer, { bucket, key: objectKey, etag, redirect: field('success_action_redirect') ?? field('redirect'), status: field('success_action_status'), location: `http://${req.headers.host ?? '127.0.0.1'}/${encodeURIComponent(bucket)}/${objectKey.split('/').map(encodeURIComponent).join('/')}` });
    }
    if (!key) return fail(400, 'InvalidRequest', 'Object key required');

    // A browser's presigned GET and the handlers' signed calls, each checked in full.
    if (query.has('X-Amz-Signature')) {
      const problem = this.checkPresignedGet(req.method ?? 'GET', rawPath, query, req.headers.host ?? '');
      if (problem) return fail(403, problem.includes('expired') ? 'AccessDenied' : 'SignatureDoesNotMatch', problem);
    } else {
      const problem = this.checkSignedRequest(req, rawPath, query, body);
      if (problem) return fail(problem.code === 'InvalidRequest' || problem.code === 'AuthorizationHeaderMalformed' || problem.code === 'XAmzContentSHA256Mismatch' ? 400 : 403, problem.code, problem.message);
    }
    switch (req.method) {
      case 'PUT':
        this.put(bucket, key, body, String(req.headers['content-type'] ?? 'binary/octet-stream'));
        return answer(200, '', { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      case 'DELETE':
        this.delete(bucket, key);
        return answer(204);
      case 'GET':
      case 'HEAD': {
        const found = this.get(bucket, key);
        if (!found) return req.method === 'HEAD' ? answer(404, '', { 'x-amz-error-code': 'NotFound' }) : fail(404, 'NoSuchKey', 'The specified key does not exist.');
        const headers: Record<string, string> = {
          'content-type': query.get('response-content-type') ?? found.meta.contentType,
          'last-modified': new Date().toUTCString(),
          etag: `"${createHash('md5').update(found.data).digest('hex')}"`,
          'x-content-type-options': 'nosniff',
        };
        const disposition = query.get('response-content-disposition');
        if (disposition) headers['content-disposition'] = disposition;
        const cache = query.get('response-cache-control');
        if (cache) headers['cache-control'] = cache;
        res.writeHead(200, { ...cors, ...headers, 'content-length': String(found.data.length) });
        res.end(req.method === 'HEAD' ? undefined : found.data);
        return;
      }
      default:
        return fail(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }
}

/**
 * S3's answer to a stored form POST: a valid `success_action_redirect` URL gets a 303 to it with
 * `bucket`, `key` and `etag` appended to its query; else `success_action_status` 200 or 201 (with
 * an XML PostResponse), anything else 204. An invalid redirect URL is ignored, as S3 ignores it.
 */
function answerPost(answer: (status: number, body?: string, headers?: Record<string, string>) => void, o: { bucket: string; key: string; etag: string; redirect?: string; status?: string; location: string }): void {
  let target: URL | undefined;
  try { target = o.redirect ? new URL(o.redirect) : undefined; } catch { target = undefined; }
  if (target && (target.protocol === 'http:' || target.protocol === 'https:')) {
    target.searchParams.append('bucket', o.bucket);
    target.searchParams.append('key', o.key);
    target.searchParams.append('etag', o.etag);
    return answer(303, '', { location: target.toString(), etag: o.etag });
  }
  if (o.status === '201') {
    const x = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    return answer(201, `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${x(o.location)}</Location><Bucket>${x(o.bucket)}</Bucket><Key>${x(o.key)}</Key><ETag>${x(o.etag)}</ETag></PostResponse>`, { 'content-type': 'application/xml', etag: o.etag });
  }
  return answer(o.status === '200' ? 200 : 204, '', { etag: o.etag });
}

/** Starts the stand-in on 127.0.0.1 (port 0: a free one). */
export async function startLocalS3(options: LocalS3Options): Promise<{ url: string; server: Server; store: LocalS3 }> {
  const store = new LocalS3(options);
  const server = createServer((req, res) => {
    store.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/xml' });
      res.end(xmlError('InternalError', 'We encountered an internal error. Please try again.'));
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, store };
}

/**
 * The file store on S3 (a private bucket: nothing in it is public). Uploads are presigned POSTs whose
 * policy fixes the key, the Content-Type and the size range, so S3 itself refuses a larger file;
 * reads for browsers are presigned GETs that expire within minutes. Locally the same calls reach the
 * runtime's S3 stand-in (AWS_ENDPOINT_URL_S3).
 *
 * S3's REST API directly, signed with `@smithy/signature-v4` (the signer every SDK client in the
 * bundle already carries), instead of @aws-sdk/client-s3 and its two presigners: five calls did not
 * need ≈ 150 KB of client, checksums and S3 middleware in each function that handles files. The
 * presigned URLs and POST policies are the ones the SDK made (test/functions/s3-file-store.test.ts
 * compares them with fixtures the SDK produced).
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Checksum, HttpRequest, SourceData } from '@smithy/types';
import type { FileStore, UploadTarget } from '../../shared/ports';

/** Where the bucket is and who signs: the same region, endpoint and credentials the SDK clients use. */
export interface S3Location {
  region: string;
  /**
   * A configured endpoint (AWS_ENDPOINT_URL_S3: the local stand-in, an S3-compatible store), addressed
   * path-style (`<endpoint>/<bucket>/<key>`); without one, the bucket's regional virtual-hosted name.
   */
  endpoint?: string;
  credentials: AwsCredentialIdentityProvider;
  /** The clock signatures carry (tests fix it). */
  now?: () => number;
  /** Waits between attempts (tests make them instant). */
  sleep?: (ms: number) => Promise<void>;
}

/** An S3 error answer, named by S3's own code (`AccessDenied`, `SlowDown`…), as the SDK names its errors. */
export class S3Error extends Error {
  constructor(readonly code: string, message: string, readonly statusCode: number) {
    super(`S3 ${code} (HTTP ${statusCode}): ${message}`);
    this.name = code;
  }
}

/** Attempts per call: a 5xx, a throttling answer or a dropped connection is tried again with backoff. */
const ATTEMPTS = 4;
const RETRYABLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'RequestLimitExceeded', 'TooManyRequestsException']);
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);
/** A socket silent this long is given up (and tried again): a function's time-out is 20 s. */
const SOCKET_TIMEOUT_MS = 8_000;
/** Keep-alive, as the SDK clients (clients.ts): the local runtime runs many handlers in one process. */
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 256 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };

/** SHA-256 (and HMAC-SHA-256 when given a key) over node:crypto, in the shape the signer asks for. */
class Sha256 implements Checksum {
  private hash;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** RFC 3986 encoding, as S3 and SigV4 expect it (encodeURIComponent leaves !'()* alone). */
const escapeUri = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** An object key in a path: each segment escaped, the slashes kept. */
const escapeKey = (key: string) => key.split('/').map(escapeUri).join('/');
/** `20261205T060000Z` */
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** A header value holding a person's file name: RFC 5987 (UTF-8, percent-encoded), with an ASCII fallback. */
function contentDisposition(inline: boolean, fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The error an S3 answer carries: its XML `<Code>`/`<Message>` (a HEAD has no body: its status names it). */
export function s3ErrorOf(answer: Answer): S3Error {
  const text = answer.body.toString('utf8');
  const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  const header = answer.headers['x-amz-error-code'];
  const fallback = answer.status === 404 ? 'NotFound' : answer.status === 403 ? 'Forbidden' : answer.status === 503 ? 'ServiceUnavailable' : `Http${answer.status}`;
  const code = tag('Code') ?? (typeof header === 'string' ? header : undefined) ?? fallback;
  return new S3Error(code, tag('Message') ?? (text.slice(0, 200) || 'no message'), answer.status);
}

const retryable = (err: unknown) =>
  err instanceof S3Error ? err.statusCode >= 500 || err.statusCode === 429 || RETRYABLE_CODES.has(err.code) : RETRYABLE_NETWORK.has((err as NodeJS.ErrnoException).code ?? '') || (err as Error).message === 'socket hang up';

export class S3FileStore implements FileStore {
  private readonly signer: SignatureV4;
  private readonly base: URL;
  /** Path-style: the bucket is the first path segment (a configured endpoint, as the stand-in wants). */
  private readonly pathStyle: boolean;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly at: S3Location, private readonly bucket: string) {
    // The bucket's name is the stack's (lower case, digits, hyphens: a valid host name), as files-origin.ts assumes too.
    this.pathStyle = at.endpoint !== undefined;
    this.base = new URL(at.endpoint ?? `https://${bucket}.s3.${at.region}.amazonaws.com`);
    // S3 signs the path as sent (no second escaping) and wants the payload's hash in x-amz-content-sha256.
    this.signer = new SignatureV4({ service: 's3', region: at.region, credentials: at.credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
    this.now = at.now ?? Date.now;
    this.sleep = at.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The request for an object (or, without a key, the bucket), before signing. */
  private requestFor(method: string, key: string | undefined, query: Record<string, string> = {}, headers: Record<string, string> = {}, body?: Uint8Array): HttpRequest {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const path = `${prefix}${this.pathStyle ? `/${escapeUri(this.bucket)}` : ''}${key === undefined ? (this.pathStyle ? '' : '/') : `/${escapeKey(key)}`}`;
    return {
      method, protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port ? Number(this.base.port) : undefined, path, query,
      headers: { host: this.base.host, ...headers }, body,
    };
  }

  private url(r: HttpRequest): string {
    const query = Object.entries(r.query ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${escapeUri(k)}=${escapeUri(String(v))}`).join('&');
    return `${r.protocol}//${r.headers.host}${r.path}${query ? `?${query}` : ''}`;
  }

  /** One signed call, tried again on a 5xx, throttling or a dropped connection; any other non-2xx throws its S3Error. */
  private async call(method: string, key: string, o: { headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<Answer> {
    const unsigned = this.requestFor(method, key, {}, o.headers, o.body);
    for (let attempt = 1; ; attempt++) {
      try {
        const signed = await this.signer.sign(unsigned, { signingDate: new Date(this.now()) });
        const answer = await this.send(signed);
        if (answer.status >= 200 && answer.status < 300) return answer;
        throw s3ErrorOf(answer);
      } catch (err) {
        if (attempt >= ATTEMPTS || !retryable(err)) throw err;
        // Full jitter: 0–100, 0–200, 0–400 ms.
        await this.sleep(Math.random() * 50 * 2 ** attempt);
      }
    }
  }

  private send(r: HttpRequest): Promise<Answer> {
    const https = r.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)({
        method: r.method, host: r.hostname, port: r.port, path: r.path, headers: r.headers, agent: https ? agents.https : agents.http, timeout: SOCKET_TIMEOUT_MS,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`S3 did not answer within ${SOCKET_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(r.body as Uint8Array | undefined);
    });
  }

  async uploadTarget(key: string, c: { maxBytes: number; contentType?: string; expiresSeconds: number; redirect?: string; fields?: Record<string, string> }): Promise<UploadTarget> {
    const credentials: AwsCredentialIdentity = await this.at.credentials();
    const signedAt = this.now();
    const date = amzDate(signedAt);
    const shortDate = date.slice(0, 8);
    const fields: Record<string, string> = {
      ...c.fields,
      ...(c.redirect ? { success_action_redirect: c.redirect } : {}),
      ...(c.contentType ? { 'Content-Type': c.contentType } : {}),
      bucket: this.bucket,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${credentials.accessKeyId}/${shortDate}/${this.at.region}/s3/aws4_request`,
      'X-Amz-Date': date,
      ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
    };
    // Each field is also an exact-match condition, so nothing the policy does not name can be changed.
    const conditions: unknown[] = [['content-length-range', 1, c.maxBytes], ...(c.contentType ? [['eq', '$Content-Type', c.contentType]] : []), ...Object.entries(fields).map(([k, v]) => ({ [k]: v })), { key }];
    const expiration = new Date(signedAt + c.expiresSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const policy = Buffer.from(JSON.stringify({ expiration, conditions }), 'utf8').toString('base64');
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, shortDate), this.at.region), 's3'), 'aws4_request');
    const signature = createHmac('sha256', signingKey).update(policy, 'utf8').digest('hex');
    const bucketRequest = this.requestFor('POST', undefined);
    return {
      url: `${bucketRequest.protocol}//${bucketRequest.headers.host}${bucketRequest.path}`,
      fields: { ...fields, key, Policy: policy, 'X-Amz-Signature': signature },
      expiresAt: Math.floor(signedAt / 1000) + c.expiresSeconds,
    };
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.call('HEAD', key);
      return Number(head.headers['content-length'] ?? 0);
    } catch (err) {
      if (err instanceof S3Error && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      const got = await this.call('GET', key);
      return new Uint8Array(got.body.buffer, got.body.byteOffset, got.body.byteLength);
    } catch (err) {
      // A missing object; a missing bucket (NoSuchBucket, also 404) is a fault and is thrown.
      if (err instanceof S3Error && (err.code === 'NoSuchKey' || err.code === 'NotFound')) return undefined;
      throw err;
    }
  }

  async write(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.call('PUT', key, { headers: { 'content-type': contentType, 'content-length': String(bytes.length), 'x-amz-content-sha256': createHash('sha256').update(bytes).digest('hex') }, body: bytes });
  }

  async readUrl(key: string, o: { expiresSeconds: number; contentType: string; fileName: string; inline: boolean }): Promise<string> {
    // As the SDK's GetObject presigner: an unsigned payload, `x-id`, and the response-* overrides.
    const request = this.requestFor('GET', key, {
      'response-cache-control': 'private, no-store', 'response-content-disposition': contentDisposition(o.inline, o.fileName), 'response-content-type': o.contentType, 'x-id': 'GetObject',
    }, { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' });
    return this.url(await this.signer.presign(request, { expiresIn: o.expiresSeconds, signingDate: new Date(this.now()) }));
  }
}

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): node:http requests become the
 * events Lambda receives, routed by the one route table (functions/routes.ts) that the CDK app
 * reads too, so the local runtime and AWS cannot drift apart.
 *
 * What it mirrors from API Gateway: `routeKey` is the route template; headers are lowercased and
 * repeated ones joined with commas; repeated query parameters are joined with commas in
 * `queryStringParameters`; cookies come as `cookies`; a body that is not text is base64 with
 * `isBase64Encoded`; `requestContext.timeEpoch` is the runtime's (virtual) clock; HEAD takes the
 * GET route (the event keeps the method HEAD, so a handler can tell) and is answered without a body; an unknown route is 404; a body over the cap is 413 before it is buffered.
 * A malformed request (a Host header that is no host, a target that is not a path, a broken
 * %-escape in a path parameter) is 400; every refusal of the front itself says it in both languages.
 * `POST /api/complaints` and `POST /api/uploads` may be rate-limited per client (the WAF's rate-based rule on AWS).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpHandlerName, Route } from '../../functions/routes';
import type { Localized } from '../../shared/errors';

/**
 * A Lambda function's request is at most 6 MB (API Gateway's own limit, 10 MB, is higher): a
 * complaint is a few kilobytes, the form without JavaScript with its files a few megabytes.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpFrontOptions {
  routes: readonly Route[];
  /** Calls the handler module behind a route, as Lambda would. */
  invoke(handler: HttpHandlerName, event: APIGatewayProxyEventV2): Promise<HttpResult>;
  /** The runtime's own endpoints (`/_local/...`), which API Gateway does not have. */
  local?(method: string, url: URL, body: Buffer): Promise<HttpResult>;
  /** The instant stamped on each event (the virtual clock). */
  now(): Date;
  maxBodyBytes?: number;
  /** One line per failed request; never the body or the headers (they carry personal data). */
  log?(line: string): void;
  /**
   * Complaints one client (by source address) may file: at most `max` per `windowMs`, refilled
   * evenly; over it, 429 with Retry-After. Absent: no limit. On AWS the WAF's rate-based rule does this.
   */
  complaintRateLimit?: RateLimit;
  /**
   * Sign-in link requests (`POST /masuk`) one client may send, the same way: each may mail an
   * official, so a stranger must not be able to drive them in bulk. Absent: no limit.
   */
  signInRateLimit?: RateLimit;
  /** Milliseconds for the rate limit (real time, not the virtual clock); Date.now by default. */
  realTime?(): number;
}

const json = (statusCode: number, value: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(value),
});

/** A refusal of the front itself, in both languages: the handler's language negotiation never ran. */
const refusal = (statusCode: number, error: string, message: Localized, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): HttpResult =>
  json(statusCode, { error, message: `${message.id} / ${message.en}`, messages: message, ...extra }, headers);

const messages = {
  tooLarge: (max: number): Localized => ({ id: `Kiriman terlalu besar (paling banyak ${max} bait).`, en: `The request body is larger than ${max} bytes.` }),
  notFound: { id: 'Alamat tidak dikenal.', en: 'No such route.' },
  badHost: { id: 'Header Host tidak sah.', en: 'The Host header is not valid.' },
  badTarget: { id: 'Alamat permintaan tidak sah; kirim jalur yang diawali "/".', en: 'The request target is not valid; send a path starting with "/".' },
  badEscape: { id: 'Alamat berisi kode persen (%) yang rusak.', en: 'The path holds a malformed percent-encoding (%).' },
  internal: { id: 'Terjadi gangguan di sisi kami. Data Anda aman; silakan coba lagi sebentar lagi.', en: 'Something went wrong on our side. Your data is safe; please try again shortly.' },
  tooManySignIns: (seconds: number): Localized => ({
    id: `Terlalu banyak permintaan tautan masuk dari alamat Anda. Coba lagi dalam ${seconds} detik.`,
    en: `Too many sign-in link requests from your address. Try again in ${seconds} seconds.`,
  }),
  tooManyUploads: (seconds: number): Localized => ({
    id: `Terlalu banyak unggahan lampiran dari alamat Anda dalam waktu singkat. Coba lagi dalam ${seconds} detik.`,
    en: `Too many attachment uploads from your address in a short time. Try again in ${seconds} seconds.`,
  }),
  tooMany: (seconds: number): Localized => ({
    id: `Terlalu banyak pengaduan dari alamat Anda dalam waktu singkat. Tidak ada yang tersimpan dari kiriman ini; coba lagi dalam ${seconds} detik.`,
    en: `Too many complaints from your address in a short time. Nothing of this request was stored; try again in ${seconds} seconds.`,
  }),
};

/** A hostname (or IPv4) or a bracketed IPv6 literal, with an optional port: what a Host header may hold. */
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The URL of a request, or the reason it has none (a 400): a bad Host, or a target that is not a path. */
function requestUrl(req: IncomingMessage): URL | Localized {
  const host = req.headers.host ?? '127.0.0.1';
  if (!HOST.test(host)) return messages.badHost;
  let target = req.url ?? '/';
  if (/^https?:\/\//i.test(target)) {
    // The absolute form (a proxy's request line): only its path and query count.
    try { const u = new URL(target); target = `${u.pathname}${u.search}`; } catch { return messages.badTarget; }
  }
  // A path, never a reference resolved against the host: "//x" is the path "//x", not the host x.
  if (!target.startsWith('/')) return messages.badTarget;
  try {
    return new URL(`http://${host}${target}`);
  } catch {
    return messages.badHost;
  }
}

/** A request listener for node:http. */
export function createHttpFront(options: HttpFrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const compiled = options.routes.map(compileRoute);
  // Per-client limits by route, each with its own buckets.
  const limiters = new Map<string, { limiter: RateLimiter; message: (seconds: number) => Localized }>();
  if (options.complaintRateLimit) limiters.set('POST /api/complaints', { limiter: new RateLimiter(options.complaintRateLimit, options.realTime ?? Date.now), message: messages.tooMany });
  // Upload targets, like complaints (each complaint may claim up to 3): a stranger cannot fill the bucket in bulk.
  if (options.complaintRateLimit) {
    // The upload page without JavaScript mints a target on every view: the same budget, shared.
    const uploads = { limiter: new RateLimiter({ ...options.complaintRateLimit, max: options.complaintRateLimit.max * 3 }, options.realTime ?? Date.now), message: messages.tooManyUploads };
    limiters.set('POST /api/uploads', uploads);
    limiters.set('GET /lampiran', uploads);
  }
  if (options.signInRateLimit) limiters.set('POST /masuk', { limiter: new RateLimiter(options.signInRateLimit, options.realTime ?? Date.now), message: messages.tooManySignIns });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const headOnly = method === 'HEAD';
    const url = requestUrl(req);
    if (!(url instanceof URL)) {
      req.resume();
      return send(res, refusal(400, 'bad_request', url), headOnly);
    }
    const local = url.pathname.startsWith('/_local/') && options.local;
    const match = local ? undefined : matchRoute(compiled, headOnly ? 'GET' : method, url.pathname);
    if (!local && !match) {
      req.resume();
      return send(res, refusal(404, 'not_found', messages.notFound), headOnly);
    }
    if (match === 'malformed') {
      req.resume();
      return send(res, refusal(400, 'bad_request', messages.badEscape), headOnly);
    }
    const limited = match ? limiters.get(match.routeKey) : undefined;
    if (limited) {
      // Refused before the body is read: a flood costs neither memory nor a handler run.
      const wait = limited.limiter.take(req.socket.remoteAddress ?? 'unknown');
      if (wait > 0) {
        req.resume();
        res.setHeader('connection', 'close');
        return send(res, refusal(429, 'too_many_requests', limited.message(wait), { retryAfterSeconds: wait }, { 'retry-after': String(wait) }), false);
      }
    }
    const body = await readBody(req, maxBody);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return send(res, refusal(413, 'payload_too_large', messages.tooLarge(maxBody)), false);
    }
    if (local) return send(res, await local(headOnly ? 'GET' : method, url, body), headOnly);
    const event = toApiGatewayEvent(req, method, url, body, match!.routeKey, match!.params, options.now());
    send(res, await options.invoke(match!.handler, event), headOnly);
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log?.(`HTTP front: ${req.method} request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) send(res, refusal(500, 'internal', messages.internal), false);
      else res.end();
    });
  };
}

/** A rate: at most `max` requests per `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Reads a rate limit as written in configuration: `20/10m` (20 per 10 minutes), `5/30s`, `100/1h`,
 * `60/m`; `off` for none. Throws with what to write instead.
 */
export function parseRateLimit(text: string): RateLimit | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'off') return undefined;
  const m = /^(\d+)\s*\/\s*(\d*)\s*([smh])$/.exec(t);
  const max = m ? Number(m[1]) : NaN;
  const windowMs = m ? Number(m[2] || 1) * UNITS[m[3]!]! : NaN;
  if (!m || !Number.isSafeInteger(max) || max < 1 || !(windowMs > 0)) {
    throw new Error(`A rate limit is "<count>/<window>" such as "20/10m", "5/30s" or "100/1h", or "off"; got "${text}"`);
  }
  return { max, windowMs };
}

/**
 * A token bucket per client: `max` tokens, refilled evenly over `windowMs`. A burst of `max` passes,
 * then one request per `windowMs / max`. Idle clients are forgotten once their bucket is full again,
 * so memory follows the clients of the last window only.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly limit: RateLimit, private readonly now: () => number) {
    this.perMs = limit.max / limit.windowMs;
  }

  /** Takes a token for `client`: 0 when granted, else the whole seconds to wait. */
  take(client: string): number {
    const now = this.now();
    if (this.buckets.size > 10_000) this.prune(now);
    const b = this.buckets.get(client) ?? { tokens: this.limit.max, at: now };
    b.tokens = Math.min(this.limit.max, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
  }

  private prune(now: number): void {
    for (const [client, b] of this.buckets) if (b.tokens + (now - b.at) * this.perMs >= this.limit.max) this.buckets.delete(client);
  }
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const escaped = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const source = escaped.replace(/\{(\w+)\}/g, (_m, name: string) => { names.push(name); return '([^/]+)'; });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/**
 * The route a request takes, undefined (404), or `malformed` (400: a path parameter with a broken
 * %-escape). Path parameters are URL-decoded, as API Gateway does.
 */
function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): { handler: HttpHandlerName; routeKey: string; params: Record<string, string> } | 'malformed' | undefined {
  for (const { route, pattern, names } of routes) {
    if (route.method !== method) continue;
    const m = pattern.exec(path);
    if (!m) continue;
    try {
      return { handler: route.handler, routeKey: `${route.method} ${route.path}`, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    } catch {
      return 'malformed';
    }
  }
  return undefined;
}

/** The body, or undefined when it is over `max` bytes (a declared length is refused before reading). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > max) {
    req.resume(); // drain without keeping it, so the 413 reaches the client
    return undefined;
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const TEXTUAL = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+(json|xml))/i;

/** An API Gateway HTTP API (v2) event, as Lambda receives it; the time is the given clock's. */
export function toApiGatewayEvent(req: IncomingMessage, method: string, url: URL, body: Buffer, routeKey: string, params: Record<string, string>, now: Date): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const textual = body.length === 0 || TEXTUAL.test(headers['content-type'] ?? '');
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: headers.cookie ? headers.cookie.split(/;\s*/).filter(Boolean) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    requestContext: {
      accountId: '000000000000', apiId: 'local', domainName: url.host, domainPrefix: url.hostname.split('.')[0] ?? 'local',
      requestId: randomBytes(8).toString('hex'), routeKey, stage: '$default', time: now.toUTCString(), timeEpoch: now.getTime(),
      http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
    },
    body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: !textual,
  };
}

/** Writes a Lambda result as API Gateway would: `cookies` as Set-Cookie headers, base64 bodies decoded. */
function send(res: ServerResponse, result: HttpResult, headOnly: boolean): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const payload = result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8')) : undefined;
  if (payload && !headers['content-length']) headers['content-length'] = String(payload.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(headOnly ? undefined : payload);
}

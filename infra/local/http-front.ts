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
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpHandlerName, Route } from '../../functions/routes';

/** API Gateway's own payload limit is 10 MB; a complaint is a few kilobytes. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

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
}

const json = (statusCode: number, value: unknown): HttpResult => ({
  statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value),
});

/** A request listener for node:http. */
export function createHttpFront(options: HttpFrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const compiled = options.routes.map(compileRoute);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req, maxBody);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return send(res, json(413, { error: 'payload_too_large', message: `Kiriman terlalu besar (paling banyak ${maxBody} bait). / The request body is larger than ${maxBody} bytes.` }), false);
    }
    if (url.pathname.startsWith('/_local/') && options.local) return send(res, await options.local(method === 'HEAD' ? 'GET' : method, url, body), method === 'HEAD');
    const match = matchRoute(compiled, method === 'HEAD' ? 'GET' : method, url.pathname);
    if (!match) return send(res, json(404, { error: 'not_found', message: 'Alamat tidak dikenal. / No such route.' }), method === 'HEAD');
    const event = toApiGatewayEvent(req, method, url, body, match.routeKey, match.params, options.now());
    send(res, await options.invoke(match.handler, event), method === 'HEAD');
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.log?.(`HTTP front: ${req.method} request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) send(res, json(500, { error: 'internal', message: 'Terjadi gangguan; coba lagi. / Something went wrong; try again.' }), false);
      else res.end();
    });
  };
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

/** The route a request takes, or undefined (404). Path parameters are URL-decoded, as API Gateway does. */
function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): { handler: HttpHandlerName; routeKey: string; params: Record<string, string> } | undefined {
  for (const { route, pattern, names } of routes) {
    if (route.method !== method) continue;
    const m = pattern.exec(path);
    if (!m) continue;
    try {
      return { handler: route.handler, routeKey: `${route.method} ${route.path}`, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    } catch {
      return undefined; // a malformed %-escape: no such resource
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

/**
 * The HTTP front turns requests into the API Gateway (HTTP API v2) events Lambda receives, from the
 * one route table: checked here on a real node:http server with a recording handler.
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { createHttpFront, parseRateLimit, RateLimiter, type HttpResult } from '../../infra/local/http-front';
import { routes } from '../../functions/routes';

const NOW = new Date('2026-11-23T02:00:00Z');
let server: Server;
let base: string;
let events: { handler: string; event: APIGatewayProxyEventV2 }[] = [];
let answer: (event: APIGatewayProxyEventV2) => HttpResult = () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' });
const logged: string[] = [];

beforeAll(async () => {
  server = createServer(createHttpFront({
    routes, now: () => NOW, maxBodyBytes: 1024, log: (l) => logged.push(l),
    invoke: async (handler, event) => { events.push({ handler, event }); return answer(event); },
    local: async (method, url) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, path: url.pathname }) }),
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); });
beforeEach(() => { events = []; answer = () => ({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }); });

test('a GET becomes the v2 event of its route: template, decoded path parameters, joined query, cookies, lowercased headers, the clock', async () => {
  // Act
  const res = await fetch(`${base}/complaints/TGP-AB%20CD?lang=en&x=1&x=2`, { headers: { cookie: 'a=1; b=2', 'X-Custom': 'Nilai' } });
  // Assess
  expect(res.status).toBe(200);
  expect(events).toHaveLength(1);
  const { handler, event } = events[0]!;
  expect(handler).toBe('pages');
  expect(event).toMatchObject({
    version: '2.0', routeKey: 'GET /complaints/{trackingId}', rawPath: '/complaints/TGP-AB%20CD', rawQueryString: 'lang=en&x=1&x=2',
    pathParameters: { trackingId: 'TGP-AB CD' }, queryStringParameters: { lang: 'en', x: '1,2' }, cookies: ['a=1', 'b=2'],
    isBase64Encoded: false, body: undefined,
    requestContext: { routeKey: 'GET /complaints/{trackingId}', stage: '$default', timeEpoch: NOW.getTime(), http: { method: 'GET', path: '/complaints/TGP-AB%20CD', sourceIp: '127.0.0.1' } },
  });
  expect(event.headers['x-custom']).toBe('Nilai');
  expect(Object.keys(event.headers).every((k) => k === k.toLowerCase())).toBe(true);
});

test.each([
  ['JSON', 'application/json', Buffer.from('{"a":"ä"}'), false],
  ['a form', 'application/x-www-form-urlencoded', Buffer.from('a=1&b=%C3%A4'), false],
  ['bytes', 'application/octet-stream', Buffer.from([0, 255, 1, 254]), true],
  ['an image', 'image/png', Buffer.from([137, 80, 78, 71]), true],
])('a POST with %s arrives as text or base64 as API Gateway sends it', async (_name, type, bytes, base64) => {
  await fetch(`${base}/api/complaints`, { method: 'POST', headers: { 'content-type': type }, body: bytes });
  const { event } = events[0]!;
  expect(event.isBase64Encoded).toBe(base64);
  expect(Buffer.from(event.body!, base64 ? 'base64' : 'utf8')).toEqual(bytes);
  expect(event.routeKey).toBe('POST /api/complaints');
});

test('HEAD takes the GET route, the handler sees HEAD, and the answer has headers but no body', async () => {
  const res = await fetch(`${base}/api/tasks/kunci`, { method: 'HEAD' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain');
  expect(await res.text()).toBe('');
  expect(events.map((e) => [e.event.routeKey, e.event.requestContext.http.method])).toEqual([['GET /api/tasks/{taskKey}', 'HEAD']]);
});

test.each([
  ['an unknown path', 'GET', '/tidak-ada'],
  ['a known path with another method', 'POST', '/'],
  ['a parameter with a slash in it', 'GET', '/complaints/a/b/c'],
  ['a double slash', 'GET', '//'],
  ['a double slash before a name (a path, not a host)', 'GET', '//x'],
  ['a double slash before a route', 'GET', '//api/agencies'],
])('%s is 404 and reaches no handler', async (_name, method, path) => {
  const res = await fetch(`${base}${path}`, { method });
  expect(res.status).toBe(404);
  expect(((await res.json()) as { error: string }).error).toBe('not_found');
  expect(events).toEqual([]);
});

test('a body over the cap is 413 and reaches no handler, with or without a declared length', async () => {
  const big = Buffer.alloc(4096, 'a');
  const declared = await fetch(`${base}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
  expect(declared.status).toBe(413);
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = request(`${base}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => { res.resume(); resolve(res.statusCode!); });
    req.on('error', reject);
    for (let i = 0; i < 8; i++) req.write(Buffer.alloc(512, 'b'));
    req.end();
  });
  expect(chunked).toBe(413);
  expect(events).toEqual([]);
});

test('a handler result is written as API Gateway writes it: cookies as Set-Cookie, base64 bodies decoded', async () => {
  answer = () => ({ statusCode: 201, headers: { 'content-type': 'application/octet-stream' }, cookies: ['a=1; HttpOnly', 'b=2'], body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true });
  const res = await fetch(`${base}/api/agencies`);
  expect(res.status).toBe(201);
  expect(res.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2']);
  expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
});

test('a handler that throws is a 500 with a message in both languages, logged without the body', async () => {
  answer = () => { throw new Error('boom'); };
  const res = await fetch(`${base}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reporter":{"email":"rahasia@example.com"}}' });
  expect(res.status).toBe(500);
  expect(((await res.json()) as { message: string }).message).toMatch(/^Terjadi gangguan/);
  expect(logged.at(-1)).toBe('HTTP front: POST request failed: boom');
  expect(logged.join('\n')).not.toContain('rahasia@example.com');
});

test('the runtime endpoints under /_local/ go to the local handler; HEAD there is GET without a body', async () => {
  expect(await (await fetch(`${base}/_local/mail`)).json()).toEqual({ method: 'GET', path: '/_local/mail' });
  const head = await fetch(`${base}/_local/mailbox`, { method: 'HEAD' });
  expect([head.status, await head.text()]).toEqual([200, '']);
  expect(events).toEqual([]);
});

test('any tracking id survives the trip through the URL into pathParameters', async () => {
  // "." and ".." are dot segments: every URL client (and API Gateway) removes them before routing.
  await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('/') && s !== '.' && s !== '..'), async (id) => {
    events = [];
    await fetch(`${base}/api/complaints/${encodeURIComponent(id)}`);
    expect(events[0]?.event.pathParameters).toEqual({ trackingId: id });
  }), { numRuns: 60 });
});

/** Sends a raw request (whatever its request line and headers) and gives the status line and body. */
function raw(requestText: string): Promise<{ status: number; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(requestText));
    let out = '';
    socket.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0), body: out.split('\r\n\r\n').slice(1).join('\r\n\r\n') }));
    socket.on('error', reject);
  });
}

test.each([
  ['a Host header that is no host', 'GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n'],
  ['a Host header with a path in it', 'GET / HTTP/1.1\r\nHost: example.com/x\r\nConnection: close\r\n\r\n'],
  ['a Host header of an unclosed IPv6 literal', 'GET / HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n'],
  ['an empty Host header', 'GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n'],
  ['a request target that is not a path', 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
  ['a malformed %-escape in a path parameter', 'GET /complaints/%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
  ['a lone % in a path parameter', 'GET /api/tasks/ab%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'],
])('%s is a 400 in both languages that reaches no handler', async (_what, requestText) => {
  const res = await raw(requestText);
  expect(res.status).toBe(400);
  const body = JSON.parse(res.body) as { error: string; message: string; messages: { id: string; en: string } };
  expect(body.error).toBe('bad_request');
  expect(body.message).toBe(`${body.messages.id} / ${body.messages.en}`);
  expect(events).toEqual([]);
});

test('a request line in absolute form is routed by its path', async () => {
  const res = await raw('GET http://127.0.0.1/api/agencies HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  expect(res.status).toBe(200);
  expect(events.map((e) => e.event.routeKey)).toEqual(['GET /api/agencies']);
});

test('a Host with a port, an IPv6 literal or a name is accepted', async () => {
  for (const host of ['127.0.0.1:3000', '[::1]:3000', 'tanggap.example.go.id', 'localhost']) {
    expect((await raw(`GET /api/agencies HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).status).toBe(200);
  }
});

describe('the complaint rate limit', () => {
  test.each([
    ['20/10m', { max: 20, windowMs: 600_000 }],
    ['5/30s', { max: 5, windowMs: 30_000 }],
    ['100/1h', { max: 100, windowMs: 3_600_000 }],
    ['60/m', { max: 60, windowMs: 60_000 }],
    [' OFF ', undefined],
  ])('"%s" reads as %j', (text, expected) => {
    expect(parseRateLimit(text)).toEqual(expected);
  });

  test.each(['', '20', '0/10m', '20/10d', 'twenty/10m', '-1/1m'])('"%s" is refused with what to write', (text) => {
    expect(() => parseRateLimit(text)).toThrow(/"20\/10m"/);
  });

  test('a burst of max passes, then one per window/max; each client has its own bucket', () => {
    let now = 0;
    const limiter = new RateLimiter({ max: 3, windowMs: 60_000 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20); // one token back after 60 s / 3
    expect(limiter.take('b')).toBe(0);
    now += 19_000;
    expect(limiter.take('a')).toBe(1);
    now += 1_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(20);
  });

  test('over the limit, POST /api/complaints is a 429 with Retry-After and a bilingual body; other routes and other clients go on', async () => {
    let now = 1_000_000;
    const limited = createServer(createHttpFront({
      routes, now: () => NOW, complaintRateLimit: { max: 2, windowMs: 600_000 }, realTime: () => now,
      invoke: async (handler, event) => { events.push({ handler, event }); return answer(event); },
    }));
    await new Promise<void>((r) => limited.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(limited.address() as AddressInfo).port}`;
    try {
      const post = () => fetch(`${url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(200);
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('300');
      const body = (await refused.json()) as { error: string; messages: { id: string; en: string }; retryAfterSeconds: number };
      expect(body).toMatchObject({ error: 'too_many_requests', retryAfterSeconds: 300 });
      expect(body.messages.id).toContain('coba lagi dalam 300 detik');
      expect(body.messages.en).toContain('try again in 300 seconds');
      expect(events.filter((e) => e.event.routeKey === 'POST /api/complaints')).toHaveLength(2);
      expect((await fetch(`${url}/api/agencies`)).status).toBe(200);
      now += 300_000;
      expect((await post()).status).toBe(200);
    } finally {
      limited.closeAllConnections();
      await new Promise((r) => limited.close(r));
    }
  });
});

/**
 * The HTTP plumbing every handler shares: body reading (JSON, form, base64 from API Gateway, size
 * limit, content type), the requester's language, security headers, and the error middleware that
 * exposes details below 500 only.
 */
import type { Context } from 'aws-lambda';
import { Conflict, Gone, NotFound, PayloadTooLarge, TooManyRequests, Unavailable, UnsupportedMediaType, ValidationFailed } from '../../shared/errors';
import { html, httpHandler, json, languageOf, readBody, redactPath, type HttpEvent } from '../../functions/http';
import { captureLogs } from '../support/logs';

/** An API Gateway v2 event with only what a test sets. */
function anEvent(over: Partial<HttpEvent> = {}): HttpEvent {
  return {
    version: '2.0', routeKey: 'POST /api/complaints', rawPath: '/api/complaints', rawQueryString: '', headers: {},
    requestContext: { timeEpoch: Date.parse('2026-11-20T02:00:00Z') } as HttpEvent['requestContext'],
    isBase64Encoded: false, ...over,
  };
}
const context = {} as Context;

describe('readBody', () => {
  test.each([
    ['JSON', { 'content-type': 'application/json; charset=utf-8' }, '{"a":"b"}', false, { kind: 'json', value: { a: 'b' } }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b+c&d=%C3%A9', false, { kind: 'form', value: { a: 'b c', d: 'é' } }],
    ['base64 JSON from API Gateway', { 'content-type': 'application/json' }, Buffer.from('{"a":"é"}').toString('base64'), true, { kind: 'json', value: { a: 'é' } }],
    ['a base64 form', { 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from('a=1').toString('base64'), true, { kind: 'form', value: { a: '1' } }],
  ])('reads %s', (_what, headers, body, isBase64Encoded, expected) => {
    expect(readBody(anEvent({ headers, body, isBase64Encoded }), ['json', 'form'])).toEqual(expected);
  });

  test.each([
    ['a body over the limit', { 'content-type': 'application/json' }, JSON.stringify({ a: 'x'.repeat(64 * 1024) }), PayloadTooLarge],
    ['another content type', { 'content-type': 'text/plain' }, 'a', UnsupportedMediaType],
    ['no content type', {}, '{}', UnsupportedMediaType],
    ['broken JSON', { 'content-type': 'application/json' }, '{"a":', ValidationFailed],
    ['JSON null', { 'content-type': 'application/json' }, 'null', ValidationFailed],
    ['a JSON array', { 'content-type': 'application/json' }, '[]', ValidationFailed],
    ['a JSON string', { 'content-type': 'application/json' }, '"x"', ValidationFailed],
    ['a JSON number', { 'content-type': 'application/json' }, '1', ValidationFailed],
  ])('refuses %s', (_what, headers, body, error) => {
    expect(() => readBody(anEvent({ headers, body }), ['json', 'form'])).toThrow(error);
  });

  test('counts bytes, not characters, against the limit', () => {
    const body = JSON.stringify({ a: 'é'.repeat(600) });
    expect(() => readBody(anEvent({ headers: { 'content-type': 'application/json' }, body }), ['json'], 1000)).toThrow(PayloadTooLarge);
  });

  test('refuses a form where only JSON is accepted', () => {
    expect(() => readBody(anEvent({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }), ['json'])).toThrow(UnsupportedMediaType);
  });
});

describe('languageOf', () => {
  test.each([
    [{}, undefined, 'id'],
    [{ 'accept-language': 'en-US,en;q=0.9' }, undefined, 'en'],
    [{ 'accept-language': 'id-ID,id;q=0.9,en;q=0.8' }, undefined, 'id'],
    [{ 'accept-language': 'fr-FR, en;q=0.5' }, undefined, 'en'],
    [{ 'accept-language': 'en;q=0.3, id;q=0.7' }, undefined, 'id'],
    [{ 'accept-language': 'ms-MY' }, undefined, 'id'],
    [{ 'accept-language': 'en;q=0' }, undefined, 'id'],
    [{ 'accept-language': 'de' }, undefined, 'id'],
    [{ 'accept-language': 'id' }, { lang: 'en' }, 'en'],
    [{ 'accept-language': 'en' }, { lang: 'id' }, 'id'],
    [{ 'accept-language': 'en' }, { lang: 'xx' }, 'en'],
  ])('%j with %j → %s', (headers, queryStringParameters, expected) => {
    expect(languageOf(anEvent({ headers, queryStringParameters }))).toBe(expected);
  });
});

describe('responses', () => {
  test('JSON and HTML answers carry the security headers; HTML a strict CSP', () => {
    for (const res of [json(200, {}), html(200, '<p>x</p>')]) {
      expect(res.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' });
    }
    const csp = String(html(200, '').headers?.['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('script-src');
  });
});

describe('the error middleware', () => {
  const failing = (err: unknown) => httpHandler(async () => { throw err; });

  const cases: { err: Error; status: number; body: Record<string, unknown> }[] = [
    { err: new ValidationFailed([{ path: 'title', message: 'Wajib diisi.' }]), status: 400, body: { error: 'validation', issues: [{ path: 'title', message: 'Wajib diisi.' }] } },
    { err: new NotFound('No such complaint.'), status: 404, body: { error: 'not_found' } },
    { err: new Conflict('Already decided.', { decidedAt: '2026-11-20T09:00:00+07:00' }), status: 409, body: { error: 'conflict', decidedAt: '2026-11-20T09:00:00+07:00' } },
    { err: new Gone('Closed.'), status: 410, body: { error: 'gone' } },
    { err: new PayloadTooLarge('Too large.'), status: 413, body: { error: 'payload_too_large' } },
    { err: new UnsupportedMediaType('Send JSON.'), status: 415, body: { error: 'unsupported_media_type' } },
    { err: new TooManyRequests('Slow down.', 30), status: 429, body: { error: 'too_many_requests' } },
    { err: new Unavailable('Stored; retry.', { trackingId: 'TGP-7KQ4-M9XD-R' }, 7), status: 503, body: { error: 'unavailable', trackingId: 'TGP-7KQ4-M9XD-R' } },
  ];
  test.each(cases.map((c) => ({ ...c, name: c.err.name })))('$name → $status with its details', async ({ err, status, body }) => {
    const res = await failing(err)(anEvent(), context);
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body!)).toMatchObject(body);
    expect(res.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });

  test('a message given in both languages is answered in the requester\'s', async () => {
    const err = new NotFound({ id: 'Tidak ditemukan.', en: 'Not found.' });
    expect(JSON.parse((await failing(err)(anEvent(), context)).body!).message).toBe('Tidak ditemukan.');
    expect(JSON.parse((await failing(err)(anEvent({ headers: { 'accept-language': 'en' } }), context)).body!).message).toBe('Not found.');
    expect(err.message).toBe('Not found.');
  });

  test('429 and 503 say when to retry', async () => {
    expect((await failing(new TooManyRequests('Slow down.', 30))(anEvent(), context)).headers?.['retry-after']).toBe('30');
    expect((await failing(new Unavailable('Retry.', {}, 7))(anEvent(), context)).headers?.['retry-after']).toBe('7');
    expect((await failing(new NotFound('x'))(anEvent(), context)).headers).not.toHaveProperty('retry-after');
  });

  test('anything else is a 500 that says nothing internal, in JSON and in HTML', async () => {
    const secret = new Error('ConditionalCheckFailed on CASE#c123 for siti@example.com');
    const res = await failing(secret)(anEvent(), context);
    expect(res.statusCode).toBe(500);
    const body = JSON.parse(res.body!);
    expect(body).toEqual({ error: 'internal', message: expect.any(String), messages: { id: expect.any(String), en: expect.any(String) } });
    // Both languages whatever the request asked for: Indonesian first.
    expect(body.message).toMatch(/^Terjadi gangguan di sisi kami\..* \/ Something went wrong on our side\./);
    expect(res.body).not.toMatch(/CASE#|siti|Conditional/);
    for (const accept of ['id', 'en']) {
      const page = await failing(secret)(anEvent({ headers: { accept: 'text/html', 'accept-language': accept } }), context);
      expect(page.statusCode).toBe(500);
      expect(page.headers?.['content-type']).toContain('text/html');
      expect(page.body).not.toMatch(/CASE#|siti@|Conditional/);
      expect(page.body).toContain('Terjadi gangguan di sisi kami');
      expect(page.body).toContain('Something went wrong on our side');
    }
  });

  test('a browser gets an HTML page in its language with the issues listed', async () => {
    const res = await failing(new ValidationFailed([{ path: 'title', message: 'Required.' }]))(anEvent({ headers: { accept: 'text/html', 'accept-language': 'en' } }), context);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Some fields need fixing');
    expect(res.body).toContain('Required.');
  });
});

describe('logging', () => {
  test.each([
    ['/api/tasks/Qk3xR0-_abcdefghijklmnopqrstuvwxyz0123456789', '/api/tasks/{taskKey}'],
    ['/tasks/Qk3xR0-_abc?lang=en', '/tasks/{taskKey}?lang=en'],
    ['/complaints/TGP-7KQ4-M9XD-R/reply?key=secretkey&lang=en', '/complaints/{trackingId}/reply?key=…&lang=en'],
    ['/api/complaints/TGP-7KQ4-M9XD-R/feedback', '/api/complaints/{trackingId}/feedback'],
    ['/complaints/lookup?trackingId=TGP-7KQ4-M9XD-R', '/complaints/{trackingId}?trackingId=…'],
    ['/api/agencies', '/api/agencies'],
  ])('redactPath(%j) is %j', (path, expected) => {
    expect(redactPath(path)).toBe(expected);
  });

  test('one access line per request with the route template and status, never the raw path, body or headers', async () => {
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => { out += String(chunk); return true; });
    try {
      const key = 'Qk3xR0-_abcdefghijklmnopqrstuvwxyz0123456789';
      const ok = httpHandler(async () => json(200, { ok: true }));
      const refused = httpHandler(async () => { throw new Gone('gone'); });
      const request = { routeKey: 'POST /api/tasks/{taskKey}', rawPath: `/api/tasks/${key}`, pathParameters: { taskKey: key }, body: '{"note":"Siti 0812"}', headers: { authorization: 'Bearer secret-token', 'content-type': 'application/json' } };
      await ok(anEvent(request), context);
      await refused(anEvent(request), context);
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toEqual(expect.arrayContaining([
        expect.objectContaining({ message: 'request answered', route: 'POST /api/tasks/{taskKey}', status: 200, ms: expect.any(Number) }),
        expect.objectContaining({ message: 'request refused', route: 'POST /api/tasks/{taskKey}', status: 410, code: 'gone' }),
        expect.objectContaining({ message: 'request answered', status: 410 }),
      ]));
      expect(out).not.toContain(key);
      expect(out).not.toContain('Siti');
      expect(out).not.toContain('secret-token');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('a 500 is never invisible', () => {
  /** The JSON lines a handler wrote (its logger and its EMF metrics both write one object per line). */
  const jsonLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

  test('a handler that throws answers 500, logs the error (name, message, stack) without personal data, and counts HttpServerError', async () => {
    // Prepare: a handler that fails with an error whose text names a person.
    const thrower = httpHandler(async () => { throw Object.assign(new Error('write refused for siti.aminah@example.com, phone 0812 3456 7890'), { name: 'StoreDown' }); });
    const logs = captureLogs();
    let res;
    try {
      // Act
      res = await thrower(anEvent({ requestContext: { timeEpoch: Date.parse('2026-11-20T02:00:00Z'), requestId: 'req-1' } as HttpEvent['requestContext'] }), context);
    } finally {
      logs.restore();
    }
    // Assess: the answer, the error line, the metric (EMF: namespace Tanggap, dimensions service and stage).
    expect(res.statusCode).toBe(500);
    const lines = jsonLines(logs.text());
    const failed = lines.find((l) => l.message === 'request failed') as { level: string; route: string; requestId: string; error: { name: string; message: string; stack: string } } | undefined;
    expect(failed).toMatchObject({ level: 'ERROR', route: 'POST /api/complaints', requestId: 'req-1', error: { name: 'StoreDown', message: 'write refused for <email>, phone <number>' } });
    expect(failed!.error.stack).toContain('http.test.ts');
    expect(logs.text()).not.toMatch(/siti|aminah|3456/);
    const emf = lines.find((l) => 'HttpServerError' in l) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] }; HttpServerError: number; service: string; stage: string } | undefined;
    expect(emf).toBeDefined();
    expect(emf!.HttpServerError).toBe(1);
    expect(emf!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Tanggap', Metrics: [{ Name: 'HttpServerError', Unit: 'Count' }] });
    expect(emf!._aws.CloudWatchMetrics[0]!.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'stage']));
    expect(emf!.service).toBe('tanggap');
  });

  test('a refused request (4xx) is not counted as a server error', async () => {
    const logs = captureLogs();
    try {
      await httpHandler(async () => { throw new NotFound('No such complaint.'); })(anEvent(), context);
    } finally {
      logs.restore();
    }
    expect(logs.text()).not.toContain('HttpServerError');
  });
});

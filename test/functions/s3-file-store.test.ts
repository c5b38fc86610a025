/**
 * The file store over S3's REST API (functions/adapters/s3-file-store.ts), without the SDK's S3 client:
 *  - its presigned POSTs and GETs are exactly those the SDK made for the same credentials and time
 *    (fixtures in test/support/s3-sdk-signatures.ts, produced by the SDK before it was removed);
 *  - its calls pass the local S3 stand-in, which verifies SigV4 signatures and POST policies as S3 does;
 *  - S3's answers map to the same results as before: a missing object is `undefined`, any other error
 *    is thrown named by S3's code, and 5xx, SlowDown and dropped connections are tried again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Error, S3FileStore, type S3Location } from '../../functions/adapters/s3-file-store';
import { startLocalS3 } from '../../infra/local/s3';
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY, SIGNED_AT, sdkSigned } from '../support/s3-sdk-signatures';

const BUCKET = 'tanggap-test-files';
const policyOf = (fields: Record<string, string>) => JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };

describe('signing: the same presigned POSTs and GETs as the SDK', () => {
  describe.each(sdkSigned.map((f) => [`${f.label}${f.sessionToken ? ', with a session token' : ''}`, f] as const))('%s', (_label, fixture) => {
    const store = new S3FileStore({
      region: 'ap-southeast-3',
      endpoint: fixture.label === 'local' ? 'http://127.0.0.1:4569' : undefined,
      credentials: async () => ({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY, ...(fixture.sessionToken ? { sessionToken: fixture.sessionToken } : {}) }),
      now: () => SIGNED_AT,
    }, BUCKET);

    test('the presigned POST: URL, fields, policy and signature', async () => {
      const target = await store.uploadTarget('uploads/0123abcd', { maxBytes: 10485760, contentType: 'image/jpeg', expiresSeconds: 900 });
      expect(target).toEqual({ url: fixture.post.url, fields: fixture.post.fields, expiresAt: SIGNED_AT / 1000 + 900 });
      // Not blind: the policy holds the conditions the use case relies on.
      expect(policyOf(target.fields).conditions).toEqual(expect.arrayContaining([['content-length-range', 1, 10485760], ['eq', '$Content-Type', 'image/jpeg'], { key: 'uploads/0123abcd' }]));
    });

    test('an extra exact-match field is in the form and in the policy, as the SDK puts it', async () => {
      const target = await store.uploadTarget('uploads/0123abcd', { maxBytes: 10485760, contentType: 'image/jpeg', expiresSeconds: 900, fields: { success_action_redirect: fixture.redirect } });
      expect(target.fields).toEqual(fixture.postWithField.fields);
      expect(policyOf(target.fields).conditions).toContainEqual({ success_action_redirect: fixture.redirect });
    });

    test('the presigned GET, with a file name that needs escaping', async () => {
      const url = await store.readUrl('cases/PGD-1/a b+c.jpg', { expiresSeconds: 300, contentType: 'image/jpeg', fileName: fixture.fileName, inline: true });
      expect(url).toBe(fixture.get);
      expect(new URL(url).searchParams.get('response-content-disposition')).toBe(fixture.disposition);
    });
  });
});

describe('against the local S3 stand-in, which checks signatures and policies', () => {
  let dir: string;
  let s3: Awaited<ReturnType<typeof startLocalS3>>;
  let store: S3FileStore;
  const local = (credentials: S3Location['credentials']) => new S3FileStore({ region: 'ap-southeast-3', endpoint: s3.url, credentials }, BUCKET);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 's3-file-store-'));
    s3 = await startLocalS3({ dir, accessKeyId: 'local', secretAccessKey: 'local', region: 'ap-southeast-3', allowedOrigins: () => [] });
    store = local(async () => ({ accessKeyId: 'local', secretAccessKey: 'local', sessionToken: 'a session token' }));
  });
  afterAll(async () => {
    s3.server.closeAllConnections();
    await new Promise((resolve) => s3.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test('write, size and read: every byte value and a key that needs escaping survive', async () => {
    const bytes = new Uint8Array(Array.from({ length: 1024 }, (_, i) => i % 256));
    const key = 'cases/PGD-1/résumé "foto" (1)+x.jpg';
    await store.write(key, bytes, 'image/jpeg');
    expect(await store.size(key)).toBe(1024);
    expect(Buffer.from((await store.read(key))!)).toEqual(Buffer.from(bytes));
    expect(s3.store.get(BUCKET, key)?.meta.contentType).toBe('image/jpeg');
  });

  test('a missing object: size and read are undefined', async () => {
    await expect(store.size('uploads/none')).resolves.toBeUndefined();
    await expect(store.read('uploads/none')).resolves.toBeUndefined();
  });

  test('a wrong secret is refused by the signature check, named by S3\'s code', async () => {
    const wrong = local(async () => ({ accessKeyId: 'local', secretAccessKey: 'not-the-secret' }));
    await expect(wrong.write('uploads/x', new Uint8Array([1]), 'image/png')).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', statusCode: 403 });
    await expect(wrong.size('uploads/x')).rejects.toBeInstanceOf(S3Error);
    expect(s3.store.get(BUCKET, 'uploads/x')).toBeUndefined();
  });

  test('a presigned POST is accepted with its fields, and refused when a field or the size differs', async () => {
    const target = await store.uploadTarget('uploads/posted', { maxBytes: 10, contentType: 'image/png', expiresSeconds: 60, fields: { success_action_status: '201' } });
    const post = (fields: Record<string, string>, file: Buffer) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('file', new Blob([file], { type: 'image/png' }), 'a.png');
      return fetch(target.url, { method: 'POST', body: form });
    };
    expect((await post({ ...target.fields, success_action_status: '200' }, Buffer.from('12345'))).status).toBe(403);
    expect((await post(target.fields, Buffer.from('12345678901'))).status).toBe(400);
    // The form's own success_action_status, answered as S3 does (a PostResponse with 201).
    expect((await post(target.fields, Buffer.from('12345'))).status).toBe(201);
    expect(await store.size('uploads/posted')).toBe(5);
  });

  test('a presigned GET serves the object with the type, name and caching given', async () => {
    await store.write('cases/PGD-2/b.pdf', new Uint8Array([37, 80, 68, 70]), 'application/pdf');
    const url = await store.readUrl('cases/PGD-2/b.pdf', { expiresSeconds: 60, contentType: 'application/pdf', fileName: 'Surat "balasan" ✉.pdf', inline: false });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Surat _balasan_ _.pdf"; filename*=UTF-8''${encodeURIComponent('Surat "balasan" ✉.pdf')}`);
    // The signature covers the overrides: another name is refused.
    const forged = new URL(url);
    forged.searchParams.set('response-content-type', 'text/html');
    expect((await fetch(forged)).status).toBe(403);
  });
});

describe('S3\'s answers: errors mapped, transient ones tried again', () => {
  let server: Server;
  let script: ((req: IncomingMessage, res: ServerResponse) => void)[] = [];
  let seen: string[] = [];
  const sleeps: number[] = [];
  let store: S3FileStore;

  const xml = (status: number, code: string, message: string) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId></Error>`);
  };
  const ok = (body = '') => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };
  const dropped = (req: IncomingMessage) => req.socket.destroy();

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      (script.shift() ?? xml(500, 'InternalError', 'script ran out'))(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    store = new S3FileStore({
      region: 'ap-southeast-3', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }), sleep: async (ms) => { sleeps.push(ms); },
    }, BUCKET);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => { script = []; seen = []; sleeps.length = 0; });

  test('SlowDown (503) and InternalError (500) are tried again, with growing backoff, and the call succeeds', async () => {
    script = [xml(503, 'SlowDown', 'Please reduce your request rate.'), xml(500, 'InternalError', 'We encountered an internal error.'), ok('data')];
    await expect(store.read('uploads/a')).resolves.toEqual(new Uint8Array(Buffer.from('data')));
    expect(seen).toEqual(['GET /tanggap-test-files/uploads/a', 'GET /tanggap-test-files/uploads/a', 'GET /tanggap-test-files/uploads/a']);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  test('a dropped connection is tried again', async () => {
    script = [dropped, ok()];
    await expect(store.write('uploads/b', new Uint8Array([1, 2]), 'image/png')).resolves.toBeUndefined();
    expect(seen).toHaveLength(2);
  });

  test('a 5xx that persists fails after 4 attempts, with S3\'s code and message', async () => {
    script = Array.from({ length: 4 }, () => xml(503, 'SlowDown', 'Please reduce your request rate.'));
    const err = await store.write('uploads/c', new Uint8Array([1]), 'image/png').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3Error);
    expect(err).toMatchObject({ name: 'SlowDown', code: 'SlowDown', statusCode: 503, message: expect.stringContaining('Please reduce your request rate.') });
    expect(seen).toHaveLength(4);
  });

  test.each([
    ['AccessDenied (403)', xml(403, 'AccessDenied', 'Access Denied'), 'AccessDenied'],
    ['NoSuchBucket (404): a fault, not a missing file', xml(404, 'NoSuchBucket', 'The specified bucket does not exist'), 'NoSuchBucket'],
    ['InvalidArgument (400)', xml(400, 'InvalidArgument', 'bad'), 'InvalidArgument'],
  ])('%s on a read is thrown at once, named by its code', async (_what, answer, code) => {
    script = [answer];
    await expect(store.read('uploads/d')).rejects.toMatchObject({ name: code, code });
    expect(seen).toHaveLength(1);
  });

  test('NoSuchKey on a read and 404 on a HEAD (no body) are a missing file', async () => {
    script = [xml(404, 'NoSuchKey', 'The specified key does not exist.'), (_req, res) => { res.writeHead(404); res.end(); }];
    await expect(store.read('uploads/e')).resolves.toBeUndefined();
    await expect(store.size('uploads/e')).resolves.toBeUndefined();
  });

  test('a HEAD refused without a body is thrown as its status (Forbidden)', async () => {
    script = [(_req, res) => { res.writeHead(403); res.end(); }];
    await expect(store.size('uploads/f')).rejects.toMatchObject({ name: 'Forbidden', statusCode: 403 });
  });
});

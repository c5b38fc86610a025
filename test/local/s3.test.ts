/**
 * The local S3 stand-in answers a browser's form POST as S3 does: with `success_action_redirect` a
 * 303 to exactly that URL with bucket, key and etag appended; with `success_action_status` 200, 201
 * (an XML PostResponse) or 204; and refuses a field no policy condition names (so a redirect or
 * status a client adds is refused, not obeyed), a changed redirect, and a file over the range.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3FileStore } from '../../functions/adapters/s3-file-store';
import { startLocalS3, type LocalS3 } from '../../infra/local/s3';

let dir: string;
let server: Server;
let store: LocalS3;
let files: S3FileStore;
const BUCKET = 'tanggap-test-files';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tanggap-s3-'));
  const started = await startLocalS3({ dir, accessKeyId: 'local', secretAccessKey: 'local', region: 'ap-southeast-3', allowedOrigins: () => [] });
  server = started.server;
  store = started.store;
  files = new S3FileStore({ region: 'ap-southeast-3', endpoint: started.url, credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }) }, BUCKET);
});
afterAll(async () => {
  await new Promise((res) => server.close(res));
  rmSync(dir, { recursive: true, force: true });
});

function formOf(fields: Record<string, string>, file?: Uint8Array, after: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file]), 'foto.jpg');
  for (const [k, v] of Object.entries(after)) form.append(k, v);
  return form;
}
const post = (url: string, form: FormData) => fetch(url, { method: 'POST', body: form, redirect: 'manual' });

test('success_action_redirect: 303 to exactly the policy\'s URL with bucket, key and etag appended; the object is stored', async () => {
  const redirect = 'https://tanggap.example/lampiran?lampiran=ua.ub&lang=en';
  const target = await files.uploadTarget('uploads/ub', { maxBytes: 1000, expiresSeconds: 60, redirect });
  expect(target.fields.success_action_redirect).toBe(redirect);
  expect(target.fields['Content-Type']).toBeUndefined();
  const res = await post(target.url, formOf(target.fields, new Uint8Array([1, 2, 3])));
  expect(res.status).toBe(303);
  const to = new URL(res.headers.get('location')!);
  expect(`${to.origin}${to.pathname}`).toBe('https://tanggap.example/lampiran');
  expect([...to.searchParams.entries()]).toEqual([['lampiran', 'ua.ub'], ['lang', 'en'], ['bucket', BUCKET], ['key', 'uploads/ub'], ['etag', '"5289df737df57326fcdd22597afb1fac"']]);
  expect(store.get(BUCKET, 'uploads/ub')?.data).toEqual(Buffer.from([1, 2, 3]));
  expect(await files.size('uploads/ub')).toBe(3);
});

test('a redirect changed by the client, or one the policy never named, is refused and nothing stored', async () => {
  const target = await files.uploadTarget('uploads/uc', { maxBytes: 1000, expiresSeconds: 60, redirect: 'https://tanggap.example/lampiran' });
  const changed = await post(target.url, formOf({ ...target.fields, success_action_redirect: 'https://evil.example/' }, new Uint8Array([1])));
  expect(changed.status).toBe(403);
  expect(await changed.text()).toMatch(/Policy Condition failed: \$?success_action_redirect/);
  const plain = await files.uploadTarget('uploads/ud', { maxBytes: 1000, expiresSeconds: 60, contentType: 'image/jpeg' });
  for (const extra of [{ success_action_redirect: 'https://evil.example/' }, { redirect: 'https://evil.example/' }, { success_action_status: '201' }] as Record<string, string>[]) {
    const res = await post(plain.url, formOf({ ...plain.fields, ...extra }, new Uint8Array([1])));
    expect([res.status, await res.text()]).toEqual([403, expect.stringContaining(`Extra input fields: ${Object.keys(extra)[0]}`)]);
  }
  expect(store.get(BUCKET, 'uploads/uc')).toBeUndefined();
  expect(store.get(BUCKET, 'uploads/ud')).toBeUndefined();
  // x-ignore- fields and fields after the file are not checked, as on S3.
  const ok = await post(plain.url, formOf({ ...plain.fields, 'x-ignore-note': 'a' }, new Uint8Array([1]), { success_action_redirect: 'https://evil.example/' }));
  expect(ok.status).toBe(204);
});

test('success_action_status 200, 201 (a PostResponse) and anything else 204, when the policy names it', async () => {
  const answers: [number, string][] = [];
  for (const status of ['200', '201', '302']) {
    // The status is one of the form's fields, so the policy names it exactly (the file store's `fields`).
    const { url, fields } = await files.uploadTarget('uploads/ue', { maxBytes: 10, expiresSeconds: 60, fields: { success_action_status: status } });
    const res = await post(url, formOf(fields, new Uint8Array([7])));
    answers.push([res.status, await res.text()]);
  }
  expect(answers[0]).toEqual([200, '']);
  expect(answers[1]![0]).toBe(201);
  expect(answers[1]![1]).toMatch(/<PostResponse><Location>http:\/\/127\.0\.0\.1:\d+\/tanggap-test-files\/uploads\/ue<\/Location><Bucket>tanggap-test-files<\/Bucket><Key>uploads\/ue<\/Key><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag><\/PostResponse>/);
  expect(answers[2]).toEqual([204, '']);
});

test('a file over the policy\'s range is refused with EntityTooLarge, never redirected', async () => {
  const target = await files.uploadTarget('uploads/uf', { maxBytes: 4, expiresSeconds: 60, redirect: 'https://tanggap.example/lampiran' });
  const res = await post(target.url, formOf(target.fields, new Uint8Array(5)));
  expect(res.status).toBe(400);
  expect(await res.text()).toContain('EntityTooLarge');
  expect(store.get(BUCKET, 'uploads/uf')).toBeUndefined();
});

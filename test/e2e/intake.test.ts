/**
 * Filing a complaint over HTTP: bad input gets a 4xx with what to fix and stores nothing; a retry
 * with the same Idempotency-Key returns the first answer; the public status and the logs carry no
 * personal data.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { captureLogs } from '../support/logs';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
let logs: ReturnType<typeof captureLogs>;
beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  logs = captureLogs();
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.dispose();
  logs.restore();
  delete process.env.POWERTOOLS_LOG_LEVEL;
});

/** Every item in the table (a test may scan; request paths never do). */
async function tableItems(): Promise<number> {
  const client = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: 'ap-southeast-3', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const out = await client.send(new ScanCommand({ TableName: process.env.TABLE_NAME, Select: 'COUNT' }));
  return out.Count ?? 0;
}

const valid = complaint('dinkes-muba', 'pelayanan');

describe('a malformed submission is refused with the fields to fix and stores nothing', () => {
  test.each([
    ['missing fields', { agencyId: 'dinkes-muba' }, 400, ['title', 'description', 'category']],
    ['wrong types', { ...valid, title: 42, anonymous: 'maybe', reporter: { email: 'not-an-email' } }, 400, ['title', 'anonymous', 'reporter.email']],
    ['an unknown agency', { ...valid, agencyId: 'dinas-rahasia' }, 400, ['agencyId']],
    ['a category the agency does not have', { ...valid, category: 'ktp-el' }, 400, ['category']],
    ['a control character in the text', { ...valid, description: 'Lihat \u0007 di loket pelayanan puskesmas kami' }, 400, ['description']],
    ['a title of invisible characters', { ...valid, title: '\u200B\u200C\u200D\uFEFF\u00AD\u2060'.repeat(5) }, 400, ['title']],
    ['an unknown channel', { ...valid, channel: 'telepati' }, 400, ['channel']],
    ['no contact for a named reporter', { ...valid, reporter: { name: 'Budi' } }, 400, ['reporter']],
    ['an incident in the future', { ...valid, incidentDate: '2030-01-01' }, 400, ['incidentDate']],
    ['an unknown field', { ...valid, priority: 'urgent' }, 400, ['priority']],
  ])('%s', async (_what, body, status, paths) => {
    const before = await tableItems();
    const res = await rt.call('POST', '/api/complaints', body);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe('validation');
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(paths));
    for (const issue of res.body.issues) expect(issue.message).toEqual(expect.any(String));
    expect(await tableItems()).toBe(before);
  });

  test('a 1 MB body is refused with 413', async () => {
    const before = await tableItems();
    const res = await rt.call('POST', '/api/complaints', { ...valid, description: 'x'.repeat(1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await tableItems()).toBe(before);
  });

  test('another content type is refused with 415, broken JSON with 400', async () => {
    expect((await rt.call('POST', '/api/complaints', 'title=x', { 'content-type': 'text/plain' })).status).toBe(415);
    const broken = await rt.call('POST', '/api/complaints', '{"agencyId": ', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.issues[0].path).toBe('(body)');
  });

  test('messages are in Bahasa Indonesia by default and English on request', async () => {
    const id = await rt.call('POST', '/api/complaints', { ...valid, description: 'pendek' });
    expect(id.body.issues[0].message).toBe('Minimal 20 karakter (spasi dan karakter tak terlihat tidak dihitung; sekarang 6).');
    const en = await rt.call('POST', '/api/complaints?lang=en', { ...valid, description: 'short' });
    expect(en.body.issues[0].message).toBe('At least 20 characters (spaces and invisible characters do not count; now 5).');
  });

  test('the form without JavaScript gets its page back with the errors next to the fields', async () => {
    const form = new URLSearchParams({ target: 'dinkes-muba/pelayanan', title: 'Antrean', description: 'pendek', 'reporter.email': 'a@b.id' }).toString();
    const res = await rt.call('POST', '/api/complaints', form, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Minimal 20 karakter (spasi dan karakter tak terlihat tidak dihitung; sekarang 6).');
    expect(res.text).toContain('value="Antrean"');
  });
});

test('a retry with the same Idempotency-Key returns the first answer and files one complaint', async () => {
  const headers = { 'idempotency-key': 'retry-test-0001' };
  const first = await rt.call('POST', '/api/complaints', valid, headers);
  const second = await rt.call('POST', '/api/complaints', valid, headers);
  expect(first.status).toBe(201);
  expect(second.status).toBe(201);
  expect(second.body).toEqual(first.body);
  const other = await rt.call('POST', '/api/complaints', valid, { 'idempotency-key': 'retry-test-0002' });
  expect(other.body.trackingId).not.toBe(first.body.trackingId);
});

test('tracking ids are short, typed back forgivingly, and the public status never shows the reporter', async () => {
  const filed = await rt.call('POST', '/api/complaints', valid);
  await rt.engine.waitForIdle();
  const trackingId: string = filed.body.trackingId;
  expect(trackingId).toMatch(/^TGP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
  const typed = trackingId.toLowerCase().replace(/-/g, ' ');
  const status = await rt.call('GET', `/api/complaints/${encodeURIComponent(typed)}`);
  expect(status.status).toBe(200);
  expect(status.body).toMatchObject({ trackingId, status: 'in_progress', agency: { id: 'dinkes-muba' }, currentStep: { id: 'registrasi', dueAt: expect.any(String) } });
  for (const secret of ['Siti Rahma', 'siti.rahma@example.com', '081234567890']) {
    expect(status.text).not.toContain(secret);
    expect((await rt.call('GET', `/complaints/${trackingId}`)).text).not.toContain(secret);
  }
  expect((await rt.call('GET', '/api/complaints/TGP-0000-0000-0')).status).toBe(404);
});

test('nothing logged during these requests carries the reporter\'s personal data', () => {
  expect(logs.text().length).toBeGreaterThan(0);
  for (const secret of ['Siti Rahma', 'siti.rahma@example.com', '081234567890']) expect(logs.text()).not.toContain(secret);
});

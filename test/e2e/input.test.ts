/**
 * Input from strangers, on the local runtime over HTTP: officials' fields follow the same text rules
 * as citizens'; JSON bodies that are not objects are 400 on every JSON endpoint; a finished step's
 * re-sent form hears 409 before any CSRF check; one address named as reporter gets at most 3
 * acknowledgements a day while every complaint is still handled; the front answers malformed
 * requests with 4xx. (The rate limit and startup: rate-limit.test.ts, startup.test.ts — one runtime
 * per file, as handler modules read their configuration once per process.)
 */
import { connect } from 'node:net';
import { complaint, fill, replyKey, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') }); });
afterAll(async () => {
  // Every execution a test started settles before the table closes.
  await rt.engine.waitForIdle();
  await rt.dispose();
});

async function file(extra: Record<string, unknown> = {}): Promise<{ trackingId: string; key: string; body: any }> {
  const res = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan', extra));
  if (res.status !== 201) throw new Error(`file ${res.status}: ${res.text}`);
  await rt.engine.waitForIdle();
  const trackingId = res.body.trackingId as string;
  return { trackingId, key: (await rt.taskKeys(trackingId)).at(-1)!, body: res.body };
}

describe('officials type under the same text rules', () => {
  test.each([
    ['a NUL', 'Nomor\u0000 12', /U\+0000/],
    ['a right-to-left override', 'REG-\u202E21', /pengatur arah teks/],
    ['invisible characters only', '\u200B\u200B\u200B', /tidak terlihat/],
  ])('%s in the register number is a 400 naming the field, and the task stays open', async (_what, value, message) => {
    const { key } = await file();
    const view = (await rt.call('GET', `/api/tasks/${key}`)).body;
    const res = await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0], { registerNumber: value }));
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'registerNumber', message: expect.stringMatching(message) }]);
    expect((await rt.call('GET', `/api/tasks/${key}`)).body.task.status).toBe('open');
  });

  test.each([
    ['punctuation, < and emoji', '  REG/2026 <12> = 📘  '],
    // An official's text fields are written as the official writes them: line breaks and tabs too.
    ['a line break and a tab', 'REG\n12\tA'],
  ])('a register number with %s is taken as written', async (_what, registerNumber) => {
    const { key, trackingId } = await file();
    const view = (await rt.call('GET', `/api/tasks/${key}`)).body;
    const res = await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0], { registerNumber }));
    expect(res.status).toBe(200);
    await rt.engine.waitForIdle();
    expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.currentStep.id).toBe('periksa');
  });
});

describe('a JSON body that is not an object is a 400, never a 500', () => {
  test.each(['null', '[]', '"x"', '1', 'true'])('%s on every JSON endpoint', async (raw) => {
    const { key, trackingId } = await file();
    for (const path of ['/api/complaints', `/api/tasks/${key}`, `/api/complaints/${trackingId}/feedback`]) {
      const res = await rt.call('POST', path, raw);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body).toMatchObject({ error: 'validation', issues: [{ path: '(body)', message: expect.stringContaining('objek JSON') }] });
    }
    expect((await rt.call('GET', `/api/tasks/${key}`)).body.task.status).toBe('open');
    // The runtime's own JSON endpoint too.
    expect((await rt.call('POST', '/_local/clock', raw)).status).toBe(400);
  });
});

test('a reply of the reporter follows the text rules: a control character or invisible-only text is refused', async () => {
  const { trackingId } = await file();
  for (let i = 0; i < 3; i++) {
    const key = (await rt.taskKeys(trackingId)).at(-1)!;
    const res = await rt.call('POST', `/api/tasks/${key}`, fill((await rt.call('GET', `/api/tasks/${key}`)).body.actions[0]));
    expect(res.status).toBe(200);
    await rt.engine.waitForIdle();
  }
  const key = (await replyKey(rt))!;
  const refused = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key, satisfied: false, comment: 'Masih \u001B kurang' });
  expect(refused.status).toBe(400);
  expect(refused.body.issues).toEqual([{ path: 'comment', message: expect.stringContaining('U+001B') }]);
  const invisible = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key, satisfied: false, comment: '\u200B\u200B' });
  expect(invisible.status).toBe(400);
});

test('a task form sent again after the step was done answers 409 "already done by …", not 403 "form expired"', async () => {
  const { key } = await file();
  const page = (await rt.call('GET', `/tasks/${key}`)).text;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const form = new URLSearchParams({ action: 'recorded', csrf, registerNumber: 'REG-1' }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
  expect((await rt.call('POST', `/tasks/${key}`, form, headers)).status).toBe(200);
  await rt.engine.waitForIdle();
  const again = await rt.call('POST', `/tasks/${key}`, form, headers);
  expect(again.status).toBe(409);
  expect(again.text).toContain('sudah ditindaklanjuti oleh Rina Marlina');
  // Without any token at all, the answer is the same: the step is done.
  expect((await rt.call('POST', `/tasks/${key}`, new URLSearchParams({ action: 'recorded' }).toString(), headers)).status).toBe(409);
  // An open task still needs its token.
  const { key: open } = await file();
  expect((await rt.call('POST', `/tasks/${open}`, new URLSearchParams({ action: 'recorded' }).toString(), headers)).status).toBe(403);
});

test('five complaints naming one address: three acknowledgements, every complaint handled, the others say why', async () => {
  const before = (await rt.mail()).length;
  const filed = [];
  for (let i = 0; i < 5; i++) filed.push(await file({ title: `Pengaduan ke-${i + 1} <b>tebal</b>`, reporter: { email: i % 2 ? 'Korban+spam@Example.com' : 'korban@example.com' } }));
  expect(filed.map((f) => f.body.acknowledgement.email)).toEqual(['sending', 'sending', 'sending', 'withheld', 'withheld']);
  const mail = (await rt.mail()).slice(before);
  const acks = mail.filter((m) => m.subject.startsWith('Pengaduan diterima'));
  expect(acks).toHaveLength(3);
  expect(acks.map((m) => m.to)).toEqual([['korban@example.com'], ['Korban+spam@Example.com'], ['korban@example.com']]);
  for (const ack of acks) {
    expect(ack.html).toMatch(/Pengaduan ke-\d &lt;b&gt;tebal&lt;\/b&gt;/);
    expect(ack.text).not.toContain('Saya menunggu lebih dari tiga jam'); // the description
    expect(ack.text).not.toContain('Siti Rahma'); // a reporter name
    expect(ack.text).not.toContain('Sekayu'); // the location
    for (const link of ack.links) expect(link.startsWith(`${rt.url}/complaints/`)).toBe(true);
  }
  // Every complaint reached its first official all the same.
  for (const f of filed) expect(mail.some((m) => m.subject.startsWith('Tugas baru') && m.text.includes(f.trackingId))).toBe(true);
  const tracking = await rt.call('GET', `/complaints/${filed[4]!.trackingId}`);
  expect(tracking.text).toContain('Email tanda terima tidak dikirim untuk pengaduan ini');
  expect(tracking.text).not.toContain('korban@example.com');
  // The next office day counts afresh.
  await rt.advance('P1D');
  expect((await file({ reporter: { email: 'korban@example.com' } })).body.acknowledgement.email).toBe('sending');
});

test('the form submitted by a person: a honeypot left empty files, a filled one is refused and sends nothing', async () => {
  const before = (await rt.mail()).length;
  const fields = { target: 'perpus-muba/layanan', title: 'Dikirim dari formulir', description: 'Saya menunggu lebih dari tiga jam tanpa kejelasan.', 'reporter.email': 'warga@example.com' };
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
  const trapped = await rt.call('POST', '/api/complaints', new URLSearchParams({ ...fields, website: 'spam' }).toString(), headers);
  expect(trapped.status).toBe(400);
  await rt.engine.waitForIdle();
  expect((await rt.mail()).length).toBe(before);
  const ok = await rt.call('POST', '/api/complaints', new URLSearchParams({ ...fields, website: '' }).toString(), headers);
  expect(ok.status).toBe(201);
  expect(ok.text).toContain('Kami juga mengirim email');
  await rt.engine.waitForIdle();
});

describe('the front answers malformed requests with 4xx', () => {
  test.each([['//', 404], ['//x', 404], ['//api/agencies', 404], ['/complaints/%E0%A4%A', 400], ['/api/tasks/%zz', 400]])('GET %s → %i', async (path, status) => {
    const res = await fetch(`${rt.url}${path}`);
    expect(res.status).toBe(status);
  });

  test('a malformed Host header is a 400 in both languages', async () => {
    const port = new URL(rt.url).port;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('GET / HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n'));
      let out = '';
      socket.on('data', (c: Buffer) => { out += c.toString(); });
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('Header Host tidak sah. / The Host header is not valid.');
  });
});

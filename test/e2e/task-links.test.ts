/**
 * Officials act through capability links: reading changes nothing; a link acts once, for its task
 * only; forged, reused and superseded keys get clear 404/409/410 answers; the page needs its CSRF
 * token; keys never reach the logs; a confidential reporter stays hidden from roles that need not know.
 */
import { captureLogs } from '../support/logs';
import { complaint, fill, startTestRuntime, type TestRuntime } from '../support/runtime';

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

async function fileAndGetKey(body = complaint('perpus-muba', 'layanan')): Promise<{ trackingId: string; key: string }> {
  const res = await rt.call('POST', '/api/complaints', body);
  await rt.engine.waitForIdle();
  const trackingId = res.body.trackingId as string;
  return { trackingId, key: (await rt.taskKeys(trackingId)).at(-1)! };
}

test('GET and HEAD of a task link change nothing', async () => {
  const { trackingId, key } = await fileAndGetKey();
  const before = await rt.call('GET', `/api/complaints/${trackingId}`);
  for (let i = 0; i < 3; i++) {
    expect((await rt.call('GET', `/tasks/${key}`)).status).toBe(200);
    expect((await rt.call('HEAD', `/tasks/${key}`)).status).toBe(200);
    expect((await rt.call('GET', `/api/tasks/${key}`)).status).toBe(200);
  }
  await rt.engine.waitForIdle();
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body).toEqual(before.body);
  const page = await rt.call('GET', `/tasks/${key}`);
  expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  expect(page.headers.get('cache-control')).toBe('no-store');
});

test('a forged key is 404, a reused one 409 with what was decided, and a key works once', async () => {
  const { key } = await fileAndGetKey();
  expect((await rt.call('GET', `/api/tasks/${'A'.repeat(43)}`)).status).toBe(404);
  expect((await rt.call('GET', '/api/tasks/short')).status).toBe(404);
  const view = (await rt.call('GET', `/api/tasks/${key}`)).body;
  expect(view.actions[0].id).toBe('recorded');
  expect((await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0]))).status).toBe(200);
  const again = await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0]));
  expect(again.status).toBe(409);
  expect(again.body.decidedBy).toBe('Rina Marlina');
});

test('a key of one case cannot act on another, and a bad action or field is a 400', async () => {
  const a = await fileAndGetKey();
  const b = await fileAndGetKey();
  const viewA = (await rt.call('GET', `/api/tasks/${a.key}`)).body;
  const viewB = (await rt.call('GET', `/api/tasks/${b.key}`)).body;
  expect(viewA.case.trackingId).toBe(a.trackingId);
  expect(viewB.case.trackingId).toBe(b.trackingId);
  expect((await rt.call('POST', `/api/tasks/${a.key}`, { action: 'fly' })).status).toBe(400);
  await rt.call('POST', `/api/tasks/${a.key}`, fill(viewA.actions[0]));
  await rt.engine.waitForIdle();
  expect((await rt.call('GET', `/api/complaints/${b.trackingId}`)).body.currentStep.id).toBe('catat');
});

test('the page refuses a POST without its CSRF token; the JSON API refuses a form post', async () => {
  const { key } = await fileAndGetKey();
  const form = new URLSearchParams({ action: 'recorded' }).toString();
  const page = await rt.call('POST', `/tasks/${key}`, form, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
  expect(page.status).toBe(403);
  expect((await rt.call('POST', `/api/tasks/${key}`, form, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  const csrf = /name="csrf" value="([^"]+)"/.exec((await rt.call('GET', `/tasks/${key}`)).text)![1]!;
  const ok = await rt.call('POST', `/tasks/${key}`, new URLSearchParams({ action: 'recorded', csrf }).toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
  expect(ok.status).toBe(200);
});

test('handing a task to an acting official supersedes the old link (410) and mails a new one', async () => {
  const { trackingId } = await fileAndGetKey();
  for (let i = 0; i < 2; i++) {
    const key = (await rt.taskKeys(trackingId)).at(-1)!;
    const view = (await rt.call('GET', `/api/tasks/${key}`)).body;
    await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0]));
    await rt.engine.waitForIdle();
  }
  const oldKey = (await rt.taskKeys(trackingId)).at(-1)!;
  const view = (await rt.call('GET', `/api/tasks/${oldKey}`)).body;
  expect(view.task.stepId).toBe('solusi');
  const reassign = view.actions.find((a: { id: string }) => a.id === 'reassign');
  expect(reassign.fields[0].options.map((o: { value: string }) => o.value)).toEqual(['perpus-plh-kabid']);
  expect((await rt.call('POST', `/api/tasks/${oldKey}`, { action: 'reassign', to: 'perpus-plh-kabid' })).status).toBe(200);
  const gone = await rt.call('GET', `/api/tasks/${oldKey}`);
  expect(gone.status).toBe(410);
  expect(gone.body.statusUrl).toContain(trackingId);
  const mail = (await rt.mail()).at(-1)!;
  expect(mail.to).toEqual(['plh.kabid@perpus.musitanggap.example.go.id']);
  const newKey = (await rt.taskKeys(trackingId)).at(-1)!;
  const newView = (await rt.call('GET', `/api/tasks/${newKey}`)).body;
  expect((await rt.call('POST', `/api/tasks/${newKey}`, fill(newView.actions[0]))).status).toBe(200);
  await rt.engine.waitForIdle();
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.status).toBe('resolved');
});

test('a confidential reporter is hidden from roles that need not know, shown to those that do', async () => {
  const body = complaint('kominfo-muara-enim', 'pelayanan-publik', { confidential: true });
  const { key, trackingId } = await fileAndGetKey(body);
  const admin = (await rt.call('GET', `/api/tasks/${key}`)).body;
  expect(admin.case.reporter).toMatchObject({ email: 'siti.rahma@example.com' });
  await rt.call('POST', `/api/tasks/${key}`, fill(admin.actions[0]));
  await rt.engine.waitForIdle();
  const liaisonKey = (await rt.taskKeys(trackingId)).at(-1)!;
  await rt.call('POST', `/api/tasks/${liaisonKey}`, fill((await rt.call('GET', `/api/tasks/${liaisonKey}`)).body.actions[0]));
  await rt.engine.waitForIdle();
  const executing = await rt.call('GET', `/api/tasks/${(await rt.taskKeys(trackingId)).at(-1)}`);
  expect(executing.body.task.stepId).toBe('tindak-lanjut');
  expect(executing.body.case.reporter).toBe('hidden');
  expect(executing.text).not.toContain('siti.rahma@example.com');
  const mailToExecuting = (await rt.mail()).at(-1)!;
  expect(mailToExecuting.text).not.toContain('siti.rahma@example.com');
});

test('markup is accepted at intake as the text it is, and comes out escaped in the page, the JSON and the emails', async () => {
  const attack = '<img src=x onerror=alert(1)>';
  // A reporter of its own: one address is acknowledged at most 3 times a day, and this file files more.
  const body = complaint('perpus-muba', 'layanan', { reporter: { email: 'markup.test@example.com' }, title: `Loket "2" & ruang <3 m ${attack}`, location: attack, description: `Tertulis: <script>alert(1)</script>\nBaris dua\tdengan tab \\ dan "kutip" 🙏` });
  const filed = await rt.call('POST', '/api/complaints', body);
  expect(filed.status).toBe(201);
  await rt.engine.waitForIdle();
  const key = (await rt.taskKeys(filed.body.trackingId)).at(-1)!;
  const view = (await rt.call('GET', `/api/tasks/${key}`)).body;
  expect(view.case).toMatchObject({ title: body.title, location: attack, description: body.description });
  const page = (await rt.call('GET', `/tasks/${key}`)).text;
  expect(page).toContain('Loket &quot;2&quot; &amp; ruang &lt;3 m &lt;img src=x onerror=alert(1)&gt;');
  expect(page).toContain('Tertulis: &lt;script&gt;alert(1)&lt;/script&gt;<br>Baris dua\tdengan tab \\ dan &quot;kutip&quot; 🙏');
  expect(page).not.toContain('<img src=x');
  expect(page).not.toContain('<script>alert');
  const mails = (await rt.mail()).filter((m) => m.text.includes(filed.body.trackingId));
  expect(mails.length).toBeGreaterThanOrEqual(2); // the acknowledgement and the new task
  for (const m of mails) {
    expect(m.html).toContain('Loket &quot;2&quot; &amp; ruang &lt;3 m &lt;img src=x onerror=alert(1)&gt;');
    expect(m.html).not.toContain('<img src=x');
    expect(m.html).not.toContain('<script>alert');
    expect(m.subject).not.toMatch(/[\r\n]/);
  }
  const taskMail = mails.find((m) => m.subject.startsWith('Tugas baru'))!;
  expect(taskMail.text).toContain(body.description);
  const tracking = (await rt.call('GET', `/complaints/${filed.body.trackingId}`)).text;
  expect(tracking).not.toContain('<img src=x');
});

test('task keys never appear in the logs', async () => {
  const keys = await rt.taskKeys();
  expect(keys.length).toBeGreaterThan(5);
  expect(logs.text().length).toBeGreaterThan(0);
  for (const key of keys) expect(logs.text()).not.toContain(key);
});

test('a reply link past its window is expired: 410, and the case closed itself', async () => {
  const { trackingId } = await fileAndGetKey();
  for (let i = 0; i < 3; i++) {
    const key = (await rt.taskKeys(trackingId)).at(-1)!;
    await rt.call('POST', `/api/tasks/${key}`, fill((await rt.call('GET', `/api/tasks/${key}`)).body.actions[0]));
    await rt.engine.waitForIdle();
  }
  const link = (await rt.mail()).flatMap((m) => m.links).filter((l) => l.includes(trackingId) && l.includes('/reply?key=')).at(-1)!;
  const key = new URL(link).searchParams.get('key')!;
  await rt.advance('P11D');
  const late = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key, satisfied: false, comment: 'Belum selesai' });
  expect(late.status).toBe(410);
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.status).toBe('closed');
  expect((await rt.mail()).at(-1)!.subject).toBe(`Pengaduan ${trackingId} ditutup`);
});

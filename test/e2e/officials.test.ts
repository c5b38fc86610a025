/**
 * The officials' workspace over HTTP on the local runtime: sign-in by email (the same answer and
 * timing shape for every address, the link consumed only by its POST, the cookie's attributes, the
 * Origin check), "Tugas saya" listing a new task, opening it and acting on it, and sign-out.
 */
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-12-07T02:00:00Z') }); }, 60_000);
afterAll(async () => { await rt?.dispose(); });

const STAF = 'staf.layanan@perpus.musitanggap.example.go.id';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const origin = () => ({ origin: rt.url });
const formHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...origin(), ...extra });
const signInLinks = async () => (await rt.mail()).filter((m) => m.subject === 'Tautan masuk Tanggap');

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

test('sign-in: the same answer for a known and an unknown address; the link opens a page, and only its button signs in, once', async () => {
  const page = await rt.call('GET', '/masuk');
  expect(page.status).toBe(200);
  expect(page.text).toMatch(/<input id="f-email" type="email" name="email"/);
  expect((await rt.call('GET', '/masuk?lang=en')).text).toContain('Sign in for officials');

  const [unknown, tUnknown] = await timed(() => rt.call('POST', '/masuk', form({ email: 'orang.asing@example.com' }), formHeaders()));
  const [known, tKnown] = await timed(() => rt.call('POST', '/masuk', form({ email: STAF }), formHeaders()));
  expect([unknown.status, known.status]).toEqual([200, 200]);
  expect(known.text).toBe(unknown.text);
  expect(Math.min(tUnknown, tKnown)).toBeGreaterThanOrEqual(690);
  const links = await signInLinks();
  expect(links.map((m) => m.to)).toEqual([[STAF]]);
  const url = links[0]!.links.find((l) => l.includes('/masuk/'))!;
  const path = new URL(url).pathname;

  // GET (a mail scanner) changes nothing and sets no cookie, as often as it comes.
  for (let i = 0; i < 2; i++) {
    const got = await rt.call('GET', path);
    expect(got.status).toBe(200);
    expect(got.headers.getSetCookie()).toEqual([]);
    expect(got.text).toMatch(new RegExp(`<form class="card" method="post" action="${path}">`));
  }
  // A POST another site started (no Origin of ours) is refused and leaves the link usable.
  expect((await rt.call('POST', path, '', { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' })).status).toBe(403);
  expect((await rt.call('POST', path, '', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(403);
  expect((await rt.call('POST', path, '', { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  const signedIn = await rt.call('POST', path, '', formHeaders());
  expect(signedIn.status).toBe(303);
  expect(signedIn.headers.get('location')).toBe('/tugas');
  const [cookie] = signedIn.headers.getSetCookie();
  expect(cookie).toMatch(/^__Host-tanggap-sesi=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=28800$/);
  expect((await rt.call('POST', path, '', formHeaders())).status).toBe(410);

  // A malformed address: 400 with the field marked, nothing sent.
  const bad = await rt.call('POST', '/masuk', form({ email: 'bukan alamat' }), formHeaders());
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('aria-invalid="true"');
  expect(await signInLinks()).toHaveLength(1);
}, 30_000);

test('Tugas saya lists a new task, opens it on the task page, and drops it once acted on; sign-out ends the session', async () => {
  const filed = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan', { title: 'Ruang baca "tutup" <pagi>' }));
  expect(filed.status).toBe(201);
  await rt.engine.waitForIdle();

  expect((await rt.call('GET', '/tugas', undefined, { accept: 'text/html' })).status).toBe(401);
  await rt.call('POST', '/masuk', form({ email: STAF }), formHeaders());
  const path = new URL((await signInLinks()).at(-1)!.links.find((l) => l.includes('/masuk/'))!).pathname;
  const cookie = (await rt.call('POST', path, '', formHeaders())).headers.getSetCookie()[0]!.split(';')[0]!;

  const inbox = await rt.call('GET', '/tugas', undefined, { cookie });
  expect(inbox.status).toBe(200);
  expect(inbox.text).toContain(filed.body.trackingId);
  expect(inbox.text).toContain('Ruang baca &quot;tutup&quot; &lt;pagi&gt;');
  const caseId = /name="caseId" value="([^"]+)"/.exec(inbox.text)![1]!;
  const slot = /name="slot" value="([^"]+)"/.exec(inbox.text)![1]!;

  // Opening needs the session and our Origin.
  expect((await rt.call('POST', '/tugas/buka', form({ caseId, slot }), formHeaders({ origin: 'https://evil.example', cookie }))).status).toBe(403);
  expect((await rt.call('POST', '/tugas/buka', form({ caseId, slot }), formHeaders())).status).toBe(401);
  const opened = await rt.call('POST', '/tugas/buka', form({ caseId, slot }), formHeaders({ cookie }));
  expect(opened.status).toBe(303);
  const taskPath = opened.headers.get('location')!;
  expect(taskPath).toMatch(/^\/tasks\/(?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43}$/);
  const key = taskPath.split('/').pop()!;
  const view = await rt.call('GET', `/api/tasks/${key}`);
  expect(view.status).toBe(200);
  expect(view.body.task.stepId).toBe('catat');
  const acted = await rt.call('POST', `/api/tasks/${key}`, { action: view.body.actions[0].id });
  expect(acted.status).toBe(200);
  await rt.engine.waitForIdle();
  expect((await rt.call('GET', '/tugas', undefined, { cookie })).text).not.toContain(filed.body.trackingId);

  const out = await rt.call('POST', '/keluar', '', formHeaders({ cookie }));
  expect(out.status).toBe(200);
  expect(out.headers.getSetCookie()[0]).toMatch(/^__Host-tanggap-sesi=; .*Max-Age=0$/);
  expect((await rt.call('GET', '/tugas', undefined, { cookie })).status).toBe(401);
}, 60_000);

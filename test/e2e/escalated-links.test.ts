/**
 * The links in reminder and escalation emails, on the local runtime: each recipient opens the task
 * page with a key of their own; the reminded assignee and the superior and head of office may act
 * or hand the task over (on the assignee's behalf), the Bupati may only look; once the step is done
 * every link of it answers 409 naming who acted; no key reaches the logs.
 */
import type { StoredMail } from '../../infra/local/ses';
import { captureLogs } from '../support/logs';
import { actOnNewestTask, complaint, fill, startTestRuntime, taskKeyIn, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
let logs: ReturnType<typeof captureLogs>;
// Monday 23 November 2026, 09:00 WIB: the library is open; its first step ("catat") has 10 office minutes.
beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  logs = captureLogs();
  rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
});
afterAll(async () => {
  await rt.dispose();
  logs.restore();
  delete process.env.POWERTOOLS_LOG_LEVEL;
});

const STAFF = 'staf.layanan@perpus.musitanggap.example.go.id';
const KASI = 'kasi.layanan@perpus.musitanggap.example.go.id';
const HEAD = 'kepala@perpus.musitanggap.example.go.id';
const PLH = 'plh.kabid@perpus.musitanggap.example.go.id';
const BUPATI = 'bupati@musitanggap.example.go.id';

async function file(body = complaint('perpus-muba', 'layanan')): Promise<string> {
  const res = await rt.call('POST', '/api/complaints', body);
  expect(res.status).toBe(201);
  await rt.engine.waitForIdle();
  return res.body.trackingId as string;
}

/** The one email about a case whose subject starts with `subject`, to `to`. */
async function mailOf(trackingId: string, subject: string, to: string): Promise<StoredMail> {
  const found = (await rt.mail()).filter((m) => m.subject.startsWith(subject) && m.subject.includes(trackingId) && m.to.includes(to));
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function keyOf(trackingId: string, subject: string, to: string): Promise<string> {
  const key = taskKeyIn(await mailOf(trackingId, subject, to));
  expect(key).toMatch(/^(?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43}$/);
  return key!;
}

/** The assignee's own key of a case's newest task. */
const assigneeKeyOf = async (trackingId: string) => keyOf(trackingId, 'Tugas baru: Membuka kotak saran', STAFF);
const post = (key: string, body: Record<string, string>) => rt.call('POST', `/api/tasks/${key}`, body);

test('the reminder links the assignee to the task page with a key of their own that acts; the original link keeps working', async () => {
  // Prepare: 75 % of the 10 office minutes have passed.
  const trackingId = await file();
  const original = await assigneeKeyOf(trackingId);
  await rt.advance('PT8M');
  const reminderMail = await mailOf(trackingId, 'Pengingat:', STAFF);
  const reminderKey = taskKeyIn(reminderMail)!;

  // Act
  const viaReminder = await rt.call('GET', `/api/tasks/${reminderKey}`);
  const viaOriginal = await rt.call('GET', `/api/tasks/${original}`);
  const acted = await post(reminderKey, fill(viaReminder.body.actions[0]));
  await rt.engine.waitForIdle();

  // Assess
  expect(reminderKey).not.toBe(original);
  expect(reminderMail.links).toContain(`${rt.url}/complaints/${trackingId}`);
  expect(viaReminder.status).toBe(200);
  expect(viaReminder.body.link).toMatchObject({ holder: 'grant', may: 'act', reason: 'reminder' });
  expect(viaReminder.body.actions[0].id).toBe('recorded');
  expect(viaOriginal.status).toBe(200);
  expect(viaOriginal.body.actions[0].id).toBe('recorded');
  expect(acted.status).toBe(200);
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.currentStep.id).toBe('periksa');
  const again = await post(original, { action: 'recorded' });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ decidedBy: 'Rina Marlina' });
  expect(again.body).not.toHaveProperty('onBehalfOf');
});

test('the superior acts through the escalation email: the case moves on, and the assignee\'s link answers 409 naming the superior', async () => {
  // Prepare: past the deadline, the Kasi (the staff's superior) got escalation level 1.
  const trackingId = await file();
  const assigneeKey = await assigneeKeyOf(trackingId);
  await rt.advance('PT15M');
  const escalation = await mailOf(trackingId, 'Eskalasi tingkat 1', KASI);
  const kasiKey = taskKeyIn(escalation)!;

  // Act: the Kasi opens the link, reads the case, and takes the normal path.
  const view = await rt.call('GET', `/api/tasks/${kasiKey}`);
  const page = await rt.call('GET', `/tasks/${kasiKey}`);
  const acted = await post(kasiKey, fill(view.body.actions[0]));
  await rt.engine.waitForIdle();

  // Assess: what the Kasi saw.
  expect(escalation.text).toContain(`Lihat dan tindak lanjuti: ${rt.url}/tasks/${kasiKey}`);
  expect(view.status).toBe(200);
  expect(view.body.case).toMatchObject({ trackingId, title: 'Pelayanan terlalu lama' });
  expect(view.body.case.history.map((h: { event: string }) => h.event)).toEqual(expect.arrayContaining(['submitted', 'step_opened', 'reminder_sent', 'escalated']));
  expect(view.body.task).toMatchObject({ stepId: 'catat', status: 'open', assignee: { name: 'Rina Marlina' } });
  expect(view.body.link).toMatchObject({ holder: 'grant', may: 'act', reason: 'escalation', level: 1 });
  expect(view.body.actions[0].id).toBe('recorded');
  expect(page.text).toContain('Anda menerima tautan ini sebagai eskalasi tingkat 1: tahap ini melewati batas waktu.');
  expect(page.text).toContain('Ditugaskan kepada: Rina Marlina');
  // The case moved on: the next step's task mail arrived.
  expect(acted.status).toBe(200);
  expect(acted.body).toEqual({ ok: true, next: 'periksa' });
  await mailOf(trackingId, 'Tugas baru: Memeriksa kebenaran laporan', KASI);
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.currentStep.id).toBe('periksa');
  // Every link of the finished step answers 409, naming the Kasi, on behalf of the staff officer.
  for (const key of [assigneeKey, kasiKey, await keyOf(trackingId, 'Pengingat:', STAFF)]) {
    const late = await post(key, { action: 'recorded' });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ decidedBy: 'Andi Pratama, S.IP.', onBehalfOf: 'Rina Marlina' });
  }
  const history = (await rt.call('GET', `/api/tasks/${kasiKey}`)).body.case.history as { event: string; by?: string; onBehalfOf?: string }[];
  expect(history.find((h) => h.event === 'step_completed')).toMatchObject({ by: 'Andi Pratama, S.IP.', onBehalfOf: 'Rina Marlina' });
});

test('the head of office hands the step to the Plh through the escalation link; the Plh\'s new link acts', async () => {
  // Prepare: a case at the Kabid's step ("solusi", 15 office minutes), left alone until the head is
  // told. The Kabid's superior is the head of office, so the head is rung 1 (at the deadline), and
  // rung 2, naming the head again, goes to the next distinct person, the Bupati, instead.
  const trackingId = await file(complaint('perpus-muba', 'koleksi'));
  expect(await actOnNewestTask(rt)).toBe('catat');
  expect(await actOnNewestTask(rt)).toBe('periksa');
  const kabidKey = await keyOf(trackingId, 'Tugas baru: Memberikan solusi', 'kabid.layanan@perpus.musitanggap.example.go.id');
  await rt.advance('PT1H20M');
  const headKey = await keyOf(trackingId, 'Eskalasi tingkat 1', HEAD);
  expect((await rt.mail()).filter((m) => m.subject.includes(trackingId) && m.subject.startsWith('Eskalasi')).map((m) => [m.subject.slice(0, 18), m.to])).toEqual([
    ['Eskalasi tingkat 1', [HEAD]], ['Eskalasi tingkat 2', [BUPATI]],
  ]);
  const view = await rt.call('GET', `/api/tasks/${headKey}`);
  const reassign = view.body.actions.find((a: { id: string }) => a.id === 'reassign');
  expect(reassign.fields[0].options.map((o: { value: string }) => o.value)).toEqual(['perpus-plh-kabid']);

  // Act
  const handed = await post(headKey, { action: 'reassign', to: 'perpus-plh-kabid' });
  const plhKey = await keyOf(trackingId, 'Tugas dialihkan kepada Anda', PLH);
  const plhView = await rt.call('GET', `/api/tasks/${plhKey}`);
  const answered = await post(plhKey, fill(plhView.body.actions[0]));
  await rt.engine.waitForIdle();

  // Assess
  expect(view.body.actions[0].id).toBe('respond');
  expect(handed.status).toBe(200);
  expect(plhView.body.link).toEqual({ holder: 'assignee', may: 'act' });
  expect(plhView.body.task.assignee).toMatchObject({ name: 'Bambang Irawan, S.E.' });
  expect(answered.status).toBe(200);
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.status).toBe('resolved');
  expect((await rt.call('GET', `/api/tasks/${kabidKey}`)).status).toBe(410);
  const late = await post(headKey, { action: 'respond', response: 'x' });
  expect(late.status).toBe(409);
  expect(late.body.decidedBy).toBe('Bambang Irawan, S.E.');
});

test('the Bupati\'s link shows a confidential case without the reporter and without actions; a POST answers 403; acting elsewhere then makes it 409', async () => {
  // Prepare: a confidential complaint left alone up to the Bupati's rung (one working day after the head's).
  const trackingId = await file(complaint('perpus-muba', 'fasilitas', { confidential: true }));
  await rt.advance('P2D');
  const bupatiMail = await mailOf(trackingId, 'Eskalasi tingkat 3', BUPATI);
  const bupatiKey = taskKeyIn(bupatiMail)!;
  const kasiKey = await keyOf(trackingId, 'Eskalasi tingkat 1', KASI);

  // Act
  const view = await rt.call('GET', `/api/tasks/${bupatiKey}`);
  const page = await rt.call('GET', `/tasks/${bupatiKey}`);
  const json = await post(bupatiKey, { action: 'recorded' });
  const form = await rt.call('POST', `/tasks/${bupatiKey}`, new URLSearchParams({ action: 'recorded' }).toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
  const kasiView = await rt.call('GET', `/api/tasks/${kasiKey}`);

  // Assess: the Bupati sees the case and the step, never the confidential reporter, and cannot act.
  expect(bupatiMail.text).toContain(`Lihat pengaduan: ${rt.url}/tasks/${bupatiKey}`);
  expect(view.status).toBe(200);
  expect(view.body.case).toMatchObject({ trackingId, reporter: 'hidden' });
  expect(view.body.task).toMatchObject({ stepId: 'catat', status: 'open' });
  expect(view.body.link).toMatchObject({ holder: 'grant', may: 'view', level: 3, note: expect.stringContaining('Anda menerima tautan ini sebagai eskalasi tingkat 3: tahap ini melewati batas waktu.') });
  expect(view.body.actions).toEqual([]);
  expect(page.status).toBe(200);
  expect(page.text).not.toContain('siti.rahma@example.com');
  expect(page.text).not.toContain('<form');
  expect(json.status).toBe(403);
  expect(json.body.message).toContain('Tautan ini hanya untuk melihat');
  expect(form.status).toBe(403);
  expect(form.text).toContain('Tidak diizinkan');
  // The Kasi's role sees reporters: the same case shows them.
  expect(kasiView.body.case.reporter).toMatchObject({ email: 'siti.rahma@example.com' });

  // Act: the Kasi acts; the step is done.
  expect((await post(kasiKey, fill(kasiView.body.actions[0]))).status).toBe(200);
  await rt.engine.waitForIdle();

  // Assess: every grant of the finished step answers 409, naming the Kasi.
  for (const key of [bupatiKey, kasiKey, await keyOf(trackingId, 'Eskalasi tingkat 2', HEAD)]) {
    const late = await post(key, { action: 'recorded' });
    expect(late.status).toBe(409);
    expect(late.body.decidedBy).toBe('Andi Pratama, S.IP.');
  }
  // Reading still works, and names who acted too.
  expect((await rt.call('GET', `/api/tasks/${bupatiKey}`)).body.task).toMatchObject({ status: 'done', decided: { by: 'Andi Pratama, S.IP.', onBehalfOf: 'Rina Marlina' } });
  expect((await rt.call('GET', `/tasks/${bupatiKey}`)).text).toContain('Tahap ini sudah ditindaklanjuti oleh <strong>Andi Pratama, S.IP.</strong> atas nama Rina Marlina');
});

test('no link key, the assignees\' nor the ladder\'s, appears in the logs', async () => {
  const keys = (await rt.mail()).map(taskKeyIn).filter((k): k is string => !!k);
  expect(keys.length).toBeGreaterThan(15);
  expect(logs.text().length).toBeGreaterThan(0);
  for (const key of keys) expect(logs.text()).not.toContain(key);
});

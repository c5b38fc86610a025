/**
 * The clock moved past a step's deadline over `POST /_local/clock`: the escalation ladder's emails
 * arrive in order, to the people the directory names, and acting on the task stops the ladder.
 */
import { actOnNewestTask, complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
// Monday 23 November 2026, 09:00 WIB: the library is open; its first step ("catat") has 10 office minutes.
beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') }); });
afterAll(async () => { await rt.dispose(); });

interface DirectoryPerson { email: string; role?: string }

async function people() {
  const dir = (await rt.call('GET', '/_local/directory')).body as { bupati: DirectoryPerson; agencies: { id: string; officials: DirectoryPerson[] }[] };
  const perpus = dir.agencies.find((a) => a.id === 'perpus-muba')!;
  const byRole = (role: string) => perpus.officials.find((o) => o.role === role)!.email;
  return { staff: byRole('staf-layanan'), kasi: byRole('kasi-layanan'), head: byRole('kepala-dinas'), bupati: dir.bupati.email };
}

const ladderMail = async (trackingId: string) =>
  (await rt.mail()).filter((m) => m.subject.includes(trackingId) && /^(Pengingat|Eskalasi|Rekomendasi teguran)/.test(m.subject));

test('a step left past its deadline escalates to the superior, then the head, then the Bupati', async () => {
  // Prepare
  const who = await people();
  const filed = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'fasilitas'));
  expect(filed.status).toBe(201);
  const trackingId = filed.body.trackingId as string;
  await rt.engine.waitForIdle();

  // Act: five minutes in, nothing is due yet.
  await rt.advance('PT5M');
  // Assess
  expect(await ladderMail(trackingId)).toEqual([]);

  // Act: past the deadline (and the reminder at 75 % of it).
  await rt.advance('PT10M');
  // Assess: the staff officer was reminded, then the Kasi (the role's superior) got escalation level 1.
  const first = await ladderMail(trackingId);
  expect(first.map((m) => [m.to, m.subject.split(':')[0]])).toEqual([
    [[who.staff], expect.stringMatching(/^Pengingat/)],
    [[who.kasi], 'Eskalasi tingkat 1'],
  ]);
  const status = await rt.call('GET', `/api/complaints/${trackingId}`);
  expect(status.body.currentStep.id).toBe('catat');

  // Act: one office hour later the head of office; one working day after that the Bupati.
  await rt.advance('PT1H');
  await rt.advance('P2D');
  // Assess
  const ladder = await ladderMail(trackingId);
  const escalations = ladder.filter((m) => m.subject.startsWith('Eskalasi'));
  expect(escalations.map((m) => m.subject.slice(0, 'Eskalasi tingkat 1'.length))).toEqual(['Eskalasi tingkat 1', 'Eskalasi tingkat 2', 'Eskalasi tingkat 3']);
  expect(escalations.map((m) => m.to)).toEqual([[who.kasi], [who.head], [who.bupati]]);
  // Mail is stamped with the virtual clock: each rung after the one before it.
  const sentAt = escalations.map((m) => Date.parse(m.sentAt));
  expect([...sentAt].sort((a, b) => a - b)).toEqual(sentAt);
});

test('acting on the task after the first rung ends the ladder of that step; the next step keeps its own clock', async () => {
  // Prepare: a case past its first deadline (escalated to level 1).
  const filed = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'arsip'));
  expect(filed.status).toBe(201);
  const trackingId = filed.body.trackingId as string;
  await rt.engine.waitForIdle();
  await rt.advance('PT15M');
  const stepName = (m: { subject: string }) => m.subject.includes('Membuka kotak saran');
  expect((await ladderMail(trackingId)).filter(stepName).map((m) => m.subject.split(':')[0])).toEqual(['Pengingat', 'Eskalasi tingkat 1']);

  // Act: the staff officer acts on the task link, still valid after the escalation; then days pass.
  expect(await actOnNewestTask(rt)).toBe('catat');
  await rt.advance('P3D');

  // Assess: no further rung for "catat"; the next step ("periksa", left alone) climbed its own ladder.
  const ladder = await ladderMail(trackingId);
  expect(ladder.filter(stepName).map((m) => m.subject.split(':')[0])).toEqual(['Pengingat', 'Eskalasi tingkat 1']);
  expect(ladder.filter((m) => m.subject.includes('Memeriksa kebenaran') && m.subject.startsWith('Eskalasi')).length).toBe(3);
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.currentStep.id).toBe('periksa');
});

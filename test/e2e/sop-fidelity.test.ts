/**
 * Issue 13, the paths added for fidelity to the seeds, driven end to end on the local runtime:
 * - Health Office rows 6–8: what reaches the reporter is exactly the response the head approved; the
 *   send step shows it read-only; a change after approval goes back to the head (item 4);
 * - Library rows 4–5: the staff settle a complaint themselves, the Kasi informed by email, not
 *   tasked (item 5, first part);
 * - SP4N-LAPOR! row 4: the disposition sheet (the Sekdin's and the Kadin's) and the coordination with
 *   its 5-day service level (SLG), on the case and in the recap (item 3).
 * Texts are hostile on purpose: quotes, backslashes, line breaks, tabs, emoji, markup.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import { RecapBuilder } from '../../shared/reports/aggregate';
import { parsePeriod, weeksOf } from '../../shared/reports/period';
import type { TaskView } from '../../shared/usecases/views';
import { actOnCaseTask, atWib, file, publicStatus, rate, storedCase } from '../support/ladder';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => {
  // Mon 23 Nov 2026, 08:00 WIB: office hours, so minute limits do not lapse while the test acts.
  rt = await startTestRuntime({ clockStart: atWib('2026-11-23T08:00') });
});
afterAll(async () => {
  await rt.dispose();
});

const hostile = (label: string) => `${label}: "kutip" 'tunggal' \\ C:\\Users\\Siti \\n harfiah\nbaris dua\n\tdengan tab 😀 👩‍👩‍👧 <script>alert(1)</script> &amp; <b>x</b>`;
const escapedLines = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/\n/g, '<br>');

/** The newest task link of a case: its key, JSON view and HTML page. */
async function newestTask(trackingId: string): Promise<{ key: string; view: TaskView; page: string }> {
  const mail = (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru') && m.subject.includes(trackingId)).at(-1)!;
  const key = mail.links.find((l) => l.includes('/tasks/'))!.split('/tasks/')[1]!;
  return { key, view: (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView, page: (await rt.call('GET', `/tasks/${key}`)).text };
}

test('Health Office: the reporter gets exactly the text the head approved; a change after approval goes back to the head', async () => {
  // Prepare: to the head's step with a first draft.
  const trackingId = await file(rt, complaint('dinkes-muba', 'pelayanan'));
  for (const step of ['registrasi', 'telaah', 'serahkan-tim']) expect(await actOnCaseTask(rt, trackingId)).toBe(step);
  const draft1 = hostile('draft satu');
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'submitDraft', fields: { draft: draft1 } }))).toBe('analisa');

  // Act 1: the head approves a corrected text; the team forwards it.
  const head1 = await newestTask(trackingId);
  expect(head1.view.task.stepId).toBe('persetujuan');
  expect(head1.view.actions.find((a) => a.id === 'approve')!.fields.find((f) => f.name === 'approved')!.value).toBe(draft1);
  const approved1 = hostile('disetujui satu');
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'approve', fields: { approved: approved1 } }))).toBe('persetujuan');
  expect(await actOnCaseTask(rt, trackingId)).toBe('kembali-tim');

  // Assess 1: the send step shows the approved text read-only (JSON and HTML); sending takes no text.
  const send1 = await newestTask(trackingId);
  expect(send1.view.task.stepId).toBe('kirim-tanggapan');
  expect(send1.view.case.approvedResponse).toBe(approved1);
  expect(send1.page).toContain(escapedLines(approved1));
  expect(send1.page).not.toContain('<script>alert(1)');
  expect(send1.view.actions.find((a) => a.id === 'send')!.fields).toEqual([]);

  // Act 2: the officer changes the text instead: it goes back to the head as a new draft.
  const draft2 = hostile('diubah petugas');
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'revise', fields: { draft: draft2 } }))).toBe('kirim-tanggapan');
  const head2 = await newestTask(trackingId);
  expect(head2.view.task).toMatchObject({ stepId: 'persetujuan', visit: 2 });
  expect(head2.view.actions.find((a) => a.id === 'approve')!.fields.find((f) => f.name === 'approved')!.value).toBe(draft2);
  expect((await storedCase(trackingId)).record.approval).toBeUndefined();
  const approved2 = hostile('disetujui dua');
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'approve', fields: { approved: approved2 } }))).toBe('persetujuan');
  expect(await actOnCaseTask(rt, trackingId)).toBe('kembali-tim');
  const send2 = await newestTask(trackingId);
  expect(send2.view.case.approvedResponse).toBe(approved2);
  // A text smuggled into the send is not a field of it: ignored.
  const res = await rt.call('POST', `/api/tasks/${send2.key}`, { action: 'send', response: 'teks lain', approved: 'teks lain' });
  expect(res.status).toBe(200);
  await rt.engine.waitForIdle();

  // Assess 2: the reporter's email and the public status carry the second approved text, exactly.
  const answer = (await rt.mail()).filter((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`);
  expect(answer).toHaveLength(1);
  expect(answer[0]!.text).toContain(`\n\n${approved2}\n\n`);
  expect(answer[0]!.html).toContain(escapedLines(approved2));
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.response).toBe(approved2);
  const { record, events } = await storedCase(trackingId);
  expect(record.response?.text).toBe(approved2);
  expect(events.filter((e) => e.type === 'step_completed').map((e) => `${e.stepId}:${(e.data as { action: string }).action}`)).toEqual([
    'registrasi:registered', 'telaah:reviewed', 'serahkan-tim:handedOver', 'analisa:submitDraft', 'persetujuan:approve', 'kembali-tim:forward',
    'kirim-tanggapan:revise', 'persetujuan:approve', 'kembali-tim:forward', 'kirim-tanggapan:send',
  ]);
  await rate(rt, trackingId);
  expect((await publicStatus(rt, trackingId)).status).toBe('closed');
});

test('Library: the staff settle a complaint themselves; the Kasi is informed by email with the answer, and gets no task', async () => {
  // Prepare
  const trackingId = await file(rt, complaint('perpus-muba', 'layanan'));
  const answer = hostile('jawaban staf');

  // Act
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'settle', fields: { response: answer, registerNumber: 'R-12 "a"\\b' } }))).toBe('catat');

  // Assess: the reporter has the answer, word for word.
  expect((await publicStatus(rt, trackingId)).status).toBe('resolved');
  const toReporter = (await rt.mail()).filter((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`);
  expect(toReporter).toHaveLength(1);
  expect(toReporter[0]!.text).toContain(`\n\n${answer}\n\n`);
  // The Kasi: one information email carrying the answer exactly, and no task.
  const kasi = 'kasi.layanan@perpus.musitanggap.example.go.id';
  const kasiMail = (await rt.mail()).filter((m) => m.to.includes(kasi) && (m.subject.includes(trackingId) || m.text.includes(trackingId)));
  expect(kasiMail.map((m) => m.subject)).toEqual([`Pemberitahuan: pengaduan ${trackingId} diselesaikan`]);
  expect(kasiMail[0]!.text).toContain(`\n${answer}\n`);
  expect(kasiMail[0]!.html).toContain(escapedLines(answer));
  expect(kasiMail[0]!.links.some((l) => l.includes('/tasks/'))).toBe(false);
  const { events } = await storedCase(trackingId);
  expect(events.filter((e) => e.type === 'official_informed').map((e) => [e.stepId, e.data])).toEqual([['catat', { role: 'kasi-layanan', action: 'settle' }]]);
  expect(events.filter((e) => e.type === 'step_opened').map((e) => e.stepId)).toEqual(['catat']);
  await rate(rt, trackingId);
  expect((await publicStatus(rt, trackingId)).status).toBe('closed');
});

test('SP4N-LAPOR! row 4: the liaison records the Sekdin\'s and the Kadin\'s dispositions and asks for coordination; its 5-day SLG is kept, recorded, and counted in the recap', async () => {
  // Prepare: routed to the Health Office; the liaison's disposition asks for coordination.
  const trackingId = await file(rt, complaint('kominfo-muara-enim', 'kesehatan'));
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'routeAgency', fields: { agencyId: 'dinkes-muba' } }))).toBe('verifikasi');
  const sekdin = hostile('disposisi sekdin');
  const kadin = hostile('disposisi kadin kepada Kabid');
  const liaison = await newestTask(trackingId);
  expect(liaison.view.actions.map((a) => a.id)).toEqual(['dispose', 'coordinate']);
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'coordinate', fields: { dispositionSekdin: sekdin, dispositionKadin: kadin, coordinateWith: 'Bidang P2P dan RSUD' } }))).toBe('verifikasi-instansi');

  // Act: the coordination task (the liaison's), then done.
  const coordination = await newestTask(trackingId);
  expect(coordination.view.task.stepId).toBe('koordinasi');
  // 5 plain "hari" = 5 calendar days from now (Mon 23 Nov, office hours) → Sat 28 Nov, the office
  // shut: the close of the next working day, Mon 30 Nov 16:00 WIB.
  expect(coordination.view.task.dueAt).toBe('2026-11-30T16:00:00+07:00');
  expect(coordination.view.case.history.filter((h) => h.event === 'step_completed').at(-1)!.note).toBe(`${sekdin} — ${kadin} — Bidang P2P dan RSUD`);
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'coordinated', fields: { result: 'Disepakati pemeriksaan bersama.' } }))).toBe('koordinasi');

  // Assess: on to the executing official; both coordination events, with the SLG and its verdict.
  expect((await newestTask(trackingId)).view.task.stepId).toBe('tindak-lanjut');
  const { record, events } = await storedCase(trackingId);
  expect(events.filter((e) => e.type.startsWith('coordination_')).map((e) => [e.type, e.stepId, e.data])).toEqual([
    ['coordination_requested', 'koordinasi', { slgDays: 5 }],
    ['coordination_done', 'koordinasi', { slgDays: 5, onTime: true }],
  ]);
  expect(record.coordinations).toEqual([{ stepId: 'koordinasi', visit: 1, at: expect.any(String), slgDays: 5, onTime: true }]);
  expect((await publicStatus(rt, trackingId)).timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['coordination_requested', 'coordination_done']));
  // The recap of the month counts it, within the SLG, for the agency it was routed to.
  const calendar = createOfficeCalendar(demoDirectory.calendar);
  const period = parsePeriod('2026-11', 7 * 60);
  const builder = new RecapBuilder({ calendar, period, weeks: weeksOf(period, 7 * 60) });
  builder.add(record);
  const recap = builder.result();
  expect(recap.totals.coordination).toEqual({ count: 1, withinSlg: 1 });
  expect(recap.byAgency['dinkes-muba']?.coordination).toEqual({ count: 1, withinSlg: 1 });
});

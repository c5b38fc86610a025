/**
 * Every branch of the four SOPs, driven end to end on the local runtime (issue 13, item 8, the part
 * not covered elsewhere). Where each branch is driven:
 *
 * | branch | file |
 * |---|---|
 * | each SOP's normal path to a rating | sops.test.ts, sla-*.test.ts (a) |
 * | each SOP's unsatisfied reply → the follow-up step → closed | free-text.test.ts (all four) |
 * | Musi Rawas: the team coordinates with the technical division | free-text.test.ts |
 * | SP4N-LAPOR!: question to the reporter, answered | free-text.test.ts, sla-sp4n-lapor.test.ts |
 * | SP4N-LAPOR!: question to the reporter, never answered | **here** |
 * | SP4N-LAPOR!: supervisory complaint to the inspectorate | sops.test.ts, sla-sp4n-lapor.test.ts |
 * | Health Office: the head returns the draft (loop) | sops.test.ts, free-text.test.ts |
 * | Library: the Kasi rejects a report found untrue | **here** |
 * | SP4N-LAPOR!: the admin rejects a complaint that does not meet the requirements | **here** |
 * | the reporter's window elapses → closed by the system | sla-sp4n-lapor.test.ts, task-links.test.ts |
 * | SP4N-LAPOR! row 5: the 12 days lapse → the inspectorate's monitoring task; a reprimand recommended → the Bupati records it issued | sla-sp4n-lapor.test.ts |
 * | SP4N-LAPOR! row 5: the inspectorate records why no reprimand; the follow-up then comes | sla-sp4n-lapor.test.ts |
 * | SP4N-LAPOR! row 5: the follow-up comes while the monitoring task is open → that task ends (410) | sla-sp4n-lapor.test.ts |
 * | SP4N-LAPOR! row 4: the dispositions and the coordination with its 5-day SLG (events, recap) | sop-fidelity.test.ts |
 * | Health Office rows 6–8: the approved text sent exactly; a change after approval back to the Kadin | sop-fidelity.test.ts |
 * | Library rows 4–5: the staff settle it themselves, the Kasi informed by email | sop-fidelity.test.ts |
 */
import { actOnCaseTask, advanceTo, atWib, file, ladderMails, publicStatus, storedCase, wib } from '../support/ladder';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ clockStart: atWib('2026-11-23T09:00') });
});
afterAll(async () => {
  await rt.dispose();
});

const reason = 'Laporan tidak benar: "nomor antrean" tidak tercatat.\nBaris dua\tdengan tab \\ 😀 <b>x</b> &amp;';
const reject = () => ({ action: 'reject', fields: { reason } });

/** The emails about a case, as [to, subject], in the order sent. */
async function caseMail(trackingId: string): Promise<[string[], string][]> {
  return (await rt.mail()).filter((m) => m.subject.includes(trackingId)).map((m) => [m.to, m.subject.replace(trackingId, '…')]);
}

test.each([
  ['Library: the Kasi rejects a report found untrue (row 5)', 'perpus-muba', 'layanan', ['catat'], 'periksa'],
  ['SP4N-LAPOR!: the admin rejects a complaint that does not meet the requirements (row 2)', 'kominfo-muara-enim', 'pelayanan-publik', [], 'verifikasi'],
] as const)('%s: the reporter is told why, word for word; the case is rejected and nobody is chased', async (_what, agencyId, category, before, rejectingStep) => {
  // Prepare
  const email = `pelapor.tolak.${agencyId}@example.com`;
  const trackingId = await file(rt, complaint(agencyId, category, { reporter: { name: 'Siti Rahma', email }, incidentDate: '2026-11-20' }));
  for (const step of before) expect(await actOnCaseTask(rt, trackingId)).toBe(step);

  // Act
  expect(await actOnCaseTask(rt, trackingId, reject)).toBe(rejectingStep);
  // Three days: past every deadline and rung the rejecting step had.
  await rt.advance('P3D');

  // Assess: rejected, on the public status too; the reporter's email carries the reason exactly.
  const status = await publicStatus(rt, trackingId);
  expect(status).toMatchObject({ status: 'rejected', currentStep: null });
  expect(status.timeline.map((e) => e.event)).toContain('rejected');
  const mails = (await rt.mail()).filter((m) => m.subject.includes(trackingId) && m.to.includes(email));
  expect(mails.map((m) => m.subject.replace(trackingId, '…'))).toEqual(['Pengaduan diterima: …', 'Pengaduan … tidak dapat diproses']);
  expect(mails[1]!.text).toContain(`Alasannya:\n\n${reason}\n`);
  expect(mails[1]!.html).toContain('&lt;b&gt;x&lt;/b&gt; &amp;amp;');
  const { record } = await storedCase(trackingId);
  expect(record.rejectionReason).toBe(reason);
  // Every step visited ended on time, and no task, reminder or escalation followed the rejection.
  expect(record.verdicts.map((v) => [v.id, v.onTime])).toEqual([...before, rejectingStep].map((s) => [s, true]));
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  expect((await caseMail(trackingId)).filter(([, s]) => s.startsWith('Tugas baru'))).toHaveLength(before.length + 1);
});

test('SP4N-LAPOR!: a question the reporter never answers: when its window ends the verification resumes, as a new visit with a fresh 2 days', async () => {
  // Prepare: Mon 30 Nov 2026, 17:00 WIB, after office hours (the two tests above each moved the clock
  // 3 days). The admin asks the reporter for supporting data at once.
  await advanceTo(rt, atWib('2026-11-30T17:00'));
  const trackingId = await file(rt, complaint('kominfo-muara-enim', 'pendidikan', { incidentDate: '2026-11-20' }));
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'askReporter', fields: { question: 'Mohon lampirkan bukti pembayaran.' } }))).toBe('verifikasi');
  expect((await publicStatus(rt, trackingId)).status).toBe('awaiting_reporter');
  const taskMails = async () => (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru') && m.subject.includes(trackingId)).map((m) => wib(m.sentAt));
  expect(await taskMails()).toEqual(['2026-11-30T17:00']);

  // Act: the reporter stays silent. The window is 10 calendar days → Thu 10 Dec 17:00, after the
  // 16:00 close: it ends at the close of the next working day, Fri 11 Dec 16:30.
  await advanceTo(rt, atWib('2026-12-11T16:29:30'));
  expect(await taskMails()).toEqual(['2026-11-30T17:00']);
  expect((await publicStatus(rt, trackingId)).status).toBe('awaiting_reporter');
  await advanceTo(rt, atWib('2026-12-11T16:30:30'));

  // Assess: the admin gets the verification again (visit 2) at the window's end, with no ladder
  // email in between: the reporter's time never counted against the admin.
  expect(await taskMails()).toEqual(['2026-11-30T17:00', '2026-12-11T16:30']);
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  const status = await publicStatus(rt, trackingId);
  expect(status.currentStep?.id).toBe('verifikasi');
  const { record } = await storedCase(trackingId);
  expect(record.currentStep).toMatchObject({ stepId: 'verifikasi', visit: 2 });
  // The fresh 2 days from Fri 11 Dec 16:30 → Sun 13 Dec 16:30, the office shut: the close of Mon 14 Dec, 16:00.
  expect(wib(record.currentStep!.dueAt!)).toBe('2026-12-14T16:00');
  // The question's reply link no longer takes an answer.
  const link = (await rt.mail()).flatMap((m) => m.links).filter((l) => l.includes(trackingId) && l.includes('/reply?key=')).at(-1)!;
  const key = new URL(link).searchParams.get('key')!;
  const late = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key, comment: 'Terlambat' });
  expect(late.status).toBeGreaterThanOrEqual(400);
  expect(late.status).toBeLessThan(500);
});

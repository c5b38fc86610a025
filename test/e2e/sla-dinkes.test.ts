/**
 * Health Office (dinkes-muba): the SLA clock and the escalation ladder, end to end on the local
 * runtime, against instants derived by hand from the office calendar.
 *
 * Two limits of the SOP are exercised: the officer's first step ("registrasi", 10 office minutes)
 * and the team's analysis ("analisa", 3 working days). The ladder of every step: reminder at 75 %
 * of the limit, the superior of the step's role at the deadline, the Kepala Dinas 1 office hour
 * later, the Bupati 1 working day after that. The officer's superior is the complaint team; the
 * team's superior is the Kepala Dinas, who is also the head: each rung reaches a person not told
 * yet, so the team's second rung goes to the next distinct person, the Bupati, and its third, with
 * nobody left, is skipped and recorded on the case.
 *
 * Office hours (shared/directory/demo.json): Mon–Thu 07:30–16:00 (510 minutes), Fri 07:30–16:30
 * (540) WIB. Christmas 2026: Thu 24 Dec cuti bersama Natal, Fri 25 Dec Natal, Sat–Sun 26–27 Dec.
 * 2027 has no holiday list yet: Fri 1 Jan 2027 counts as a working day, and the case says so.
 *
 * The tests share one runtime and one clock, and run in time order:
 *   (a) Mon 7 Dec   a case handled on time: no ladder email, ever
 *   (b) Wed 23 Dec  two cases left alone (at the team's analysis from 15:30; at the first step from
 *                   17:00, after office hours) climb their ladders over Christmas
 *   (c) Mon 4 Jan   the team's case, acted on after the Bupati was told, still closes
 */
import { captureLogs } from '../support/logs';
import { advanceTo, actOnCaseTask, atWib, climb, directory, file, gapWarnings, ladderMails, publicStatus, rate, storedCase, walkToAnswer, wib } from '../support/ladder';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
let logs: ReturnType<typeof captureLogs>;
let who: Awaited<ReturnType<typeof directory>>;
beforeAll(async () => {
  // The calendar-gap warning goes to the log: capture it (the runtime's handlers log in this process).
  logs = captureLogs();
  rt = await startTestRuntime({ clockStart: atWib('2026-12-07T09:00') });
  who = await directory(rt);
});
afterAll(async () => {
  await rt.dispose();
  logs.restore();
});

const officer = () => who.holder('dinkes-muba', 'petugas-pengaduan');
const team = () => who.holder('dinkes-muba', 'tim-pengelola');
const kepalaDinas = () => who.holder('dinkes-muba', 'kepala-dinas');
const head = () => who.head('dinkes-muba');
const allSteps = ['registrasi', 'telaah', 'serahkan-tim', 'analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan'];

test('(a) a case handled on time gets no reminder or escalation, even long after every deadline', async () => {
  // Prepare: Mon 7 Dec 2026, 09:00 WIB, office hours.
  const trackingId = await file(rt, complaint('dinkes-muba', 'pelayanan'));

  // Act: each official acts at once on their task link (the head approves); the reporter rates.
  expect(await walkToAnswer(rt, trackingId)).toEqual(allSteps);
  await rate(rt, trackingId);
  // Two weeks: past every deadline the case had (the longest: 3 working days, then 1 hour and
  // 1 working day of ladder).
  await rt.advance('P14D');

  // Assess
  expect(await publicStatus(rt, trackingId)).toMatchObject({ status: 'closed', rating: 5 });
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  const { record } = await storedCase(trackingId);
  expect(record.escalations).toEqual([]);
  expect(record.verdicts.map((v) => [v.id, v.onTime])).toEqual(allSteps.map((s) => [s, true]));
});

let atAnalysis: string;

test('(b) cases left alone are reminded and escalated up to the Bupati at the calendar\'s times, over Christmas', async () => {
  // Prepare: Wed 23 Dec 2026 at 15:30 WIB (and the fraction of a second each request takes), the
  // officer does the three 10–20 minute steps of a complaint at once, and the team never starts its
  // analysis. At 17:00, after office hours, another complaint arrives that nobody ever touches.
  await advanceTo(rt, atWib('2026-12-23T15:30'));
  atAnalysis = await file(rt, complaint('dinkes-muba', 'sanitasi'));
  for (const step of ['registrasi', 'telaah', 'serahkan-tim']) expect(await actOnCaseTask(rt, atAnalysis)).toBe(step);
  await advanceTo(rt, atWib('2026-12-23T17:00'));
  const untouched = await file(rt, complaint('dinkes-muba', 'obat'));

  // Act + Assess: nobody else acts; the clock moves through each expected instant.
  await climb(rt, [
    // "registrasi", 10 office minutes, filed after the 16:00 close on Wed 23: office time starts at
    // the next office minute, after Thu 24 (cuti bersama), Fri 25 (Natal), Sat 26 and Sun 27 —
    // Mon 28 Dec, 07:30. Due at 07:40; the reminder 7 minutes in (75 % of 10, rounded down).
    { trackingId: untouched, kind: 'Pengingat', to: officer(), at: '2026-12-28T07:37' },
    // Rung 1, the officer's superior (the complaint team), at the deadline.
    { trackingId: untouched, kind: 'Eskalasi tingkat 1', to: team(), at: '2026-12-28T07:40' },
    // Rung 2, 60 office minutes later.
    { trackingId: untouched, kind: 'Eskalasi tingkat 2', to: head(), at: '2026-12-28T08:40' },
    // Rung 3, 1 working day later: Mon 28 is day 0, Tue 29 is day 1, due at its 16:00 close.
    { trackingId: untouched, kind: 'Eskalasi tingkat 3', to: who.bupati, at: '2026-12-29T16:00' },

    // "analisa", 3 working days from Wed 23, 15:31: Wed 23 is day 0; Thu 24 – Sun 27 are closed;
    // Mon 28 day 1, Tue 29 day 2, Wed 30 day 3: due Wed 30 Dec at 16:00.
    // Reminder: the limit holds 29 (Wed 23, 15:31–16:00) + 3 × 510 = 1559 office minutes; 75 % is
    // 1169.25 → 1169; from 15:31: 29 on Wed 23, 510 on Mon 28, 510 on Tue 29, 120 on Wed 30 → 09:30.
    { trackingId: atAnalysis, kind: 'Pengingat', to: team(), at: '2026-12-30T09:30' },
    // Rung 1, the team's superior (the Kepala Dinas), at the deadline.
    { trackingId: atAnalysis, kind: 'Eskalasi tingkat 1', to: kepalaDinas(), at: '2026-12-30T16:00' },
    // Rung 2, 60 office minutes after the 16:00 close: Thu 31 Dec 07:30 + 60. It names the head of
    // office, the Kepala Dinas again, already told: it goes to the next distinct person, the Bupati.
    { trackingId: atAnalysis, kind: 'Eskalasi tingkat 2', to: who.bupati, at: '2026-12-31T08:30' },
    // Rung 3 would fall 1 working day after Thu 31: Fri 1 Jan 2027 (New Year's Day is a national
    // holiday, but 2027 has no holiday list yet, so the calendar counts it as a Friday, close 16:30,
    // and flags it). It names the Bupati, already told, and nobody is left: no email (checked below).
  ]);
  await advanceTo(rt, atWib('2027-01-01T16:31'));
  expect((await ladderMails(rt, [atAnalysis])).map((m) => [m.kind, m.to])).toEqual([
    ['Pengingat', team()], ['Eskalasi tingkat 1', kepalaDinas()], ['Eskalasi tingkat 2', who.bupati],
  ]);
  const skipped = (await storedCase(atAnalysis)).events.filter((e) => e.type === 'escalation_skipped');
  expect(skipped.map((e) => [wib(e.at), e.stepId, e.to, e.data])).toEqual([['2027-01-01T16:30', 'analisa', 'bupati', { level: 3, reason: 'alreadyTold' }]]);

  // The flag: the analysis's deadlines (computed when it started, Wed 23 Dec 15:30) reach 2027.
  const team2027 = await storedCase(atAnalysis);
  expect(team2027.record.calendarGaps).toEqual([2027]);
  expect(team2027.events.filter((e) => e.type === 'calendar_gap').map((e) => [wib(e.at), e.data])).toEqual([['2026-12-23T15:30', { years: [2027] }]]);
  expect(gapWarnings(logs.text(), team2027.record.caseId)).toEqual([{ years: [2027], admin: who.admin.id }]);
  // The regency admin is told by email, once for the year (every later flagged case stays silent there).
  const calendarMail = (await rt.mail()).filter((m) => m.subject.startsWith('Kalender kerja'));
  expect(calendarMail.map((m) => [m.to, m.subject])).toEqual([[[who.admin.email], 'Kalender kerja: daftar hari libur 2027 belum ada']]);
  expect(calendarMail[0]!.text).toContain(atAnalysis);
  // The untouched case's deadlines all lie in 2026: nothing flagged.
  const plain = await storedCase(untouched);
  expect(plain.record.calendarGaps ?? []).toEqual([]);
  expect(gapWarnings(logs.text(), plain.record.caseId)).toEqual([]);
});

test('(c) acted on after the Bupati was told, the team\'s case still runs to closure; the late analysis keeps its verdict', async () => {
  // Prepare: the team's case of (b), escalated to the Bupati on Thu 31 Dec; Mon 4 Jan 2027, 10:00 WIB.
  expect(atAnalysis).toBeDefined();
  await advanceTo(rt, atWib('2027-01-04T10:00'));

  // Act: the team sends its draft through the first task link; the rest is done at once.
  expect(await walkToAnswer(rt, atAnalysis)).toEqual(['analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan']);
  await rate(rt, atAnalysis);
  await rt.advance('P14D');

  // Assess: closed with the rating, and no ladder email after the action.
  expect(await publicStatus(rt, atAnalysis)).toMatchObject({ status: 'closed', rating: 5, currentStep: null });
  expect((await ladderMails(rt, [atAnalysis])).map((m) => m.kind)).toEqual(['Pengingat', 'Eskalasi tingkat 1', 'Eskalasi tingkat 2']);
  const { record } = await storedCase(atAnalysis);
  // "analisa" was due Wed 30 Dec 16:00 and done Mon 4 Jan 10:00: late by 510 (Thu 31) + 540
  // (Fri 1 Jan, a working day for want of a 2027 list) + 150 (Mon 4, 07:30–10:00) = 1200 office minutes.
  const analysis = record.verdicts.find((v) => v.id === 'analisa')!;
  // Two people were told (the Kepala Dinas, then the Bupati): the skipped third rung told nobody.
  expect(analysis).toMatchObject({ onTime: false, lateByMinutes: 1200, escalationLevel: 2, escalatedTo: ['dinkes-kadin', 'bupati'] });
  expect(record.verdicts.filter((v) => v.id !== 'analisa').every((v) => v.onTime)).toBe(true);
});

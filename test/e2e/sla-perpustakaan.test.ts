/**
 * Library and Archives Office (perpustakaan-muba): the SLA clock and the escalation ladder, end to
 * end on the local runtime, against instants derived by hand from the office calendar.
 *
 * The SOP's first step ("catat", the staff officer records the complaint) has 10 office minutes;
 * its ladder: reminder at 75 % of the limit, the superior (Kasi Layanan) at the deadline, the
 * Kepala Dinas 1 office hour later, the Bupati 1 working day after that.
 *
 * Office hours (shared/directory/demo.json): Mon–Thu 07:30–16:00, Fri 07:30–16:30 WIB. Christmas
 * 2026: Thu 24 Dec cuti bersama Natal, Fri 25 Dec Natal, Sat–Sun 26–27 Dec: the office is closed
 * from Wed 23 Dec 16:00 to Mon 28 Dec 07:30.
 *
 * The tests share one runtime and one clock, and run in time order:
 *   (a) Mon 7 Dec   a case handled on time: no ladder email, ever
 *   (b) Wed 23 Dec  a case left alone climbs the ladder over the Christmas long weekend
 *   (c) Wed 30 Dec  the same case, acted on after the Bupati was told, still closes
 */
import { captureLogs } from '../support/logs';
import { advanceTo, atWib, climb, directory, file, gapWarnings, ladderMails, publicStatus, rate, storedCase, walkToAnswer, wib } from '../support/ladder';
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

const staff = () => who.holder('perpus-muba', 'staf-layanan');
const kasi = () => who.holder('perpus-muba', 'kasi-layanan');
const head = () => who.head('perpus-muba');

test('(a) a case handled on time gets no reminder or escalation, even long after every deadline', async () => {
  // Prepare: Mon 7 Dec 2026, 09:00 WIB, office hours.
  const trackingId = await file(rt, complaint('perpus-muba', 'layanan'));

  // Act: each official acts at once on their task link; the reporter rates the answer.
  expect(await walkToAnswer(rt, trackingId)).toEqual(['catat', 'periksa', 'solusi']);
  await rate(rt, trackingId);
  // Two weeks: past every deadline the case had (the longest ladder ends 1 working day + 1 hour
  // after a 15-minute step).
  await rt.advance('P14D');

  // Assess
  expect(await publicStatus(rt, trackingId)).toMatchObject({ status: 'closed', rating: 5 });
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  const { record } = await storedCase(trackingId);
  expect(record.escalations).toEqual([]);
  expect(record.verdicts.map((v) => [v.id, v.onTime, v.escalationLevel])).toEqual([['catat', true, 0], ['periksa', true, 0], ['solusi', true, 0]]);
});

let leftAlone: string;

test('(b) a case left alone is reminded and escalated to the Kasi, the Kepala Dinas and the Bupati at the calendar\'s times', async () => {
  // Prepare: filed Wed 23 Dec 2026 at 15:30 WIB (and the fraction of a second the request takes).
  await advanceTo(rt, atWib('2026-12-23T15:30'));
  leftAlone = await file(rt, complaint('perpus-muba', 'fasilitas'));

  // Act + Assess: nobody acts; the clock moves through each expected instant.
  await climb(rt, [
    // Office time counts whole minutes: the clock starts at the next one, 15:31, and the step is due
    // 10 office minutes later, at 15:41. The reminder: 75 % of 10 minutes = 7 minutes (whole
    // minutes, rounded down) after 15:31.
    { trackingId: leftAlone, kind: 'Pengingat', to: staff(), at: '2026-12-23T15:38' },
    // Rung 1, the superior of the staff officer (Kasi Layanan), at the deadline.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 1', to: kasi(), at: '2026-12-23T15:41' },
    // Rung 2, 60 office minutes later: 19 minutes to the 16:00 close on Wed 23; the office is closed
    // Thu 24 (cuti bersama), Fri 25 (Natal), Sat 26, Sun 27; the other 41 from Mon 28, 07:30.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 2', to: head(), at: '2026-12-28T08:11' },
    // Rung 3, 1 working day later: Mon 28 is day 0, Tue 29 day 1, due at its close, 16:00.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 3', to: who.bupati, at: '2026-12-29T16:00' },
  ]);
  // The ladder ends at the Bupati: the next morning brings nothing more, and the step is still open.
  await advanceTo(rt, atWib('2026-12-30T11:00'));
  expect(await ladderMails(rt, [leftAlone])).toHaveLength(4);
  expect((await publicStatus(rt, leftAlone)).currentStep?.id).toBe('catat');
  // Every deadline of this case lies in 2026, whose holiday list the calendar has: no gap flagged.
  const { record, events } = await storedCase(leftAlone);
  expect(record.calendarGaps ?? []).toEqual([]);
  expect(events.filter((e) => e.type === 'calendar_gap')).toEqual([]);
});

test('(c) acted on after the Bupati was told, the case still runs to closure; the late step keeps its verdict', async () => {
  // Prepare: the case of (b), escalated to the Bupati; Wed 30 Dec 2026, 12:00 WIB.
  expect(leftAlone).toBeDefined();
  await advanceTo(rt, atWib('2026-12-30T12:00'));

  // Act: the staff officer acts on the task link of the first email; the rest is done at once.
  expect(await walkToAnswer(rt, leftAlone)).toEqual(['catat', 'periksa', 'solusi']);
  await rate(rt, leftAlone);
  await rt.advance('P14D');

  // Assess: closed with the rating; no ladder email after the action.
  expect(await publicStatus(rt, leftAlone)).toMatchObject({ status: 'closed', rating: 5, currentStep: null });
  expect((await ladderMails(rt, [leftAlone])).map((m) => m.kind)).toEqual(['Pengingat', 'Eskalasi tingkat 1', 'Eskalasi tingkat 2', 'Eskalasi tingkat 3']);
  const { record, events } = await storedCase(leftAlone);
  // "catat" was due Wed 23 Dec 15:41 and done Wed 30 Dec 12:00: late by office minutes only —
  // 19 (Wed 23, to 16:00) + 510 (Mon 28) + 510 (Tue 29) + 270 (Wed 30, 07:30–12:00) = 1309.
  expect(record.verdicts.map((v) => [v.id, v.onTime, v.lateByMinutes, v.escalationLevel])).toEqual([
    ['catat', false, 1309, 3], ['periksa', true, 0, 0], ['solusi', true, 0, 0],
  ]);
  // The answer went out on Wed 30 Dec ~12:00: its reply window is 10 calendar days → Sat 9 Jan 2027
  // 12:00, a Saturday: it moves to the close of the next working day, Mon 11 Jan 2027 16:00. Which
  // day is a working day in 2027 depends on a holiday list the calendar does not have (Monday is
  // taken as one): the case is flagged, once, when the window's deadline is computed.
  expect(wib(record.replyWindowEndsAt!)).toBe('2027-01-11T16:00');
  expect(record.calendarGaps).toEqual([2027]);
  expect(events.filter((e) => e.type === 'calendar_gap').map((e) => [wib(e.at), e.data])).toEqual([['2026-12-30T12:00', { years: [2027] }]]);
  expect(gapWarnings(logs.text(), record.caseId)).toEqual([{ years: [2027], admin: who.admin.id }]);
});

/**
 * Civil Registry Office (dukcapil-mura): the SLA clock and the escalation ladder, end to end on the
 * local runtime, against instants derived by hand from the office calendar.
 *
 * The SOP gives one limit, 5 working days over the whole procedure (the phase "penanganan"; its
 * steps have no limits of their own). The ladder: reminder at 75 % of the limit, the superior of
 * the role at hand at the deadline, the Kepala Dinas 2 office hours later, the Bupati 1 working day
 * after that.
 *
 * Office hours (shared/directory/demo.json): Mon–Thu 07:30–16:00 (510 minutes), Fri 07:30–16:30
 * (540) WIB. Christmas 2026: Thu 24 Dec cuti bersama Natal, Fri 25 Dec Natal, Sat–Sun 26–27 Dec.
 * 2027 has no holiday list yet: Fri 1 Jan 2027 counts as a working day, and the case says so.
 *
 * The tests share one runtime and one clock, and run in time order:
 *   (a) Mon 7 Dec   a case handled on time: no ladder email, ever
 *   (b) Wed 23 Dec  a case left alone climbs the phase's ladder over Christmas and New Year
 *   (c) Wed 6 Jan   the same case, acted on after the Bupati was told, still closes
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

const officer = () => who.holder('dukcapil-mura', 'petugas-pengaduan');
const team = () => who.holder('dukcapil-mura', 'tim-penanganan');
const head = () => who.head('dukcapil-mura');

test('(a) a case handled on time gets no reminder or escalation, even long after every deadline', async () => {
  // Prepare: Mon 7 Dec 2026, 09:00 WIB, office hours.
  const trackingId = await file(rt, complaint('dukcapil-mura', 'ktp-el'));

  // Act: each official acts at once on their task link; the reporter rates the answer.
  expect(await walkToAnswer(rt, trackingId)).toEqual(['terima', 'tangani', 'sampaikan']);
  await rate(rt, trackingId);
  // Two weeks: past the phase's 5 working days and its ladder (2 hours, then 1 working day).
  await rt.advance('P14D');

  // Assess
  expect(await publicStatus(rt, trackingId)).toMatchObject({ status: 'closed', rating: 5 });
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  const { record } = await storedCase(trackingId);
  expect(record.escalations).toEqual([]);
  expect(record.verdicts.map((v) => [v.scope, v.id, v.onTime])).toEqual([['phase', 'penanganan', true]]);
});

let leftAlone: string;

test('(b) a case left alone is reminded and escalated up to the Bupati at the calendar\'s times, over Christmas and New Year', async () => {
  // Prepare: filed Wed 23 Dec 2026 at 15:30 WIB (and the fraction of a second the request takes).
  await advanceTo(rt, atWib('2026-12-23T15:30'));
  leftAlone = await file(rt, complaint('dukcapil-mura', 'akta'));

  // Act + Assess: nobody acts; the clock moves through each expected instant.
  // The phase's 5 working days, from the next whole office minute, Wed 23 15:31 (day 0): Thu 24 –
  // Sun 27 closed; Mon 28 day 1, Tue 29 day 2, Wed 30 day 3, Thu 31 day 4, Fri 1 Jan 2027 day 5
  // (no 2027 list: a Friday like any other): due Fri 1 Jan 2027 at its 16:30 close.
  await climb(rt, [
    // Reminder: the limit holds 29 (Wed 23) + 4 × 510 (Mon 28 – Thu 31) + 540 (Fri 1 Jan) = 2609
    // office minutes; 75 % is 1956.75 → 1956; from 15:31: 29, then 510 × 3 (Mon 28 – Wed 30) = 1559,
    // and the other 397 (6 h 37) from Thu 31 07:30 → 14:07. To the officer whose step is open.
    { trackingId: leftAlone, kind: 'Pengingat', to: officer(), at: '2026-12-31T14:07' },
    // Rung 1, the officer's superior (the complaint-handling team), at the deadline.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 1', to: team(), at: '2027-01-01T16:30' },
    // Rung 2, 120 office minutes after the Friday 16:30 close: Sat–Sun closed, Mon 4 Jan 07:30 + 120.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 2', to: head(), at: '2027-01-04T09:30' },
    // Rung 3, 1 working day after Mon 4 (day 0): Tue 5 Jan at its 16:00 close.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 3', to: who.bupati, at: '2027-01-05T16:00' },
  ]);
  expect((await publicStatus(rt, leftAlone)).currentStep?.id).toBe('terima');

  // The phase's deadlines (computed at filing) reach 2027: flagged on the case and in the log.
  const { record, events } = await storedCase(leftAlone);
  expect(record.calendarGaps).toEqual([2027]);
  expect(events.filter((e) => e.type === 'calendar_gap').map((e) => [wib(e.at), e.data])).toEqual([['2026-12-23T15:30', { years: [2027] }]]);
  expect(gapWarnings(logs.text(), record.caseId)).toEqual([{ years: [2027], admin: who.admin.id }]);
});

test('(c) acted on after the Bupati was told, the case still runs to closure; the late phase keeps its verdict', async () => {
  // Prepare: the case of (b), escalated to the Bupati on Tue 5 Jan; Wed 6 Jan 2027, 10:00 WIB.
  expect(leftAlone).toBeDefined();
  await advanceTo(rt, atWib('2027-01-06T10:00'));

  // Act: the officer acts on the task link of the first email; the rest is done at once.
  expect(await walkToAnswer(rt, leftAlone)).toEqual(['terima', 'tangani', 'sampaikan']);
  await rate(rt, leftAlone);
  await rt.advance('P14D');

  // Assess: closed with the rating; no ladder email after the action (the later steps are inside
  // the phase whose ladder had already climbed).
  expect(await publicStatus(rt, leftAlone)).toMatchObject({ status: 'closed', rating: 5, currentStep: null });
  expect((await ladderMails(rt, [leftAlone])).map((m) => m.kind)).toEqual(['Pengingat', 'Eskalasi tingkat 1', 'Eskalasi tingkat 2', 'Eskalasi tingkat 3']);
  // The phase was due Fri 1 Jan 16:30 and ended Wed 6 Jan 10:00: late by 510 (Mon 4) + 510 (Tue 5)
  // + 150 (Wed 6, 07:30–10:00) = 1170 office minutes.
  const { record } = await storedCase(leftAlone);
  expect(record.verdicts).toEqual([expect.objectContaining({ scope: 'phase', id: 'penanganan', onTime: false, lateByMinutes: 1170, escalationLevel: 3 })]);
});

/**
 * Civil Registry Office (dukcapil-mura): the SLA clock and the escalation ladder, end to end on the
 * local runtime, against instants derived by hand from the office calendar.
 *
 * The SOP gives one limit, "5 Hari" over the whole procedure (the phase "penanganan"; its steps
 * have no limits of their own). Plain "hari" are calendar days (the product's one reading, in the
 * SOP's notes): due 5 × 24 h after the phase starts, moved to the close of the next working day
 * when that falls outside office hours. The ladder: reminder at 75 % of the limit, the superior of
 * the role at hand at the deadline, the Kepala Dinas 2 office hours later, the Bupati 1 working day
 * after that; each a person not told yet, and every email in office hours (moved to the next
 * opening, 07:30, when its instant falls outside them).
 *
 * Office hours (shared/directory/demo.json): Mon–Thu 07:30–16:00 (510 minutes), Fri 07:30–16:30
 * (540) WIB. Christmas 2026: Thu 24 Dec cuti bersama Natal, Fri 25 Dec Natal, Sat–Sun 26–27 Dec.
 * Calendar days do not stretch over the holidays: only the instants that land on them move.
 *
 * The tests share one runtime and one clock, and run in time order:
 *   (a) Mon 7 Dec   a case handled on time: no ladder email, ever
 *   (b) Wed 23 Dec  a case left alone climbs the phase's ladder over Christmas
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
  // Two weeks: past the phase's 5 days and its ladder (2 hours, then 1 working day).
  await rt.advance('P14D');

  // Assess
  expect(await publicStatus(rt, trackingId)).toMatchObject({ status: 'closed', rating: 5 });
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  const { record } = await storedCase(trackingId);
  expect(record.escalations).toEqual([]);
  expect(record.verdicts.map((v) => [v.scope, v.id, v.onTime])).toEqual([['phase', 'penanganan', true]]);
});

let leftAlone: string;

test('(b) a case left alone is reminded and escalated up to the Bupati at the calendar\'s times, over Christmas', async () => {
  // Prepare: filed Wed 23 Dec 2026 at 15:30 WIB (and the fraction of a second the request takes).
  await advanceTo(rt, atWib('2026-12-23T15:30'));
  leftAlone = await file(rt, complaint('dukcapil-mura', 'akta'));

  // Act + Assess: nobody acts; the clock moves through each expected instant.
  // The phase's 5 calendar days run from the filing itself, Wed 23 15:30 (a calendar-day limit does
  // not wait for office time): 5 × 24 h → Mon 28 Dec 15:30, a working day, before its 16:00 close:
  // due then, unmoved. The closed days Thu 24 – Sun 27 count, as calendar days do.
  await climb(rt, [
    // Reminder: 75 % of the 120 hours = 90 h after Wed 23 15:30 → Sun 27 Dec 09:30, the office is
    // shut: the email waits for the next opening, Mon 28 Dec 07:30. To the officer whose step is open.
    { trackingId: leftAlone, kind: 'Pengingat', to: officer(), at: '2026-12-28T07:30' },
    // Rung 1, the officer's superior (the complaint-handling team), at the deadline.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 1', to: team(), at: '2026-12-28T15:30' },
    // Rung 2, 120 office minutes later. Office time counts whole minutes from the next one after the
    // deadline's fraction of a second, 15:31: 29 minutes to the 16:00 close, the other 91 from Tue
    // 29 Dec 07:30 → 09:01. The Kepala Dinas: not told yet.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 2', to: head(), at: '2026-12-29T09:01' },
    // Rung 3, 1 working day after Tue 29 (day 0): Wed 30 Dec at its 16:00 close.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 3', to: who.bupati, at: '2026-12-30T16:00' },
  ]);
  expect((await publicStatus(rt, leftAlone)).currentStep?.id).toBe('terima');

  // Every deadline of the phase lies in 2026, whose holiday list the calendar has: nothing flagged.
  const { record, events } = await storedCase(leftAlone);
  expect(record.calendarGaps ?? []).toEqual([]);
  expect(events.filter((e) => e.type === 'calendar_gap')).toEqual([]);
  expect(gapWarnings(logs.text(), record.caseId)).toEqual([]);
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
  // The phase was due Mon 28 Dec 15:30 and ended Wed 6 Jan 10:00. A calendar-day limit is late by
  // wall-clock minutes: 8 days 18 h 30 = 12,630 minutes, and one more when the end's fraction of a
  // second exceeds the filing's (the verdict rounds a started minute up).
  const { record } = await storedCase(leftAlone);
  expect(record.verdicts).toEqual([expect.objectContaining({ scope: 'phase', id: 'penanganan', onTime: false, escalationLevel: 3 })]);
  expect([12630, 12631]).toContain(record.verdicts[0]!.lateByMinutes);
});

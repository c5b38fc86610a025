/**
 * SP4N-LAPOR! (sp4n-lapor-muara-enim): the SLA clock and the escalation ladders, end to end on the
 * local runtime, against instants derived by hand.
 *
 * The SOP's plain "hari" are calendar days (the product's one reading, in its notes): a limit of n
 * days is due n × 24 h after the step starts, weekends and holidays included — unless that instant
 * falls on a non-working day or outside office hours (Mon–Thu 07:30–16:00, Fri 07:30–16:30; a
 * deadline at the closing minute is inside), when it moves to the close of the next working day.
 * The reminder comes at 75 % of the time from the start to that deadline; a grace of days between
 * rungs moves the same way. Every ladder email goes out in office hours: an instant outside them
 * waits for the next opening, 07:30. The regency-wide ladder: the superior at the deadline, the head
 * 1 day later, the Bupati 2 days after that — each rung to a person not told yet: where the
 * superior is also the head (the regency admin's superior is the Kepala Dinas Kominfo; the auditor's
 * is the Inspektur), the second rung goes to the next distinct person, the Bupati, and the third is
 * skipped and recorded on the case. The executing official's follow-up ("tindak-lanjut", 12 days)
 * has its own: the liaison at the deadline and, at the same instant, an inspectorate official's
 * monitoring task (recommend a reprimand to the Bupati, or record why not).
 *
 * Each step starts when the previous one is decided, at the virtual clock's instant plus the
 * fraction of a second a request takes: the expected instants are to the minute.
 *
 * The tests share one runtime and one clock, and run in time order (2026):
 *   Mon 3 Aug    (a) a case handled on time: no ladder email, ever
 *   Mon 24 Aug   the supervisory branch: the inspectorate's 60-day phase, left alone, climbs its ladder
 *   Tue 27 Oct   the executing official's 12 days pass: the liaison, the inspectorate's monitoring task, the Bupati's reprimand
 *   Thu 12 Nov   (17:00) the reporter's 10-day reply window passes: the case closes itself; no official is chased meanwhile
 *   Tue 24 Nov   a question to the reporter: no ladder while it waits; the admin's clock starts again on the answer
 *   Wed 23 Dec   (b) a case left alone at verification climbs the ladder over Christmas
 *   Wed 30 Dec   (c) the same case, acted on after the Bupati was told, still closes; its deadlines reach 2027: flagged
 */
import { captureLogs } from '../support/logs';
import { actOnCaseTask, advanceTo, answerQuestion, atWib, climb, directory, file, gapWarnings, ladderMails, publicStatus, rate, storedCase, walkToAnswer, wib } from '../support/ladder';
import { inboxRows, openRow, signInAs } from '../support/officials';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
let logs: ReturnType<typeof captureLogs>;
let who: Awaited<ReturnType<typeof directory>>;
beforeAll(async () => {
  // The calendar-gap warning goes to the log: capture it (the runtime's handlers log in this process).
  logs = captureLogs();
  rt = await startTestRuntime({ clockStart: atWib('2026-08-03T09:00') });
  who = await directory(rt);
});
afterAll(async () => {
  await rt.dispose();
  logs.restore();
});

const AGENCY = 'kominfo-muara-enim';
const reporter = 'siti.rahma@example.com';
const admin = () => who.holder(AGENCY, 'admin-kabupaten');
const kepalaKominfo = () => who.holder(AGENCY, 'kepala-dinas');
const headKominfo = () => who.head(AGENCY);
const normalPath = ['verifikasi', 'verifikasi-instansi', 'tindak-lanjut', 'tanggapi-pelapor'];
/** A complaint to SP4N-LAPOR! about something that happened before the clock's first day (1 Aug 2026). */
const lapor = (category: string, extra: Record<string, unknown> = {}) => complaint(AGENCY, category, { incidentDate: '2026-08-01', ...extra });

/** Every email of a case (its tracking id is in each subject) sent after `after`, as [to, subject's first words, WIB minute]. */
async function caseMailSince(trackingId: string, after: string): Promise<[string[], string, string][]> {
  return (await rt.mail())
    .filter((m) => m.subject.includes(trackingId) && m.sentAt > after)
    .map((m) => [m.to, m.subject.replace(trackingId, '…'), wib(m.sentAt)]);
}

test('(a) a case handled on time gets no reminder or escalation, even long after every deadline', async () => {
  // Prepare: Mon 3 Aug 2026, 09:00 WIB.
  const trackingId = await file(rt, lapor('pelayanan-publik'));

  // Act: each official acts at once on their task link; the reporter rates the answer.
  expect(await walkToAnswer(rt, trackingId)).toEqual(normalPath);
  await rate(rt, trackingId);
  // Twenty days: past every deadline the case had (the longest, the follow-up's 12 days and its
  // 1 + 2 days of ladder).
  await rt.advance('P20D');

  // Assess
  expect(await publicStatus(rt, trackingId)).toMatchObject({ status: 'closed', rating: 5 });
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  const { record } = await storedCase(trackingId);
  expect(record.escalations).toEqual([]);
  expect(record.verdicts.map((v) => [v.id, v.onTime])).toEqual(normalPath.map((s) => [s, true]));
});

let supervisory: string;

test('supervisory branch: the inspectorate\'s 60 calendar days cover the whole phase; left alone, its ladder climbs to the Bupati', async () => {
  // Prepare: Mon 24 Aug 2026, 09:00 WIB. The admin routes the complaint to the inspectorate at once:
  // the phase "pengawasan" starts then. A week later (Mon 31 Aug) the inspectorate liaison passes it
  // on, and the inspectorate never answers.
  await advanceTo(rt, atWib('2026-08-24T09:00'));
  const trackingId = await file(rt, lapor('perilaku-aparatur', { title: 'Dugaan pungutan liar' }));
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'routeInspectorate' }))).toBe('verifikasi');
  await advanceTo(rt, atWib('2026-08-31T09:00'));
  expect(await ladderMails(rt, [trackingId])).toEqual([]);
  expect(await actOnCaseTask(rt, trackingId)).toBe('terima-apip');

  // Act + Assess: the clock runs from the phase's start (24 Aug 09:00), not from the step at hand.
  const auditor = who.holder('inspectorate', 'auditor');
  const inspektur = who.holder('inspectorate', 'inspektur');
  // Due 60 days after 24 Aug 09:00: 7 to Mon 31 Aug, 30 in September, 23 in October → Fri 23 Oct
  // 09:00, a working day inside office hours: unmoved.
  await climb(rt, [
    // 75 % of 60 days = 45 days: 7 to Mon 31 Aug, 30 in September, 8 in October → Thu 8 Oct 09:00,
    // in office hours. To the auditor, whose step ("periksa-apip") is open by then.
    { trackingId, kind: 'Pengingat', to: auditor, at: '2026-10-08T09:00' },
    // At the deadline, Fri 23 Oct 09:00: the auditor's superior, the Inspektur.
    { trackingId, kind: 'Eskalasi tingkat 1', to: inspektur, at: '2026-10-23T09:00' },
    // 1 day later → Sat 24 Oct 09:00, the office shut: the close of the next working day, Mon 26 Oct
    // 16:00. It names the head of the inspectorate — the Inspektur, already told — so it goes to the
    // next distinct person, the Bupati.
    { trackingId, kind: 'Eskalasi tingkat 2', to: who.bupati, at: '2026-10-26T16:00' },
  ]);
  expect(who.head('inspectorate')).toBe(inspektur);

  // The rungs are recorded against the phase, and the inspectorate's step is still open. The third
  // rung (2 days after Mon 26 Oct 16:00 → Wed 28 Oct 16:00, its closing minute: unmoved) names the
  // Bupati, already told: it is skipped then, as the next test checks (this file's clock runs on).
  const { record } = await storedCase(trackingId);
  expect(record.escalations.map((e) => [e.stepId, e.level, e.kind, e.to])).toEqual([['pengawasan', 1, 'escalation', 'inspektur'], ['pengawasan', 2, 'escalation', 'bupati']]);
  supervisory = trackingId;
  expect((await publicStatus(rt, trackingId)).currentStep?.id).toBe('periksa-apip');
  // 24 Aug – 26 Oct lies in 2026: nothing flagged.
  expect(record.calendarGaps ?? []).toEqual([]);
});

/** The task link in the newest "Tugas baru" email of a case to `to`: its key. */
async function taskKeyTo(trackingId: string, to: string): Promise<string> {
  const mail = (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru') && m.subject.includes(trackingId) && m.to.includes(to)).at(-1);
  const key = mail?.links.find((l) => l.includes('/tasks/'))?.split('/tasks/')[1];
  if (!key) throw new Error(`no task email for ${trackingId} to ${to}`);
  return key;
}

async function actByKey(key: string, body: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await rt.call('POST', `/api/tasks/${key}`, body);
  await rt.engine.waitForIdle();
  return res;
}

test('the executing official\'s 12 days pass without follow-up: the liaison is told and an inspectorate official gets a monitoring task; a recommended reprimand reaches the Bupati, who records it issued', async () => {
  // Prepare: Tue 27 Oct 2026, 09:00 WIB. Three complaints are routed to the Health Office, whose
  // liaison passes each to the executing official at once; the official never follows up in time.
  await advanceTo(rt, atWib('2026-10-27T09:00'));
  const [recommended, declined, followedUp] = [await file(rt, lapor('kesehatan')), await file(rt, lapor('kesehatan')), await file(rt, lapor('kesehatan'))];
  for (const trackingId of [recommended, declined, followedUp]) {
    expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'routeAgency', fields: { agencyId: 'dinkes-muba' } }))).toBe('verifikasi');
    expect(await actOnCaseTask(rt, trackingId)).toBe('verifikasi-instansi');
  }

  // Act + Assess: the follow-up ("tindak-lanjut") started Tue 27 Oct 09:00. 12 days → Sun 8 Nov
  // 09:00, the office shut: due at the close of the next working day, Mon 9 Nov 16:00.
  await climb(rt, [recommended, declined, followedUp].flatMap((trackingId) => [
    // 75 % of the 13 days 7 hours from the start to the deadline (319 h) = 239 h 15 → Fri 6 Nov
    // 08:15, in office hours. To the executing official of the Health Office.
    { trackingId, kind: 'Pengingat', to: who.holder('dinkes-muba', 'pelaksana'), at: '2026-11-06T08:15' },
    // At the deadline, Mon 9 Nov 16:00: the official's superior, the Health Office's liaison.
    { trackingId, kind: 'Eskalasi tingkat 1', to: who.holder('dinkes-muba', 'penghubung'), at: '2026-11-09T16:00' },
  ]));
  // At the same instant, the inspectorate's monitoring official gets a task with the case file.
  const pemantau = who.holder('inspectorate', 'pemantau');
  for (const trackingId of [recommended, declined, followedUp]) {
    const mail = (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru') && m.subject.includes(trackingId) && m.to.includes(pemantau));
    expect(mail.map((m) => wib(m.sentAt))).toEqual(['2026-11-09T16:00']);
    const view = (await rt.call('GET', `/api/tasks/${await taskKeyTo(trackingId, pemantau)}`)).body;
    expect(view.task).toMatchObject({ stepId: 'pantau-apip', status: 'open' });
    // 2 working days ("hari kerja"): the task opens a few seconds after Mon 9 Nov 16:00, past the
    // close, so its clock starts on Tue 10 Nov (day 0): due at the close of Thu 12 Nov.
    expect(wib(view.task.dueAt)).toBe('2026-11-12T16:00');
    expect(view.case.title).toBe('Pelayanan terlalu lama');
    expect(view.actions.map((a: { id: string }) => a.id)).toEqual(['recommendReprimand', 'declineReprimand']);
    expect((await publicStatus(rt, trackingId)).timeline.filter((e) => e.event === 'monitoring_opened').map((e) => wib(e.at))).toEqual(['2026-11-09T16:00']);
  }
  // The monitoring tasks are in the monitoring official's "Tugas saya", by their deadline (Thu 12 Nov 16:00).
  const pemantauRows = (await inboxRows(rt, await signInAs(rt, pemantau))).filter((r) => r.slot === 'official#pantau-apip#1');
  expect(pemantauRows).toHaveLength(3);
  for (const trackingId of [recommended, declined, followedUp]) expect(pemantauRows.some((r) => r.text.includes(trackingId))).toBe(true);
    // Nobody mails the Bupati on the inspectorate's behalf any more.
  expect((await rt.mail()).filter((m) => m.subject.startsWith('Rekomendasi teguran'))).toEqual([]);

  // (1) The monitoring official recommends a reprimand, with reasons typed as people type.
  const reasons = 'Lewat 12 hari tanpa "tindak lanjut".\nBaris dua\tC:\\berkas 😀 <b>x</b>';
  expect((await actByKey(await taskKeyTo(recommended, pemantau), { action: 'recommendReprimand', reasons })).status).toBe(200);
  // The Bupati gets a task: record the reprimand issued.
  const bupatiKey = await taskKeyTo(recommended, who.bupati);
  const bupatiView = (await rt.call('GET', `/api/tasks/${bupatiKey}`)).body;
  expect(bupatiView.task).toMatchObject({ stepId: 'teguran-bupati', status: 'open', dueAt: null });
  // The Bupati's "Tugas saya" holds it too (no deadline), and it opens the task page.
  const bupatiCookie = await signInAs(rt, who.bupati);
  const bupatiRows = (await inboxRows(rt, bupatiCookie)).filter((r) => r.slot === 'official#teguran-bupati#1');
  expect(bupatiRows.map((r) => [r.state, r.text.includes(recommended)])).toEqual([['none', true]]);
  expect(await openRow(rt, bupatiCookie, bupatiRows[0]!)).toMatch(/^\/tasks\/(?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43}$/);
  expect(bupatiView.case.history.find((h: { event: string }) => h.event === 'step_completed' && true)).toBeDefined();
  // A date that is no date is refused, with what to fix.
  const bad = await actByKey(bupatiKey, { action: 'reprimandIssued', reference: '800/12/2026', issuedOn: '2026-02-30' });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('TTTT-BB-HH');
  const reference = 'Nomor 800/"12"/Inspektorat\\2026';
  expect((await actByKey(bupatiKey, { action: 'reprimandIssued', reference, issuedOn: '2026-11-10' })).status).toBe(200);

  const a = await storedCase(recommended);
  const decisions = a.events.filter((e) => ['monitoring_opened', 'reprimand_recommended', 'reprimand_declined', 'reprimand_issued'].includes(e.type));
  expect(decisions.map((e) => [e.type, e.stepId, e.actor.kind === 'official' ? e.actor.personId : 'system', e.data])).toEqual([
    ['monitoring_opened', 'pantau-apip', 'system', { lateStep: 'tindak-lanjut' }],
    ['reprimand_recommended', 'pantau-apip', 'apip-pemantau', { lateStep: 'tindak-lanjut', reasons }],
    ['reprimand_issued', 'teguran-bupati', 'bupati', { lateStep: 'tindak-lanjut', reference, issuedOn: '2026-11-10' }],
  ]);
  expect(a.record.escalations.map((e) => [e.stepId, e.level, e.to, e.kind])).toEqual([
    ['tindak-lanjut', 1, 'dinkes-penghubung', 'escalation'],
    ['tindak-lanjut', 2, 'bupati', 'reprimand'],
  ]);
  // The executing official's task is still theirs to do; the case shows it again.
  expect(a.record.currentStep?.stepId).toBe('tindak-lanjut');
  const statusA = await publicStatus(rt, recommended);
  expect(statusA.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['monitoring_opened', 'reprimand_recommended', 'reprimand_issued']));
  expect(statusA.currentStep?.id).toBe('tindak-lanjut');

  // (2) Another monitoring official's decision: no reprimand, and why; the follow-up then comes.
  expect((await actByKey(await taskKeyTo(declined, pemantau), { action: 'declineReprimand', reason: 'Sudah ada surat klarifikasi dari dinas.' })).status).toBe(200);
  expect((await storedCase(declined)).events.filter((e) => e.type === 'reprimand_declined').map((e) => [e.actor.kind === 'official' && e.actor.personId, e.data])).toEqual([
    ['apip-pemantau', { lateStep: 'tindak-lanjut', reason: 'Sudah ada surat klarifikasi dari dinas.' }],
  ]);
  expect((await rt.mail()).filter((m) => m.subject.includes(declined) && m.to.includes(who.bupati))).toEqual([]);

  // (3) The follow-up comes while the monitoring task is open: that task ends, its link says so.
  const pelaksana = who.holder('dinkes-muba', 'pelaksana');
  const monitorKey = await taskKeyTo(followedUp, pemantau);
  for (const trackingId of [declined, followedUp]) {
    expect((await actByKey(await taskKeyTo(trackingId, pelaksana), { action: 'respond', followUp: 'Sudah ditindaklanjuti.' })).status).toBe(200);
    expect((await publicStatus(rt, trackingId)).currentStep?.id).toBe('tanggapi-pelapor');
  }
  const ended = await actByKey(monitorKey, { action: 'recommendReprimand', reasons: 'terlambat' });
  expect(ended.status).toBe(410);
  expect((await rt.call('GET', `/api/tasks/${monitorKey}`)).body.task.status).toBe('expired');
  expect((await storedCase(followedUp)).events.filter((e) => e.type.startsWith('reprimand_'))).toEqual([]);

  // Meanwhile the supervisory case of the previous test reached its third rung (Wed 28 Oct 16:00):
  // the Bupati, already told, so no email — recorded on the case instead.
  const apip = await storedCase(supervisory);
  expect(apip.events.filter((e) => e.type === 'escalation_skipped').map((e) => [wib(e.at), e.to, e.data])).toEqual([['2026-10-28T16:00', 'bupati', { level: 3, reason: 'alreadyTold' }]]);
  expect((await ladderMails(rt, [supervisory])).map((m) => m.kind)).toEqual(['Pengingat', 'Eskalasi tingkat 1', 'Eskalasi tingkat 2']);
});

test('the reporter\'s 10-day reply window passes: the case closes itself, and no official is reminded or escalated meanwhile', async () => {
  // Prepare: Thu 12 Nov 2026, 17:00 WIB, after office hours (officials may act on their links at any
  // hour); every official acts at once, so the answer goes out then.
  await advanceTo(rt, atWib('2026-11-12T17:00'));
  const trackingId = await file(rt, lapor('infrastruktur'));
  expect(await walkToAnswer(rt, trackingId)).toEqual(normalPath);
  const answer = (await rt.mail()).find((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`)!;
  expect(wib(answer.sentAt)).toBe('2026-11-12T17:00');

  // Act: the reporter neither replies nor rates. 10 days after the answer is Sun 22 Nov 17:00, the
  // office shut: the window ends at the close of the next working day, Mon 23 Nov 16:00.
  await advanceTo(rt, atWib('2026-11-23T15:59:30'));
  // Assess: still open to a reply just before the end, and nobody was chased over the ten days.
  expect((await publicStatus(rt, trackingId)).status).toBe('resolved');
  expect(await caseMailSince(trackingId, answer.sentAt)).toEqual([]);

  await advanceTo(rt, atWib('2026-11-23T16:00:30'));
  // Closed by the system at the end of the window, with the reporter's closing email and nothing else.
  const status = await publicStatus(rt, trackingId);
  expect(status.status).toBe('closed');
  expect(wib(status.closedAt!)).toBe('2026-11-23T16:00');
  expect(await caseMailSince(trackingId, answer.sentAt)).toEqual([[[reporter], 'Pengaduan … ditutup', '2026-11-23T16:00']]);
  expect((await storedCase(trackingId)).record.closeReason).toBe('reply_window_elapsed');
});

test('a question to the reporter pauses the admin\'s clock: no ladder while it waits; the answer starts a fresh 2 days', async () => {
  // Prepare: Tue 24 Nov 2026, 09:00 WIB. The admin asks the reporter for supporting data at once.
  await advanceTo(rt, atWib('2026-11-24T09:00'));
  const trackingId = await file(rt, lapor('pendidikan'));
  expect(await actOnCaseTask(rt, trackingId, () => ({ action: 'askReporter', fields: { question: 'Mohon lampirkan bukti pembayaran.' } }))).toBe('verifikasi');
  expect((await publicStatus(rt, trackingId)).status).toBe('awaiting_reporter');
  const question = (await rt.mail()).find((m) => m.subject === `Permintaan data untuk pengaduan ${trackingId}`)!;

  // Act: the reporter answers a week later, Tue 1 Dec (within the 10-day window, which ends Fri 4 Dec
  // 09:00). Had the admin's 2 days kept running (due Thu 26 Nov 09:00), their whole ladder would have
  // fired by now: the reminder (75 % of 48 h → Wed 25 Nov 21:00, sent at the opening, Thu 26 07:30),
  // the Kepala Dinas Kominfo at the deadline, the Bupati 1 day later (Fri 27 Nov 09:00).
  await advanceTo(rt, atWib('2026-12-01T09:00'));
  // Assess: nobody was reminded or escalated, and no email about the case went to anyone.
  expect(await caseMailSince(trackingId, question.sentAt)).toEqual([]);
  await answerQuestion(rt, trackingId, 'Bukti pembayaran terlampir.');
  // The verification resumes as a new visit, with a new task email to the admin.
  expect(await caseMailSince(trackingId, question.sentAt)).toEqual([[[admin()], expect.stringMatching(/^Tugas baru/), '2026-12-01T09:00']]);

  // Act + Assess: the new visit's 2 days run from the answer (Tue 1 Dec 09:00): due Thu 3 Dec 09:00,
  // in office hours.
  await climb(rt, [
    // 75 % of 48 hours = 36 hours → Wed 2 Dec 21:00, after hours: sent at the opening, Thu 3 Dec 07:30.
    { trackingId, kind: 'Pengingat', to: admin(), at: '2026-12-03T07:30' },
    // At the deadline, Thu 3 Dec 09:00: the admin's superior, the Kepala Dinas Kominfo.
    { trackingId, kind: 'Eskalasi tingkat 1', to: kepalaKominfo(), at: '2026-12-03T09:00' },
  ]);
});

let leftAlone: string;

test('(b) a case left alone at verification is reminded and escalated up to the Bupati at the calendar\'s times, over Christmas', async () => {
  // Prepare: filed Wed 23 Dec 2026 at 15:30 WIB. The admin's 2 calendar days run through the
  // Christmas holidays and the weekend: they are not office time.
  await advanceTo(rt, atWib('2026-12-23T15:30'));
  leftAlone = await file(rt, lapor('pelayanan-publik'));

  // 48 hours after filing → Fri 25 Dec 15:30, Natal: Thu 24 (cuti bersama), Fri 25, Sat 26 and Sun 27
  // are shut, so the verification is due at the close of Mon 28 Dec, 16:00 (no longer on Christmas Day).
  await climb(rt, [
    // 75 % of the 120 h 30 from the filing to that deadline = 90 h 22.5 → Sat 26 Dec 09:52, shut:
    // sent at the next opening, Mon 28 Dec 07:30.
    { trackingId: leftAlone, kind: 'Pengingat', to: admin(), at: '2026-12-28T07:30' },
    // At the deadline, Mon 28 Dec 16:00: the admin's superior, the Kepala Dinas Kominfo.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 1', to: kepalaKominfo(), at: '2026-12-28T16:00' },
    // 1 day later, Tue 29 Dec 16:00 (a closing minute: unmoved). It names the head of the SOP's
    // office, the same Kepala Dinas, already told: the next distinct person, the Bupati.
    { trackingId: leftAlone, kind: 'Eskalasi tingkat 2', to: who.bupati, at: '2026-12-29T16:00' },
  ]);
  expect(headKominfo()).toBe(kepalaKominfo());
  expect((await publicStatus(rt, leftAlone)).currentStep?.id).toBe('verifikasi');
  // Its deadlines (up to the third rung, Thu 31 Dec 16:00) lie in 2026: nothing flagged yet.
  expect((await storedCase(leftAlone)).record.calendarGaps ?? []).toEqual([]);
});

test('(c) acted on after the Bupati was told, the case still runs to closure; the deadlines that reach 2027 are flagged', async () => {
  // Prepare: the case of (b), escalated to the Bupati on Tue 29 Dec; Wed 30 Dec 2026, 09:00 WIB,
  // before its third rung (Thu 31 Dec), which therefore never comes.
  expect(leftAlone).toBeDefined();
  await advanceTo(rt, atWib('2026-12-30T09:00'));

  // Act: the admin routes it through the first task link; the rest is done at once; the reporter rates.
  expect(await walkToAnswer(rt, leftAlone)).toEqual(normalPath);
  await rate(rt, leftAlone);
  await rt.advance('P20D');

  // Assess: closed with the rating; no ladder email after the action.
  expect(await publicStatus(rt, leftAlone)).toMatchObject({ status: 'closed', rating: 5, currentStep: null });
  expect((await ladderMails(rt, [leftAlone])).map((m) => m.kind)).toEqual(['Pengingat', 'Eskalasi tingkat 1', 'Eskalasi tingkat 2']);
  const { record, events } = await storedCase(leftAlone);
  expect(record.verdicts.map((v) => [v.id, v.onTime, v.escalationLevel])).toEqual([
    ['verifikasi', false, 2], ['verifikasi-instansi', true, 0], ['tindak-lanjut', true, 0], ['tanggapi-pelapor', true, 0],
  ]);
  // From Wed 30 Dec 09:00, every later step's deadlines reach 2027, where whether a day is a working
  // day (and so whether a calendar-day deadline moves) depends on a holiday list the calendar lacks:
  // the liaison's 1 day (due Thu 31 Dec 09:00) has its second rung on Fri 1 Jan 2027 09:00 and its
  // third on Sun 3 Jan → Mon 4 Jan 16:00; the follow-up's 12 days end Mon 11 Jan 2027 09:00; the
  // liaison's answer (1 day) has the same instants as the liaison's verification; the reply window's
  // 10 days end Sat 9 Jan → Mon 11 Jan 16:00. Four deadline sets, each flagged once, all computed at 09:00 on Wed 30 Dec.
  expect(record.calendarGaps).toEqual([2027]);
  expect(events.filter((e) => e.type === 'calendar_gap').map((e) => [wib(e.at), e.data])).toEqual(
    Array.from({ length: 4 }, () => ['2026-12-30T09:00', { years: [2027] }]),
  );
  expect(gapWarnings(logs.text(), record.caseId)).toHaveLength(4);
});

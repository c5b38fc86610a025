/**
 * Officials' sign-in by email and "Tugas saya" as use cases, on the in-memory stores (held to the
 * adapters by the contract suites): no account enumeration, single-use expiring links, sessions
 * revoked with the directory, and the inbox's rules for who may act on what.
 */
import { hashKey } from '../../shared/case/keys';
import type { TaskGrant, TaskRecord } from '../../shared/case/task';
import type { CaseRecord } from '../../shared/case/model';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import type { Directory } from '../../shared/directory/schema';
import { Forbidden, Gone } from '../../shared/errors';
import type { OutgoingEmail } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { listInbox, openFromInbox } from '../../shared/usecases/inbox';
import { completeSignIn, currentOfficial, requestSignIn, SIGN_IN_LINKS_PER_HOUR, signOut, type SignedIn, type SignInDeps } from '../../shared/usecases/signin';
import { viewReview } from '../../shared/usecases/report-review';
import { viewTask } from '../../shared/usecases/tasks';
import { MemoryCaseStore, MemorySessionStore } from '../support/memory-case-store';

function setup(directory: Directory = demoDirectory) {
  const sent: OutgoingEmail[] = [];
  const logs: { message: string; fields?: Record<string, unknown> }[] = [];
  const deps: SignInDeps = {
    store: new MemoryCaseStore(), sessions: new MemorySessionStore(), directory, directoryVersion: 1,
    workflow: { start: async () => ({ executionArn: 'arn' }), taskSucceeded: async () => undefined, taskFailed: async () => undefined },
    calendar: createOfficeCalendar(directory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m); return { messageId: `m${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'noreply@tanggap.example', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    log: { info: (message, fields) => { logs.push({ message, fields }); }, warn: () => undefined },
  };
  return { deps, sent, logs };
}
const keyIn = (m: OutgoingEmail) => /\/masuk\/([A-Za-z0-9_-]{43})/.exec(m.text)?.[1] ?? '';
/** Monday 7 December 2026, 09:00 WIB: office hours. */
const monday = new Date('2026-12-07T02:00:00Z');
const staf = 'staf.layanan@perpus.musitanggap.example.go.id';

async function signedIn(deps: SignInDeps, sent: OutgoingEmail[], email: string, now = monday): Promise<SignedIn & { secret: string }> {
  await requestSignIn(deps, { email, now, lang: 'id' });
  const { secret } = await completeSignIn(deps, keyIn(sent.at(-1)!), now);
  return { ...(await currentOfficial(deps, secret, now))!, secret };
}

describe('sign-in by email', () => {
  test('a directory address gets one link; an unknown one gets nothing, the same way; addresses are matched case-insensitively', async () => {
    const { deps, sent, logs } = setup();
    await expect(requestSignIn(deps, { email: 'nobody@example.com', now: monday, lang: 'id' })).resolves.toBeUndefined();
    expect(sent).toHaveLength(0);
    await expect(requestSignIn(deps, { email: `  ${staf.toUpperCase()} `, now: monday, lang: 'id' })).resolves.toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: [staf], subject: 'Tautan masuk Tanggap' });
    expect(sent[0]!.text).toContain('15 menit');
    expect(sent[0]!.html).toContain(`https://tanggap.example/masuk/${keyIn(sent[0]!)}`);
    // No address ever reaches a log line.
    expect(JSON.stringify(logs)).not.toMatch(/@/);
  });

  test('a malformed address is a 400 naming the field', async () => {
    const { deps } = setup();
    for (const email of ['', 'not-an-address', 42, undefined, 'a@b@c']) {
      await expect(requestSignIn(deps, { email, now: monday, lang: 'en' })).rejects.toMatchObject({ status: 400, issues: [{ path: 'email', message: expect.stringContaining('email address') }] });
    }
  });

  test(`at most ${SIGN_IN_LINKS_PER_HOUR} links per address per hour; unknown addresses take the same quota; the next hour opens it again`, async () => {
    const { deps, sent } = setup();
    for (let i = 0; i < 5; i++) await requestSignIn(deps, { email: staf, now: new Date(monday.getTime() + i * 60_000), lang: 'id' });
    expect(sent).toHaveLength(SIGN_IN_LINKS_PER_HOUR);
    await requestSignIn(deps, { email: staf, now: new Date(monday.getTime() + 3600_000), lang: 'id' });
    expect(sent).toHaveLength(SIGN_IN_LINKS_PER_HOUR + 1);
    const takes: string[] = [];
    const store = deps.store as MemoryCaseStore;
    const take = store.takeQuota.bind(store);
    store.takeQuota = async (counter, limit, exp) => { takes.push(counter); return take(counter, limit, exp); };
    await requestSignIn(deps, { email: 'stranger@example.com', now: monday, lang: 'id' });
    expect(takes).toHaveLength(1);
    expect(takes[0]).not.toContain('stranger');
  });

  test('a link signs in once, within 15 minutes; the session is 8 hours, stored hashed with the person and the directory version', async () => {
    const { deps, sent } = setup();
    await requestSignIn(deps, { email: staf, now: monday, lang: 'id' });
    const key = keyIn(sent[0]!);
    const { secret, session, person } = await completeSignIn(deps, key, new Date(monday.getTime() + 14 * 60_000));
    expect(person.id).toBe('perpus-staf');
    expect(session).toMatchObject({ keyHash: hashKey(secret), personId: 'perpus-staf', directoryVersion: 1 });
    expect(session.expiresAt - Math.floor(monday.getTime() / 1000)).toBe(14 * 60 + 8 * 3600);
    await expect(completeSignIn(deps, key, monday)).rejects.toBeInstanceOf(Gone);
    await requestSignIn(deps, { email: staf, now: monday, lang: 'id' });
    await expect(completeSignIn(deps, keyIn(sent[1]!), new Date(monday.getTime() + 15 * 60_000))).rejects.toBeInstanceOf(Gone);
    await expect(completeSignIn(deps, 'x'.repeat(43), monday)).rejects.toBeInstanceOf(Gone);
    expect(await currentOfficial(deps, secret, new Date(monday.getTime() + 8 * 3600_000 + 14 * 60_000))).toBeUndefined();
  });

  test('a session ends when its person leaves the directory (and stays ended if they come back), and on sign-out', async () => {
    const { deps, sent } = setup();
    const me = await signedIn(deps, sent, staf);
    expect(me.person.id).toBe('perpus-staf');
    const without: Directory = { ...demoDirectory, agencies: demoDirectory.agencies.map((a) => ({ ...a, officials: a.officials.filter((o) => o.id !== 'perpus-staf') })) };
    expect(await currentOfficial({ ...deps, directory: without, directoryVersion: 2 }, me.secret, monday)).toBeUndefined();
    expect(await currentOfficial(deps, me.secret, monday)).toBeUndefined();
    const again = await signedIn(deps, sent, staf);
    await signOut(deps, again.secret);
    expect(await currentOfficial(deps, again.secret, monday)).toBeUndefined();
  });
});

describe('Tugas saya', () => {
  let n = 0;
  async function aCaseWithTask(deps: SignInDeps, over: Partial<TaskRecord>, agencyId = 'perpus-muba'): Promise<{ c: CaseRecord; task: TaskRecord }> {
    n++;
    const c: CaseRecord = {
      caseId: `case-${n}`, trackingId: `TGP-AAAA-${String(n).padStart(4, '0')}-X`, agencyId, sopId: agencyId === 'perpus-muba' ? 'perpustakaan-muba' : agencyId,
      status: 'in_progress', channel: 'web', language: 'id', title: `Keluhan <${n}>`, description: 'Ruang baca tutup pada jam layanan.', category: 'layanan',
      anonymous: true, confidential: false, submittedAt: '2026-12-04T09:00:00+07:00', month: '2026-12', replies: 0, verdicts: [], escalations: [], deliveryFailures: 0, version: 1,
    } as CaseRecord;
    await deps.store.createCase(c, { caseId: c.caseId, at: c.submittedAt, type: 'submitted', actor: { kind: 'reporter' } });
    const task: TaskRecord = {
      caseId: c.caseId, slot: `official#catat#${n}`, kind: 'official', stepId: 'catat', visit: 1, keyHash: `own-${n}`, taskToken: `t-${n}`,
      status: 'open', role: 'staf', assigneeId: 'perpus-staf', openedAt: '2026-12-04T09:00:00+07:00', version: 1, ...over,
    };
    await deps.store.putTask(task);
    return { c, task };
  }
  const grant = (task: TaskRecord, over: Partial<TaskGrant>): TaskGrant => ({
    caseId: task.caseId, slot: task.slot, keyHash: `g-${task.slot}-${over.personId}-${over.reason ?? 'escalation'}`, personId: 'perpus-kasi', role: 'kasi-layanan',
    may: 'act', reason: 'escalation', level: 1, grantedAt: '2026-12-04T10:00:00+07:00', status: 'active', ...over,
  });

  test('the assignee\'s open tasks by deadline, with office time left and red / amber / green; done ones and other people\'s are not listed', async () => {
    const { deps, sent } = setup();
    const me = await signedIn(deps, sent, staf);
    const later = await aCaseWithTask(deps, { dueAt: '2026-12-10T10:00:00+07:00' });
    const late = await aCaseWithTask(deps, { dueAt: '2026-12-04T16:00:00+07:00' });
    const soon = await aCaseWithTask(deps, { dueAt: '2026-12-07T11:30:00+07:00' });
    await aCaseWithTask(deps, { dueAt: '2026-12-07T10:00:00+07:00', status: 'done' });
    await aCaseWithTask(deps, { dueAt: '2026-12-07T10:00:00+07:00', assigneeId: 'perpus-kasi', role: 'kasi-layanan' });
    const { items, more } = await listInbox(deps, me, monday, 'id');
    expect(more).toBe(false);
    expect(items.map((i) => [i.trackingId, i.state, i.basis])).toEqual([
      [late.c.trackingId, 'late', 'assignee'],
      [soon.c.trackingId, 'due_soon', 'assignee'],
      [later.c.trackingId, 'on_time', 'assignee'],
    ]);
    // Office time, not clock time: Friday 16:00 → 16:30 (close) and Monday 07:30 → 09:00 WIB are 2 h; 09:00 → 11:30 is 2 h 30 min.
    expect(items[0]!.timeLeft).toBe('terlambat 2 jam kerja');
    expect(items[1]!.timeLeft).toBe('2 jam 30 menit kerja lagi');
    expect(items[1]!.title).toBe(soon.c.title);
  });

  test('an act grant of the ladder lists the task for its holder (on behalf of the assignee); a view grant, a pending one, or one whose task is done does not, and a done one leaves the index', async () => {
    const { deps, sent } = setup();
    const kasi = await signedIn(deps, sent, 'kasi.layanan@perpus.musitanggap.example.go.id');
    const a = await aCaseWithTask(deps, { dueAt: '2026-12-08T10:00:00+07:00' });
    const b = await aCaseWithTask(deps, { dueAt: '2026-12-08T11:00:00+07:00' });
    const c = await aCaseWithTask(deps, { dueAt: '2026-12-08T12:00:00+07:00' });
    const d = await aCaseWithTask(deps, { dueAt: '2026-12-08T13:00:00+07:00' });
    await deps.store.putGrant(grant(a.task, {}));
    await deps.store.putGrant(grant(b.task, { may: 'view' }));
    await deps.store.putGrant(grant(c.task, { status: 'pending' }));
    await deps.store.putGrant(grant(d.task, {}));
    await deps.store.updateTask(d.c.caseId, d.task.slot, 1, { status: 'done' });
    const { items } = await listInbox(deps, kasi, monday, 'en');
    const staff = demoDirectory.agencies.find((x) => x.id === 'perpus-muba')!.officials.find((o) => o.id === 'perpus-staf')!;
    expect(items.map((i) => [i.trackingId, i.basis, i.onBehalfOf])).toEqual([[a.c.trackingId, 'grant', staff.name]]);
    expect((await deps.store.inboxOf('perpus-kasi', { limit: 10 })).entries.map((e) => e.caseId)).toEqual([a.c.caseId, c.c.caseId]);
  });

  test('an acting official (Plh) sees the tasks of the role they stand in for, in their own agency only', async () => {
    const { deps, sent } = setup();
    const plh = await signedIn(deps, sent, 'plh.kabid@perpus.musitanggap.example.go.id');
    const kabid = await aCaseWithTask(deps, { stepId: 'solusi', role: 'kabid-layanan', assigneeId: 'perpus-kabid', dueAt: '2026-12-08T10:00:00+07:00' });
    await aCaseWithTask(deps, { dueAt: '2026-12-08T10:00:00+07:00' }); // the staff's: not theirs
    const { items } = await listInbox(deps, plh, monday, 'id');
    expect(items.map((i) => [i.trackingId, i.basis])).toEqual([[kabid.c.trackingId, 'acting']]);
  });

  test('opening from the inbox mints one grant per session and task; it opens the task page only while its ground holds', async () => {
    const { deps, sent } = setup();
    const me = await signedIn(deps, sent, staf);
    const { c, task } = await aCaseWithTask(deps, { dueAt: '2026-12-08T10:00:00+07:00' });
    const { key, path } = await openFromInbox(deps, me, { caseId: c.caseId, slot: task.slot }, monday);
    expect(path).toBe(`/tasks/${key}`);
    expect((await openFromInbox(deps, me, { caseId: c.caseId, slot: task.slot }, monday)).key).toBe(key);
    expect(await deps.store.listGrants(c.caseId, task.slot)).toEqual([expect.objectContaining({ personId: 'perpus-staf', reason: 'inbox', basis: 'assignee', may: 'act', status: 'active' })]);
    const { view } = await viewTask(deps, key, 'id');
    expect(view.actions.map((a) => a.id)[0]).toBe('recorded');
    expect(view.link).toMatchObject({ holder: 'grant', may: 'act', reason: 'inbox' });
    // Someone whose inbox does not hold it is refused.
    const kasi = await signedIn(deps, sent, 'kasi.layanan@perpus.musitanggap.example.go.id');
    await expect(openFromInbox(deps, kasi, { caseId: c.caseId, slot: task.slot }, monday)).rejects.toBeInstanceOf(Forbidden);
    await expect(openFromInbox(deps, me, { caseId: c.caseId, slot: 'official#nope#1' }, monday)).rejects.toMatchObject({ status: 404 });
    // Handed over to someone else: the inbox grant of the former assignee answers 410, as their own link does.
    await deps.store.updateTask(c.caseId, task.slot, 1, { assigneeId: 'perpus-kasi', keyHash: 'own-new' });
    await expect(viewTask(deps, key, 'id')).rejects.toBeInstanceOf(Gone);
  });

  /** A report's review turn as openReviewTask stores it: under the review's id, no case. */
  async function aReviewTurn(deps: SignInDeps, over: Partial<TaskRecord> & { turn: number }): Promise<TaskRecord> {
    const { turn, ...rest } = over;
    const roles = ['kasi-layanan', 'kabid-layanan', 'kepala-dinas'];
    const task: TaskRecord = {
      caseId: 'report-perpustakaan-muba-rekap-bulanan-2026-11', slot: `reportReview#turn-${turn}#1`, kind: 'reportReview', stepId: `turn-${turn}`, visit: 1,
      keyHash: `review-own-${turn}`, taskToken: `rt-${turn}`, status: 'open', role: roles[turn - 1]!, assigneeId: ['perpus-kasi', 'perpus-kabid', 'perpus-kadin'][turn - 1]!,
      openedAt: '2026-12-01T08:00:00+07:00', dueAt: '2026-12-07T09:10:00+07:00', version: 1,
      review: { sopId: 'perpustakaan-muba', reportId: 'rekap-bulanan', periodId: '2026-11', turn, turns: 3, figures: [{ label: 'Diterima', value: 4, previous: 2 }], letters: [], notes: [] },
      ...rest,
    };
    await deps.store.putTask(task);
    return task;
  }

  test('a report\'s review turn is listed for its reviewer and their Plh, by deadline among the cases\' tasks, and opens the review page', async () => {
    const { deps, sent } = setup();
    const kabid = await signedIn(deps, sent, 'kabid.layanan@perpus.musitanggap.example.go.id');
    const plh = await signedIn(deps, sent, 'plh.kabid@perpus.musitanggap.example.go.id');
    const kasi = await signedIn(deps, sent, 'kasi.layanan@perpus.musitanggap.example.go.id');
    const step = await aCaseWithTask(deps, { stepId: 'solusi', role: 'kabid-layanan', assigneeId: 'perpus-kabid', dueAt: '2026-12-10T10:00:00+07:00' });
    const review = await aReviewTurn(deps, { turn: 2 });
    await aReviewTurn(deps, { turn: 1, status: 'done' });
    const { items } = await listInbox(deps, kabid, monday, 'id');
    expect(items.map((i) => [i.kind, i.trackingId, i.state, i.basis])).toEqual([
      ['review', 'November 2026', 'due_soon', 'assignee'],
      ['case', step.c.trackingId, 'on_time', 'assignee'],
    ]);
    expect(items[0]).toMatchObject({ title: 'Rekapitulasi pengaduan Dinas Perpustakaan dan Kearsipan — November 2026', stepName: expect.stringContaining('tahap 2 dari 3'), timeLeft: '10 menit kerja lagi' });
    const forPlh = await listInbox(deps, plh, monday, 'en');
    expect(forPlh.items.map((i) => [i.kind, i.basis, i.onBehalfOf])).toEqual([['review', 'acting', expect.any(String)], ['case', 'acting', expect.any(String)]]);
    expect((await listInbox(deps, kasi, monday, 'id')).items).toEqual([]);
    // Opening it: an inbox grant that the review page takes, with the action to forward.
    const opened = await openFromInbox(deps, plh, { caseId: review.caseId, slot: review.slot }, monday);
    expect(opened.path).toBe(`/reviews/${opened.key}`);
    const { view } = await viewReview(deps, opened.key, 'id');
    expect(view.link).toMatchObject({ holder: 'grant', may: 'act', reason: 'inbox' });
    expect(view.actions.map((a) => a.id)).toEqual(['teruskan']);
    await expect(openFromInbox(deps, kasi, { caseId: review.caseId, slot: review.slot }, monday)).rejects.toBeInstanceOf(Forbidden);
    // The Plh leaves the directory's role: the grant no longer opens the review.
    const without: Directory = { ...demoDirectory, agencies: demoDirectory.agencies.map((a) => ({ ...a, officials: a.officials.filter((o) => o.id !== 'perpus-plh-kabid') })) };
    await expect(viewReview({ ...deps, directory: without }, opened.key, 'id')).rejects.toBeInstanceOf(Gone);
    // Decided: it leaves the list.
    await deps.store.updateTask(review.caseId, review.slot, 1, { status: 'done' });
    expect((await listInbox(deps, kabid, monday, 'id')).items.map((i) => i.kind)).toEqual(['case']);
  });

  test('the inbox form refuses what is not a task id with a 404, never a 500', async () => {
    const { deps, sent } = setup();
    const me = await signedIn(deps, sent, staf);
    await expect(openFromInbox(deps, me, { caseId: 'x"<>', slot: '\\' }, monday)).rejects.toMatchObject({ status: 404 });
  });
});

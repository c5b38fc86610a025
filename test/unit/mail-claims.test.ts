/**
 * The email rule under re-runs and overlapping runs. One attempt at most calls SES for an email while
 * another attempt may be in flight (its lease): a duplicate invocation or a Task retry racing the
 * attempt it repeats, a re-entered wait, the repair sweep — on the in-memory store and on dynalite.
 * A run that died leaves its lease to run out, and the email is sent later, once. And an email resent
 * after a death in the window (SES accepted it, the claim was not marked sent) is the same email,
 * whatever instant the re-run carries — a resumed execution on the local runtime enters its state
 * again at a later time.
 */
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { parseComplaint } from '../../shared/case/complaint';
import { taskSlot } from '../../shared/case/task';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { computeStepDeadlines, finishPendingMail, MAIL_LEASE_MS, notify, openTask, recordOutcome, releaseInFlightMail } from '../../shared/usecases/workflow';
import type { NotifyRequest, OpenTaskRequest } from '../../shared/workflow/contract';
import { CrashPlan, CrashWorld, normaliseKeys } from '../support/crash-points';
import { startDynalite, type TestTable } from '../support/dynalite';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const execution = (caseId: string) => `arn:aws:states:ap-southeast-3:000000000000:execution:tanggap:${caseId}`;

/** A Health Office complaint (its first step has a limit), filed and started as intake and the first state leave it. */
async function filed(deps: Deps): Promise<string> {
  const parsed = parseComplaint({
    agencyId: 'dinkes-muba', category: 'obat', title: 'Obat "kosong" lagi',
    description: 'Obat di puskesmas kosong sejak dua minggu.\nSudah \\ ditanyakan\tdua kali 😀 <b>.',
    reporter: { name: 'Siti "Ina"', email: 'siti@example.com' },
  }, deps.directory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(deps, parsed.complaint, NOW, 'id');
  await recordOutcome(deps, { caseId, executionId: execution(caseId), enteredAt: '2026-11-23T09:30:01+07:00', kind: 'started' });
  return caseId;
}

const acknowledgement = (caseId: string, enteredAt: string): NotifyRequest => ({ caseId, executionId: execution(caseId), enteredAt, template: 'acknowledgement' });

test('an acknowledgement resent after a death in the window, by a run entered a day later, is the same email (its first step\'s due from the filing)', async () => {
  // Prepare: where the acknowledgement's run stands between SES's acceptance and the mark.
  const probe = new CrashWorld('ack-resend');
  const probeCase = await filed(probe.deps());
  const counting = new CrashPlan();
  await notify(probe.deps(counting), acknowledgement(probeCase, '2026-11-23T09:30:02+07:00'));
  const afterSend = counting.trace.indexOf('after mailer.send') + 1;
  expect(afterSend).toBeGreaterThan(0);

  const w = new CrashWorld('ack-resend');
  const caseId = await filed(w.deps());
  // Act: the run dies right after SES accepted; the execution resumes the next afternoon (a restart).
  await notify(w.deps(new CrashPlan(afterSend)), acknowledgement(caseId, '2026-11-23T09:30:02+07:00')).catch(() => undefined);
  await notify(w.deps(), acknowledgement(caseId, '2026-11-24T15:45:00+07:00'));

  // Assess: two copies (the documented window), word for word the same, and the same as an uninterrupted run's.
  const copies = w.sent.filter((m) => m.subject.startsWith('Pengaduan diterima'));
  expect(copies).toHaveLength(2);
  expect(normaliseKeys(copies[1]!.text)).toBe(normaliseKeys(copies[0]!.text));
  expect(copies[1]!.html).toBe(copies[0]!.html);
  expect(normaliseKeys(copies[0]!.text)).toBe(normaliseKeys(probe.sent[0]!.text));
  expect(await w.store.getMailClaim(caseId, 'notify#acknowledgement#-#0#0')).toMatchObject({ state: 'sent' });
});

/** A mailer whose first send waits at a gate until let through: an attempt in flight at SES. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  let reached!: () => void;
  const atGate = new Promise<void>((resolve) => { reached = resolve; });
  let armed = true;
  const wrap = (deps: Deps): Deps => ({
    ...deps,
    mailer: { send: async (m) => { if (armed) { armed = false; reached(); await opened; } return deps.mailer.send(m); } },
  });
  return { wrap, atGate, open };
}

const ACK_KEY = 'notify#acknowledgement#-#0#0';
const T = '2026-11-23T09:30:02+07:00';
const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();
const acks = (w: CrashWorld) => w.sent.filter((m) => m.subject.startsWith('Pengaduan diterima'));
const newTasks = (w: CrashWorld) => w.sent.filter((m) => m.subject.startsWith('Tugas baru'));

let table: TestTable;
beforeAll(async () => { table = await startDynalite(); }, 60_000);
afterAll(async () => { await table?.stop(); });

/** A world on the in-memory store or on dynalite (its mailer and ids the CrashWorld's). */
const stores: [string, (w: CrashWorld) => () => Deps][] = [
  ['in memory', (w) => () => w.deps()],
  ['on dynalite', (w) => { const store = new DynamoCaseStore(table.client, table.tableName); return () => ({ ...w.deps(), store }); }],
];

describe.each(stores)('overlapping runs of one email, %s', (where, on) => {
  test('a second run of a notice while the first is at SES (a duplicate invocation, a Task retry) sends nothing; the notice goes once', async () => {
    // Prepare
    const w = new CrashWorld(`ack-overlap-${where}`);
    const deps = on(w);
    const caseId = await filed(deps());
    const g = gate();
    // Act: the first attempt reaches SES and waits there; the second run comes 5 s later.
    const first = notify(g.wrap(deps()), acknowledgement(caseId, T));
    await g.atGate;
    await notify(deps(), acknowledgement(caseId, plus(T, 5_000)));
    g.open();
    await first;
    await notify(deps(), acknowledgement(caseId, plus(T, 10_000)));
    // Assess
    expect(acks(w)).toHaveLength(1);
    expect(await deps().store.getMailClaim(caseId, ACK_KEY)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  test('the repair sweep leaves a claim whose attempt may be in flight, whatever grace it is given', async () => {
    const w = new CrashWorld(`ack-sweep-${where}`);
    const deps = on(w);
    const caseId = await filed(deps());
    const g = gate();
    const first = notify(g.wrap(deps()), acknowledgement(caseId, T));
    await g.atGate;
    // Act: a sweep two minutes into the attempt, told a grace of one minute.
    expect(await finishPendingMail(deps(), new Date(plus(T, 2 * 60_000)), 1)).toEqual([]);
    g.open();
    await first;
    // Assess
    expect(acks(w)).toHaveLength(1);
  });

  test('a re-entered wait while the task\'s announcement is at SES re-binds the task and sends nothing; the one email\'s link works', async () => {
    const w = new CrashWorld(`task-overlap-${where}`);
    const deps = on(w);
    const caseId = await filed(deps());
    await computeStepDeadlines(deps(), { caseId, executionId: execution(caseId), enteredAt: T, scope: 'step', id: 'registrasi', visit: 1 });
    const opening = (taskToken: string, enteredAt: string): OpenTaskRequest => ({ caseId, executionId: execution(caseId), enteredAt, taskToken, kind: 'official', stepId: 'registrasi', visit: 1 });
    const g = gate();
    const first = openTask(g.wrap(deps()), opening('token-1', T));
    await g.atGate;
    // Act: the state is entered again (a retry of the task state, a resumed execution) with a new token.
    await openTask(deps(), opening('token-2', plus(T, 5_000)));
    g.open();
    await first;
    // Assess
    expect(newTasks(w)).toHaveLength(1);
    const task = await deps().store.getTask(caseId, taskSlot('official', 'registrasi', 1));
    expect(task).toMatchObject({ status: 'open', taskToken: 'token-2' });
    if (where === 'in memory') expect(await w.brokenLinks()).toEqual([]);
  });
});

test('a run that died before SES holds the email\'s lease: a re-run within it sends nothing, the sweep after its grace sends it once', async () => {
  // Prepare: the point just before SES in an uninterrupted run.
  const probe = new CrashWorld('ack-died');
  const probeCase = await filed(probe.deps());
  const counting = new CrashPlan();
  await notify(probe.deps(counting), acknowledgement(probeCase, T));
  const beforeSend = counting.trace.indexOf('before mailer.send') + 1;
  const w = new CrashWorld('ack-died');
  const caseId = await filed(w.deps());
  await notify(w.deps(new CrashPlan(beforeSend)), acknowledgement(caseId, T)).catch(() => undefined);

  // Act and assess: a Task retry 30 s later finds the lease running and leaves the email; nothing lost.
  await notify(w.deps(), acknowledgement(caseId, plus(T, 30_000)));
  expect(acks(w)).toHaveLength(0);
  expect(await w.store.getMailClaim(caseId, ACK_KEY)).toMatchObject({ state: 'pending' });
  expect(await finishPendingMail(w.deps(), new Date(plus(T, 11 * 60_000)))).toEqual([`${caseId}/${ACK_KEY}`]);
  expect(acks(w)).toHaveLength(1);
  expect(normaliseKeys(acks(w)[0]!.text)).toBe(normaliseKeys(probe.sent[0]!.text));
  // A re-run after the lease finds it sent.
  await notify(w.deps(), acknowledgement(caseId, plus(T, MAIL_LEASE_MS + 60_000)));
  expect(acks(w)).toHaveLength(1);
});

test('after a restart (the local runtime ends the dead process\'s leases first) the resumed run sends at once', async () => {
  const probe = new CrashWorld('ack-restart');
  const probeCase = await filed(probe.deps());
  const counting = new CrashPlan();
  await notify(probe.deps(counting), acknowledgement(probeCase, T));
  const beforeSend = counting.trace.indexOf('before mailer.send') + 1;
  const w = new CrashWorld('ack-restart');
  const caseId = await filed(w.deps());
  await notify(w.deps(new CrashPlan(beforeSend)), acknowledgement(caseId, T)).catch(() => undefined);

  // Act
  expect(await releaseInFlightMail(w.deps())).toBe(1);
  await notify(w.deps(), acknowledgement(caseId, plus(T, 8_000)));

  // Assess
  expect(acks(w)).toHaveLength(1);
  expect(await w.store.getMailClaim(caseId, ACK_KEY)).toMatchObject({ state: 'sent', attempts: 2 });
});

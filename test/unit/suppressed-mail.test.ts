/**
 * An email to an address on the suppression list (it bounced or complained), on the in-memory store
 * and on dynalite. The uninterrupted run gives it up at once: its claim failed at attempt 1 with the
 * error, one `email_failed` (attempt 1) and one `email_undeliverable` (attempts 1), `deliveryFailures`
 * 1, the regency admin told once when the address is an official's. A run that dies at any point of
 * that, then runs again, leaves exactly that — attempt counts and counters included. And nothing of it
 * can be driven by a stranger: the address is never mailed, a retry or the sweep wakes nobody again.
 */
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { DynamoSuppressionList } from '../../functions/adapters/dynamo-suppressions';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import { assigneeOf, headOf } from '../../shared/directory/resolve';
import { getSop } from '../../shared/sops';
import type { CaseStore } from '../../shared/ports';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { addressHash } from '../../shared/usecases/mail-events';
import { computeStepDeadlines, finishPendingMail, notify, openTask, recordOutcome, releaseInFlightMail } from '../../shared/usecases/workflow';
import type { NotifyRequest, OpenTaskRequest } from '../../shared/workflow/contract';
import { CrashPlan, CrashWorld, crashing } from '../support/crash-points';
import { startDynalite, type TestTable } from '../support/dynalite';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const at = '2026-11-23T09:30:00+07:00';
const later = '2026-11-23T10:30:00+07:00';
const REPORTER = 'Siti.Rahma+lapor@example.com';
/** A reporter address of each world's own (worlds on dynalite share a table, and the daily acknowledgement quota with it). */
let worlds = 0;
const reporterOfWorld = () => `Siti.Rahma-${worlds++}+lapor@example.com`;
const execution = (caseId: string) => `arn:aws:states:ap-southeast-3:000000000000:execution:tanggap:${caseId}`;
const base = (caseId: string, enteredAt = at) => ({ caseId, executionId: execution(caseId), enteredAt });

let table: TestTable;
beforeAll(async () => { table = await startDynalite(); }, 60_000);
afterAll(async () => { await table?.stop(); });

/** A world's ports on one store; `suppress` puts an address where that store's readers look for it. */
interface On {
  deps(plan?: CrashPlan): Deps;
  suppress(address: string): Promise<void>;
}
const stores: [string, (w: CrashWorld) => On][] = [
  ['in memory', (w) => ({
    deps: (plan) => w.deps(plan),
    suppress: (address) => w.suppressions.put({ addressHash: addressHash(address), reason: 'bounce', at }),
  })],
  ['on dynalite', (w) => {
    const store = new DynamoCaseStore(table.client, table.tableName);
    const list = new DynamoSuppressionList(table.client, table.tableName);
    return {
      deps: (plan) => ({ ...w.deps(plan), store: plan ? crashing<CaseStore>(store, 'store', plan) : store }),
      // The table's entry (read with the case) and the world mailer's (read by the mailer).
      suppress: async (address) => {
        const entry = { addressHash: addressHash(address), reason: 'complaint' as const, at };
        await list.put(entry);
        await w.suppressions.put(entry);
      },
    };
  }],
];

/** A library complaint filed and started, the reporter's words with quotes, a backslash, a tab, an emoji and `<`. */
async function filed(deps: Deps, reporter = REPORTER): Promise<string> {
  const parsed = parseComplaint({
    agencyId: 'perpus-muba', category: 'layanan', title: 'Buku hilang "lagi" <b>',
    description: 'Buku yang saya pinjam\ntercatat belum kembali\tpadahal sudah \\ dua kali 😀.', reporter: { name: 'Siti "Ina" Rahma', email: reporter },
  }, deps.directory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(deps, parsed.complaint, NOW, 'id');
  await recordOutcome(deps, { ...base(caseId), kind: 'started' });
  return caseId;
}

/** Whom the library's first step (`catat`) goes to, as openTask finds them. */
function catatAssignee() {
  const sop = getSop('perpustakaan-muba');
  const role = sop.steps.find((x) => x.id === 'catat')!.role;
  const units = { agencyId: 'perpus-muba', routedAgencyId: undefined };
  return [(assigneeOf(demoDirectory, sop, role, units) ?? headOf(demoDirectory, sop, role, units))!];
}

type Run = (deps: Deps) => Promise<unknown>;
interface Scenario {
  /** Prepares the case (nothing suppressed yet), suppresses, and returns the run under test. */
  prepare(deps: Deps, on: On): Promise<{ caseId: string; run: Run }>;
  claimKey: string;
  template: string;
  /** Whether the admin is told (an official's address; never for a reporter's). */
  reported: boolean;
}

const scenarios: [string, Scenario][] = [
  ['the task of an official whose address bounced (the entry read with the case)', {
    async prepare(deps, on) {
      const caseId = await filed(deps, reporterOfWorld());
      await computeStepDeadlines(deps, { ...base(caseId), scope: 'step', id: 'catat', visit: 1 });
      for (const p of catatAssignee()) await on.suppress(p.email);
      const req: OpenTaskRequest = { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 };
      return { caseId, run: (d) => openTask(d, req) };
    },
    claimKey: 'task#official#catat#1', template: 'newTask', reported: true,
  }],
  ['the rejection to a reporter whose address complained', {
    async prepare(deps, on) {
      const reporter = reporterOfWorld();
      const caseId = await filed(deps, reporter);
      await recordOutcome(deps, { ...base(caseId, later), kind: 'stepDone', stepId: 'periksa', visit: 1, decision: { action: 'reject', fields: { reason: 'Bukan "wewenang" kami.\n\\ 😀 <b>' }, actor: { personId: 'perpus-kasi', role: 'kasi-layanan' }, decidedAt: later } });
      await recordOutcome(deps, { ...base(caseId, later), kind: 'closed', reason: 'rejected' });
      // The list knows the address as it was written, whatever its case.
      await on.suppress(reporter.toUpperCase());
      const req: NotifyRequest = { ...base(caseId, later), template: 'rejection' };
      return { caseId, run: (d) => notify(d, req) };
    },
    claimKey: 'notify#rejection#-#0#0', template: 'rejection', reported: false,
  }],
];

/** What the give-up leaves, read through the store's port, the case's id replaced (each world has its own). */
async function leftBy(deps: Deps, w: CrashWorld, caseId: string, s: Scenario, sentBefore: number) {
  const c = (await deps.store.getCase(caseId))!;
  const events = (await deps.store.listEvents(caseId)).map(({ seq: _seq, ...e }) => e);
  const claim = await deps.store.getMailClaim(caseId, s.claimKey);
  const report = await deps.store.getMailClaim(caseId, `undeliverable-report#${s.template}`);
  const emails = w.sent.slice(sentBefore).map((m) => ({ to: m.to, template: m.tags?.template, subject: m.subject, text: m.text }));
  return JSON.parse(JSON.stringify({
    deliveryFailures: c.deliveryFailures, countedFailures: c.countedFailures, status: c.status, currentStep: c.currentStep,
    events, claim: claim && { state: claim.state, attempts: claim.attempts, errorName: claim.errorName, leaseUntil: claim.leaseUntil },
    report: report && { state: report.state },
    // A copy resent in the window (SES accepted the report, its mark died) is the same email: counted once.
    emails: emails.filter((m, i) => i === 0 || JSON.stringify(m) !== JSON.stringify(emails[i - 1])),
  }).replaceAll(caseId, 'CASE').replaceAll(c.trackingId, 'TRACKING'));
}

describe.each(stores)('%s', (where, on) => {
  test.each(scenarios)('%s: a death at any point, then a re-run, leaves exactly the uninterrupted give-up', async (name, s) => {
    // Prepare: the uninterrupted run, counting its crash points.
    const reference = new CrashWorld(`${where} ${name} reference`);
    const ref = on(reference);
    const prepared = await s.prepare(ref.deps(), ref);
    const sentBefore = reference.sent.length;
    const counting = new CrashPlan();
    await prepared.run(ref.deps(counting));
    const expected = await leftBy(ref.deps(), reference, prepared.caseId, s, sentBefore);
    // The give-up itself, as the standard wants it: attempt 1, counted once, nothing to the address.
    expect(expected.claim).toEqual({ state: 'failed', attempts: 1, errorName: 'RecipientSuppressed' });
    expect(expected.deliveryFailures).toBe(1);
    expect(expected.events.filter((e: { type: string }) => e.type.startsWith('email_')).map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([
      ['email_failed', expect.objectContaining({ template: s.template, attempt: 1, errorName: 'RecipientSuppressed' })],
      ['email_undeliverable', expect.objectContaining({ template: s.template, attempts: 1, errorName: 'RecipientSuppressed' })],
    ]);
    expect(expected.emails.map((m: { to: string[]; template: string }) => [m.to, m.template])).toEqual(s.reported ? [[[demoDirectory.admin.email], 'deliveryFailed']] : []);
    expect(counting.count).toBeGreaterThan(4);

    for (let n = 1; n <= counting.count; n++) {
      // Act: die at point n; the restarted runtime ends the dead run's leases; run again, and once more.
      const w = new CrashWorld(`${where} ${name} death ${n}`);
      const o = on(w);
      const again = await s.prepare(o.deps(), o);
      const before = w.sent.length;
      const plan = new CrashPlan(n);
      await again.run(o.deps(plan)).catch(() => undefined);
      expect({ n, died: plan.dead }).toEqual({ n, died: true });
      await releaseInFlightMail(o.deps());
      await again.run(o.deps());
      await again.run(o.deps());

      // Assess: exactly the uninterrupted run's records, no tolerance.
      expect({ where: `death at ${n}/${counting.count}: ${plan.diedAt}`, left: await leftBy(o.deps(), w, again.caseId, s, before) })
        .toEqual({ where: `death at ${n}/${counting.count}: ${plan.diedAt}`, left: expected });
    }
  }, 120_000);
});

describe.each(stores)('the repair sweep, %s (on AWS a dead run\'s lease runs out; nothing releases it)', (where, on) => {
  const [name, s] = scenarios[0]!;
  /** The uninterrupted run's end, and the crash points where its `k`-th SES call is about to be made. */
  async function reference(k: number) {
    const world = new CrashWorld(`${where} sweep reference ${k}`);
    const o = on(world);
    const prepared = await s.prepare(o.deps(), o);
    const before = world.sent.length;
    const counting = new CrashPlan();
    await prepared.run(o.deps(counting));
    const points = counting.trace.flatMap((label, i) => (label === 'before mailer.send' ? [i + 1] : []));
    return { expected: await leftBy(o.deps(), world, prepared.caseId, s, before), point: points[k - 1]! };
  }

  test.each([
    ['before the refused email reached the mailer: the sweep gives it up at the same attempt', 1],
    ['before the admin\'s report went: the sweep sends it, once', 2],
  ])(`${name}, a death %s; the execution's re-run after the lease adds nothing`, async (_what, k) => {
    const { expected, point } = await reference(k);
    expect(point).toBeGreaterThan(0);
    const w = new CrashWorld(`${where} sweep ${k}`);
    const o = on(w);
    const prepared = await s.prepare(o.deps(), o);
    const before = w.sent.length;
    const plan = new CrashPlan(point);
    await prepared.run(o.deps(plan)).catch(() => undefined);
    expect(plan.diedAt).toBe('before mailer.send');

    // Act: the sweep after the lease and its grace (the claim's instant is the request's: 09:30 WIB).
    const sweep = await finishPendingMail(o.deps(), new Date('2026-11-23T02:45:00Z'));
    await prepared.run(o.deps());

    // Assess: the uninterrupted run's end; the admin's report counted as the sweep's sent email.
    expect(sweep).toEqual(k === 2 ? [`${prepared.caseId}/undeliverable-report#${s.template}`] : []);
    expect(await leftBy(o.deps(), w, prepared.caseId, s, before)).toEqual(expected);
    expect(await finishPendingMail(o.deps(), new Date('2026-11-24T02:45:00Z'))).toEqual([]);
  });
});

describe('what a stranger can drive through a suppressed address', () => {
  test('complaints filed again and again with an address that bounced: never mailed, nobody woken, each given up once, nothing left to retry', async () => {
    const w = new CrashWorld('stranger-bounced');
    const deps = w.deps();
    await w.suppressions.put({ addressHash: addressHash(REPORTER), reason: 'bounce', at });
    const cases: string[] = [];
    for (let i = 0; i < 3; i++) {
      const caseId = await filed(deps);
      cases.push(caseId);
      // The acknowledgement, its Task retry, and the state entered again a minute later.
      await notify(deps, { ...base(caseId), template: 'acknowledgement' });
      await notify(deps, { ...base(caseId), template: 'acknowledgement' });
      await notify(deps, { ...base(caseId, '2026-11-23T09:31:00+07:00'), template: 'acknowledgement' });
    }
    // The repair sweep a day later, twice.
    expect(await finishPendingMail(deps, new Date('2026-11-24T02:30:00Z'))).toEqual([]);
    expect(await finishPendingMail(deps, new Date('2026-11-25T02:30:00Z'))).toEqual([]);

    // Nothing reached SES: not the address, not the admin.
    expect(w.sent).toEqual([]);
    for (const caseId of cases) {
      const events = await deps.store.listEvents(caseId);
      expect(events.filter((e) => e.type === 'email_failed').map((e) => e.data)).toEqual([expect.objectContaining({ template: 'acknowledgement', attempt: 1, errorName: 'RecipientSuppressed' })]);
      expect(events.filter((e) => e.type === 'email_undeliverable')).toHaveLength(1);
      expect((await deps.store.getCase(caseId))!.deliveryFailures).toBe(1);
    }
    expect(await releaseInFlightMail(deps)).toBe(0);
  });

  test('an official whose address bounced: the admin is told once per case, and a re-entered wait, a retry or the sweep tell nobody again', async () => {
    const w = new CrashWorld('official-bounced');
    const deps = w.deps();
    for (const p of catatAssignee()) await w.suppressions.put({ addressHash: addressHash(p.email), reason: 'bounce', at });
    const cases: string[] = [];
    for (let i = 0; i < 2; i++) {
      const caseId = await filed(deps);
      cases.push(caseId);
      await computeStepDeadlines(deps, { ...base(caseId), scope: 'step', id: 'catat', visit: 1 });
      await openTask(deps, { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });
      await openTask(deps, { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });
      await openTask(deps, { ...base(caseId, '2026-11-23T09:31:00+07:00'), taskToken: 'token-2', kind: 'official', stepId: 'catat', visit: 1 });
    }
    expect(await finishPendingMail(deps, new Date('2026-11-24T02:30:00Z'))).toEqual([]);

    // Nothing to the official's address; one report per case to the admin (each case's task needs someone).
    expect(w.sent.filter((m) => catatAssignee().some((p) => m.to.includes(p.email)))).toEqual([]);
    const reports = w.sent.filter((m) => m.tags?.template === 'deliveryFailed');
    expect(reports.map((m) => [m.to, m.tags?.caseId])).toEqual(cases.map((caseId) => [[demoDirectory.admin.email], caseId]));
    for (const caseId of cases) {
      expect((await deps.store.getCase(caseId))!.deliveryFailures).toBe(1);
      expect(await deps.store.getTask(caseId, 'official#catat#1')).toMatchObject({ status: 'open', taskToken: 'token-2' });
    }
  });
});

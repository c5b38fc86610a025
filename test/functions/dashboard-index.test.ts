/**
 * The dashboards over the real adapter and its index (gsi5 on dynalite), with 10,000 open cases of
 * one agency: the counts by step and SLA state, the first page (the longest overdue first) and the
 * next, read through Query on gsi5 only — never a Scan — in a bounded number of calls; case writes
 * keep the index in step (a closed case drops out, a case that moves on moves with it). The time of
 * the first page is a figure of `npm run bench -- dashboard`, not asserted here.
 */
import { BatchWriteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { caseItems, DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { createOfficeCalendar } from '../../shared/calendar';
import type { CaseRecord } from '../../shared/case/model';
import { demoDirectory } from '../../shared/directory';
import { getSop } from '../../shared/sops';
import type { Deps } from '../../shared/usecases/deps';
import { agencyDashboard, DASHBOARD_PAGE, dashboardViewer, parseDashboardQuery } from '../../shared/usecases/dashboard';
import { startDynalite, type TestTable } from '../support/dynalite';

// Loading 10,000 cases into dynalite takes 30–60 s on a quiet machine, minutes on a loaded one.
jest.setTimeout(600_000);

/** Monday 7 December 2026, 09:00 WIB. */
const now = new Date('2026-12-07T02:00:00Z');
const OPEN = 10_000;
const steps = getSop('dinkes-muba').steps.map((s) => s.id);
const categories = ['pelayanan', 'obat', 'jaminan', 'sanitasi', 'lainnya'];

function aCase(i: number, over: Partial<CaseRecord> = {}): CaseRecord {
  // Deadlines from ten days before now to ten days after, spread so that every step has every state.
  const dueAt = new Date(now.getTime() + (i - OPEN / 2) * 173_000).toISOString();
  return {
    caseId: `c${String(i).padStart(6, '0')}`, trackingId: `TGP-LOAD-${String(i).padStart(6, '0')}`, agencyId: 'dinkes-muba', sopId: 'dinkes-muba',
    status: 'in_progress', channel: i % 7 === 0 ? 'email' : 'web', language: 'id', title: `Keluhan ${i}`, description: 'Antrean terlalu lama di puskesmas.',
    category: categories[i % categories.length]!, reporter: { name: `Pelapor ${i}` }, anonymous: false, confidential: i % 3 === 0,
    submittedAt: '2026-11-20T09:00:00+07:00', month: '2026-11', replies: 0, verdicts: [], escalations: [], deliveryFailures: 0, version: 1,
    currentStep: { stepId: steps[i % steps.length]!, visit: 1, role: 'petugas', startedAt: '2026-11-20T09:00:00+07:00', dueAt, assigneeId: 'dinkes-petugas' },
    ...over,
  };
}

let t: TestTable;
let deps: Deps;
let store: DynamoCaseStore;
const calls: { command: string; input: Record<string, unknown> }[] = [];
const cases: CaseRecord[] = [];

beforeAll(async () => {
  t = await startDynalite();
  store = new DynamoCaseStore(t.client, t.tableName);
  for (let i = 0; i < OPEN; i++) cases.push(aCase(i));
  // Closed cases of the same agency and open ones of another: neither is on this dashboard.
  const others = [
    ...Array.from({ length: 200 }, (_, i) => aCase(OPEN + i, { status: 'closed', closedAt: '2026-12-01T10:00:00+07:00', endedMonth: '2026-12' })),
    ...Array.from({ length: 100 }, (_, i) => aCase(OPEN + 200 + i, { agencyId: 'perpus-muba', sopId: 'perpustakaan-muba' })),
  ];
  const items: Record<string, AttributeValue>[] = [...cases, ...others].flatMap(caseItems);
  const batches: Record<string, AttributeValue>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let b = batches.pop(); b; b = batches.pop()) await t.client.send(new BatchWriteItemCommand({ RequestItems: { [t.tableName]: b.map((Item) => ({ PutRequest: { Item } })) } }));
  }));
  deps = {
    store, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async () => ({ messageId: 'm' }) },
    workflow: { start: async () => ({ executionArn: 'arn' }), taskSucceeded: async () => undefined, taskFailed: async () => undefined },
    publicUrl: 'https://tanggap.example', mailFrom: 'noreply@tanggap.example', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  t.client.middlewareStack.add((next, context) => async (args) => {
    calls.push({ command: context.commandName ?? '', input: args.input as Record<string, unknown> });
    return next(args);
  }, { step: 'initialize', name: 'dashboardCallCount' });
});

afterAll(async () => {
  await t?.stop();
});

const head = dashboardViewer(demoDirectory, ['dinkes-kadin'])!;
const soonLimit = () => deps.calendar.addWorkingDays(now, 1).at.getTime();
const stateOf = (c: CaseRecord) => {
  const due = new Date(c.currentStep!.dueAt!).getTime();
  return due <= now.getTime() ? 'late' : due <= soonLimit() ? 'due_soon' : 'on_time';
};
const byDeadline = (a: CaseRecord, b: CaseRecord) => a.currentStep!.dueAt!.localeCompare(b.currentStep!.dueAt!) || a.caseId.localeCompare(b.caseId);

test('10,000 open cases: counts by step and state, the first page the longest overdue first, through gsi5 queries only', async () => {
  calls.length = 0;
  const d = await agencyDashboard(deps, head, parseDashboardQuery(deps, head, {}, now), now, 'id');
  const expected = { late: 0, due_soon: 0, on_time: 0, none: 0 };
  for (const c of cases) expected[stateOf(c)]++;
  expect(expected.late).toBeGreaterThan(4000); // the fixture is what it says
  expect(d.totals).toEqual(expected);
  for (const s of d.steps.filter((x) => x.stepId !== '_')) {
    const own = cases.filter((c) => c.currentStep!.stepId === s.stepId);
    expect(s.counts.late + s.counts.due_soon + s.counts.on_time).toBe(own.length);
    expect(s.counts.late).toBe(own.filter((c) => stateOf(c) === 'late').length);
  }
  const late = cases.filter((c) => stateOf(c) === 'late').sort(byDeadline);
  expect(d.rows.map((r) => r.trackingId)).toEqual(late.slice(0, DASHBOARD_PAGE).map((c) => c.trackingId));
  expect(d.rows.filter((r) => r.reporter === 'hidden').length).toBe(late.slice(0, DASHBOARD_PAGE).filter((c) => c.confidential).length);
  // No Scan; every read a Query of the dashboards' index; one COUNT per step and state, one page per step.
  expect(calls.map((c) => c.command).filter((c) => c !== 'QueryCommand')).toEqual([]);
  expect(calls.every((c) => c.input.IndexName === 'gsi5')).toBe(true);
  const counts = calls.filter((c) => c.input.Select === 'COUNT');
  expect(counts.length).toBeGreaterThanOrEqual(steps.length * 4);
  expect(calls.length - counts.length).toBe(steps.length + 1);

  const second = await agencyDashboard(deps, head, parseDashboardQuery(deps, head, { cursor: d.next! }, now), now, 'id');
  expect(second.rows.map((r) => r.trackingId)).toEqual(late.slice(DASHBOARD_PAGE, 2 * DASHBOARD_PAGE).map((c) => c.trackingId));
});

test('a filtered list pages to its end, each case once, in deadline order', async () => {
  const q = (cursor?: string) => parseDashboardQuery(deps, head, { state: 'due_soon', category: 'obat', channel: 'email', ...(cursor ? { cursor } : {}) }, now);
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const d = await agencyDashboard(deps, head, q(cursor), now, 'id');
    seen.push(...d.rows.map((r) => r.trackingId));
    cursor = d.next;
  } while (cursor);
  const expected = cases.filter((c) => stateOf(c) === 'due_soon' && c.category === 'obat' && c.channel === 'email').sort(byDeadline).map((c) => c.trackingId);
  expect(expected.length).toBeGreaterThan(0);
  expect(seen).toEqual(expected);
});

test('case writes keep the index: a closed case drops out, a case that moves to another step moves with it', async () => {
  const before = await agencyDashboard(deps, head, parseDashboardQuery(deps, head, {}, now), now, 'id');
  const oldest = cases.filter((c) => stateOf(c) === 'late').sort(byDeadline)[0]!;
  const second = cases.filter((c) => stateOf(c) === 'late').sort(byDeadline)[1]!;
  await store.createCase({ ...oldest, caseId: 'c-fresh', trackingId: 'TGP-FRSH-0001-X' }, { caseId: 'c-fresh', at: oldest.submittedAt, type: 'submitted', actor: { kind: 'reporter' } });
  await store.updateCase(oldest.caseId, 1, { status: 'closed', closedAt: '2026-12-07T08:00:00+07:00', endedMonth: '2026-12', currentStep: undefined });
  const later = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  await store.updateCase(second.caseId, 1, { currentStep: { ...second.currentStep!, stepId: 'persetujuan', dueAt: later } });
  const after = await agencyDashboard(deps, head, parseDashboardQuery(deps, head, {}, now), now, 'id');
  expect(after.totals.late).toBe(before.totals.late - 1); // - closed - moved + fresh
  expect(after.totals.on_time).toBe(before.totals.on_time + 1);
  expect(after.rows.map((r) => r.trackingId).slice(0, 2)).toEqual(['TGP-FRSH-0001-X', before.rows[2]!.trackingId]);
  expect(after.rows.map((r) => r.trackingId)).not.toContain(oldest.trackingId);
});

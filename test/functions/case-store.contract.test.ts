/**
 * One contract for the CaseStore port, run against the DynamoDB adapter on dynalite AND the
 * in-memory fake used by unit tests: the fake cannot drift from the adapter.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createTableInput } from '../../functions/adapters/table-definition';
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import type { CaseEvent, CaseRecord } from '../../shared/case/model';
import type { TaskGrant, TaskRecord } from '../../shared/case/task';
import { ConditionFailed, type CaseStore, type MailClaim, type SuppressionList } from '../../shared/ports';
import { DynamoSuppressionList } from '../../functions/adapters/dynamo-suppressions';
import { MemorySuppressionList } from '../support/memory-suppressions';
import { countDynamoCalls } from '../support/dynamo-calls';
import { reportCaseOf } from '../../shared/reports/report-case';
import { startDynalite, type TestTable } from '../support/dynalite';
import { waitForActiveTable } from '../../infra/local/dynalite';
import { MemoryCaseStore } from '../support/memory-case-store';
import { hashKey, keyLocator, locatedKey } from '../../shared/case/keys';

let counter = 0;
/** A case with unique ids; `over` changes what a test is about. */
function aCase(over: Partial<CaseRecord> = {}): CaseRecord {
  counter++;
  return {
    caseId: `c-contract-${counter}`,
    trackingId: `TGP-TEST-${String(counter).padStart(4, '0')}-X`,
    agencyId: 'dinkes-muba',
    sopId: 'dinkes-muba',
    status: 'received',
    channel: 'web',
    language: 'id',
    title: 'Antrean panjang',
    description: 'Antrean di puskesmas lebih dari tiga jam.',
    category: 'pelayanan',
    reporter: { name: 'Siti', email: 'siti@example.com' },
    anonymous: false,
    confidential: false,
    submittedAt: `2026-11-${String(10 + (counter % 10)).padStart(2, '0')}T09:00:00+07:00`,
    month: '2026-11',
    replies: 0,
    verdicts: [],
    escalations: [],
    deliveryFailures: 0,
    version: 1,
    ...over,
  };
}
const submitted = (c: CaseRecord): Omit<CaseEvent, 'seq'> => ({ caseId: c.caseId, at: c.submittedAt, type: 'submitted', actor: { kind: 'reporter' } });
function aTask(caseId: string, over: Partial<TaskRecord> = {}): TaskRecord {
  counter++;
  return {
    caseId, slot: `official#verify#${counter}`, kind: 'official', stepId: 'verify', visit: 1,
    keyHash: `hash-${counter}`, taskToken: `token-${counter}`, status: 'open', role: 'kepala',
    openedAt: '2026-11-10T09:00:00+07:00', version: 1, ...over,
  };
}
/** A pending grant on a task, with a key hash of its own. */
function aGrant(task: TaskRecord, over: Partial<TaskGrant> = {}): TaskGrant {
  counter++;
  return {
    caseId: task.caseId, slot: task.slot, keyHash: `grant-${counter}`, personId: 'kasi', role: 'kasi', may: 'act',
    reason: 'escalation', level: 1, grantedAt: '2026-11-10T10:00:00+07:00', status: 'pending', ...over,
  };
}
const collect = async <T>(it: AsyncIterable<T>) => { const out: T[] = []; for await (const x of it) out.push(x); return out; };
const ids = (cs: CaseRecord[]) => cs.map((c) => c.caseId);

let table: TestTable;
beforeAll(async () => { table = await startDynalite(); });
afterAll(async () => { await table.stop(); });

const stores: [string, () => CaseStore][] = [
  ['DynamoCaseStore on dynalite', () => new DynamoCaseStore(table.client, table.tableName)],
  ['MemoryCaseStore', () => new MemoryCaseStore()],
];

// The case and suppression entries read together: each store with the suppression list of its own table.
const withSuppressions: [string, () => { store: CaseStore; suppressions: SuppressionList }][] = [
  ['DynamoCaseStore on dynalite', () => ({ store: new DynamoCaseStore(table.client, table.tableName), suppressions: new DynamoSuppressionList(table.client, table.tableName) })],
  ['MemoryCaseStore', () => { const suppressions = new MemorySuppressionList(); return { store: new MemoryCaseStore(suppressions), suppressions }; }],
];

describe.each(withSuppressions)('%s with the suppression list', (_name, make) => {
  test('reads a case with the entries of the addresses asked, suppressed or not', async () => {
    const { store, suppressions } = make();
    const c = aCase({ title: 'Kutip "ganda", garis\\miring\nbaris baru\t<tab> 😀' });
    await store.createCase(c, submitted(c));
    const bounced = { addressHash: `h-bounced-${counter}`, reason: 'bounce' as const, bounceType: 'Permanent', bounceSubType: 'General', at: '2026-11-23T09:00:00+07:00' };
    await suppressions.put(bounced);

    const read = await store.getCaseWithSuppressions(c.caseId, [bounced.addressHash, `h-fine-${counter}`, bounced.addressHash]);

    expect(read.case).toEqual(c);
    expect(read.case).toEqual(await store.getCase(c.caseId));
    expect([...read.suppressions].sort(([a], [b]) => a.localeCompare(b))).toEqual([[bounced.addressHash, bounced], [`h-fine-${counter}`, undefined]]);
    // What the list itself answers for the same addresses.
    expect(await suppressions.get(bounced.addressHash)).toEqual(bounced);
  });

  test('a case that does not exist reads as none, the entries still read; no address asked reads the case alone', async () => {
    const { store, suppressions } = make();
    const bounced = { addressHash: `h-alone-${counter++}`, reason: 'complaint' as const, at: '2026-11-23T09:00:00+07:00' };
    await suppressions.put(bounced);
    const none = await store.getCaseWithSuppressions('c-nobody', [bounced.addressHash]);
    expect(none.case).toBeUndefined();
    expect(none.suppressions.get(bounced.addressHash)).toEqual(bounced);

    const c = aCase();
    await store.createCase(c, submitted(c));
    const alone = await store.getCaseWithSuppressions(c.caseId, []);
    expect(alone).toEqual({ case: c, suppressions: new Map() });
  });
});

describe.each(stores)('%s', (_name, make) => {
  let store: CaseStore;
  beforeEach(() => { store = make(); });

  test('a created case reads back by id and by tracking id, with its first event', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    expect(await store.getCase(c.caseId)).toEqual(c);
    expect(await store.getCase(c.caseId, { consistent: false })).toEqual(c);
    expect(await store.getCaseByTrackingId(c.trackingId)).toEqual(c);
    expect(await store.listEvents(c.caseId)).toEqual([{ ...submitted(c), seq: 1 }]);
    expect(await store.getCase('c-nobody')).toBeUndefined();
    expect(await store.getCaseByTrackingId('TGP-NONE-0000-0')).toBeUndefined();
  });

  test('a tracking id or a case id that exists is refused, and the loser leaves no second way in', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const sameTracking = aCase({ trackingId: c.trackingId });
    await expect(store.createCase(sameTracking, submitted(sameTracking))).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.getCase(sameTracking.caseId)).toBeUndefined();
    const sameCase = aCase({ caseId: c.caseId });
    await expect(store.createCase(sameCase, submitted(sameCase))).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.getCaseByTrackingId(sameCase.trackingId)).toBeUndefined();
    expect(await store.getCase(c.caseId)).toEqual(c);
    expect(await store.listEvents(c.caseId)).toHaveLength(1);
  });

  test('updates are optimistic: the expected version wins once, a stale or missing case is refused', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const next = await store.updateCase(c.caseId, 1, { status: 'in_progress', currentStep: { stepId: 'verify', visit: 1, role: 'kepala', startedAt: c.submittedAt } });
    expect(next).toMatchObject({ status: 'in_progress', version: 2 });
    expect(await store.getCase(c.caseId)).toEqual(next);
    await expect(store.updateCase(c.caseId, 1, { status: 'closed' })).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.updateCase('c-nobody', 1, { status: 'closed' })).rejects.toBeInstanceOf(ConditionFailed);
    expect((await store.getCase(c.caseId))?.status).toBe('in_progress');
  });

  test('an update given the case as read at that version applies to it, indexes included; a record behind the store, or of no case, is refused', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const read = (await store.getCase(c.caseId))!;
    const next = await store.updateCase(c.caseId, 1, { status: 'in_progress' }, read);
    expect(next).toMatchObject({ status: 'in_progress', title: c.title, version: 2 });
    expect(await store.getCase(c.caseId)).toEqual(next);
    expect(ids(await collect(store.casesByAgencyStatus(c.agencyId, 'in_progress')))).toContain(c.caseId);
    expect(ids(await collect(store.casesByAgencyStatus(c.agencyId, 'received')))).not.toContain(c.caseId);
    await expect(store.updateCase(c.caseId, 1, { status: 'closed' }, read)).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.updateCase('c-nobody', 1, { status: 'closed' }, { ...read, caseId: 'c-nobody' })).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.getCase(c.caseId)).toMatchObject({ status: 'in_progress', version: 2 });
  });

  test('an update may write an event with the case, once by its key; it lists with the events, never in the record', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const opened = { caseId: c.caseId, at: c.submittedAt, type: 'step_opened' as const, actor: { kind: 'system' as const }, stepId: 'catat', visit: 1, once: 'task#official#catat#1#opened' };
    const v2 = await store.updateCase(c.caseId, 1, { status: 'in_progress' }, undefined, opened);
    await store.updateCase(c.caseId, 2, { title: 'Judul baru "dengan" kutip\\ dan\nbaris' }, v2, { ...opened, at: '2026-12-31T00:00:00+07:00' });
    const events = await store.listEvents(c.caseId);
    expect(events.map((e) => [e.type, e.once])).toEqual([['submitted', undefined], ['step_opened', opened.once]]);
    expect(events[1]).toMatchObject({ at: c.submittedAt, stepId: 'catat', visit: 1 });
    const stored = (await store.getCase(c.caseId))!;
    expect(Object.keys(stored).filter((k) => k.startsWith('EVENT'))).toEqual([]);
    expect(stored.title).toBe('Judul baru "dengan" kutip\\ dan\nbaris');
  });

  test('a field patched to undefined is removed', async () => {
    const c = aCase({ question: 'Di puskesmas mana?' });
    await store.createCase(c, submitted(c));
    await store.updateCase(c.caseId, 1, { question: undefined });
    expect(await store.getCase(c.caseId)).not.toHaveProperty('question');
  });

  test('claimTracking writes a free tracking id and answers the holder of a taken one; putCase answers the stored case of a taken case id', async () => {
    const c = aCase();
    const claim = { trackingId: c.trackingId, caseId: c.caseId, keyHash: 'kh-1', claimedAt: '2026-11-10T02:00:00.000Z' };
    expect(await store.claimTracking(claim)).toBeUndefined();
    expect(await store.claimTracking({ trackingId: c.trackingId, caseId: 'c-other' })).toEqual(claim);
    // A lookup alone is no way in: the case is not there yet.
    expect(await store.getCaseByTrackingId(c.trackingId)).toBeUndefined();
    expect(await store.putCase(c, submitted(c))).toBeUndefined();
    expect(await store.getCaseByTrackingId(c.trackingId)).toEqual(c);
    // The first event came with the case, in the same write.
    expect((await store.listEvents(c.caseId)).map((e) => [e.seq, e.type])).toEqual([[1, 'submitted']]);
    // A second put of the case id writes nothing and answers what is stored.
    expect(await store.putCase({ ...c, title: 'Lain' }, submitted(c))).toEqual(c);
    expect((await store.listEvents(c.caseId))).toHaveLength(1);
  });

  test('recordStart names the execution, sets its hand-over instant and records the event once; a retry of the same execution changes nothing', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const start = (executionId: string, at: string) => ({ executionId, continueByAt: at, event: { caseId: c.caseId, at: c.submittedAt, type: 'workflow_started' as const, actor: { kind: 'system' as const }, data: { executionId }, once: 'outcome#started' } });
    const first = await store.recordStart(c.caseId, start('exec-1', '2027-01-01T00:00:00+07:00'));
    expect(first).toMatchObject({ executionArn: 'exec-1', continueBy: { executionId: 'exec-1', at: '2027-01-01T00:00:00+07:00' }, version: 2 });
    // A retried start of the same execution keeps the first instant and writes nothing.
    expect(await store.recordStart(c.caseId, start('exec-1', '2027-02-01T00:00:00+07:00'))).toEqual(first);
    // A successor keeps the case's execution name, sets its own instant, and adds no second event.
    const successor = await store.recordStart(c.caseId, start('exec-2', '2027-03-01T00:00:00+07:00'));
    expect(successor).toMatchObject({ executionArn: 'exec-1', continueBy: { executionId: 'exec-2', at: '2027-03-01T00:00:00+07:00' }, version: 3 });
    expect((await store.listEvents(c.caseId)).map((e) => [e.seq, e.type, e.once])).toEqual([[1, 'submitted', undefined], [2, 'workflow_started', 'outcome#started']]);
    // A later update keeps the events that came with the case's own writes.
    await store.updateCase(c.caseId, 3, { status: 'in_progress' });
    expect((await store.listEvents(c.caseId)).map((e) => e.type)).toEqual(['submitted', 'workflow_started']);
    expect(await store.getCase(c.caseId)).toEqual({ ...successor, status: 'in_progress', version: 4 });
    expect(await store.recordStart('c-nobody', start('exec-9', '2027-01-01T00:00:00+07:00'))).toBeUndefined();
  });

  test('recordStart with the first visit\'s deadlines writes both in one write, under rememberDeadlines\' condition; when that fails it writes nothing', async () => {
    const value = { startedAt: '2026-11-10T09:00:00+07:00', remindAt: '2026-11-11T09:00:00+07:00', dueAt: '2026-11-12T09:00:00+07:00', rungs: [{ level: 1, at: '2026-11-13T09:00:00+07:00' }], calendarVersion: 'v1', gaps: [] };
    const deadlines = (dueAt = value.dueAt) => ({ scope: 'step' as const, remembered: { key: 'verify#1', value: { ...value, dueAt } }, due: { stepDueAt: dueAt, calendarVersion: 'v1', phaseDueAt: undefined } });
    const start = (caseId: string, executionId: string, at: string, d = deadlines()) => ({ executionId, continueByAt: at, deadlines: d, event: { caseId, at: '2026-11-10T09:00:00+07:00', type: 'workflow_started' as const, actor: { kind: 'system' as const }, data: { executionId }, once: 'outcome#started' } });
    const c = aCase({ deadlines: {} });
    await store.createCase(c, submitted(c));
    // Prepare done; Act: the start with the first visit's deadlines.
    const written = await store.recordStart(c.caseId, start(c.caseId, 'exec-1', '2027-01-01T00:00:00+07:00'));
    // Assess: one version step, every field of both writes, and the event once.
    expect(written).toEqual({ ...c, executionArn: 'exec-1', continueBy: { executionId: 'exec-1', at: '2027-01-01T00:00:00+07:00' }, stepDueAt: value.dueAt, calendarVersion: 'v1', deadlines: { step: deadlines().remembered }, version: 2 });
    expect(await store.getCase(c.caseId)).toEqual(written);
    expect((await store.listEvents(c.caseId)).map((e) => e.type)).toEqual(['submitted', 'workflow_started']);
    // A retry of the same execution (other instants computed) changes nothing: the first deadlines stay.
    expect(await store.recordStart(c.caseId, start(c.caseId, 'exec-1', '2027-02-01T00:00:00+07:00', deadlines('2027-01-05T09:00:00+07:00')))).toEqual(written);
    // Another execution finding this visit's deadlines remembered: nothing written, the case as stored (continueBy not its own).
    expect(await store.recordStart(c.caseId, start(c.caseId, 'exec-2', '2027-03-01T00:00:00+07:00'))).toEqual(written);
    expect(await store.getCase(c.caseId)).toEqual(written);
    // A case written before cases kept a deadlines map: nothing written either (the caller records the start alone).
    const older = aCase();
    await store.createCase(older, submitted(older));
    expect(await store.recordStart(older.caseId, start(older.caseId, 'exec-3', '2027-01-01T00:00:00+07:00'))).toEqual(older);
    expect((await store.listEvents(older.caseId)).map((e) => e.type)).toEqual(['submitted']);
    expect(await store.recordStart('c-nobody', start('c-nobody', 'exec-9', '2027-01-01T00:00:00+07:00'))).toBeUndefined();
  });

  test('rememberDeadlines writes a visit\'s deadlines and due fields once, into a case that keeps them; otherwise undefined', async () => {
    const value = { startedAt: '2026-11-10T09:00:00+07:00', remindAt: '2026-11-11T09:00:00+07:00', dueAt: '2026-11-12T09:00:00+07:00', rungs: [], calendarVersion: 'v1', gaps: [] };
    const c = aCase({ deadlines: {} });
    await store.createCase(c, submitted(c));
    const written = await store.rememberDeadlines(c.caseId, 'step', { key: 'verify#1', value }, { stepDueAt: value.dueAt, calendarVersion: 'v1', phaseDueAt: undefined });
    expect(written).toEqual({ ...c, stepDueAt: value.dueAt, calendarVersion: 'v1', deadlines: { step: { key: 'verify#1', value } }, version: 2 });
    expect(await store.getCase(c.caseId)).toEqual(written);
    // The same visit again: nothing written (the caller reads the remembered value back).
    expect(await store.rememberDeadlines(c.caseId, 'step', { key: 'verify#1', value: { ...value, dueAt: '2027-01-01T09:00:00+07:00' } }, { stepDueAt: '2027-01-01T09:00:00+07:00' })).toBeUndefined();
    // Another scope, and the next visit of the same one, beside it.
    await store.rememberDeadlines(c.caseId, 'replyWindow', { key: 'solusi#1', value }, { replyWindowEndsAt: value.dueAt });
    expect(await store.rememberDeadlines(c.caseId, 'step', { key: 'verify#2', value }, { stepDueAt: value.dueAt })).toMatchObject({ version: 4, deadlines: { step: { key: 'verify#2' }, replyWindow: { key: 'solusi#1' } } });
    // A case written before cases kept a deadlines map, and no case at all: not written.
    const older = aCase();
    await store.createCase(older, submitted(older));
    expect(await store.rememberDeadlines(older.caseId, 'step', { key: 'verify#1', value }, { stepDueAt: value.dueAt })).toBeUndefined();
    expect(await store.getCase(older.caseId)).toEqual(older);
    expect(await store.rememberDeadlines('c-nobody', 'step', { key: 'verify#1', value }, { stepDueAt: value.dueAt })).toBeUndefined();
  });

  test('events get consecutive sequence numbers and list in order', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    for (const type of ['workflow_started', 'step_opened', 'step_completed'] as const) {
      await store.appendEvent({ caseId: c.caseId, at: c.submittedAt, type, actor: { kind: 'system' }, stepId: 'verify' });
    }
    expect((await store.listEvents(c.caseId)).map((e) => [e.seq, e.type])).toEqual([[1, 'submitted'], [2, 'workflow_started'], [3, 'step_opened'], [4, 'step_completed']]);
  });

  test('tasks: one per slot, found by key hash; a replaced key answers as superseded', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const t = aTask(c.caseId);
    await store.putTask(t);
    expect(await store.getTask(c.caseId, t.slot)).toEqual(t);
    expect(await store.getTaskByKeyHash(t.keyHash)).toEqual(t);
    expect(await store.getTaskByKeyHash('hash-nobody')).toBeUndefined();
    await expect(store.putTask({ ...t, keyHash: 'hash-other' })).rejects.toBeInstanceOf(ConditionFailed);

    const moved = await store.updateTask(c.caseId, t.slot, 1, { keyHash: `${t.keyHash}-plt`, assigneeId: 'plt' });
    expect(moved).toMatchObject({ keyHash: `${t.keyHash}-plt`, version: 2, status: 'open' });
    expect(await store.getTaskByKeyHash(`${t.keyHash}-plt`)).toEqual(moved);
    expect(await store.getTaskByKeyHash(t.keyHash)).toMatchObject({ status: 'superseded', supersededBy: `${t.keyHash}-plt`, keyHash: t.keyHash });
    await expect(store.updateTask(c.caseId, t.slot, 1, { status: 'done' })).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.updateTask(c.caseId, 'official#none#1', 1, { status: 'done' })).rejects.toBeInstanceOf(ConditionFailed);
  });

  test('a located key finds its task where it says, with no lookup item; a replaced one answers as superseded, a forged one as unknown', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const slot = 'official#catat#1';
    const first = locatedKey('A'.repeat(43), { caseId: c.caseId, slot });
    const t = { ...aTask(c.caseId), slot, keyHash: hashKey(first), keyLocated: true as const };
    await store.putTask(t);
    const at = keyLocator(first);
    expect(at).toEqual({ caseId: c.caseId, slot });
    expect(await store.getTaskLink(hashKey(first), at)).toEqual({ task: t });
    // No lookup item: the key is found only where it says.
    expect(await store.getTaskLink(hashKey(first))).toBeUndefined();
    const second = locatedKey('B'.repeat(43), { caseId: c.caseId, slot });
    const moved = await store.updateTask(c.caseId, slot, 1, { keyHash: hashKey(second), keyLocated: true });
    expect(await store.getTaskLink(hashKey(second), keyLocator(second))).toEqual({ task: moved });
    expect(await store.getTaskLink(hashKey(first), at)).toEqual({ task: { ...moved, keyHash: hashKey(first), status: 'superseded', supersededBy: hashKey(second) } });
    const forged = locatedKey('C'.repeat(43), { caseId: c.caseId, slot });
    expect(await store.getTaskLink(hashKey(forged), keyLocator(forged))).toBeUndefined();
    expect(await store.getTaskLink(hashKey(first), { caseId: c.caseId, slot: 'official#none#1' })).toBeUndefined();
    // A key of the earlier shape given to the task (a hand-over) gets its lookup again.
    const legacy = await store.updateTask(c.caseId, slot, 2, { keyHash: 'hash-legacy', assigneeId: 'plt' });
    expect(legacy.keyLocated).toBeUndefined();
    expect(await store.getTaskByKeyHash('hash-legacy')).toEqual(legacy);
  });

  test('grants: a key of their own to a task slot, pending until activated, listed with their task', async () => {
    // Prepare
    const c = aCase();
    await store.createCase(c, submitted(c));
    const t = aTask(c.caseId);
    await store.putTask(t);
    const grant = aGrant(t);

    // Act
    await store.putGrant(grant);

    // Assess: the grant's key reaches the task with the grant; the task's own key is untouched.
    expect(await store.getTaskLink(grant.keyHash)).toEqual({ task: t, grant });
    expect(await store.getTaskByKeyHash(grant.keyHash)).toBeUndefined();
    expect(await store.getTaskLink(t.keyHash)).toEqual({ task: t });
    expect(await store.getTaskLink('hash-nobody')).toBeUndefined();
    expect(await store.listGrants(c.caseId, t.slot)).toEqual([grant]);

    // Act and assess: activation is the only change.
    const active = await store.activateGrant(c.caseId, t.slot, grant.keyHash);
    expect(active).toEqual({ ...grant, status: 'active' });
    expect(await store.getTaskLink(grant.keyHash)).toEqual({ task: t, grant: active });
    expect(await store.listGrants(c.caseId, t.slot)).toEqual([active]);
  });

  test('a grant whose key exists (the task\'s or another grant\'s) is refused and changes nothing; an unknown grant cannot be activated', async () => {
    // Prepare
    const c = aCase();
    await store.createCase(c, submitted(c));
    const t = aTask(c.caseId);
    await store.putTask(t);
    const first = aGrant(t, { personId: 'kasi' });
    await store.putGrant(first);

    // Act and assess
    await expect(store.putGrant(aGrant(t, { keyHash: t.keyHash, personId: 'kadin' }))).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.putGrant(aGrant(t, { keyHash: first.keyHash, personId: 'bupati', may: 'view' }))).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.activateGrant(c.caseId, t.slot, 'grant-nobody')).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.getTaskLink(t.keyHash)).toEqual({ task: t });
    expect(await store.getTaskLink(first.keyHash)).toEqual({ task: t, grant: first });
    expect(await store.listGrants(c.caseId, t.slot)).toEqual([first]);
  });

  test('grants outlive a reassignment and see every change of their task; each slot lists its own only', async () => {
    // Prepare: two visits of one step, whose slots share a prefix (…#1 and …#10).
    const c = aCase();
    await store.createCase(c, submitted(c));
    const first = aTask(c.caseId, { slot: 'official#verify#1', visit: 1 });
    const tenth = aTask(c.caseId, { slot: 'official#verify#10', visit: 10 });
    await store.putTask(first);
    await store.putTask(tenth);
    const kasi = aGrant(first, { keyHash: 'grant-b', personId: 'kasi' });
    const bupati = aGrant(first, { keyHash: 'grant-a', personId: 'bupati', role: undefined, may: 'view', level: 3 });
    const later = aGrant(tenth, { keyHash: 'grant-c' });
    for (const g of [kasi, bupati, later]) await store.putGrant(g);

    // Act: the task is handed to an acting official, then done.
    const moved = await store.updateTask(c.caseId, first.slot, 1, { keyHash: `${first.keyHash}-plt`, assigneeId: 'plt' });
    const afterMove = await store.getTaskLink(kasi.keyHash);
    const done = await store.updateTask(c.caseId, first.slot, 2, { status: 'done', decidedBy: 'kasi', decidedOnBehalfOf: 'plt' });

    // Assess
    expect(afterMove).toEqual({ task: moved, grant: kasi });
    expect(await store.getTaskLink(first.keyHash)).toMatchObject({ task: { status: 'superseded', supersededBy: `${first.keyHash}-plt` } });
    expect(await store.getTaskLink(kasi.keyHash)).toEqual({ task: done, grant: kasi });
    expect(await store.getTaskLink(bupati.keyHash)).toEqual({ task: done, grant: bupati });
    expect(await store.listGrants(c.caseId, first.slot)).toEqual([bupati, kasi]);
    expect(await store.listGrants(c.caseId, tenth.slot)).toEqual([later]);
    expect(await store.listGrants(c.caseId, 'official#none#1')).toEqual([]);
  });

  test('claimOnce is true once until released; remember keeps the first value', async () => {
    const c = aCase();
    expect(await store.claimOnce(c.caseId, 'mail:ack')).toBe(true);
    expect(await store.claimOnce(c.caseId, 'mail:ack')).toBe(false);
    expect(await store.claimOnce(c.caseId, 'mail:other')).toBe(true);
    await store.release(c.caseId, 'mail:ack');
    expect(await store.claimOnce(c.caseId, 'mail:ack')).toBe(true);
    expect(await store.remember(c.caseId, 'deadline', { dueAt: 'first' })).toEqual({ dueAt: 'first' });
    expect(await store.remember(c.caseId, 'deadline', { dueAt: 'second' })).toEqual({ dueAt: 'first' });
  });

  test('a quota counts up to its limit, each counter apart, and concurrent takers never pass it together', async () => {
    const expires = Math.floor(Date.parse('2026-11-25T00:00:00Z') / 1000);
    const day = `ack#${counter++}#2026-11-23`;
    expect(await store.takeQuota(day, 3, expires)).toBe(true);
    expect(await store.takeQuota(day, 3, expires)).toBe(true);
    expect(await store.takeQuota(day, 3, expires)).toBe(true);
    expect(await store.takeQuota(day, 3, expires)).toBe(false);
    expect(await store.takeQuota(day, 3, expires)).toBe(false);
    expect(await store.takeQuota(`${day}-next`, 3, expires)).toBe(true);
    const racing = `ack#${counter++}#2026-11-23`;
    const taken = await Promise.all(Array.from({ length: 12 }, () => store.takeQuota(racing, 5, expires)));
    expect(taken.filter(Boolean)).toHaveLength(5);
  });

  test('mail claims: pending once, another attempt only from the attempt seen, its lease released only by that attempt, sent or failed for good, listed while pending', async () => {
    const c = aCase();
    const claim: MailClaim = {
      caseId: c.caseId, key: 'task#official#catat#1', state: 'pending', template: 'newTask', recipientRole: 'petugas',
      attempts: 1, attemptedAt: '2026-11-10T09:00:00+07:00', leaseUntil: '2026-11-10T02:03:00.000Z', redo: { kind: 'task', slot: 'official#catat#1' },
    };
    const other: MailClaim = { ...claim, key: 'notify#acknowledgement#-#0#0', template: 'acknowledgement', recipientRole: 'reporter', attemptedAt: '2026-11-10T09:05:00+07:00', redo: { kind: 'notify', request: { caseId: c.caseId, executionId: 'x', enteredAt: '2026-11-10T09:05:00+07:00', template: 'acknowledgement' } } };
    await store.claimMail(claim);
    await store.claimMail(other);
    await expect(store.claimMail(claim)).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.getMailClaim(c.caseId, claim.key)).toEqual(claim);
    const pending = async (before: string) => (await collect(store.pendingMail(before))).filter((m) => m.caseId === c.caseId).map((m) => m.key);
    // Listed by the latest attempt's instant, oldest first, strictly before the bound.
    expect(await pending('2026-11-10T02:05:00Z')).toEqual([claim.key]);
    expect(await pending('2026-11-10T03:00:00Z')).toEqual([claim.key, other.key]);

    // Two runs that saw attempt 1: one takes attempt 2 (with its lease), the other loses.
    const retried = await store.retryMail(c.caseId, claim.key, 1, '2026-11-10T09:10:00+07:00', '2026-11-10T02:13:00.000Z');
    expect(retried).toMatchObject({ state: 'pending', attempts: 2, attemptedAt: '2026-11-10T09:10:00+07:00', leaseUntil: '2026-11-10T02:13:00.000Z' });
    await expect(store.retryMail(c.caseId, claim.key, 1, '2026-11-10T09:10:00+07:00', '2026-11-10T02:13:00.000Z')).rejects.toBeInstanceOf(ConditionFailed);
    expect(await pending('2026-11-10T03:00:00Z')).toEqual([other.key, claim.key]);
    // Attempt 1 (taken over) cannot end attempt 2's lease; attempt 2 can, once, and the claim stays pending.
    await store.releaseMail(c.caseId, claim.key, 1);
    expect((await store.getMailClaim(c.caseId, claim.key))?.leaseUntil).toBe('2026-11-10T02:13:00.000Z');
    await store.releaseMail(c.caseId, claim.key, 2);
    await store.releaseMail(c.caseId, claim.key, 2);
    expect(await store.getMailClaim(c.caseId, claim.key)).toMatchObject({ state: 'pending', attempts: 2 });
    expect((await store.getMailClaim(c.caseId, claim.key))?.leaseUntil).toBeUndefined();

    await store.markMailSent(c.caseId, claim.key, 'ses-1', '2026-11-10T09:10:01+07:00');
    expect(await store.getMailClaim(c.caseId, claim.key)).toMatchObject({ state: 'sent', messageId: 'ses-1', attempts: 2 });
    await expect(store.retryMail(c.caseId, claim.key, 2, '2026-11-10T09:20:00+07:00', '2026-11-10T02:23:00.000Z')).rejects.toBeInstanceOf(ConditionFailed);
    await store.releaseMail(c.caseId, claim.key, 2); // a settled claim is left as it is
    expect(await store.getMailClaim(c.caseId, claim.key)).toMatchObject({ state: 'sent' });
    await store.dropMail(c.caseId, claim.key); // a sent claim is never dropped
    expect(await store.getMailClaim(c.caseId, claim.key)).toMatchObject({ state: 'sent' });

    await store.markMailFailed(c.caseId, other.key);
    await expect(store.markMailFailed(c.caseId, other.key)).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.getMailClaim(c.caseId, other.key)).toMatchObject({ state: 'failed' });
    expect(await pending('2026-11-11T00:00:00Z')).toEqual([]);

    // A ladder email's claim names the grant its link opens.
    const ladder = { ...claim, key: 'notify#escalation#catat#1#1' };
    await store.claimMail(ladder);
    await store.markMailSent(c.caseId, ladder.key, 'ses-2', '2026-11-10T09:11:00+07:00', { slot: 'official#catat#1', keyHash: 'grant-hash' });
    expect(await store.getMailClaim(c.caseId, ladder.key)).toMatchObject({ state: 'sent', grant: { slot: 'official#catat#1', keyHash: 'grant-hash' } });

    // A pending claim can be dropped (its email became moot); then it can be claimed afresh.
    const third = { ...claim, key: 'notify#reminder#catat#1#0' };
    await store.claimMail(third);
    await store.dropMail(c.caseId, third.key);
    expect(await store.getMailClaim(c.caseId, third.key)).toBeUndefined();
    await store.dropMail(c.caseId, 'never-claimed');
  });

  test('a claim given up with its failure: only at the attempt seen, its error kept, its lease gone, off the pending list, never taken again', async () => {
    const c = aCase();
    const claim: MailClaim = {
      caseId: c.caseId, key: 'notify#rejection#-#0#0', state: 'pending', template: 'rejection', recipientRole: 'reporter',
      attempts: 1, attemptedAt: '2026-11-10T09:00:00+07:00', leaseUntil: '2026-11-10T02:03:00.000Z', redo: { kind: 'notify', request: { caseId: c.caseId, executionId: 'x', enteredAt: '2026-11-10T09:00:00+07:00', template: 'rejection' } },
    };
    await store.claimMail(claim);
    await store.retryMail(c.caseId, claim.key, 1, '2026-11-10T09:10:00+07:00', '2026-11-10T02:13:00.000Z');
    // A run that saw attempt 1 (taken over since by attempt 2) cannot give it up.
    await expect(store.markMailFailed(c.caseId, claim.key, { attempts: 1, errorName: 'RecipientSuppressed' })).rejects.toBeInstanceOf(ConditionFailed);
    expect(await store.getMailClaim(c.caseId, claim.key)).toMatchObject({ state: 'pending', attempts: 2 });

    await store.markMailFailed(c.caseId, claim.key, { attempts: 2, errorName: 'RecipientSuppressed' });
    const failed = await store.getMailClaim(c.caseId, claim.key);
    expect(failed).toEqual({ ...claim, state: 'failed', attempts: 2, attemptedAt: '2026-11-10T09:10:00+07:00', leaseUntil: undefined, errorName: 'RecipientSuppressed' });
    expect(failed).not.toHaveProperty('leaseUntil');
    expect((await collect(store.pendingMail('2026-11-11T00:00:00Z'))).filter((m) => m.caseId === c.caseId)).toEqual([]);
    // Settled for good: neither given up again, nor taken for another attempt, nor dropped.
    await expect(store.markMailFailed(c.caseId, claim.key, { attempts: 2, errorName: 'MessageRejected' })).rejects.toBeInstanceOf(ConditionFailed);
    await expect(store.retryMail(c.caseId, claim.key, 2, '2026-11-10T09:20:00+07:00', '2026-11-10T02:23:00.000Z')).rejects.toBeInstanceOf(ConditionFailed);
    await store.dropMail(c.caseId, claim.key);
    expect(await store.getMailClaim(c.caseId, claim.key)).toMatchObject({ state: 'failed', attempts: 2, errorName: 'RecipientSuppressed' });
  });

  test('a mark with its event records the email_sent event in the same write: the claim says so, the events list it once', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const claim: MailClaim = { caseId: c.caseId, key: 'task#official#catat#1', state: 'pending', template: 'newTask', recipientRole: 'staf', attempts: 1, attemptedAt: '2026-11-10T09:10:00+07:00', redo: { kind: 'task', slot: 'official#catat#1' } };
    await store.claimMail(claim);
    const event = { caseId: c.caseId, at: claim.attemptedAt, type: 'email_sent' as const, actor: { kind: 'system' as const }, data: { template: 'newTask' }, once: `mail#${claim.key}#sent` };
    await store.markMailSent(c.caseId, claim.key, 'ses-1', claim.attemptedAt, undefined, event);
    expect(await store.getMailClaim(c.caseId, claim.key)).toMatchObject({ state: 'sent', messageId: 'ses-1', eventRecorded: true });
    await store.markMailSent(c.caseId, claim.key, 'ses-1', claim.attemptedAt, undefined, event);
    // A later event with the same once-key (a run that did not know) is refused or listed once.
    await store.appendEvent(event).catch((err: unknown) => { if (!(err instanceof ConditionFailed)) throw err; });
    await store.appendEvent({ caseId: c.caseId, at: '2026-11-10T09:11:00+07:00', type: 'step_opened', actor: { kind: 'system' }, once: 'task#official#catat#1#opened' });
    expect((await store.listEvents(c.caseId)).map((e) => [e.seq, e.type, e.once, e.data])).toEqual([
      [1, 'submitted', undefined, undefined], [2, 'email_sent', event.once, { template: 'newTask' }], [3, 'step_opened', 'task#official#catat#1#opened', undefined],
    ]);
    // A mark without an event (the regency's calendar warning) says nothing of one.
    const plain = { ...claim, key: 'calendar-gap#2027' };
    await store.claimMail(plain);
    await store.markMailSent(c.caseId, plain.key, 'ses-2', claim.attemptedAt);
    expect(await store.getMailClaim(c.caseId, plain.key)).not.toHaveProperty('eventRecorded');
  });

  test('a claimOnce marker of an email (the rule before claims had states) reads as sent', async () => {
    const c = aCase();
    expect(await store.claimOnce(c.caseId, 'mail#notify#acknowledgement#-#0#0')).toBe(true);
    expect(await store.getMailClaim(c.caseId, 'notify#acknowledgement#-#0#0')).toMatchObject({ state: 'sent' });
    await expect(store.claimMail({ caseId: c.caseId, key: 'notify#acknowledgement#-#0#0', state: 'pending', template: 'acknowledgement', recipientRole: 'reporter', attempts: 1, attemptedAt: '2026-11-10T09:00:00+07:00', redo: { kind: 'task', slot: 's' } }))
      .rejects.toBeInstanceOf(ConditionFailed);
  });

  test('an event keeps its idempotency key', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    await store.appendEvent({ caseId: c.caseId, at: c.submittedAt, type: 'step_opened', actor: { kind: 'system' }, once: 'task#official#catat#1#opened' });
    expect((await store.listEvents(c.caseId)).map((e) => e.once)).toEqual([undefined, 'task#official#catat#1#opened']);
  });

  test('an event with an idempotency key is stored once: a second append with that key fails and writes nothing', async () => {
    const c = aCase();
    await store.createCase(c, submitted(c));
    const opened = { caseId: c.caseId, at: c.submittedAt, type: 'step_opened' as const, actor: { kind: 'system' as const }, once: 'task#official#catat#1#opened' };
    await store.appendEvent(opened);
    await expect(store.appendEvent({ ...opened, at: '2026-11-11T09:00:00+07:00', to: 'someone-else' })).rejects.toBeInstanceOf(ConditionFailed);
    // Events without a key never collide, even when everything else is the same.
    await store.appendEvent({ caseId: c.caseId, at: c.submittedAt, type: 'email_sent', actor: { kind: 'system' } });
    await store.appendEvent({ caseId: c.caseId, at: c.submittedAt, type: 'email_sent', actor: { kind: 'system' } });
    const events = await store.listEvents(c.caseId);
    expect(events.map((e) => [e.seq, e.type, e.once, e.to])).toEqual([[1, 'submitted', undefined, undefined], [2, 'step_opened', opened.once, undefined], [3, 'email_sent', undefined, undefined], [4, 'email_sent', undefined, undefined]]);
    expect(events[1]!.at).toBe(c.submittedAt);
  });

  test('index queries follow every update: agency and status, month, open cases by due time', async () => {
    const agencyId = `agency-${counter}`;
    const due = (iso: string) => ({ stepId: 'verify', visit: 1, role: 'kepala', startedAt: '2026-11-02T09:00:00+07:00', dueAt: iso });
    const early = aCase({ agencyId, submittedAt: '2026-11-02T09:00:00+07:00', status: 'in_progress', currentStep: due('2026-11-05T09:00:00+07:00') });
    const late = aCase({ agencyId, submittedAt: '2026-11-03T09:00:00+07:00', status: 'in_progress', currentStep: due('2026-11-04T01:00:00Z') });
    const december = aCase({ agencyId, submittedAt: '2026-12-01T09:00:00+07:00', month: '2026-12' });
    const elsewhere = aCase({ agencyId: `${agencyId}-x`, status: 'in_progress', currentStep: due('2026-11-04T09:00:00+07:00') });
    for (const c of [late, december, early, elsewhere]) await store.createCase(c, submitted(c));

    expect(ids(await collect(store.casesByAgencyStatus(agencyId, 'in_progress')))).toEqual([early.caseId, late.caseId]);
    // Submitted before an instant: every such case, whatever the offset it was written with (a store may give later ones too).
    const before = ids(await collect(store.casesByAgencyStatus(agencyId, 'in_progress', new Date('2026-11-02T02:00:01Z'))));
    expect(before).toContain(early.caseId);
    expect(ids(await collect(store.casesByAgencyStatus(agencyId, 'in_progress', new Date('2026-10-30T00:00:00Z'))))).not.toContain(early.caseId);
    expect(ids(await collect(store.casesByMonth('2026-11', agencyId)))).toEqual([early.caseId, late.caseId]);
    expect(ids(await collect(store.casesByMonth('2026-12')))).toContain(december.caseId);
    // Ordered by the instant, whatever the offset it was written with.
    expect(ids(await collect(store.openCasesDueBefore(agencyId, '2026-11-06T00:00:00Z')))).toEqual([late.caseId, early.caseId]);
    expect(ids(await collect(store.openCasesDueBefore(agencyId, '2026-11-04T01:00:00Z')))).toEqual([]);

    await store.updateCase(early.caseId, 1, { status: 'closed', closedAt: '2026-11-04T10:00:00+07:00' });
    expect(ids(await collect(store.casesByAgencyStatus(agencyId, 'in_progress')))).toEqual([late.caseId]);
    expect(ids(await collect(store.casesByAgencyStatus(agencyId, 'closed')))).toEqual([early.caseId]);
    expect(ids(await collect(store.openCasesDueBefore(agencyId, '2026-11-06T00:00:00Z')))).toEqual([late.caseId]);
  });

  test('the heads of an agency\'s cases in a status: ids, execution and current step, oldest first, following every update', async () => {
    const agencyId = `agency-heads-${counter}`;
    const step = { stepId: 'verify', visit: 2, role: 'kepala', startedAt: '2026-11-02T09:00:00+07:00', dueAt: '2026-11-05T09:00:00+07:00', assigneeId: 'kadis' };
    const later = aCase({ agencyId, submittedAt: '2026-11-03T09:00:00+07:00', status: 'in_progress', currentStep: step, executionArn: 'arn:aws:states:ap-southeast-3:123456789012:execution:m:"x"\\y' });
    const earlier = aCase({ agencyId, submittedAt: '2026-11-02T09:00:00+07:00', status: 'in_progress', description: 'Tanda "kutip", \\ garis\nbaru\t<b> 😀' });
    const received = aCase({ agencyId });
    for (const c of [later, earlier, received]) await store.createCase(c, submitted(c));

    const heads = await collect(store.caseHeadsByAgencyStatus(agencyId, 'in_progress'));
    expect(heads).toEqual([earlier, later].map((c) => ({
      caseId: c.caseId, trackingId: c.trackingId, agencyId, sopId: c.sopId, status: 'in_progress', submittedAt: c.submittedAt,
      ...(c.executionArn ? { executionArn: c.executionArn } : {}), ...(c.currentStep ? { currentStep: c.currentStep } : {}),
    })));

    await store.updateCase(later.caseId, 1, { status: 'resolved', currentStep: { ...step, stepId: 'answer', visit: 1 } });
    expect((await collect(store.caseHeadsByAgencyStatus(agencyId, 'in_progress'))).map((h) => h.caseId)).toEqual([earlier.caseId]);
    expect(await collect(store.caseHeadsByAgencyStatus(agencyId, 'resolved'))).toEqual([expect.objectContaining({ caseId: later.caseId, status: 'resolved', currentStep: { ...step, stepId: 'answer', visit: 1 } })]);
    expect((await collect(store.caseHeadsByAgencyStatus(agencyId, 'received'))).map((h) => h.caseId)).toEqual([received.caseId]);
  });

  test('the dashboards\' index: a step\'s open cases by deadline within a range, counted and paged alike, filtered; an ended case drops out', async () => {
    const agencyId = `agency-dash-${counter}`;
    const at = (stepId: string, dueAt?: string) => ({ stepId, visit: 1, role: 'petugas', startedAt: '2026-11-02T09:00:00+07:00', ...(dueAt ? { dueAt } : {}), assigneeId: 'p1' });
    const a = aCase({ agencyId, status: 'in_progress', currentStep: at('telaah', '2026-11-05T09:00:00+07:00'), category: 'obat', title: 'Judul "satu" <a>\n🙂' });
    const b = aCase({ agencyId, status: 'in_progress', currentStep: at('telaah', '2026-11-04T01:00:00Z'), channel: 'email', submittedAt: '2026-11-03T00:30:00+07:00' });
    const c = aCase({ agencyId, status: 'in_progress', currentStep: at('telaah', '2026-11-09T09:00:00+07:00'), escalations: [{ level: 2, to: 'x', at: '2026-11-09T10:00:00+07:00', stepId: 'telaah', visit: 1, kind: 'reprimand' }] });
    const d = aCase({ agencyId, status: 'awaiting_reporter', currentStep: at('telaah') });
    const e = aCase({ agencyId, status: 'in_progress', currentStep: at('telaah-lagi', '2026-11-01T09:00:00+07:00') }); // another step, whose id begins alike
    const f = aCase({ agencyId, status: 'received' }); // no step yet
    for (const x of [a, b, c, d, e, f]) await store.createCase(x, submitted(x));
    const range = (lower?: string, upper?: string) => ({ agencyId, stepId: 'telaah', ...(lower ? { lower } : {}), ...(upper ? { upper } : {}) });
    const page = async (r: ReturnType<typeof range>, filter = {}, limit = 10, after?: string) => store.openCases(r, filter, { limit, ...(after ? { after } : {}) });

    const all = await page(range());
    expect(all.entries.map((x) => x.caseId)).toEqual([b.caseId, a.caseId, c.caseId, d.caseId]); // by the instant, no deadline last
    expect(all.next).toBeUndefined();
    expect(all.entries[1]).toMatchObject({ trackingId: a.trackingId, title: a.title, category: 'obat', escalationLevel: 0, reprimand: false, currentStep: { stepId: 'telaah' } });
    expect(all.entries[2]).toMatchObject({ escalationLevel: 2, reprimand: true });
    expect(all.entries[0]!.position).toBe(`2026-11-04T01:00:00.000Z#${b.caseId}`);
    // Due at or before 5 November 02:00 UTC (09:00 WIB): a and b, in one range.
    const late = range(undefined, '2026-11-05T02:00:00.000Z#\uffff');
    expect(await store.countOpenCases(late, {})).toBe(2);
    expect(await store.countOpenCases(range('~'), {})).toBe(1);
    expect(await store.countOpenCases({ agencyId, stepId: '_' }, {})).toBe(1);
    expect(await store.countOpenCases({ agencyId, stepId: 'telaah-lagi' }, {})).toBe(1);
    // Paged: one at a time, each after the last.
    const first = await page(range(), {}, 1);
    expect(first.entries.map((x) => x.caseId)).toEqual([b.caseId]);
    const second = await page(range(), {}, 2, first.next);
    expect(second.entries.map((x) => x.caseId)).toEqual([a.caseId, c.caseId]);
    expect((await page(range(), {}, 2, second.next)).entries.map((x) => x.caseId)).toEqual([d.caseId]);
    // Filters.
    expect((await page(range(), { category: 'obat' })).entries.map((x) => x.caseId)).toEqual([a.caseId]);
    expect((await page(range(), { channel: 'email' })).entries.map((x) => x.caseId)).toEqual([b.caseId]);
    expect(await store.countOpenCases(range(), { receivedBefore: '2026-11-03T00:00:00.000Z' })).toBe(1); // b: 2 November 17:30 UTC
    expect(await store.countOpenCases(range(), { reprimand: true })).toBe(1);
    expect(await store.countOpenCases(range(), { escalated: true })).toBe(1);
    // An ended case leaves the index.
    await store.updateCase(a.caseId, 1, { status: 'closed', closedAt: '2026-11-06T10:00:00+07:00', currentStep: undefined });
    expect((await page(range())).entries.map((x) => x.caseId)).toEqual([b.caseId, c.caseId, d.caseId]);
  });

  test('an ended case is found under the month it ended in, once, with its final state; the month it was received keeps it too', async () => {
    // Prepare: received in October, closed in November (a report of either month must find it).
    const agencyId = `agency-ended-${counter}`;
    const crossing = aCase({ agencyId, submittedAt: '2026-10-30T15:00:00+07:00', month: '2026-10', status: 'in_progress' });
    const stillOpen = aCase({ agencyId, submittedAt: '2026-10-29T15:00:00+07:00', month: '2026-10', status: 'in_progress' });
    for (const c of [crossing, stillOpen]) await store.createCase(c, submitted(c));
    expect(await collect(store.casesEndedInMonth('2026-11', agencyId))).toEqual([]);

    // Act: closed, then written again after closing (a late event must not leave a stale copy).
    await store.updateCase(crossing.caseId, 1, { status: 'closed', closedAt: '2026-11-02T10:00:00+07:00', endedMonth: '2026-11' });
    await store.updateCase(crossing.caseId, 2, { closeReason: 'rated' });

    // Assess
    const ended = await collect(store.casesEndedInMonth('2026-11', agencyId));
    expect(ids(ended)).toEqual([crossing.caseId]);
    expect(ended[0]).toMatchObject({ status: 'closed', closeReason: 'rated', version: 3, month: '2026-10' });
    expect(ids(await collect(store.casesEndedInMonth('2026-11')))).toContain(crossing.caseId);
    expect(await collect(store.casesEndedInMonth('2026-11', `${agencyId}-other`))).toEqual([]);
    expect(await collect(store.casesEndedInMonth('2026-10', agencyId))).toEqual([]);
    expect(ids(await collect(store.casesByMonth('2026-10', agencyId)))).toEqual([stillOpen.caseId, crossing.caseId]);

    // A case stored already ended (an import) is found under its month too.
    const imported = aCase({ agencyId, submittedAt: '2026-10-01T09:00:00+07:00', month: '2026-10', status: 'rejected', closedAt: '2026-11-03T09:00:00+07:00', endedMonth: '2026-11' });
    await store.createCase(imported, submitted(imported));
    expect(ids(await collect(store.casesEndedInMonth('2026-11', agencyId)))).toEqual([crossing.caseId, imported.caseId]);
  });

  test('the recap\'s read gives each list\'s cases as their report summary, in the list\'s order, after every update', async () => {
    // Prepare: received in October and ended in November (late verdict, escalation, rating, reply), another still open,
    // one received in November; a title with the characters people write.
    const agencyId = `agency-report-${counter}`;
    const crossing = aCase({ agencyId, submittedAt: '2026-10-30T15:00:00+07:00', month: '2026-10', status: 'in_progress', title: 'Ruang "baca" <tutup> & \\ antre\n\t😠' });
    const open = aCase({ agencyId, submittedAt: '2026-10-29T15:00:00+07:00', month: '2026-10', status: 'in_progress' });
    const november = aCase({ agencyId, submittedAt: '2026-11-20T09:00:00+07:00', month: '2026-11', status: 'in_progress' });
    for (const c of [crossing, open, november]) await store.createCase(c, submitted(c));
    const verdict = { scope: 'step' as const, id: 'catat', visit: 1, startedAt: '2026-10-30T15:00:00+07:00', dueAt: '2026-10-30T16:00:00+07:00', endedAt: '2026-11-02T08:00:00+07:00', onTime: false, lateByMinutes: 30, escalationLevel: 1, escalatedTo: ['kasi'] };
    await store.updateCase(crossing.caseId, 1, {
      status: 'closed', closedAt: '2026-11-02T10:00:00+07:00', endedMonth: '2026-11', verdicts: [verdict], firstAnsweredAt: '2026-11-02T08:00:00+07:00',
      escalations: [{ level: 1, to: 'kasi', at: '2026-10-30T16:00:00+07:00', stepId: 'catat', visit: 1, kind: 'escalation' }],
      rating: { satisfied: false, rating: 2, comment: 'Kurang', at: '2026-11-02T10:00:00+07:00' }, repliedAt: ['2026-11-02T09:00:00+07:00'],
    });
    const closed = (await store.getCase(crossing.caseId))!;

    // Act
    const ended = await collect(store.reportCases({ list: 'ended', month: '2026-11', agencyId }));
    const endedBefore = await collect(store.reportCases({ list: 'ended', month: '2026-11', agencyId, submittedBefore: new Date('2026-10-01T00:00:00+07:00') }));
    const received = await collect(store.reportCases({ list: 'received', month: '2026-10', agencyId }));
    const inProgress = await collect(store.reportCases({ list: 'status', agencyId, status: 'in_progress', submittedBefore: new Date('2026-11-01T00:00:00+07:00') }));

    // Assess: the summary is the case's (no reporter, no description), exactly as written
    expect(ended).toEqual([reportCaseOf(closed)]);
    expect(ended[0]!.title).toBe(crossing.title);
    expect(JSON.stringify(ended)).not.toContain('siti@example.com');
    expect(JSON.stringify(ended)).not.toContain('Kurang');
    expect(endedBefore).toEqual([]);
    expect(received).toEqual([reportCaseOf(open), reportCaseOf(closed)]);
    expect(inProgress.map((c) => c.caseId)).toEqual([open.caseId]);
  });

  test('a person\'s inbox: their open tasks and act grants by deadline, paged; done tasks and view grants are not in it; an unindexed grant leaves it', async () => {
    const person = `official-${counter}`;
    const c = aCase();
    await store.createCase(c, submitted(c));
    const late = aTask(c.caseId, { assigneeId: person, dueAt: '2026-11-12T16:00:00+07:00' });
    const soon = aTask(c.caseId, { assigneeId: person, dueAt: '2026-11-11T08:00:00+07:00' });
    const none = aTask(c.caseId, { assigneeId: person });
    const others = aTask(c.caseId, { assigneeId: 'someone-else', dueAt: '2026-11-11T09:00:00+07:00' });
    for (const t of [late, soon, none, others]) await store.putTask(t);
    const act = aGrant(others, { personId: person, may: 'act' });
    const view = aGrant(others, { personId: person, may: 'view' });
    const minted = aGrant(others, { personId: person, may: 'act', reason: 'inbox', basis: 'grant' });
    for (const g of [act, view, minted]) await store.putGrant(g);

    const all: { slot: string; via: string; dueAt?: string }[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store.inboxOf(person, { limit: 2, after });
      all.push(...page.entries.map((e) => ({ slot: e.slot, via: e.via, ...(e.dueAt ? { dueAt: e.dueAt } : {}) })));
      after = page.next;
      pages++;
    } while (after && pages < 10);
    expect(all).toEqual([
      { slot: soon.slot, via: 'assignee', dueAt: '2026-11-11T01:00:00.000Z' },
      { slot: others.slot, via: 'grant', dueAt: '2026-11-11T02:00:00.000Z' },
      { slot: late.slot, via: 'assignee', dueAt: '2026-11-12T09:00:00.000Z' },
      { slot: none.slot, via: 'assignee' },
    ]);
    expect(pages).toBeGreaterThanOrEqual(2);
    const grantEntry = (await store.inboxOf(person, { limit: 10 })).entries.find((e) => e.via === 'grant')!;
    expect(grantEntry.grant).toMatchObject({ keyHash: act.keyHash, personId: person, may: 'act', status: 'pending' });

    // Done and handed over: out of the inbox (sparse); the new assignee has it.
    await store.updateTask(c.caseId, soon.slot, 1, { status: 'done' });
    await store.updateTask(c.caseId, late.slot, 1, { assigneeId: 'plt-person' });
    await store.unindexGrant(others.caseId, others.slot, act.keyHash);
    await store.unindexGrant(others.caseId, others.slot, 'no-such-grant');
    expect((await store.inboxOf(person, { limit: 10 })).entries.map((e) => e.slot)).toEqual([none.slot]);
    expect((await store.inboxOf('plt-person', { limit: 10 })).entries.map((e) => e.slot)).toEqual([late.slot]);
    expect((await store.listGrants(others.caseId, others.slot)).map((g) => g.keyHash).sort()).toEqual([act.keyHash, view.keyHash, minted.keyHash].sort());
  });

  // 200 cases of 6 KB: 1.2 MB of cases, more than one page of a Query of whole cases (gsi1, a table made
  // before gsi7); from gsi7 the keys come in one page and the cases by key, a few ahead, in order.
  test('lists larger than one DynamoDB page (1 MB) come whole and in order', async () => {
    const agencyId = `agency-bulk-${counter}`;
    const big = 'x'.repeat(6000);
    const made: string[] = [];
    for (let i = 0; i < 200; i++) {
      const c = aCase({ agencyId, description: big, submittedAt: `2026-11-20T09:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+07:00` });
      await store.createCase(c, submitted(c));
      made.push(c.caseId);
    }
    expect(ids(await collect(store.casesByAgencyStatus(agencyId, 'received')))).toEqual(made);
  });
});

describe('DynamoCaseStore items', () => {
  test('a case and suppression entries are one BatchGetItem, read consistently', async () => {
    const store = new DynamoCaseStore(table.client, table.tableName);
    const c = aCase();
    await store.createCase(c, submitted(c));
    const inputs: Record<string, any>[] = [];
    const calls = countDynamoCalls(table.client, 'contractBatch', (input) => { inputs.push(input); return false; });
    try {
      const read = await store.getCaseWithSuppressions(c.caseId, ['h-one', 'h-two']);
      expect(read.case).toEqual(c);
    } finally {
      calls.stop();
    }
    expect(Object.fromEntries(calls.byOperation)).toEqual({ BatchGetItem: 1 });
    expect(inputs[0]!.RequestItems[table.tableName]).toMatchObject({ ConsistentRead: true });
  });

  test('a case written before report summaries were kept is read whole by the recap, once', async () => {
    // Prepare: the case item as an older version wrote it (no rpt attribute).
    const store = new DynamoCaseStore(table.client, table.tableName);
    const c = aCase({ agencyId: `agency-legacy-${counter}`, month: '2026-11' });
    await store.createCase(c, submitted(c));
    const item = (await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: marshall({ pk: `CASE#${c.caseId}`, sk: 'CASE' }) }))).Item!;
    expect(item.rpt?.S).toBeDefined();
    delete item.rpt;
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: item }));

    // Act and assess
    expect(await collect(store.reportCases({ list: 'received', month: '2026-11', agencyId: c.agencyId }))).toEqual([reportCaseOf(c)]);
  });

  test('the recap\'s months are read from its own index (gsi6), whose items are the summary and the keys, not the case', async () => {
    // Prepare: a case received in November and closed in November, with a long description.
    const store = new DynamoCaseStore(table.client, table.tableName);
    const agencyId = `agency-gsi6-${counter}`;
    const c = aCase({ agencyId, month: '2026-11', submittedAt: '2026-11-03T09:00:00+07:00', status: 'in_progress', description: 'Uraian panjang. '.repeat(200) });
    await store.createCase(c, submitted(c));
    await store.updateCase(c.caseId, 1, { status: 'closed', closedAt: '2026-11-04T10:00:00+07:00', endedMonth: '2026-11' });
    const closed = (await store.getCase(c.caseId))!;

    // Act: the index read bare, as the store reads it (no projection asked for).
    const query = (pk: string) => table.client.send(new QueryCommand({ TableName: table.tableName, IndexName: 'gsi6', KeyConditionExpression: 'gsi2pk = :p AND begins_with(gsi2sk, :a)', ExpressionAttributeValues: marshall({ ':p': pk, ':a': `${agencyId}#` }) }));
    const received = (await query('MONTH#2026-11')).Items!.map((i) => unmarshall(i));
    const ended = (await query('ENDED#2026-11')).Items!.map((i) => unmarshall(i));

    // Assess: one index item for the case and one for its ended copy, each only keys, rpt and submittedAt;
    // and the store's lists give the summaries.
    expect(received.map((i) => Object.keys(i).sort())).toEqual([['gsi2pk', 'gsi2sk', 'pk', 'rpt', 'sk', 'submittedAt']]);
    expect(ended.map((i) => [i.sk, i.gsi2sk])).toEqual([['ENDED', `${agencyId}#2026-11-04T10:00:00+07:00#${c.caseId}`]]);
    expect(JSON.parse(String(received[0]!.rpt))).toEqual(reportCaseOf(closed));
    expect(await collect(store.reportCases({ list: 'received', month: '2026-11', agencyId }))).toEqual([reportCaseOf(closed)]);
    expect(await collect(store.reportCases({ list: 'ended', month: '2026-11', agencyId }))).toEqual([reportCaseOf(closed)]);
  });

  test('on a table made before the recap\'s index (gsi6), the months are read through gsi2, with the same result', async () => {
    // Prepare: a table without gsi6 (dynalite cannot add one; on AWS the index is unreadable while it is built).
    const older = `${table.tableName}-before-gsi6-${counter}`;
    const input = createTableInput(older);
    // Such a table has gsi2 (whole cases, keyed like gsi6), which the tables made since no longer have.
    const gsi2 = { IndexName: 'gsi2', KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' as const }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' as const }], Projection: { ProjectionType: 'ALL' as const } };
    await table.client.send(new CreateTableCommand({ ...input, GlobalSecondaryIndexes: [...input.GlobalSecondaryIndexes!.filter((g) => g.IndexName !== 'gsi6'), gsi2] }));
    await waitForActiveTable(table.client, older);
    const store = new DynamoCaseStore(table.client, older);
    const c = aCase({ agencyId: `agency-before-gsi6-${counter}`, month: '2026-11', submittedAt: '2026-10-30T09:00:00+07:00', status: 'in_progress' });
    await store.createCase(c, submitted(c));
    await store.updateCase(c.caseId, 1, { status: 'closed', closedAt: '2026-11-04T10:00:00+07:00', endedMonth: '2026-11' });
    const closed = (await store.getCase(c.caseId))!;

    // Act and assess
    expect(await collect(store.reportCases({ list: 'received', month: '2026-11', agencyId: c.agencyId }))).toEqual([reportCaseOf(closed)]);
    expect(await collect(store.reportCases({ list: 'ended', month: '2026-11', agencyId: c.agencyId, submittedBefore: new Date('2026-11-01T00:00:00+07:00') }))).toEqual([reportCaseOf(closed)]);
    expect(await collect(store.casesByMonth('2026-11', c.agencyId))).toEqual([closed]);
    expect((await collect(store.casesEndedInMonth('2026-11', c.agencyId))).map((x) => x.caseId)).toEqual([c.caseId]);
  });

  test('the cases by agency and status (gsi7) hold a case\'s keys and head only; the recap and the review read each case by its key', async () => {
    // Prepare: an open case with long texts and a reporter.
    const store = new DynamoCaseStore(table.client, table.tableName);
    const agencyId = `agency-gsi7-${counter}`;
    const c = aCase({ agencyId, status: 'in_progress', submittedAt: '2026-10-20T09:00:00+07:00', month: '2026-10', description: 'Uraian panjang. '.repeat(200), currentStep: { stepId: 'verify', visit: 1, role: 'kepala', startedAt: '2026-10-20T09:00:00+07:00', assigneeId: 'kadis' } });
    await store.createCase(c, submitted(c));

    // Act: the index read bare.
    const items = (await table.client.send(new QueryCommand({ TableName: table.tableName, IndexName: 'gsi7', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: marshall({ ':p': `AGENCY#${agencyId}#in_progress` }) }))).Items!.map((i) => unmarshall(i));

    // Assess: keys and the head, nothing else; the lists that need more read it by the case's key.
    expect(items.map((i) => Object.keys(i).sort())).toEqual([['agencyId', 'caseId', 'currentStep', 'gsi1pk', 'gsi1sk', 'pk', 'sk', 'sopId', 'status', 'submittedAt', 'trackingId']]);
    expect(await collect(store.casesByAgencyStatus(agencyId, 'in_progress'))).toEqual([c]);
    expect(await collect(store.reportCases({ list: 'status', agencyId, status: 'in_progress', submittedBefore: new Date('2026-11-01T00:00:00+07:00') }))).toEqual([reportCaseOf(c)]);
  });

  test('on a table made before gsi7, the cases by agency and status are read through gsi1, with the same result', async () => {
    // Prepare: a table without gsi7 (dynalite cannot add one; on AWS the index is unreadable while it is built), with gsi1 (whole cases, keyed like gsi7).
    const older = `${table.tableName}-before-gsi7-${counter}`;
    const input = createTableInput(older);
    const gsi1 = { IndexName: 'gsi1', KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' as const }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' as const }], Projection: { ProjectionType: 'ALL' as const } };
    await table.client.send(new CreateTableCommand({ ...input, GlobalSecondaryIndexes: [...input.GlobalSecondaryIndexes!.filter((g) => g.IndexName !== 'gsi7'), gsi1] }));
    await waitForActiveTable(table.client, older);
    const store = new DynamoCaseStore(table.client, older);
    const agencyId = `agency-before-gsi7-${counter}`;
    const step = { stepId: 'verify', visit: 1, role: 'kepala', startedAt: '2026-10-20T09:00:00+07:00', assigneeId: 'kadis' };
    const c = aCase({ agencyId, status: 'in_progress', submittedAt: '2026-10-20T09:00:00+07:00', month: '2026-10', currentStep: step, executionArn: 'arn:aws:states:ap-southeast-3:123456789012:execution:m:x' });
    const old = aCase({ agencyId, status: 'in_progress', submittedAt: '2026-10-21T09:00:00+07:00', month: '2026-10' });
    for (const x of [c, old]) await store.createCase(x, submitted(x));
    // One case as written before report summaries were kept (no rpt): its summary from the whole case.
    const item = (await table.client.send(new GetItemCommand({ TableName: older, Key: marshall({ pk: `CASE#${old.caseId}`, sk: 'CASE' }) }))).Item!;
    delete item.rpt;
    await table.client.send(new PutItemCommand({ TableName: older, Item: item }));

    // Act and assess
    expect(await collect(store.caseHeadsByAgencyStatus(agencyId, 'in_progress'))).toEqual([
      { caseId: c.caseId, trackingId: c.trackingId, agencyId, sopId: c.sopId, status: 'in_progress', submittedAt: c.submittedAt, executionArn: c.executionArn, currentStep: step },
      { caseId: old.caseId, trackingId: old.trackingId, agencyId, sopId: old.sopId, status: 'in_progress', submittedAt: old.submittedAt },
    ]);
    expect(await collect(store.casesByAgencyStatus(agencyId, 'in_progress'))).toEqual([c, old]);
    expect(await collect(store.reportCases({ list: 'status', agencyId, status: 'in_progress', submittedBefore: new Date('2026-11-01T00:00:00+07:00') }))).toEqual([reportCaseOf(c), reportCaseOf(old)]);
  });

  test('the recap\'s open cases are read 100 keys a BatchGetItem, in the list\'s order, unprocessed keys asked again', async () => {
    // Prepare: 130 open cases, and a client whose first BatchGetItem answer leaves half its keys unprocessed (as throttling does).
    const agencyId = `agency-batch-${counter}`;
    const made: CaseRecord[] = [];
    for (let i = 0; i < 130; i++) {
      const c = aCase({ agencyId, status: 'in_progress', month: '2026-10', submittedAt: `2026-10-20T09:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+07:00` });
      await new DynamoCaseStore(table.client, table.tableName).createCase(c, submitted(c));
      made.push(c);
    }
    const client = new DynamoDBClient({ endpoint: table.endpoint, region: 'ap-southeast-3', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const batches: number[] = [];
    let throttled = false;
    client.middlewareStack.add((next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName !== 'BatchGetItemCommand') return out;
      const input = args.input as { RequestItems: Record<string, { Keys: unknown[] }> };
      batches.push(input.RequestItems[table.tableName]!.Keys.length);
      const output = out.output as { Responses: Record<string, Record<string, unknown>[]>; UnprocessedKeys?: Record<string, { Keys: unknown[] }> };
      if (!throttled) {
        throttled = true;
        const items = output.Responses[table.tableName]!;
        const left = items.splice(0, 40);
        output.UnprocessedKeys = { [table.tableName]: { ...input.RequestItems[table.tableName]!, Keys: left.map((i) => ({ pk: i.pk, sk: i.sk })) } };
      }
      return out;
    }, { step: 'initialize', name: 'throttleOnce' });
    const store = new DynamoCaseStore(client, table.tableName);

    // Act
    const summaries = await collect(store.reportCases({ list: 'status', agencyId, status: 'in_progress', submittedBefore: new Date('2026-11-01T00:00:00+07:00') }));
    const whole = await collect(store.casesByAgencyStatus(agencyId, 'in_progress'));
    client.destroy();

    // Assess: every case once, in order; 100 keys a call, the 40 left asked again (the recap's read), then the review's read.
    expect(summaries).toEqual(made.map((c) => reportCaseOf(c)));
    expect(whole).toEqual(made);
    expect([...batches].sort((x, y) => x - y)).toEqual([30, 30, 40, 100, 100]);
  });

  test('a store that fell back to gsi1 while gsi7 was built reads gsi7 again once gsi1 is gone', async () => {
    // Prepare: a table made now (gsi7, no gsi1), read by a store that fell back to gsi1 (a warm container
    // from the deployment that added gsi7, when the next one drops gsi1).
    const store = new DynamoCaseStore(table.client, table.tableName);
    (store as unknown as { statusIndex: string }).statusIndex = 'gsi1';
    const agencyId = `agency-after-gsi1-${counter}`;
    const c = aCase({ agencyId, status: 'in_progress', submittedAt: '2026-10-20T09:00:00+07:00', month: '2026-10' });
    await store.createCase(c, submitted(c));

    // Act and assess
    expect((await collect(store.caseHeadsByAgencyStatus(agencyId, 'in_progress'))).map((h) => h.caseId)).toEqual([c.caseId]);
    expect(await collect(store.casesByAgencyStatus(agencyId, 'in_progress'))).toEqual([c]);
    expect((store as unknown as { statusIndex: string }).statusIndex).toBe('gsi7');
  });

  test('the first events are attributes of the case item, never of the case record; an older case\'s event items list with them, once', async () => {
    const store = new DynamoCaseStore(table.client, table.tableName);
    const c = aCase();
    await store.createCase(c, submitted(c));
    await store.recordStart(c.caseId, { executionId: 'exec-1', continueByAt: '2027-01-01T00:00:00+07:00', event: { caseId: c.caseId, at: c.submittedAt, type: 'workflow_started', actor: { kind: 'system' }, once: 'outcome#started' } });
    const items = (await table.items()).filter((i) => i.pk === `CASE#${c.caseId}`);
    expect(items.map((i) => i.sk)).toEqual(['CASE']);
    expect(items[0]).toMatchObject({ 'EVENT#first': { type: 'submitted' }, 'EVENT#o#outcome#started': { type: 'workflow_started', once: 'outcome#started' } });
    expect(Object.keys((await store.getCase(c.caseId))!).filter((k) => k.startsWith('EVENT'))).toEqual([]);
    // An event item of its own under the same key (a case begun before the start's event moved into the case item) lists once.
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall({ pk: `CASE#${c.caseId}`, sk: 'EVENT#o#outcome#started', itemType: 'event', caseId: c.caseId, at: c.submittedAt, type: 'workflow_started', actor: { kind: 'system' }, once: 'outcome#started', order: 1 }) }));
    await store.appendEvent({ caseId: c.caseId, at: c.submittedAt, type: 'step_opened', actor: { kind: 'system' }, once: 'task#x#opened' });
    expect((await store.listEvents(c.caseId)).map((e) => e.type)).toEqual(['workflow_started', 'submitted', 'step_opened']);
    // An ended case's copy (sk ENDED, between the case and its events) is not read as events.
    const ended = await store.updateCase(c.caseId, 2, { status: 'closed', closedAt: '2026-11-20T09:00:00+07:00', endedMonth: '2026-11' });
    expect(ended.status).toBe('closed');
    expect((await store.listEvents(c.caseId)).map((e) => e.type)).toEqual(['workflow_started', 'submitted', 'step_opened']);
  });

  test('a grant\'s key lookup without its grant (putGrant cut short) is no key at all', async () => {
    // Prepare: the lookup is written first; the grant item never was.
    const store = new DynamoCaseStore(table.client, table.tableName);
    const c = aCase();
    await store.createCase(c, submitted(c));
    const t = aTask(c.caseId);
    await store.putTask(t);
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: marshall({ pk: 'TASKKEY#grant-half', sk: 'TASKKEY', itemType: 'taskkey', caseId: c.caseId, slot: t.slot, holder: 'grant' }) }));

    // Act and assess
    expect(await store.getTaskLink('grant-half')).toBeUndefined();
    expect(await store.getTaskByKeyHash('grant-half')).toBeUndefined();
    expect(await store.listGrants(c.caseId, t.slot)).toEqual([]);
  });

  test('a grant is its own item beside its task, and its lookup names the case and slot', async () => {
    const store = new DynamoCaseStore(table.client, table.tableName);
    const c = aCase();
    await store.createCase(c, submitted(c));
    const t = aTask(c.caseId);
    await store.putTask(t);
    const grant = aGrant(t, { keyHash: 'grant-items' });
    await store.putGrant(grant);
    const items = await table.items();
    expect(items.find((i) => i.pk === 'TASKKEY#grant-items')).toEqual({ pk: 'TASKKEY#grant-items', sk: 'TASKKEY', itemType: 'taskkey', caseId: c.caseId, slot: t.slot, holder: 'grant' });
    expect(items.find((i) => i.pk === `CASE#${c.caseId}` && i.sk === `GRANT#${t.slot}#grant-items`)).toMatchObject({ itemType: 'grant', personId: 'kasi', status: 'pending' });
    // The task item is not touched: its version (and the assignee's CSRF token) stays.
    expect(items.find((i) => i.pk === `CASE#${c.caseId}` && i.sk === `TASK#${t.slot}`)).toMatchObject({ version: 1 });
  });


  test('index attributes are rewritten with the case; the due-time index is sparse once closed', async () => {
    const store = new DynamoCaseStore(table.client, table.tableName);
    const c = aCase({ status: 'in_progress', currentStep: { stepId: 'verify', visit: 1, role: 'kepala', startedAt: '2026-11-02T09:00:00+07:00', dueAt: '2026-11-05T09:00:00+07:00' } });
    await store.createCase(c, submitted(c));
    const item = async () => (await table.items()).find((i) => i.pk === `CASE#${c.caseId}` && i.sk === 'CASE')!;
    expect(await item()).toMatchObject({ gsi1pk: `AGENCY#dinkes-muba#in_progress`, gsi2pk: 'MONTH#2026-11', gsi3pk: 'DUE#dinkes-muba', gsi3sk: `2026-11-05T02:00:00.000Z#${c.caseId}` });
    await store.updateCase(c.caseId, 1, { status: 'closed' });
    const closed = await item();
    expect(closed.gsi1pk).toBe('AGENCY#dinkes-muba#closed');
    expect(closed).not.toHaveProperty('gsi3pk');
    expect(closed).not.toHaveProperty('gsi3sk');
  });
});

/**
 * An in-memory CaseStore for unit tests. It keeps the same items as the DynamoDB adapter (case,
 * tracking lookup, events, tasks, key lookups, grants, once-markers) with the same conditions, and returns
 * copies as the SDK does. test/functions/case-store.contract.test.ts runs one suite against both,
 * so this fake cannot drift from the adapter.
 */
import { OPEN_STATUSES, type CaseEvent, type CaseRecord, type CaseStatus } from '../../shared/case/model';
import type { TaskGrant, TaskRecord } from '../../shared/case/task';
import { ConditionFailed, type CaseStore, type TaskLink } from '../../shared/ports';


/** A copy as DynamoDB would give it back: no shared references, undefined fields dropped. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryCaseStore implements CaseStore {
  private readonly cases = new Map<string, CaseRecord>();
  private readonly tracking = new Map<string, string>();
  private readonly events = new Map<string, CaseEvent[]>();
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly keys = new Map<string, { caseId: string; slot: string; holder?: 'grant' }>();
  private readonly grants = new Map<string, TaskGrant>();
  private readonly once = new Map<string, { value?: unknown }>();

  async createCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<void> {
    // Same order and conditions as the DynamoDB adapter: tracking lookup, case, first event.
    if (this.tracking.has(record.trackingId)) throw new ConditionFailed(`tracking id ${record.trackingId} exists`);
    this.tracking.set(record.trackingId, record.caseId);
    if (this.cases.has(record.caseId)) throw new ConditionFailed(`case ${record.caseId} exists`);
    this.cases.set(record.caseId, copy(record));
    await this.appendEvent(first);
  }

  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    const c = this.cases.get(caseId);
    return c && copy(c);
  }

  async getCaseByTrackingId(trackingId: string): Promise<CaseRecord | undefined> {
    const caseId = this.tracking.get(trackingId);
    const c = caseId ? this.cases.get(caseId) : undefined;
    return c && c.trackingId === trackingId ? copy(c) : undefined;
  }

  async updateCase(caseId: string, expectedVersion: number, patch: Partial<Omit<CaseRecord, 'caseId' | 'version'>>, held?: CaseRecord): Promise<CaseRecord> {
    const stored = this.cases.get(caseId);
    if (!stored) throw new ConditionFailed(`case ${caseId} does not exist`);
    if (stored.version !== expectedVersion) throw new ConditionFailed(`case ${caseId} is at version ${stored.version}, not ${expectedVersion}`);
    // As the adapter: a record the caller holds at that version is what the patch applies to.
    const current = held?.caseId === caseId && held.version === expectedVersion ? held : stored;
    const next = copy({ ...current, ...patch, caseId, version: expectedVersion + 1 }) as CaseRecord;
    this.cases.set(caseId, next);
    return copy(next);
  }

  async appendEvent(event: Omit<CaseEvent, 'seq'>): Promise<CaseEvent> {
    const list = this.events.get(event.caseId) ?? [];
    this.events.set(event.caseId, list);
    const stored = copy({ ...event, seq: list.length + 1 }) as CaseEvent;
    list.push(stored);
    return copy(stored);
  }

  async listEvents(caseId: string): Promise<CaseEvent[]> {
    return copy(this.events.get(caseId) ?? []);
  }

  async putTask(task: TaskRecord): Promise<void> {
    const id = `${task.caseId}|${task.slot}`;
    if (this.tasks.has(id)) throw new ConditionFailed(`task ${task.slot} exists`);
    this.tasks.set(id, copy(task));
    this.putKeyLookup(task);
  }

  async getTask(caseId: string, slot: string): Promise<TaskRecord | undefined> {
    const t = this.tasks.get(`${caseId}|${slot}`);
    return t && copy(t);
  }

  async getTaskByKeyHash(keyHash: string): Promise<TaskRecord | undefined> {
    const link = await this.getTaskLink(keyHash);
    return link && !link.grant ? link.task : undefined;
  }

  async getTaskLink(keyHash: string): Promise<TaskLink | undefined> {
    const ref = this.keys.get(keyHash);
    if (!ref) return undefined;
    if (ref.holder === 'grant') {
      const grant = this.grants.get(`${ref.caseId}|${ref.slot}|${keyHash}`);
      const task = grant ? await this.getTask(ref.caseId, ref.slot) : undefined;
      return task && { task, grant: copy(grant!) };
    }
    const task = await this.getTask(ref.caseId, ref.slot);
    if (!task) return undefined;
    if (task.keyHash !== keyHash) return { task: { ...task, keyHash, status: 'superseded', supersededBy: task.keyHash } };
    return { task };
  }

  async updateTask(caseId: string, slot: string, expectedVersion: number, patch: Partial<Omit<TaskRecord, 'caseId' | 'slot' | 'version'>>): Promise<TaskRecord> {
    const id = `${caseId}|${slot}`;
    const current = this.tasks.get(id);
    if (!current) throw new ConditionFailed(`task ${slot} does not exist`);
    if (current.version !== expectedVersion) throw new ConditionFailed(`task ${slot} changed meanwhile`);
    const next = copy({ ...current, ...patch, caseId, slot, version: expectedVersion + 1 }) as TaskRecord;
    if (patch.keyHash && patch.keyHash !== current.keyHash) this.putKeyLookup(next);
    this.tasks.set(id, next);
    return copy(next);
  }

  async putGrant(grant: TaskGrant): Promise<void> {
    // Same order as the DynamoDB adapter: the key lookup, then the grant.
    if (this.keys.has(grant.keyHash)) throw new ConditionFailed('task key exists');
    this.keys.set(grant.keyHash, { caseId: grant.caseId, slot: grant.slot, holder: 'grant' });
    const id = `${grant.caseId}|${grant.slot}|${grant.keyHash}`;
    if (this.grants.has(id)) throw new ConditionFailed(`grant of ${grant.slot} exists`);
    this.grants.set(id, copy(grant));
  }

  async activateGrant(caseId: string, slot: string, keyHash: string): Promise<TaskGrant> {
    const grant = this.grants.get(`${caseId}|${slot}|${keyHash}`);
    if (!grant) throw new ConditionFailed(`grant of ${slot} does not exist`);
    grant.status = 'active';
    return copy(grant);
  }

  async listGrants(caseId: string, slot: string): Promise<TaskGrant[]> {
    // In key-hash order, as the adapter's Query on `GRANT#<slot>#<keyHash>` returns them.
    return [...this.grants.values()]
      .filter((g) => g.caseId === caseId && g.slot === slot)
      .sort((a, b) => (a.keyHash < b.keyHash ? -1 : a.keyHash > b.keyHash ? 1 : 0))
      .map(copy);
  }

  async claimOnce(caseId: string, key: string): Promise<boolean> {
    const id = `${caseId}|${key}`;
    if (this.once.has(id)) return false;
    this.once.set(id, {});
    return true;
  }

  async release(caseId: string, key: string): Promise<void> {
    this.once.delete(`${caseId}|${key}`);
  }

  async remember<T extends Record<string, unknown>>(caseId: string, key: string, value: T): Promise<T> {
    const id = `${caseId}|${key}`;
    const stored = this.once.get(id);
    if (stored) return copy(stored.value) as T;
    this.once.set(id, { value: copy(value) });
    return copy(value);
  }

  async *casesByAgencyStatus(agencyId: string, status: CaseStatus, submittedBefore?: Date): AsyncIterable<CaseRecord> {
    const wanted = (c: CaseRecord) => c.agencyId === agencyId && c.status === status && (!submittedBefore || Date.parse(c.submittedAt) < submittedBefore.getTime());
    yield* this.sorted((c) => (wanted(c) ? `${c.submittedAt}#${c.caseId}` : undefined));
  }

  async *casesByMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    yield* this.sorted((c) => (c.month === month && (!agencyId || c.agencyId === agencyId) ? `${c.agencyId}#${c.submittedAt}#${c.caseId}` : undefined));
  }

  async *casesEndedInMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    yield* this.sorted((c) => (c.endedMonth === month && c.closedAt && (!agencyId || c.agencyId === agencyId) ? `${c.agencyId}#${c.closedAt}#${c.caseId}` : undefined));
  }

  async *openCasesDueBefore(agencyId: string, before: string): AsyncIterable<CaseRecord> {
    const limit = new Date(before).toISOString();
    yield* this.sorted((c) => {
      if (c.agencyId !== agencyId || !OPEN_STATUSES.includes(c.status) || !c.currentStep?.dueAt) return undefined;
      const key = `${new Date(c.currentStep.dueAt).toISOString()}#${c.caseId}`;
      return key < limit ? key : undefined;
    });
  }

  /** Cases with an index key, in the index's (byte) order, as a Query returns them. */
  private *sorted(indexKey: (c: CaseRecord) => string | undefined): Iterable<CaseRecord> {
    const hits: [string, CaseRecord][] = [];
    for (const c of this.cases.values()) {
      const k = indexKey(c);
      if (k !== undefined) hits.push([k, c]);
    }
    hits.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, c] of hits) yield copy(c);
  }

  private putKeyLookup(task: TaskRecord): void {
    if (this.keys.has(task.keyHash)) throw new ConditionFailed('task key exists');
    this.keys.set(task.keyHash, { caseId: task.caseId, slot: task.slot });
  }
}

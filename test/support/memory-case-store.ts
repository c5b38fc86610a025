/**
 * An in-memory CaseStore for unit tests. It keeps the same items as the DynamoDB adapter (case,
 * tracking lookup, events, tasks, key lookups, grants, once-markers) with the same conditions, and returns
 * copies as the SDK does. test/functions/case-store.contract.test.ts runs one suite against both,
 * so this fake cannot drift from the adapter.
 */
import { OPEN_STATUSES, caseHeadOf, type CaseEvent, type CaseHead, type CaseRecord, type CaseStatus } from '../../shared/case/model';
import { taskOfLocatedKey, type TaskGrant, type TaskRecord } from '../../shared/case/task';
import { openCaseIndexKeys } from '../../shared/case/keys';
import { reportCaseOf, type ReportCase } from '../../shared/reports/report-case';
import { ConditionFailed, type CaseStore, type InboxEntry, type InboxPage, type MailClaim, type OpenCaseEntry, type OpenCasesFilter, type OpenCasesRange, type OfficialSession, type ReportCaseList, type SessionStore, type SignInLink, type TaskLink, type TrackingClaim, type ExecutionStart, type DeadlineScope, type CaseWithSuppressions, type Suppression, type SuppressionList } from '../../shared/ports';
import { caseIdOfTracking } from '../../shared/case/tracking-id';
import type { KeyLocator } from '../../shared/case/keys';


const NO_DEADLINE = '9999-12-31T23:59:59.999Z';
const inboxDue = (dueAt: string | undefined) => (dueAt ? new Date(dueAt).toISOString() : NO_DEADLINE);

/** A copy as DynamoDB would give it back: no shared references, undefined fields dropped. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryCaseStore implements CaseStore {
  /** `suppressionList`: the suppression list of the same table, which `getCaseWithSuppressions` reads with the case. */
  constructor(private readonly suppressionList?: SuppressionList) {}

  private readonly cases = new Map<string, CaseRecord>();
  private readonly tracking = new Map<string, string>();
  private readonly trackingClaims = new Map<string, TrackingClaim>();
  private readonly events = new Map<string, CaseEvent[]>();
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly keys = new Map<string, { caseId: string; slot: string; holder?: 'grant' }>();
  private readonly grants = new Map<string, TaskGrant>();
  private readonly once = new Map<string, { value?: unknown; mail?: MailClaim }>();
  private readonly quotas = new Map<string, number>();
  /**
   * Called between the item writes of a method that writes several (as the adapter does, one
   * conditional write at a time), so that a crash test can stop a method half-way, where a killed
   * process could leave DynamoDB.
   */
  betweenWrites?: (what: string) => void;

  private between(what: string): void {
    this.betweenWrites?.(what);
  }
  /** The inbox index entries of grants (id → holder and sort key), as the adapter writes them at putGrant. */
  private readonly grantIndex = new Map<string, { personId: string; sortKey: string }>();

  async createCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<void> {
    // Same order and conditions as the DynamoDB adapter: a case under the id of its tracking id is one
    // write; another pairing writes its tracking lookup first.
    if (record.caseId !== caseIdOfTracking(record.trackingId)) {
      if (await this.claimTracking({ trackingId: record.trackingId, caseId: record.caseId })) throw new ConditionFailed(`tracking id ${record.trackingId} exists`);
      this.between('createCase: tracking lookup');
    }
    if (await this.putCase(record, first)) throw new ConditionFailed(`case ${record.caseId} exists`);
  }

  async claimTracking(claim: TrackingClaim): Promise<TrackingClaim | undefined> {
    const held = this.trackingClaims.get(claim.trackingId);
    if (held) return copy(held);
    this.tracking.set(claim.trackingId, claim.caseId);
    this.trackingClaims.set(claim.trackingId, copy(claim));
    return undefined;
  }

  async putCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<CaseRecord | undefined> {
    const stored = this.cases.get(record.caseId);
    if (stored) return copy(stored);
    // One write, as the adapter's: the case and its first event together.
    this.cases.set(record.caseId, copy(record));
    const list = this.events.get(record.caseId) ?? [];
    this.events.set(record.caseId, list);
    list.push(copy({ ...first, seq: list.length + 1 }) as CaseEvent);
    return undefined;
  }

  async recordStart(caseId: string, start: ExecutionStart): Promise<CaseRecord | undefined> {
    const stored = this.cases.get(caseId);
    if (!stored) return undefined;
    if (stored.continueBy?.executionId === start.executionId) return copy(stored);
    // As the adapter: given the first visit's deadlines, under rememberDeadlines' condition, or nothing is written.
    const d = start.deadlines;
    if (d && (!stored.deadlines || stored.deadlines[d.scope]?.key === d.remembered.key)) return copy(stored);
    const remembered = d ? { ...Object.fromEntries(Object.entries(d.due).filter(([, v]) => v !== undefined)), deadlines: { ...stored.deadlines, [d.scope]: copy(d.remembered) } } : {};
    // One write, as the adapter's: the case's fields and the event (once per case by its key).
    const next = { ...stored, ...remembered, executionArn: stored.executionArn ?? start.executionId, continueBy: { executionId: start.executionId, at: start.continueByAt }, version: stored.version + 1 } as CaseRecord;
    this.cases.set(caseId, copy(next));
    const list = this.events.get(caseId) ?? [];
    this.events.set(caseId, list);
    if (!list.some((e) => e.once === start.event.once)) list.push(copy({ ...start.event, seq: list.length + 1 }) as CaseEvent);
    return copy(next);
  }

  async rememberDeadlines(caseId: string, scope: DeadlineScope, remembered: NonNullable<CaseRecord['deadlines']>[DeadlineScope] & object, due: Partial<CaseRecord>): Promise<CaseRecord | undefined> {
    const stored = this.cases.get(caseId);
    // As the adapter: only into a case that keeps its deadlines, and not over this visit's.
    if (!stored?.deadlines || stored.deadlines[scope]?.key === remembered.key) return undefined;
    const defined = Object.fromEntries(Object.entries(due).filter(([, v]) => v !== undefined));
    const next = { ...stored, ...defined, deadlines: { ...stored.deadlines, [scope]: copy(remembered) }, version: stored.version + 1 } as CaseRecord;
    this.cases.set(caseId, copy(next));
    return copy(next);
  }

  /** Always as stored: an eventually consistent read may be a moment stale, never ahead. */
  async getCase(caseId: string, _read?: { consistent: boolean }): Promise<CaseRecord | undefined> {
    const c = this.cases.get(caseId);
    return c && copy(c);
  }

  async getCaseWithSuppressions(caseId: string, addressHashes: string[]): Promise<CaseWithSuppressions> {
    // As the adapter's one BatchGetItem, when this store is given the list it shares a table with;
    // without one it reads none of them (the mailer then reads its own list).
    const suppressions = new Map<string, Suppression | undefined>();
    if (this.suppressionList) for (const h of new Set(addressHashes)) suppressions.set(h, await this.suppressionList.get(h));
    return { case: await this.getCase(caseId), suppressions };
  }

  async getCaseByTrackingId(trackingId: string): Promise<CaseRecord | undefined> {
    // As the adapter: the case under the id of its tracking id, else the lookup of a case filed before.
    const own = this.cases.get(caseIdOfTracking(trackingId));
    if (own?.trackingId === trackingId) return copy(own);
    const caseId = this.tracking.get(trackingId);
    const c = caseId ? this.cases.get(caseId) : undefined;
    return c && c.trackingId === trackingId ? copy(c) : undefined;
  }

  async updateCase(caseId: string, expectedVersion: number, patch: Partial<Omit<CaseRecord, 'caseId' | 'version'>>, held?: CaseRecord, event?: Omit<CaseEvent, 'seq'> & { once: string }): Promise<CaseRecord> {
    const stored = this.cases.get(caseId);
    if (!stored) throw new ConditionFailed(`case ${caseId} does not exist`);
    if (stored.version !== expectedVersion) throw new ConditionFailed(`case ${caseId} is at version ${stored.version}, not ${expectedVersion}`);
    // As the adapter: a record the caller holds at that version is what the patch applies to.
    const current = held?.caseId === caseId && held.version === expectedVersion ? held : stored;
    const next = copy({ ...current, ...patch, caseId, version: expectedVersion + 1 }) as CaseRecord;
    this.cases.set(caseId, next);
    // As the adapter: the event in the same write, once by its key.
    if (event) {
      const list = this.events.get(caseId) ?? [];
      this.events.set(caseId, list);
      if (!list.some((e) => e.once === event.once)) list.push(copy({ ...event, seq: list.length + 1 }) as CaseEvent);
    }
    return copy(next);
  }

  async appendEvent(event: Omit<CaseEvent, 'seq'>): Promise<CaseEvent> {
    const list = this.events.get(event.caseId) ?? [];
    this.events.set(event.caseId, list);
    // As the adapter: one conditional write; an event with an idempotency key is stored once.
    if (event.once && list.some((e) => e.once === event.once)) throw new ConditionFailed(`event ${event.once} exists`);
    const seq = list.length + 1;
    const stored = copy({ ...event, seq }) as CaseEvent;
    list.push(stored);
    return copy(stored);
  }

  async listEvents(caseId: string): Promise<CaseEvent[]> {
    // Numbered in order on reading, as the adapter does.
    return copy(this.events.get(caseId) ?? []).map((e, i) => ({ ...e, seq: i + 1 }));
  }

  async putTask(task: TaskRecord): Promise<void> {
    const id = `${task.caseId}|${task.slot}`;
    if (this.tasks.has(id)) throw new ConditionFailed(`task ${task.slot} exists`);
    this.tasks.set(id, copy(task));
    this.between('putTask: task');
    if (!task.keyLocated) this.putKeyLookup(task);
  }

  async getTask(caseId: string, slot: string): Promise<TaskRecord | undefined> {
    const t = this.tasks.get(`${caseId}|${slot}`);
    return t && copy(t);
  }

  async getTaskByKeyHash(keyHash: string, at?: KeyLocator): Promise<TaskRecord | undefined> {
    const link = await this.getTaskLink(keyHash, at);
    return link && !link.grant ? link.task : undefined;
  }

  async getTaskLink(keyHash: string, at?: KeyLocator): Promise<TaskLink | undefined> {
    if (at) {
      const task = taskOfLocatedKey(await this.getTask(at.caseId, at.slot), keyHash);
      return task ? { task } : undefined;
    }
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
    if (patch.keyHash && patch.keyHash !== current.keyHash) {
      // As the adapter: the replaced key is kept for its 410; a key of the earlier shape gets its lookup.
      next.formerKeyHashes = [...(current.formerKeyHashes ?? []), current.keyHash].slice(-16);
      if (patch.keyLocated) next.keyLocated = true;
      else {
        delete next.keyLocated;
        this.putKeyLookup(next);
        this.between('updateTask: key lookup');
      }
    }
    this.tasks.set(id, next);
    return copy(next);
  }

  async putGrant(grant: TaskGrant): Promise<void> {
    // Same order as the DynamoDB adapter: the key lookup, then the grant.
    if (this.keys.has(grant.keyHash)) throw new ConditionFailed('task key exists');
    this.keys.set(grant.keyHash, { caseId: grant.caseId, slot: grant.slot, holder: 'grant' });
    this.between('putGrant: key lookup');
    const id = `${grant.caseId}|${grant.slot}|${grant.keyHash}`;
    if (this.grants.has(id)) throw new ConditionFailed(`grant of ${grant.slot} exists`);
    this.grants.set(id, copy(grant));
    if (grant.may === 'act' && grant.reason !== 'inbox') {
      const task = this.tasks.get(`${grant.caseId}|${grant.slot}`);
      this.grantIndex.set(id, { personId: grant.personId, sortKey: `${inboxDue(task?.dueAt)}#${grant.caseId}#${grant.slot}#G#${grant.keyHash}` });
    }
  }

  async inboxOf(personId: string, page: { limit: number; after?: string }): Promise<InboxPage> {
    // The same entries in the same order as the adapter's gsi4: open official tasks by assignee, indexed act grants.
    const hits: [string, InboxEntry][] = [];
    for (const t of this.tasks.values()) {
      if (t.status === 'open' && (t.kind === 'official' || t.kind === 'reportReview') && t.assigneeId === personId) {
        hits.push([`${inboxDue(t.dueAt)}#${t.caseId}#${t.slot}#T`, { caseId: t.caseId, slot: t.slot, ...(t.dueAt ? { dueAt: new Date(t.dueAt).toISOString() } : {}), via: 'assignee' }]);
      }
    }
    for (const [id, ix] of this.grantIndex) {
      const g = this.grants.get(id)!;
      const due = ix.sortKey.split('#')[0]!;
      if (ix.personId === personId) hits.push([ix.sortKey, { caseId: g.caseId, slot: g.slot, ...(due !== NO_DEADLINE ? { dueAt: due } : {}), via: 'grant', grant: copy(g) }]);
    }
    hits.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const after = page.after ? Buffer.from(page.after, 'base64url').toString('utf8') : undefined;
    const rest = after ? hits.filter(([k]) => k > after) : hits;
    const entries = rest.slice(0, page.limit);
    const next = rest.length > page.limit ? Buffer.from(entries.at(-1)![0]).toString('base64url') : undefined;
    return { entries: entries.map(([, e]) => e), ...(next ? { next } : {}) };
  }

  async unindexGrant(caseId: string, slot: string, keyHash: string): Promise<void> {
    this.grantIndex.delete(`${caseId}|${slot}|${keyHash}`);
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

  async claimMail(claim: MailClaim): Promise<void> {
    const id = `${claim.caseId}|mail#${claim.key}`;
    if (this.once.has(id)) throw new ConditionFailed(`mail ${claim.key} claimed`);
    this.once.set(id, { mail: copy(claim) });
  }

  async getMailClaim(caseId: string, key: string): Promise<MailClaim | undefined> {
    const stored = this.once.get(`${caseId}|mail#${key}`);
    if (!stored) return undefined;
    // As the adapter: a claimOnce marker (before claims had states) reads as sent.
    return stored.mail ? copy(stored.mail) : { caseId, key, state: 'sent', template: 'unknown', recipientRole: 'unknown', attempts: 1, attemptedAt: '1970-01-01T00:00:00Z', redo: { kind: 'task', slot: '' } };
  }

  async retryMail(caseId: string, key: string, seenAttempts: number, at: string, leaseUntil: string): Promise<MailClaim> {
    const mail = this.once.get(`${caseId}|mail#${key}`)?.mail;
    if (!mail || mail.state !== 'pending' || mail.attempts !== seenAttempts) throw new ConditionFailed(`mail ${key} is not pending at attempt ${seenAttempts}`);
    mail.attempts = seenAttempts + 1;
    mail.attemptedAt = at;
    mail.leaseUntil = leaseUntil;
    return copy(mail);
  }

  async releaseMail(caseId: string, key: string, attempts: number): Promise<void> {
    const mail = this.once.get(`${caseId}|mail#${key}`)?.mail;
    if (mail?.state === 'pending' && mail.attempts === attempts) delete mail.leaseUntil;
  }

  async markMailSent(caseId: string, key: string, messageId: string, at: string, grant?: { slot: string; keyHash: string }, event?: Omit<CaseEvent, 'seq'> & { once: string }): Promise<void> {
    const stored = this.once.get(`${caseId}|mail#${key}`);
    if (!stored) throw new ConditionFailed(`mail ${key} is not claimed`);
    // One write, as the adapter's: the mark and, with `event`, the email's event (once by its key).
    if (stored.mail) Object.assign(stored.mail, { state: 'sent', messageId, sentAt: at }, grant ? { grant: copy(grant) } : {}, event ? { eventRecorded: true } : {});
    if (event) {
      const list = this.events.get(event.caseId) ?? [];
      this.events.set(event.caseId, list);
      if (!list.some((e) => e.once === event.once)) list.push(copy({ ...event, seq: list.length + 1 }) as CaseEvent);
    }
  }

  async markMailFailed(caseId: string, key: string, failure?: { attempts: number; errorName: string }): Promise<void> {
    const mail = this.once.get(`${caseId}|mail#${key}`)?.mail;
    if (!mail || mail.state !== 'pending' || (failure && mail.attempts !== failure.attempts)) throw new ConditionFailed(`mail ${key} is not pending`);
    // As the adapter: settled, no attempt is in flight any more (no lease).
    mail.state = 'failed';
    delete mail.leaseUntil;
    if (failure) mail.errorName = failure.errorName;
  }

  async dropMail(caseId: string, key: string): Promise<void> {
    const id = `${caseId}|mail#${key}`;
    if (this.once.get(id)?.mail?.state === 'pending') this.once.delete(id);
  }

  async *pendingMail(before: string): AsyncIterable<MailClaim> {
    const limit = new Date(before).toISOString();
    const hits: [string, MailClaim][] = [];
    for (const { mail } of this.once.values()) {
      if (mail?.state !== 'pending') continue;
      const key = `${new Date(mail.attemptedAt).toISOString()}#${mail.caseId}#${mail.key}`;
      if (key < limit) hits.push([key, mail]);
    }
    hits.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // As gsi3 projects them: without the lease (MailClaim.leaseUntil).
    for (const [, { leaseUntil: _lease, ...mail }] of hits) yield copy(mail);
  }

  /**
   * Everything stored, for tests that compare two runs (crash points): cases, events, tasks, key
   * lookups, grants and once-markers (mail claims among them).
   */
  snapshot() {
    return copy({
      cases: [...this.cases.values()],
      events: [...this.events.values()].flat(),
      tasks: [...this.tasks.values()],
      keys: [...this.keys.entries()].map(([keyHash, ref]) => ({ keyHash, ...ref })),
      grants: [...this.grants.values()],
      once: [...this.once.entries()].map(([id, v]) => ({ id, ...v })),
    });
  }

  async remember<T extends Record<string, unknown>>(caseId: string, key: string, value: T): Promise<T> {
    const id = `${caseId}|${key}`;
    const stored = this.once.get(id);
    if (stored) return copy(stored.value) as T;
    this.once.set(id, { value: copy(value) });
    return copy(value);
  }

  async takeQuota(counter: string, limit: number, _expiresAt: number): Promise<boolean> {
    const used = this.quotas.get(counter) ?? 0;
    if (used >= limit) return false;
    this.quotas.set(counter, used + 1);
    return true;
  }

  async *casesByAgencyStatus(agencyId: string, status: CaseStatus, submittedBefore?: Date): AsyncIterable<CaseRecord> {
    const wanted = (c: CaseRecord) => c.agencyId === agencyId && c.status === status && (!submittedBefore || Date.parse(c.submittedAt) < submittedBefore.getTime());
    yield* this.sorted((c) => (wanted(c) ? `${c.submittedAt}#${c.caseId}` : undefined));
  }

  async *caseHeadsByAgencyStatus(agencyId: string, status: CaseStatus): AsyncIterable<CaseHead> {
    for await (const c of this.casesByAgencyStatus(agencyId, status)) yield caseHeadOf(c);
  }

  async *casesByMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    yield* this.sorted((c) => (c.month === month && (!agencyId || c.agencyId === agencyId) ? `${c.agencyId}#${c.submittedAt}#${c.caseId}` : undefined));
  }

  async *casesEndedInMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    yield* this.sorted((c) => (c.endedMonth === month && c.closedAt && (!agencyId || c.agencyId === agencyId) ? `${c.agencyId}#${c.closedAt}#${c.caseId}` : undefined));
  }

  async *reportCases(list: ReportCaseList): AsyncIterable<ReportCase> {
    const cases = list.list === 'received' ? this.casesByMonth(list.month, list.agencyId)
      : list.list === 'ended' ? this.casesEndedInMonth(list.month, list.agencyId)
        : this.casesByAgencyStatus(list.agencyId, list.status, list.submittedBefore);
    const early = (c: CaseRecord) => list.list !== 'ended' || !list.submittedBefore || Date.parse(c.submittedAt) < list.submittedBefore.getTime();
    for await (const c of cases) if (early(c)) yield reportCaseOf(c);
  }

  async *openCasesDueBefore(agencyId: string, before: string): AsyncIterable<CaseRecord> {
    const limit = new Date(before).toISOString();
    yield* this.sorted((c) => {
      if (c.agencyId !== agencyId || !OPEN_STATUSES.includes(c.status) || !c.currentStep?.dueAt) return undefined;
      const key = `${new Date(c.currentStep.dueAt).toISOString()}#${c.caseId}`;
      return key < limit ? key : undefined;
    });
  }

  async countOpenCases(range: OpenCasesRange, filter: OpenCasesFilter): Promise<number> {
    return this.openInRange(range, filter).length;
  }

  async openCases(range: OpenCasesRange, filter: OpenCasesFilter, page: { limit: number; after?: string }): Promise<{ entries: OpenCaseEntry[]; next?: string }> {
    const all = this.openInRange(range, filter).filter((e) => page.after === undefined || e.position > page.after);
    const entries = all.slice(0, page.limit);
    return all.length > page.limit ? { entries, next: entries[entries.length - 1]!.position } : { entries };
  }

  /** The same entries in the same order as the adapter's gsi5 range with its filter. */
  private openInRange(range: OpenCasesRange, filter: OpenCasesFilter): OpenCaseEntry[] {
    const lo = `${range.stepId}#${range.lower ?? ''}`;
    const hi = `${range.stepId}#${range.upper ?? '\uffff'}`;
    const hits: [string, OpenCaseEntry][] = [];
    for (const c of this.cases.values()) {
      const k = openCaseIndexKeys(c);
      if (k.gsi5pk !== `OPEN#${range.agencyId}` || k.gsi5sk! < lo || k.gsi5sk! > hi) continue;
      if (filter.category !== undefined && c.category !== filter.category) continue;
      if (filter.channel !== undefined && c.channel !== filter.channel) continue;
      if (filter.receivedFrom !== undefined && k.gsi5sub! < filter.receivedFrom) continue;
      if (filter.receivedBefore !== undefined && k.gsi5sub! >= filter.receivedBefore) continue;
      if (filter.escalated && k.gsi5esc === '0') continue;
      if (filter.reprimand && k.gsi5rep !== '1') continue;
      const { caseId, trackingId, agencyId, sopId, routedAgencyId, title, category, channel, submittedAt, status, currentStep, confidential, anonymous, reporter } = copy(c);
      hits.push([k.gsi5sk!, {
        caseId, trackingId, agencyId, sopId, ...(routedAgencyId ? { routedAgencyId } : {}), title, category, channel, submittedAt, status,
        ...(currentStep ? { currentStep } : {}), confidential, anonymous, ...(reporter ? { reporter } : {}),
        escalationLevel: Number(k.gsi5esc), reprimand: k.gsi5rep === '1', position: k.gsi5sk!.slice(k.gsi5sk!.indexOf('#') + 1),
      }]);
    }
    hits.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return hits.map(([, e]) => e);
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

/** Sign-in links and sessions in memory, with the conditions of functions/adapters/dynamo-session-store.ts. */
export class MemorySessionStore implements SessionStore {
  private readonly links = new Map<string, SignInLink & { usedAt?: number }>();
  private readonly sessions = new Map<string, OfficialSession>();

  async putSignInLink(link: SignInLink): Promise<void> {
    if (this.links.has(link.keyHash)) throw new ConditionFailed('exists');
    this.links.set(link.keyHash, copy(link));
  }

  async consumeSignInLink(keyHash: string, nowEpoch: number): Promise<SignInLink | undefined> {
    const link = this.links.get(keyHash);
    if (!link || link.usedAt !== undefined || !(link.expiresAt > nowEpoch)) return undefined;
    link.usedAt = nowEpoch;
    const { usedAt: _used, ...rest } = link;
    return copy(rest);
  }

  async putSession(session: OfficialSession): Promise<void> {
    if (this.sessions.has(session.keyHash)) throw new ConditionFailed('exists');
    this.sessions.set(session.keyHash, copy(session));
  }

  async getSession(keyHash: string, nowEpoch: number): Promise<OfficialSession | undefined> {
    const s = this.sessions.get(keyHash);
    return s && s.expiresAt > nowEpoch ? copy(s) : undefined;
  }

  async deleteSession(keyHash: string): Promise<void> {
    this.sessions.delete(keyHash);
  }
}

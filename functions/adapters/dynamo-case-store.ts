/**
 * The CaseStore port over the single DynamoDB table (shared/data/table.ts). Conditional
 * single-item writes only (no TransactWriteItems: the local stand-in lacks it), no Scan.
 */
import {
  BatchGetItemCommand, ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
  type AttributeValue, type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { OPEN_STATUSES, caseHeadOf, type CaseEvent, type CaseHead, type CaseRecord, type CaseStatus } from '../../shared/case/model';
import type { TaskGrant, TaskRecord } from '../../shared/case/task';
import { openCaseIndexKeys } from '../../shared/case/keys';
import { caseIdOfTracking } from '../../shared/case/tracking-id';
import { suppressionKey, suppressionOf } from './dynamo-suppressions';
import { ConditionFailed, type CaseStore, type CaseWithSuppressions, type DeadlineScope, type ExecutionStart, type InboxEntry, type InboxPage, type MailClaim, type OpenCaseEntry, type OpenCasesFilter, type OpenCasesRange, type ReportCaseList, type Suppression, type TrackingClaim } from '../../shared/ports';
import { reportCaseOf, type ReportCase } from '../../shared/reports/report-case';
import { lazy } from '../../shared/lazy';
import { caseKey, DynamoCaseReads, grantKey, strip } from './dynamo-case-reads';

const mailKey = (caseId: string, key: string) => ({ pk: `CASE#${caseId}`, sk: `ONCE#mail#${key}` });
/** Pending claims share one partition of gsi3 (a handful at a time: they leave it within seconds of SES's answer). */
const PENDING_MAIL = 'MAIL#pending';
const pendingSortKey = (attemptedAt: string, caseId: string, key: string) => `${new Date(attemptedAt).toISOString()}#${caseId}#${key}`;

/** A claim item as read back; a marker of `claimOnce` (claims before they had states: at most once) reads as sent. */
function mailClaimOf(caseId: string, key: string, item: Record<string, unknown>): MailClaim {
  if (typeof item.state === 'string') {
    const { sentEvent, ...claim } = strip<MailClaim & { sentEvent?: unknown }>(item);
    return sentEvent ? { ...claim, eventRecorded: true } : claim;
  }
  return { caseId, key, state: 'sent', template: 'unknown', recipientRole: 'unknown', attempts: 1, attemptedAt: '1970-01-01T00:00:00Z', redo: { kind: 'task', slot: '' } };
}

/** A month list's Query (`MONTH#…` or `ENDED#…`, one agency's or all) on gsi6 or gsi2, which share their keys. */
function monthListQuery(index: 'gsi6' | 'gsi2', partition: string, agencyId?: string): Omit<QueryCommandInput, 'TableName'> {
  return agencyId
    ? { IndexName: index, KeyConditionExpression: 'gsi2pk = :p AND begins_with(gsi2sk, :a)', ExpressionAttributeValues: marshall({ ':p': partition, ':a': `${agencyId}#` }) }
    : { IndexName: index, KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: marshall({ ':p': partition }) };
}

/**
 * A bound on a `submittedAt` compared as text, a day late: submittedAt is written with its UTC offset (at
 * most 14 h), so everything submitted before `at` sorts below the next day's date (the caller filters exactly).
 */
const dayLateBound = (at: Date | undefined) => at && new Date(at.getTime() + 86_400_000).toISOString().slice(0, 10);

/**
 * A list of cases by agency and status (`AGENCY#<agencyId>#<status>`) on gsi7 or gsi1, which share their
 * keys; gsi1sk starts with submittedAt as written, so `submittedBefore` bounds it a day late (`dayLateBound`).
 */
function statusListQuery(index: 'gsi7' | 'gsi1', agencyId: string, status: CaseStatus, submittedBefore?: Date): Omit<QueryCommandInput, 'TableName'> {
  const bound = dayLateBound(submittedBefore);
  return bound
    ? { IndexName: index, KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :b', ExpressionAttributeValues: marshall({ ':p': `AGENCY#${agencyId}#${status}`, ':b': bound }) }
    : { IndexName: index, KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: marshall({ ':p': `AGENCY#${agencyId}#${status}` }) };
}

/**
 * Whether a Query failed because its index cannot be read: not on the table (a local table created
 * before the index was added, which dynalite cannot alter) or, on AWS, still backfilling after a deploy.
 */
function unreadableIndex(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationException' && /specified index|backfilling/i.test(err.message);
}

/** The index attributes of a case: kept in step with the record on every write. */
function indexAttributes(c: CaseRecord): Record<string, string> {
  const attrs: Record<string, string> = {
    gsi1pk: `AGENCY#${c.agencyId}#${c.status}`,
    gsi1sk: `${c.submittedAt}#${c.caseId}`,
    gsi2pk: `MONTH#${c.month}`,
    gsi2sk: `${c.agencyId}#${c.submittedAt}#${c.caseId}`,
    // The recap's summary of the case (JSON), read alone through a projection: part of every write of
    // the case item, never a write of its own.
    rpt: JSON.stringify(reportCaseOf(c)),
  };
  if (OPEN_STATUSES.includes(c.status) && c.currentStep?.dueAt) {
    attrs.gsi3pk = `DUE#${c.agencyId}`;
    attrs.gsi3sk = `${new Date(c.currentStep.dueAt).toISOString()}#${c.caseId}`;
  }
  return { ...attrs, ...openCaseIndexKeys(c) };
}

/** The dashboards' index key of a position in a step's range (and the base table's key, which a GSI's start key also needs). */
function openCaseIndexKey(range: OpenCasesRange, position: string): Record<string, string> {
  const caseId = position.slice(position.indexOf('#') + 1);
  return { ...caseKey(caseId), gsi5pk: `OPEN#${range.agencyId}`, gsi5sk: `${range.stepId}#${position}` };
}

/** The Query of one range of the dashboards' index, with the filter as a FilterExpression. */
function openCasesQuery(range: OpenCasesRange, filter: OpenCasesFilter): Omit<QueryCommandInput, 'TableName'> {
  const values: Record<string, string> = {
    ':p': `OPEN#${range.agencyId}`,
    ':lo': `${range.stepId}#${range.lower ?? ''}`,
    // U+FFFF sorts after every character a position holds (UTF-8 bytes EF BF BF).
    ':hi': `${range.stepId}#${range.upper ?? '\uffff'}`,
  };
  const names: Record<string, string> = {};
  const conditions: string[] = [];
  if (filter.category !== undefined) { conditions.push('#category = :category'); names['#category'] = 'category'; values[':category'] = filter.category; }
  if (filter.channel !== undefined) { conditions.push('#channel = :channel'); names['#channel'] = 'channel'; values[':channel'] = filter.channel; }
  if (filter.receivedFrom !== undefined) { conditions.push('gsi5sub >= :rfrom'); values[':rfrom'] = filter.receivedFrom; }
  if (filter.receivedBefore !== undefined) { conditions.push('gsi5sub < :rbefore'); values[':rbefore'] = filter.receivedBefore; }
  if (filter.escalated) { conditions.push('gsi5esc > :zero'); values[':zero'] = '0'; }
  if (filter.reprimand) { conditions.push('gsi5rep = :one'); values[':one'] = '1'; }
  return {
    IndexName: 'gsi5',
    KeyConditionExpression: 'gsi5pk = :p AND gsi5sk BETWEEN :lo AND :hi',
    ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: marshall(values),
  };
}

/** A dashboards' index item as the port gives it. */
function openCaseEntry(item: Record<string, unknown>): OpenCaseEntry {
  const sk = String(item.gsi5sk);
  return {
    ...strip<Omit<OpenCaseEntry, 'escalationLevel' | 'reprimand' | 'position'>>(item),
    escalationLevel: Number(item.gsi5esc ?? 0),
    reprimand: item.gsi5rep === '1',
    position: sk.slice(sk.indexOf('#') + 1),
  };
}

const FIRST_EVENT = 'EVENT#first';


/** Where an entry without a deadline sorts in the inbox index: after every real instant. */
const NO_DEADLINE = '9999-12-31T23:59:59.999Z';
const inboxDue = (dueAt: string | undefined) => (dueAt ? new Date(dueAt).toISOString() : NO_DEADLINE);

/**
 * The task item with its inbox index keys: an official's task, or a report's review turn, is in its
 * assignee's inbox while open (sparse); a reporter's turn is nobody's.
 */
function taskItem(task: TaskRecord): Record<string, unknown> {
  const item: Record<string, unknown> = { pk: `CASE#${task.caseId}`, sk: `TASK#${task.slot}`, itemType: 'task', ...task };
  if (task.status === 'open' && (task.kind === 'official' || task.kind === 'reportReview') && task.assigneeId) {
    item.gsi4pk = `INBOX#${task.assigneeId}`;
    item.gsi4sk = `${inboxDue(task.dueAt)}#${task.caseId}#${task.slot}#T`;
  }
  return item;
}

/**
 * The inbox cursor: the last entry's keys, so that the next page starts after it (never another person's
 * partition). Built at first use, and pure: the reading functions reach this module through deps.ts
 * without using the store (readingDependencies), and would otherwise carry and build it at cold start.
 */
const Cursor = /* @__PURE__ */ lazy(() => z.object({ s: z.string().check(z.maxLength(600)), pk: z.string().check(z.maxLength(300)), sk: z.string().check(z.maxLength(600)) }));

const toItem = (value: object) => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });

/** The copy of an ended case that the month index of ended cases (ENDED#<month>) finds. */
const endedCopy = (c: CaseRecord) => ({ ...c, pk: `CASE#${c.caseId}`, sk: 'ENDED', itemType: 'ended', gsi2pk: `ENDED#${c.endedMonth}`, gsi2sk: `${c.agencyId}#${c.closedAt}#${c.caseId}`, rpt: JSON.stringify(reportCaseOf(c)) });

/**
 * The items a case is kept as for the reports' reads (the case with its index keys, and its ended
 * copy once ended), for bulk loading with BatchWriteItem (the report bench); no tracking lookup or events.
 */
export function caseItems(c: CaseRecord): Record<string, AttributeValue>[] {
  const items = [toItem({ ...caseKey(c.caseId), itemType: 'case', ...c, ...indexAttributes(c) })];
  if (c.endedMonth && c.closedAt) items.push(toItem(endedCopy(c)));
  return items;
}

/**
 * An event kept inside another item (the case's, a mail claim's), with its place among the case's
 * events: without its case id, which the item's key carries (every byte of the case item is written
 * again, into each index that copies it, at each change of the case).
 */
function keptEvent(event: Omit<CaseEvent, 'seq'>): Record<string, unknown> {
  const { caseId: _caseId, ...rest } = event;
  return { ...rest, order: nextEventOrder() };
}

let lastEventOrder = 0;
/**
 * The place of an event among its case's: microseconds of the wall clock, strictly increasing within
 * a process. A case's events are written one after another (each handler awaits its write before the
 * state machine moves on), tens of milliseconds apart at least, so clocks of different Lambda
 * containers (kept within a millisecond of each other) order them as they were written.
 */
function nextEventOrder(): number {
  lastEventOrder = Math.max(Date.now() * 1000, lastEventOrder + 1);
  return lastEventOrder;
}

/** The SET clauses (each led by ", ") of a visit's due fields, their names and values added to the expression's. */
function dueSets(due: Partial<CaseRecord>, names: Record<string, string>, values: Record<string, unknown>): string {
  return Object.entries(due).filter(([, v]) => v !== undefined).map(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    return `, #f${i} = :f${i}`;
  }).join('');
}

export class DynamoCaseStore extends DynamoCaseReads implements CaseStore {
  /** The index the recap's month lists are read from: gsi6 until it turns out not to be readable (see `reportCases`). */
  private summaryIndex: 'gsi6' | 'gsi2' = 'gsi6';
  /** The index of the cases by agency and status: gsi7 until it turns out not to be readable (see `statusListItems`). */
  private statusIndex: 'gsi7' | 'gsi1' = 'gsi7';

  async createCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<void> {
    // A case under the id of its tracking id (caseIdOfTracking, as intake stores every case) is its
    // tracking id's record: one conditional write. Another pairing (a case written by hand, or before)
    // needs its lookup, written first: every reader reaches such a case through the lookup (citizens)
    // or the case id (the workflow, which only starts after the case is written), and
    // getCaseByTrackingId answers only when the case item exists AND names that tracking id, so a
    // lookup left by a crash (or by a lost race for the case id) shows nothing half-written.
    if (record.caseId !== caseIdOfTracking(record.trackingId) && await this.claimTracking({ trackingId: record.trackingId, caseId: record.caseId })) {
      throw new ConditionFailed(`tracking id ${record.trackingId} exists`);
    }
    if (await this.putCase(record, first)) throw new ConditionFailed(`case ${record.caseId} exists`);
  }

  async claimTracking(claim: TrackingClaim): Promise<TrackingClaim | undefined> {
    const key = { pk: `TRACK#${claim.trackingId}`, sk: 'TRACK' };
    try {
      await this.putIfAbsent({ ...key, itemType: 'tracking', ...claim }, `tracking id ${claim.trackingId} exists`);
      return undefined;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }));
    // Deleted in between (never, today): read as taken by nobody in particular, so the caller moves on.
    const { caseId, keyHash, claimedAt } = (out.Item ? unmarshall(out.Item) : { caseId: '' }) as Partial<TrackingClaim>;
    return { trackingId: claim.trackingId, caseId: caseId ?? '', ...(keyHash ? { keyHash } : {}), ...(claimedAt ? { claimedAt } : {}) };
  }

  async putCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<CaseRecord | undefined> {
    if (record.endedMonth && record.closedAt) await this.putEndedCopy(record); // cases imported already ended
    const firstEvent = keptEvent(first);
    try {
      await this.putIfAbsent({ ...caseKey(record.caseId), itemType: 'case', ...record, ...indexAttributes(record), [first.once ? `EVENT#o#${first.once}` : FIRST_EVENT]: firstEvent }, `case ${record.caseId} exists`);
      return undefined;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
    }
    const found = await this.getCase(record.caseId);
    if (!found) throw new ConditionFailed(`case ${record.caseId} exists`);
    return found;
  }

  async recordStart(caseId: string, start: ExecutionStart): Promise<CaseRecord | undefined> {
    // One write: the execution's name (kept if the case has one), its hand-over instant (unless this
    // execution set it already: then nothing changes and the case is read back), and the start's event
    // inside the case item (if_not_exists: once per case, a successor execution adds none). Given the
    // first visit's deadlines, the same write remembers them under rememberDeadlines' condition (one
    // UpdateItem where there were two); when that part fails, nothing is written and the case is read back.
    const { event, executionId, continueByAt, deadlines } = start;
    const names: Record<string, string> = { '#ev': `EVENT#o#${event.once}` };
    const values: Record<string, unknown> = { ':arn': executionId, ':cb': { executionId, at: continueByAt }, ':ev': keptEvent(event), ':one': 1 };
    let sets = '';
    let condition = '';
    if (deadlines) {
      Object.assign(names, { '#d': 'deadlines', '#scope': deadlines.scope, '#key': 'key' });
      Object.assign(values, { ':kept': deadlines.remembered, ':key': deadlines.remembered.key });
      sets = `, #d.#scope = :kept${dueSets(deadlines.due, names, values)}`;
      condition = ' AND attribute_exists(#d) AND (attribute_not_exists(#d.#scope) OR #d.#scope.#key <> :key)';
    }
    try {
      const out = await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(caseKey(caseId)),
        UpdateExpression: `SET executionArn = if_not_exists(executionArn, :arn), continueBy = :cb, #ev = if_not_exists(#ev, :ev)${sets} ADD version :one`,
        ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(continueBy) OR continueBy.executionId <> :arn)${condition}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toItem(values),
        ReturnValues: 'ALL_NEW',
      }));
      return strip<CaseRecord>(unmarshall(out.Attributes!));
    } catch (err) {
      // With deadlines, a case without a deadlines map may answer ValidationException (no path to set) rather than the condition.
      if (!(err instanceof ConditionalCheckFailedException) && !(deadlines && err instanceof Error && err.name === 'ValidationException')) throw err;
    }
    return this.getCase(caseId);
  }

  async rememberDeadlines(caseId: string, scope: DeadlineScope, remembered: NonNullable<CaseRecord['deadlines']>[DeadlineScope] & object, due: Partial<CaseRecord>): Promise<CaseRecord | undefined> {
    // The due fields (stepDueAt, phaseDueAt, replyWindowEndsAt, calendarVersion) feed no index attribute
    // (indexAttributes), so they are set alone. Only when the case keeps a `deadlines` map (every case
    // since intake wrote it) and holds nothing for this visit: a re-run reads the remembered value back.
    const names: Record<string, string> = { '#d': 'deadlines', '#scope': scope, '#key': 'key' };
    const values: Record<string, unknown> = { ':kept': remembered, ':key': remembered.key, ':one': 1 };
    try {
      const out = await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(caseKey(caseId)),
        UpdateExpression: `SET #d.#scope = :kept${dueSets(due, names, values)} ADD version :one`,
        ConditionExpression: 'attribute_exists(#d) AND (attribute_not_exists(#d.#scope) OR #d.#scope.#key <> :key)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toItem(values),
        ReturnValues: 'ALL_NEW',
      }));
      return strip<CaseRecord>(unmarshall(out.Attributes!));
    } catch (err) {
      // Remembered already, or no map to remember into (a case written before, or none: the reader says which).
      if (err instanceof ConditionalCheckFailedException || (err instanceof Error && err.name === 'ValidationException')) return undefined;
      throw err;
    }
  }

  async getCaseWithSuppressions(caseId: string, addressHashes: string[]): Promise<CaseWithSuppressions> {
    // One BatchGetItem. ConsistentRead is per table, so the suppression entries are read consistently
    // with the case (1 read unit each instead of the 0.5 of DynamoSuppressionList's own read): the case
    // must be, as a step's deadlines were written into it a moment before.
    const hashes = [...new Set(addressHashes)];
    if (!hashes.length) return { case: await this.getCase(caseId), suppressions: new Map() };
    let keys: Record<string, AttributeValue>[] = [marshall(caseKey(caseId)), ...hashes.map((h) => marshall(suppressionKey(h)))];
    const items: Record<string, unknown>[] = [];
    // Keys DynamoDB leaves unprocessed (throttling, or the 16 MB limit) are asked again, with a growing pause.
    for (let round = 0; keys.length; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
      if (round > 8) throw new Error(`BatchGetItem left ${keys.length} keys unprocessed after ${round} rounds`);
      const out = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
      items.push(...(out.Responses?.[this.tableName] ?? []).map((item) => unmarshall(item)));
      keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    const found = items.find((item) => item.pk === caseKey(caseId).pk && item.sk === 'CASE');
    const suppressions = new Map<string, Suppression | undefined>(hashes.map((h) => [h, undefined]));
    for (const item of items) if (item.sk === 'SUPPRESS') {
      const record = suppressionOf(item);
      suppressions.set(record.addressHash, record);
    }
    return { case: found ? strip<CaseRecord>(found) : undefined, suppressions };
  }

  async updateCase(caseId: string, expectedVersion: number, patch: Partial<Omit<CaseRecord, 'caseId' | 'version'>>, held?: CaseRecord, event?: Omit<CaseEvent, 'seq'> & { once: string }): Promise<CaseRecord> {
    // The whole item is written (its index attributes follow from all of it), so it is read first,
    // unless the caller holds it at that version; the conditional put refuses it if it moved on.
    const current = held?.caseId === caseId && held.version === expectedVersion ? held : await this.getCase(caseId);
    if (!current) throw new ConditionFailed(`case ${caseId} does not exist`);
    if (current.version !== expectedVersion) throw new ConditionFailed(`case ${caseId} is at version ${current.version}, not ${expectedVersion}`);
    const next: CaseRecord = { ...current, ...patch, caseId, version: expectedVersion + 1 };
    // The ended-case copy goes first: a crash in between leaves a copy ahead of the case (the next
    // attempt rewrites it), never an ended case missing from its month's report.
    if (next.endedMonth && next.closedAt) await this.putEndedCopy(next);
    // An update of the record's attributes (not a put of the whole item): the events kept inside the
    // case item stay as they are. Attributes the record no longer has (a field patched to undefined, an
    // index the case left) are removed.
    const written = toItem({ itemType: 'case', ...next, ...indexAttributes(next) });
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = { ':expected': { N: String(expectedVersion) } };
    const sets = Object.entries(written).map(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    // Only what the item has (the record's fields, the index attributes it yields): removing an absent
    // attribute writes nothing, but naming an index key would read as an index write.
    const removes = [...new Set([...Object.keys(current), ...Object.keys(indexAttributes(current))])].filter((name) => !(name in written)).map((name, i) => {
      names[`#r${i}`] = name;
      return `#r${i}`;
    });
    names['#version'] = 'version';
    // An event kept inside the case item, once (as the first events are).
    if (event) {
      names['#ev'] = `EVENT#o#${event.once}`;
      values[':ev'] = { M: toItem(keptEvent(event)) };
      sets.push('#ev = if_not_exists(#ev, :ev)');
    }
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(caseKey(caseId)),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(`case ${caseId} changed meanwhile`);
      throw err;
    }
    return next;
  }

  async appendEvent(event: Omit<CaseEvent, 'seq'>): Promise<CaseEvent> {
    // One write per event, no counter item: the event's place is its `order` (write time, see
    // nextEventOrder) and listEvents sorts by it. An event with an idempotency key is stored under
    // that key, conditionally: the write itself is the once-check (a conditional write is always
    // consistent, where reading the events first was a second call and an eventually consistent one).
    const order = nextEventOrder();
    const sk = event.once ? `EVENT#o#${event.once}` : `EVENT#r#${order}#${randomUUID()}`;
    await this.putIfAbsent({ pk: `CASE#${event.caseId}`, sk, itemType: 'event', ...event, order }, `event ${event.once ?? ''} exists`);
    return { ...event, seq: order };
  }

  async putTask(task: TaskRecord): Promise<void> {
    await this.putIfAbsent(taskItem(task), `task ${task.slot} exists`);
    // A located key names its task: no lookup item.
    if (!task.keyLocated) await this.putKeyLookup(task);
  }

  async updateTask(caseId: string, slot: string, expectedVersion: number, patch: Partial<Omit<TaskRecord, 'caseId' | 'slot' | 'version'>>): Promise<TaskRecord> {
    const current = await this.getTask(caseId, slot);
    if (!current) throw new ConditionFailed(`task ${slot} does not exist`);
    if (current.version !== expectedVersion) throw new ConditionFailed(`task ${slot} changed meanwhile`);
    const next: TaskRecord = { ...current, ...patch, caseId, slot, version: expectedVersion + 1 };
    if (patch.keyHash && patch.keyHash !== current.keyHash) {
      // The key it replaces answers 410 (superseded): a key of the earlier shape through its lookup, a
      // located one through this list (the last few are enough: a task is re-keyed a handful of times).
      next.formerKeyHashes = [...(current.formerKeyHashes ?? []), current.keyHash].slice(-16);
      if (patch.keyLocated) next.keyLocated = true;
      else {
        delete next.keyLocated;
        await this.putKeyLookup(next);
      }
    }
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: toItem(taskItem(next)),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: marshall({ ':v': expectedVersion }),
      }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(`task ${slot} changed meanwhile`);
      throw err;
    }
    return next;
  }

  async putGrant(grant: TaskGrant): Promise<void> {
    await this.putIfAbsent({ pk: `TASKKEY#${grant.keyHash}`, sk: 'TASKKEY', itemType: 'taskkey', caseId: grant.caseId, slot: grant.slot, holder: 'grant' }, 'task key exists');
    // An act grant of the ladder is in its holder's inbox, by its task's deadline; an inbox grant is
    // not (it was minted from the inbox, for a task already listed there).
    const index: Record<string, string> = {};
    if (grant.may === 'act' && grant.reason !== 'inbox') {
      const task = await this.getTask(grant.caseId, grant.slot);
      index.gsi4pk = `INBOX#${grant.personId}`;
      index.gsi4sk = `${inboxDue(task?.dueAt)}#${grant.caseId}#${grant.slot}#G#${grant.keyHash}`;
    }
    await this.putIfAbsent({ ...grantKey(grant.caseId, grant.slot, grant.keyHash), itemType: 'grant', ...grant, ...index }, `grant of ${grant.slot} exists`);
  }

  async activateGrant(caseId: string, slot: string, keyHash: string): Promise<TaskGrant> {
    try {
      const out = await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(grantKey(caseId, slot, keyHash)),
        UpdateExpression: 'SET #status = :active',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall({ ':active': 'active' }),
        ReturnValues: 'ALL_NEW',
      }));
      return strip<TaskGrant>(unmarshall(out.Attributes!));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(`grant of ${slot} does not exist`);
      throw err;
    }
  }

  async listGrants(caseId: string, slot: string): Promise<TaskGrant[]> {
    const grants: TaskGrant[] = [];
    for await (const item of this.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :g)', ExpressionAttributeValues: marshall({ ':pk': `CASE#${caseId}`, ':g': `GRANT#${slot}#` }) })) {
      grants.push(strip<TaskGrant>(item));
    }
    return grants;
  }

  async claimOnce(caseId: string, key: string): Promise<boolean> {
    try {
      await this.putIfAbsent({ pk: `CASE#${caseId}`, sk: `ONCE#${key}`, itemType: 'once' }, 'claimed');
      return true;
    } catch (err) {
      if (err instanceof ConditionFailed) return false;
      throw err;
    }
  }

  async release(caseId: string, key: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ pk: `CASE#${caseId}`, sk: `ONCE#${key}` }) }));
  }

  async claimMail(claim: MailClaim): Promise<void> {
    await this.putIfAbsent({
      ...mailKey(claim.caseId, claim.key), itemType: 'mail', ...claim,
      gsi3pk: PENDING_MAIL, gsi3sk: pendingSortKey(claim.attemptedAt, claim.caseId, claim.key),
    }, `mail ${claim.key} claimed`);
  }

  async getMailClaim(caseId: string, key: string): Promise<MailClaim | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(mailKey(caseId, key)), ConsistentRead: true }));
    return out.Item ? mailClaimOf(caseId, key, unmarshall(out.Item)) : undefined;
  }

  async retryMail(caseId: string, key: string, seenAttempts: number, at: string, leaseUntil: string): Promise<MailClaim> {
    try {
      const out = await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(mailKey(caseId, key)),
        UpdateExpression: 'SET attempts = :next, attemptedAt = :at, leaseUntil = :lease, gsi3sk = :sk',
        ConditionExpression: '#state = :pending AND attempts = :seen',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: marshall({ ':next': seenAttempts + 1, ':at': at, ':lease': leaseUntil, ':sk': pendingSortKey(at, caseId, key), ':pending': 'pending', ':seen': seenAttempts }),
        ReturnValues: 'ALL_NEW',
      }));
      return mailClaimOf(caseId, key, unmarshall(out.Attributes!));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(`mail ${key} is not pending at attempt ${seenAttempts}`);
      throw err;
    }
  }

  async markMailSent(caseId: string, key: string, messageId: string, at: string, grant?: { slot: string; keyHash: string }, event?: Omit<CaseEvent, 'seq'> & { once: string }): Promise<void> {
    // The email's event is an attribute of its claim (`sentEvent`), written with the mark: listEvents lists it.
    const withGrant = grant ? ', #grant = :g' : '';
    const withEvent = event ? ', sentEvent = :ev' : '';
    await this.settleMail(caseId, key, `SET #state = :sent, messageId = :id, sentAt = :at${withGrant}${withEvent} REMOVE gsi3pk, gsi3sk`, {
      ':sent': 'sent', ':id': messageId, ':at': at, ...(grant ? { ':g': grant } : {}), ...(event ? { ':ev': keptEvent(event) } : {}),
    }, 'attribute_exists(pk)', grant ? { '#grant': 'grant' } : {});
  }

  async releaseMail(caseId: string, key: string, attempts: number): Promise<void> {
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName, Key: marshall(mailKey(caseId, key)), UpdateExpression: 'REMOVE leaseUntil',
        ConditionExpression: '#state = :pending AND attempts = :seen', ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: marshall({ ':pending': 'pending', ':seen': attempts }),
      }));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err; // taken again, or settled: not this attempt's any more
    }
  }

  async markMailFailed(caseId: string, key: string, failure?: { attempts: number; errorName: string }): Promise<void> {
    // Settled: no attempt is in flight any more (no lease).
    if (!failure) return this.settleMail(caseId, key, 'SET #state = :failed REMOVE gsi3pk, gsi3sk, leaseUntil', { ':failed': 'failed', ':pending': 'pending' }, '#state = :pending');
    await this.settleMail(caseId, key, 'SET #state = :failed, errorName = :err REMOVE gsi3pk, gsi3sk, leaseUntil', { ':failed': 'failed', ':pending': 'pending', ':err': failure.errorName, ':seen': failure.attempts }, '#state = :pending AND attempts = :seen');
  }

  async dropMail(caseId: string, key: string): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({
        TableName: this.tableName, Key: marshall(mailKey(caseId, key)),
        ConditionExpression: '#state = :pending', ExpressionAttributeNames: { '#state': 'state' }, ExpressionAttributeValues: marshall({ ':pending': 'pending' }),
      }));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err; // absent or settled: nothing to drop
    }
  }

  async *pendingMail(before: string): AsyncIterable<MailClaim> {
    for await (const item of this.query({ IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :p AND gsi3sk < :b', ExpressionAttributeValues: marshall({ ':p': PENDING_MAIL, ':b': new Date(before).toISOString() }) })) {
      yield strip<MailClaim>(item);
    }
  }

  private async settleMail(caseId: string, key: string, update: string, values: Record<string, unknown>, condition: string, names: Record<string, string> = {}): Promise<void> {
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName, Key: marshall(mailKey(caseId, key)), UpdateExpression: update, ConditionExpression: condition,
        ExpressionAttributeNames: { '#state': 'state', ...names },
        ExpressionAttributeValues: toItem(values),
      }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(`mail ${key} is not pending`);
      throw err;
    }
  }

  async remember<T extends Record<string, unknown>>(caseId: string, key: string, value: T): Promise<T> {
    try {
      await this.putIfAbsent({ pk: `CASE#${caseId}`, sk: `ONCE#${key}`, itemType: 'once', value }, 'remembered');
      return value;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: `CASE#${caseId}`, sk: `ONCE#${key}` }), ConsistentRead: true }));
      return unmarshall(out.Item!).value as T;
    }
  }

  async takeQuota(counter: string, limit: number, expiresAt: number): Promise<boolean> {
    try {
      // ADD creates the count at 1 on first use; the condition holds it at `limit`.
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: `QUOTA#${counter}`, sk: 'QUOTA' }),
        UpdateExpression: 'ADD #n :one SET #t = :t, #e = :e',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
        ExpressionAttributeNames: { '#n': 'used', '#t': 'itemType', '#e': 'expiresAt' },
        ExpressionAttributeValues: marshall({ ':one': 1, ':limit': limit, ':t': 'quota', ':e': expiresAt }),
      }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async inboxOf(personId: string, page: { limit: number; after?: string }): Promise<InboxPage> {
    let start: Record<string, string> | undefined;
    if (page.after) {
      let parsed: z.infer<typeof Cursor> | undefined;
      try { parsed = Cursor.parse(JSON.parse(Buffer.from(page.after, 'base64url').toString('utf8'))); } catch { parsed = undefined; }
      // A cursor that is not ours starts from the beginning rather than failing the page.
      if (parsed) start = { gsi4pk: `INBOX#${personId}`, gsi4sk: parsed.s, pk: parsed.pk, sk: parsed.sk };
    }
    const out = await this.client.send(new QueryCommand({
      TableName: this.tableName,
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :p',
      ExpressionAttributeValues: marshall({ ':p': `INBOX#${personId}` }),
      Limit: page.limit,
      ...(start ? { ExclusiveStartKey: marshall(start) } : {}),
    }));
    const entries: InboxEntry[] = (out.Items ?? []).map((raw) => {
      const item = unmarshall(raw);
      const due = String(item.gsi4sk).split('#')[0];
      const dueAt = due === NO_DEADLINE ? undefined : due;
      return item.itemType === 'grant'
        ? { caseId: item.caseId, slot: item.slot, dueAt, via: 'grant' as const, grant: strip<TaskGrant>(item) }
        : { caseId: item.caseId, slot: item.slot, dueAt, via: 'assignee' as const };
    });
    const last = out.LastEvaluatedKey ? unmarshall(out.LastEvaluatedKey) : undefined;
    const next = last ? Buffer.from(JSON.stringify({ s: last.gsi4sk, pk: last.pk, sk: last.sk })).toString('base64url') : undefined;
    return { entries, ...(next ? { next } : {}) };
  }

  async unindexGrant(caseId: string, slot: string, keyHash: string): Promise<void> {
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(grantKey(caseId, slot, keyHash)),
        UpdateExpression: 'REMOVE gsi4pk, gsi4sk',
        ConditionExpression: 'attribute_exists(pk)',
      }));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err; // no such grant: nothing to take out
    }
  }

  async *casesByAgencyStatus(agencyId: string, status: CaseStatus, submittedBefore?: Date): AsyncIterable<CaseRecord> {
    for await (const item of this.statusListCases(agencyId, status, submittedBefore)) yield strip<CaseRecord>(unmarshall(item));
  }

  async *caseHeadsByAgencyStatus(agencyId: string, status: CaseStatus): AsyncIterable<CaseHead> {
    // gsi7's items are the heads (and gsi1's whole cases hold them too).
    for await (const { item } of this.statusListItems(agencyId, status)) yield caseHeadOf(strip<CaseRecord>(unmarshall(item)));
  }

  /**
   * The items of a list of cases by agency and status as its index gives them: from gsi7 (the heads), or
   * from gsi1 (whole cases, the same keys) when gsi7 cannot be read (a table made before it, or the index
   * still being built after a deploy): the store then reads gsi1 until that cannot be read either (a
   * container that fell back while gsi7 was built, still warm when the next deployment drops gsi1,
   * which changes no function). `gsi1Projection`: what to ask of gsi1's whole cases (all when absent).
   */
  private async *statusListItems(agencyId: string, status: CaseStatus, submittedBefore?: Date, gsi1Projection?: string, switched = false): AsyncIterable<{ index: 'gsi7' | 'gsi1'; item: Record<string, AttributeValue> }> {
    const index = this.statusIndex;
    const projection = index === 'gsi1' ? gsi1Projection : undefined;
    const items = this.queryItems({ ...statusListQuery(index, agencyId, status, submittedBefore), ...(projection ? { ProjectionExpression: projection } : {}) })[Symbol.asyncIterator]();
    let first: IteratorResult<Record<string, AttributeValue>>;
    try {
      first = await items.next();
    } catch (err) {
      if (switched || !unreadableIndex(err)) throw err;
      this.statusIndex = index === 'gsi7' ? 'gsi1' : 'gsi7';
      yield* this.statusListItems(agencyId, status, submittedBefore, gsi1Projection, true);
      return;
    }
    for (let next = first; !next.done; next = await items.next()) yield { index, item: next.value };
  }

  /**
   * The cases of a list by agency and status, whole or as `projection` asks (naming pk and sk): with the
   * Query through gsi1; through gsi7, which holds heads only, the cases then by their keys, 100 a
   * BatchGetItem (billed item by item as GetItems would be, one call instead of a hundred: a recap's
   * thousands of open cases), two batches ahead, eventually consistent (a list is as of its Query
   * anyway), in the list's order. The recap (summaries, monthly) and the review's letters (whole cases,
   * a few times a quarter) read these; a copy of each case in the index would cost a write at every
   * case write.
   */
  private async *statusListCases(agencyId: string, status: CaseStatus, submittedBefore?: Date, projection?: string): AsyncIterable<Record<string, AttributeValue>> {
    const ahead: Promise<Record<string, AttributeValue>[]>[] = [];
    const fetch = (keys: Record<string, AttributeValue>[]) => {
      const pending = this.itemsByKeys(keys, projection);
      pending.catch(() => undefined); // awaited below; not an unhandled rejection if the caller stops early
      return pending;
    };
    let keys: Record<string, AttributeValue>[] = [];
    for await (const { index, item } of this.statusListItems(agencyId, status, submittedBefore, projection)) {
      if (index === 'gsi1') {
        yield item;
        continue;
      }
      keys.push({ pk: item.pk!, sk: item.sk! });
      if (keys.length < 100) continue;
      ahead.push(fetch(keys));
      keys = [];
      if (ahead.length > 2) yield* await ahead.shift()!;
    }
    if (keys.length) ahead.push(fetch(keys));
    for (const pending of ahead) yield* await pending;
  }

  /**
   * The items at these keys (at most 100), in the keys' order, those not found left out: one
   * BatchGetItem, eventually consistent; keys DynamoDB leaves unprocessed (throttling, or the 16 MB
   * limit) are asked again, with a growing pause.
   */
  private async itemsByKeys(keys: Record<string, AttributeValue>[], projection?: string): Promise<Record<string, AttributeValue>[]> {
    const id = (item: Record<string, AttributeValue>) => `${item.pk?.S}\n${item.sk?.S}`;
    const found = new Map<string, Record<string, AttributeValue>>();
    let left = keys;
    for (let round = 0; left.length; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
      if (round > 8) throw new Error(`BatchGetItem left ${left.length} keys unprocessed after ${round} rounds`);
      const out = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: left, ...(projection ? { ProjectionExpression: projection } : {}) } } }));
      for (const item of out.Responses?.[this.tableName] ?? []) found.set(id(item), item);
      left = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return keys.flatMap((key) => {
      const item = found.get(id(key));
      return item ? [item] : [];
    });
  }

  async *casesByMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    yield* this.casesOfMonthList(`MONTH#${month}`, agencyId);
  }

  async *casesEndedInMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    yield* this.casesOfMonthList(`ENDED#${month}`, agencyId);
  }

  /**
   * The first item of a read of a month list, or `'gsi2'` when it went through the summaries' index
   * (gsi6) and that index cannot be read (a table that predates it, or the index still being built):
   * the store then reads the months from gsi2 from now on, and the caller starts its read again.
   */
  private async firstPageOfMonths(items: AsyncIterator<Record<string, AttributeValue>>, index: string | undefined): Promise<IteratorResult<Record<string, AttributeValue>> | 'gsi2'> {
    try {
      return await items.next();
    } catch (err) {
      if (index !== 'gsi6' || !unreadableIndex(err)) throw err;
      this.summaryIndex = 'gsi2';
      return 'gsi2';
    }
  }

  /**
   * The whole cases (or ended copies) of a month list: their keys from the summaries' index (gsi6, keyed
   * like the months), then each item by its key. No index copies whole cases any more (gsi2 did, at the
   * cost of a copy of every case write); these lists are read by the review's letters, a few times a
   * quarter. A table that predates gsi6 (a local one: dynalite cannot add an index) still has gsi2.
   */
  private async *casesOfMonthList(partition: string, agencyId?: string): AsyncIterable<CaseRecord> {
    const index = this.summaryIndex;
    const keys = this.queryItems({ ...monthListQuery(index, partition, agencyId), ...(index === 'gsi6' ? { ProjectionExpression: 'pk, sk' } : {}) })[Symbol.asyncIterator]();
    const first = await this.firstPageOfMonths(keys, index);
    if (first === 'gsi2') {
      yield* this.casesOfMonthList(partition, agencyId);
      return;
    }
    if (this.summaryIndex === 'gsi2') {
      for (let next = first; !next.done; next = await keys.next()) yield strip<CaseRecord>(unmarshall(next.value));
      return;
    }
    // Read a few items ahead (eventually consistent: a report's list is as of its Query anyway), in order.
    const ahead: Promise<Record<string, AttributeValue> | undefined>[] = [];
    const fetch = (key: Record<string, AttributeValue>) => {
      const pending = this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: key.pk!, sk: key.sk! } })).then((out) => out.Item);
      pending.catch(() => undefined); // awaited below
      return pending;
    };
    for (let next = first; !next.done; next = await keys.next()) {
      ahead.push(fetch(next.value));
      if (ahead.length >= 16) {
        const item = await ahead.shift()!;
        if (item) yield strip<CaseRecord>(unmarshall(item));
      }
    }
    for (const pending of ahead) {
      const item = await pending;
      if (item) yield strip<CaseRecord>(unmarshall(item));
    }
  }

  async *openCasesDueBefore(agencyId: string, before: string): AsyncIterable<CaseRecord> {
    // gsi3 holds a case's keys only (its projection is the mail claims' attributes): each case is read by id.
    for await (const item of this.query({ IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :p AND gsi3sk < :b', ExpressionAttributeValues: marshall({ ':p': `DUE#${agencyId}`, ':b': new Date(before).toISOString() }) })) {
      const c = await this.getCase(String(item.caseId));
      // Moved on since the index was read (closed, or due later): the index is eventually consistent.
      if (c && OPEN_STATUSES.includes(c.status) && c.currentStep?.dueAt && new Date(c.currentStep.dueAt).toISOString() < new Date(before).toISOString()) yield c;
    }
  }

  async countOpenCases(range: OpenCasesRange, filter: OpenCasesFilter): Promise<number> {
    const input = openCasesQuery(range, filter);
    let count = 0;
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const out = await this.client.send(new QueryCommand({ TableName: this.tableName, ...input, Select: 'COUNT', ExclusiveStartKey: start }));
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async openCases(range: OpenCasesRange, filter: OpenCasesFilter, page: { limit: number; after?: string }): Promise<{ entries: OpenCaseEntry[]; next?: string }> {
    const input = openCasesQuery(range, filter);
    const entries: OpenCaseEntry[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'] = page.after ? marshall(openCaseIndexKey(range, page.after)) : undefined;
    // A filter thins a page out (Limit counts the items read, before the filter): read wider steps
    // then, and go on until the page is full or the range ends; what is read beyond the page is left.
    const read = input.FilterExpression ? Math.max(page.limit * 8, 200) : page.limit;
    do {
      const out = await this.client.send(new QueryCommand({ TableName: this.tableName, ...input, Limit: input.FilterExpression ? read : Math.max(page.limit - entries.length, 10), ExclusiveStartKey: start }));
      for (const raw of out.Items ?? []) entries.push(openCaseEntry(unmarshall(raw)));
      start = out.LastEvaluatedKey;
    } while (start && entries.length < page.limit);
    if (entries.length > page.limit || (start && entries.length === page.limit)) {
      const kept = entries.slice(0, page.limit);
      return { entries: kept, next: kept[kept.length - 1]!.position };
    }
    return { entries };
  }

  async *reportCases(list: ReportCaseList): AsyncIterable<ReportCase> {
    // Only the summary (and the key, for a case written before summaries were kept: read whole, once).
    if (list.list === 'status') {
      // The open cases: their keys from gsi7, then each summary by its key (gsi1's whole cases while gsi7
      // cannot be read).
      for await (const item of this.statusListCases(list.agencyId, list.status, list.submittedBefore, 'rpt, pk, sk')) {
        const summary = await this.summaryOfItem(item);
        if (summary) yield summary;
      }
      return;
    }
    // The months through the index of summaries (gsi6: small items, gsi2's keys), or gsi2 (whole
    // cases) while gsi6 cannot be read: a table that predates it, or the index still being built.
    let input = monthListQuery(this.summaryIndex, `${list.list === 'received' ? 'MONTH' : 'ENDED'}#${list.month}`, list.agencyId);
    // Ended cases sort by when they ended: the ones submitted too late are left on the server.
    const bound = list.list === 'ended' ? dayLateBound(list.submittedBefore) : undefined;
    if (bound) input = { ...input, FilterExpression: 'submittedAt < :s', ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':s': { S: bound } } };
    const items = this.queryItems({ ...input, ProjectionExpression: 'rpt, pk' })[Symbol.asyncIterator]();
    const first = await this.firstPageOfMonths(items, input.IndexName);
    if (first === 'gsi2') {
      yield* this.reportCases(list);
      return;
    }
    for (let next = first; !next.done; next = await items.next()) {
      const summary = await this.summaryOfItem(next.value);
      if (summary) yield summary;
    }
  }

  /** The report summary of an item read with `rpt` and `pk`; a case written before summaries were kept is read whole. */
  private async summaryOfItem(item: Record<string, AttributeValue>): Promise<ReportCase | undefined> {
    const summary = item.rpt?.S;
    if (summary !== undefined) return JSON.parse(summary) as ReportCase;
    const c = await this.getCase(String(item.pk?.S).slice('CASE#'.length));
    return c && reportCaseOf(c);
  }

  /** The copy of an ended case that the month index of ended cases finds (an unconditional put: the last write wins). */
  private async putEndedCopy(c: CaseRecord): Promise<void> {
    await this.client.send(new PutItemCommand({
      TableName: this.tableName,
      Item: toItem(endedCopy(c)),
    }));
  }

  private async putKeyLookup(task: TaskRecord): Promise<void> {
    await this.putIfAbsent({ pk: `TASKKEY#${task.keyHash}`, sk: 'TASKKEY', itemType: 'taskkey', caseId: task.caseId, slot: task.slot }, 'task key exists');
  }

  private async putIfAbsent(item: Record<string, unknown>, what: string): Promise<void> {
    try {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: toItem(item), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(what);
      throw err;
    }
  }
}

/**
 * The CaseStore port over the single DynamoDB table (shared/data/table.ts). Conditional
 * single-item writes only (no TransactWriteItems: the local stand-in lacks it), no Scan.
 */
import {
  ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient, type QueryCommandInput, type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { OPEN_STATUSES, type CaseEvent, type CaseRecord, type CaseStatus } from '../../shared/case/model';
import type { TaskGrant, TaskRecord } from '../../shared/case/task';
import { ConditionFailed, type CaseStore, type TaskLink } from '../../shared/ports';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'itemType'];

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
const grantKey = (caseId: string, slot: string, keyHash: string) => ({ pk: `CASE#${caseId}`, sk: `GRANT#${slot}#${keyHash}` });

/** The index attributes of a case: kept in step with the record on every write. */
function indexAttributes(c: CaseRecord): Record<string, string> {
  const attrs: Record<string, string> = {
    gsi1pk: `AGENCY#${c.agencyId}#${c.status}`,
    gsi1sk: `${c.submittedAt}#${c.caseId}`,
    gsi2pk: `MONTH#${c.month}`,
    gsi2sk: `${c.agencyId}#${c.submittedAt}#${c.caseId}`,
  };
  if (OPEN_STATUSES.includes(c.status) && c.currentStep?.dueAt) {
    attrs.gsi3pk = `DUE#${c.agencyId}`;
    attrs.gsi3sk = `${new Date(c.currentStep.dueAt).toISOString()}#${c.caseId}`;
  }
  return attrs;
}

function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as T;
}

const toItem = (value: object) => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });

/** The copy of an ended case that the month index of ended cases (ENDED#<month>) finds. */
const endedCopy = (c: CaseRecord) => ({ ...c, pk: `CASE#${c.caseId}`, sk: 'ENDED', itemType: 'ended', gsi2pk: `ENDED#${c.endedMonth}`, gsi2sk: `${c.agencyId}#${c.closedAt}#${c.caseId}` });

/**
 * The items a case is kept as for the reports' reads (the case with its index keys, and its ended
 * copy once ended), for bulk loading with BatchWriteItem (the report bench); no tracking lookup or events.
 */
export function caseItems(c: CaseRecord): Record<string, AttributeValue>[] {
  const items = [toItem({ ...caseKey(c.caseId), itemType: 'case', ...c, ...indexAttributes(c) })];
  if (c.endedMonth && c.closedAt) items.push(toItem(endedCopy(c)));
  return items;
}

export class DynamoCaseStore implements CaseStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async createCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<void> {
    // Order matters without transactions. Every reader reaches a case through the tracking lookup
    // (citizens) or the case id (the workflow, which only starts after createCase returned), and
    // getCaseByTrackingId answers only when the case item exists AND names that tracking id. So:
    // - lookup written, then a crash: the id answers "not found"; nothing half-written shows;
    // - lookup written, case id taken (a racing retry): the lookup names a case with another
    //   tracking id and stays invisible; the caller reads the winner's case instead;
    // - case written, then a crash before the first event: the case item alone is the full
    //   picture (status, submittedAt); only the timeline lacks its first line.
    // A taken tracking id fails the first write, before anything else exists.
    await this.putIfAbsent({ pk: `TRACK#${record.trackingId}`, sk: 'TRACK', itemType: 'tracking', caseId: record.caseId }, `tracking id ${record.trackingId} exists`);
    if (record.endedMonth && record.closedAt) await this.putEndedCopy(record); // cases imported already ended
    await this.putIfAbsent({ ...caseKey(record.caseId), itemType: 'case', ...record, ...indexAttributes(record) }, `case ${record.caseId} exists`);
    await this.appendEvent(first);
  }

  async getCase(caseId: string): Promise<CaseRecord | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(caseKey(caseId)), ConsistentRead: true }));
    return out.Item ? strip<CaseRecord>(unmarshall(out.Item)) : undefined;
  }

  async getCaseByTrackingId(trackingId: string): Promise<CaseRecord | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: `TRACK#${trackingId}`, sk: 'TRACK' }), ConsistentRead: true }));
    const caseId = out.Item ? (unmarshall(out.Item).caseId as string) : undefined;
    const found = caseId ? await this.getCase(caseId) : undefined;
    // A lookup left by a createCase that lost its race (the case id existed) names a case with
    // another tracking id: it must not become a second way in.
    return found?.trackingId === trackingId ? found : undefined;
  }

  async updateCase(caseId: string, expectedVersion: number, patch: Partial<Omit<CaseRecord, 'caseId' | 'version'>>, held?: CaseRecord): Promise<CaseRecord> {
    // The whole item is written (its index attributes follow from all of it), so it is read first,
    // unless the caller holds it at that version; the conditional put refuses it if it moved on.
    const current = held?.caseId === caseId && held.version === expectedVersion ? held : await this.getCase(caseId);
    if (!current) throw new ConditionFailed(`case ${caseId} does not exist`);
    if (current.version !== expectedVersion) throw new ConditionFailed(`case ${caseId} is at version ${current.version}, not ${expectedVersion}`);
    const next: CaseRecord = { ...current, ...patch, caseId, version: expectedVersion + 1 };
    // The ended-case copy goes first: a crash in between leaves a copy ahead of the case (the next
    // attempt rewrites it), never an ended case missing from its month's report.
    if (next.endedMonth && next.closedAt) await this.putEndedCopy(next);
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: toItem({ ...caseKey(caseId), itemType: 'case', ...next, ...indexAttributes(next) }),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: marshall({ ':v': expectedVersion }),
      }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new ConditionFailed(`case ${caseId} changed meanwhile`);
      throw err;
    }
    return next;
  }

  async appendEvent(event: Omit<CaseEvent, 'seq'>): Promise<CaseEvent> {
    const counter = await this.client.send(new UpdateItemCommand({
      TableName: this.tableName,
      Key: marshall({ pk: `CASE#${event.caseId}`, sk: 'SEQ' }),
      UpdateExpression: 'ADD seq :one',
      ExpressionAttributeValues: marshall({ ':one': 1 }),
      ReturnValues: 'UPDATED_NEW',
    }));
    const seq = Number(unmarshall(counter.Attributes ?? {}).seq);
    const stored: CaseEvent = { ...event, seq };
    await this.putIfAbsent({ pk: `CASE#${event.caseId}`, sk: `EVENT#${String(seq).padStart(6, '0')}`, itemType: 'event', ...stored }, 'event exists');
    return stored;
  }

  async listEvents(caseId: string): Promise<CaseEvent[]> {
    const events: CaseEvent[] = [];
    for await (const item of this.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)', ExpressionAttributeValues: marshall({ ':pk': `CASE#${caseId}`, ':e': 'EVENT#' }) })) {
      events.push(strip<CaseEvent>(item));
    }
    return events;
  }

  async putTask(task: TaskRecord): Promise<void> {
    await this.putIfAbsent({ pk: `CASE#${task.caseId}`, sk: `TASK#${task.slot}`, itemType: 'task', ...task }, `task ${task.slot} exists`);
    await this.putKeyLookup(task);
  }

  async getTask(caseId: string, slot: string): Promise<TaskRecord | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: `CASE#${caseId}`, sk: `TASK#${slot}` }), ConsistentRead: true }));
    return out.Item ? strip<TaskRecord>(unmarshall(out.Item)) : undefined;
  }

  async getTaskByKeyHash(keyHash: string): Promise<TaskRecord | undefined> {
    const link = await this.getTaskLink(keyHash);
    return link && !link.grant ? link.task : undefined;
  }

  async getTaskLink(keyHash: string): Promise<TaskLink | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: `TASKKEY#${keyHash}`, sk: 'TASKKEY' }), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const { caseId, slot, holder } = unmarshall(out.Item) as { caseId: string; slot: string; holder?: 'grant' };
    if (holder === 'grant') {
      // The lookup is written before its grant: a lookup alone (putGrant cut short) is no key at all.
      const grant = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(grantKey(caseId, slot, keyHash)), ConsistentRead: true }));
      const task = grant.Item ? await this.getTask(caseId, slot) : undefined;
      return task && { task, grant: strip<TaskGrant>(unmarshall(grant.Item!)) };
    }
    const task = await this.getTask(caseId, slot);
    if (!task) return undefined;
    // A superseded key keeps its lookup so that it can answer 410; it sees the task as superseded.
    if (task.keyHash !== keyHash) return { task: { ...task, keyHash, status: 'superseded', supersededBy: task.keyHash } };
    return { task };
  }

  async updateTask(caseId: string, slot: string, expectedVersion: number, patch: Partial<Omit<TaskRecord, 'caseId' | 'slot' | 'version'>>): Promise<TaskRecord> {
    const current = await this.getTask(caseId, slot);
    if (!current) throw new ConditionFailed(`task ${slot} does not exist`);
    if (current.version !== expectedVersion) throw new ConditionFailed(`task ${slot} changed meanwhile`);
    const next: TaskRecord = { ...current, ...patch, caseId, slot, version: expectedVersion + 1 };
    if (patch.keyHash && patch.keyHash !== current.keyHash) await this.putKeyLookup(next);
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: toItem({ pk: `CASE#${caseId}`, sk: `TASK#${slot}`, itemType: 'task', ...next }),
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
    await this.putIfAbsent({ ...grantKey(grant.caseId, grant.slot, grant.keyHash), itemType: 'grant', ...grant }, `grant of ${grant.slot} exists`);
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

  async *casesByAgencyStatus(agencyId: string, status: CaseStatus, submittedBefore?: Date): AsyncIterable<CaseRecord> {
    // gsi1sk starts with submittedAt as written, with its UTC offset (at most 14 h): everything submitted
    // before the instant sorts below the next day's date, whatever the offset (the caller filters exactly).
    const bound = submittedBefore && new Date(submittedBefore.getTime() + 86_400_000).toISOString().slice(0, 10);
    const input: Omit<QueryCommandInput, 'TableName'> = bound
      ? { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :b', ExpressionAttributeValues: marshall({ ':p': `AGENCY#${agencyId}#${status}`, ':b': bound }) }
      : { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: marshall({ ':p': `AGENCY#${agencyId}#${status}` }) };
    for await (const item of this.query(input)) {
      yield strip<CaseRecord>(item);
    }
  }

  async *casesByMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    const input: Omit<QueryCommandInput, 'TableName'> = agencyId
      ? { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p AND begins_with(gsi2sk, :a)', ExpressionAttributeValues: marshall({ ':p': `MONTH#${month}`, ':a': `${agencyId}#` }) }
      : { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: marshall({ ':p': `MONTH#${month}` }) };
    for await (const item of this.query(input)) yield strip<CaseRecord>(item);
  }

  async *casesEndedInMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord> {
    const input: Omit<QueryCommandInput, 'TableName'> = agencyId
      ? { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p AND begins_with(gsi2sk, :a)', ExpressionAttributeValues: marshall({ ':p': `ENDED#${month}`, ':a': `${agencyId}#` }) }
      : { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: marshall({ ':p': `ENDED#${month}` }) };
    for await (const item of this.query(input)) yield strip<CaseRecord>(item);
  }

  async *openCasesDueBefore(agencyId: string, before: string): AsyncIterable<CaseRecord> {
    for await (const item of this.query({ IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :p AND gsi3sk < :b', ExpressionAttributeValues: marshall({ ':p': `DUE#${agencyId}`, ':b': new Date(before).toISOString() }) })) {
      yield strip<CaseRecord>(item);
    }
  }

  /**
   * Every item, page by page; the next page is asked for before this one is handed out, so the table
   * reads while the caller works (a recap of 100,000 cases waited on each page in turn). At most two
   * pages are held.
   */
  private async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncIterable<Record<string, unknown>> {
    const page = (ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey']): Promise<QueryCommandOutput> => {
      const pending = this.client.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey }));
      pending.catch(() => undefined); // awaited below; not an unhandled rejection if the caller stops early
      return pending;
    };
    let next: ReturnType<typeof page> | undefined = page(undefined);
    while (next) {
      const current: QueryCommandOutput = await next;
      next = current.LastEvaluatedKey ? page(current.LastEvaluatedKey) : undefined;
      for (const item of current.Items ?? []) yield unmarshall(item);
    }
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

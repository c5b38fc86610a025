/**
 * The case store's reads over the single DynamoDB table: the case, by id or tracking id, its events,
 * a task and the task a link's key names. A function that only reads (the public pages and status)
 * bundles this class and not the writer's (DynamoCaseStore extends it): the methods of a class are
 * never tree-shaken, so the writer's ≈ 15 KB of writes and lists would be in its bundle otherwise.
 * Moved here unchanged from dynamo-case-store.ts.
 */
import { GetItemCommand, QueryCommand, type DynamoDBClient, type QueryCommandInput, type QueryCommandOutput, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CaseEvent, CaseRecord } from '../../shared/case/model';
import { taskOfLocatedKey, type TaskGrant, type TaskRecord } from '../../shared/case/task';
import type { KeyLocator } from '../../shared/case/keys';
import { caseIdOfTracking } from '../../shared/case/tracking-id';
import type { CaseStore, TaskLink } from '../../shared/ports';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk', 'gsi5pk', 'gsi5sk', 'gsi5sub', 'gsi5esc', 'gsi5rep', 'itemType', 'rpt'];

export const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
export const grantKey = (caseId: string, slot: string, keyHash: string) => ({ pk: `CASE#${caseId}`, sk: `GRANT#${slot}#${keyHash}` });

/**
 * Events kept inside the case item (its first ones: `submitted`, `workflow_started`), each as an
 * attribute named like the sort key its own item would have (`EVENT#first`, `EVENT#o#<once>`): they
 * are written by the case's own writes, no item of their own. listEvents reads them with the rest.
 */
export const EMBEDDED_EVENT = 'EVENT#';

export function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  for (const k of Object.keys(copy)) if (k.startsWith(EMBEDDED_EVENT)) delete copy[k];
  return copy as T;
}

/** The CaseStore methods DynamoCaseReads implements: what `readingDependencies` (deps.ts) gives a function. */
export type CaseReads = Pick<CaseStore, 'getCase' | 'getCaseByTrackingId' | 'listEvents' | 'getTask' | 'getTaskByKeyHash' | 'getTaskLink'>;

/** The reads of the CaseStore port (see the module's comment). */
export class DynamoCaseReads implements CaseReads {
  constructor(protected readonly client: DynamoDBClient, protected readonly tableName: string) {}

  async getCase(caseId: string, read: { consistent: boolean } = { consistent: true }): Promise<CaseRecord | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(caseKey(caseId)), ConsistentRead: read.consistent }));
    return out.Item ? strip<CaseRecord>(unmarshall(out.Item)) : undefined;
  }

  async getCaseByTrackingId(trackingId: string): Promise<CaseRecord | undefined> {
    // The case stored under the id of its tracking id (every case intake files now): one read.
    const own = await this.getCase(caseIdOfTracking(trackingId));
    if (own?.trackingId === trackingId) return own;
    // A case filed before, found through its lookup item.
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: `TRACK#${trackingId}`, sk: 'TRACK' }), ConsistentRead: true }));
    const caseId = out.Item ? (unmarshall(out.Item).caseId as string) : undefined;
    const found = caseId ? await this.getCase(caseId) : undefined;
    // A lookup left by a createCase that lost its race (the case id existed) names a case with
    // another tracking id: it must not become a second way in.
    return found?.trackingId === trackingId ? found : undefined;
  }

  async listEvents(caseId: string): Promise<CaseEvent[]> {
    // One Query from the case item to the last once-marker (sk CASE < ENDED < EVENT#… < GRANT#… <
    // ONCE#… < 'ONCE$'; the tasks, after, are not read): the events kept inside the case item, those of
    // their own, and the `email_sent` events kept on their mail claims. Eventually consistent (Query's
    // default): no write depends on this read. Every event with a once-key is a conditional write, so a
    // history read a moment stale can only make a handler repeat an idempotent step; the timelines
    // people read lag by at most a second.
    const byKey = new Map<string, Record<string, unknown>>();
    const kept = new Map<string, Record<string, unknown>>();
    for await (const item of this.query({ KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: marshall({ ':pk': `CASE#${caseId}`, ':from': 'CASE', ':to': 'ONCE$' }) })) {
      if (item.itemType === 'case') {
        for (const [name, value] of Object.entries(item)) if (name.startsWith(EMBEDDED_EVENT)) kept.set(name, { caseId, ...(value as Record<string, unknown>) });
      } else if (item.itemType === 'event') byKey.set(String(item.sk), item);
      else if (item.itemType === 'mail' && item.sentEvent) {
        const event = item.sentEvent as Record<string, unknown>;
        kept.set(`EVENT#o#${String(event.once)}`, { caseId, ...event });
      }
    }
    // An event of its own item wins over one kept elsewhere under the same key (a case begun before
    // the event moved into the case item or the claim, whose step ran again after).
    for (const [name, event] of kept) if (!byKey.has(name)) byKey.set(name, event);
    const items = [...byKey.values()];
    // Events written under the old counter (`EVENT#000001`, with `seq`) came before any with `order`.
    const rank = (item: Record<string, unknown>) => (typeof item.order === 'number' ? item.order : Number(item.seq ?? 0) - Number.MAX_SAFE_INTEGER);
    items.sort((a, b) => rank(a) - rank(b));
    return items.map((item, i) => {
      const { order: _order, ...event } = strip<CaseEvent & { order?: number }>(item);
      return { ...event, seq: i + 1 };
    });
  }

  async getTask(caseId: string, slot: string): Promise<TaskRecord | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: `CASE#${caseId}`, sk: `TASK#${slot}` }), ConsistentRead: true }));
    return out.Item ? strip<TaskRecord>(unmarshall(out.Item)) : undefined;
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
    // Eventually consistent (half the read cost): a key's lookup never changes once written, and it is
    // written before the email that carries the key goes out, so by the time a person (or a mail
    // scanner) follows the link it reads back. The task and the grant it names are read consistently.
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk: `TASKKEY#${keyHash}`, sk: 'TASKKEY' }) }));
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

  /**
   * Every item, page by page; the next page is asked for before this one is handed out, so the table
   * reads while the caller works (a recap of 100,000 cases waited on each page in turn). At most two
   * pages are held.
   */
  protected async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncIterable<Record<string, unknown>> {
    for await (const item of this.queryItems(input)) yield unmarshall(item);
  }

  /** As {@link query}, the items as DynamoDB gives them. */
  protected async *queryItems(input: Omit<QueryCommandInput, 'TableName'>): AsyncIterable<Record<string, AttributeValue>> {
    const page = (ExclusiveStartKey: QueryCommandInput['ExclusiveStartKey']): Promise<QueryCommandOutput> => {
      const pending = this.client.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey }));
      pending.catch(() => undefined); // awaited below; not an unhandled rejection if the caller stops early
      return pending;
    };
    let next: ReturnType<typeof page> | undefined = page(undefined);
    while (next) {
      const current: QueryCommandOutput = await next;
      next = current.LastEvaluatedKey ? page(current.LastEvaluatedKey) : undefined;
      yield* current.Items ?? [];
    }
  }
}

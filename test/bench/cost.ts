/**
 * The cost section's meters and prices: what one case costs on AWS, counted on the local runtime
 * (Step Functions transitions from the engine's history, Lambda invocations, DynamoDB request units
 * with the GSI writes, emails) and priced with the one table of list prices below.
 */
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { caseTable } from '../../shared/data/table';

/**
 * List prices, us-east-1 (N. Virginia), as published on the AWS pricing pages in 2025 (read
 * 2025-12; Jakarta ap-southeast-3 is dearer: check before quoting). Lambda duration is not metered
 * locally: priced at an assumed 100 ms per invocation at 512 MB on ARM.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2025-12',
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaAssumedGbSecondsPerInvocation: 0.5 * 0.1,
  dynamoPerWriteUnit: 0.625 / 1_000_000,
  dynamoPerReadUnit: 0.125 / 1_000_000,
  sesPerEmail: 0.1 / 1000,
} as const;

export interface Meter {
  readUnits: number;
  writeUnits: number;
  calls: number;
}

/**
 * Counts request units on the handlers' one DynamoDB client the way DynamoDB bills them on demand.
 * Reads per 4 KB (half when eventually consistent). A write of the table per 1 KB of the larger of
 * the old and new item (a refused conditional write too, at the old item's size); then each index the
 * item is in, before or after, by what the index holds of it (its projection: ALL, or the keys and
 * listed attributes): an index entry added or removed is a write of its size, one whose keys changed
 * is both, one whose projected attributes changed is a write of the new entry, and one unchanged is no
 * write at all. The old and new items are read beside the call with a client of their own (not
 * counted). Item sizes by dynalite's own itemSize.
 */
export function meterDynamo(client: DynamoDBClient, meter: Meter): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { itemSize } = require('dynalite/db') as { itemSize(item: unknown): number };
  const reads = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
  const writes = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
  const side = new DynamoDBClient({});
  type Item = Record<string, AttributeValue>;
  const itemAt = async (TableName: string, Key: Item): Promise<Item | undefined> => (await side.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;
  const entryOf = (index: (typeof caseTable.indexes)[number], item: Item | undefined): Item | undefined => {
    if (!item || !item[index.partitionKey] || !item[index.sortKey]) return undefined;
    const kept = index.projection === 'ALL' ? Object.keys(item) : [caseTable.partitionKey, caseTable.sortKey, index.partitionKey, index.sortKey, ...index.projection];
    return Object.fromEntries(kept.filter((k) => item[k] !== undefined).sort().map((k) => [k, item[k]!]));
  };
  const indexWrites = (before: Item | undefined, after: Item | undefined) => caseTable.indexes.reduce((units, index) => {
    const [was, is] = [entryOf(index, before), entryOf(index, after)];
    if (!was && !is) return units;
    if (!was || !is) return units + writes(itemSize(was ?? is));
    const moved = JSON.stringify([was[index.partitionKey], was[index.sortKey]]) !== JSON.stringify([is[index.partitionKey], is[index.sortKey]]);
    if (moved) return units + writes(itemSize(was)) + writes(itemSize(is));
    return JSON.stringify(was) === JSON.stringify(is) ? units : units + writes(itemSize(is));
  }, 0);
  client.middlewareStack.add((next, context) => async (args) => {
    const input = args.input as Record<string, any>;
    const command = context.commandName ?? '';
    const writing = /^(Put|Update|Delete)Item/.test(command);
    const key: Item | undefined = writing ? (command === 'PutItemCommand' ? { pk: input.Item.pk, sk: input.Item.sk } : input.Key) : undefined;
    const before = key ? await itemAt(input.TableName, key) : undefined;
    let out;
    try {
      out = await next(args);
    } catch (err) {
      meter.calls++;
      // A refused conditional write is billed at the existing item's size; nothing reaches an index.
      if (writing) meter.writeUnits += writes(before ? itemSize(before) : 0);
      throw err;
    }
    const output = out.output as Record<string, any>;
    meter.calls++;
    if (command === 'GetItemCommand') meter.readUnits += reads(output.Item ? itemSize(output.Item) : 0, !!input.ConsistentRead);
    else if (command === 'QueryCommand') meter.readUnits += reads((output.Items ?? []).reduce((n: number, i: unknown) => n + itemSize(i), 0), !!input.ConsistentRead);
    else if (writing) {
      const after = command === 'PutItemCommand' ? input.Item as Item : command === 'UpdateItemCommand' ? await itemAt(input.TableName, key!) : undefined;
      meter.writeUnits += writes(Math.max(before ? itemSize(before) : 0, after ? itemSize(after) : 0)) + indexWrites(before, after);
    }
    return out;
  }, { step: 'initialize', name: 'benchCostMeter' });
  return () => {
    client.middlewareStack.remove('benchCostMeter');
    side.destroy();
  };
}

export interface CaseCost {
  transitions: number;
  lambdas: number;
  readUnits: number;
  writeUnits: number;
  emails: number;
}

/** Dollars per 1,000 cases, and the Step Functions share. */
export function dollarsPer1000(c: CaseCost): { total: number; stepFunctions: number } {
  const p = PRICES;
  const stepFunctions = c.transitions * p.stepFunctionsPerTransition;
  const perCase = stepFunctions
    + c.lambdas * (p.lambdaPerRequest + p.lambdaPerGbSecondArm * p.lambdaAssumedGbSecondsPerInvocation)
    + c.readUnits * p.dynamoPerReadUnit + c.writeUnits * p.dynamoPerWriteUnit + c.emails * p.sesPerEmail;
  return { total: perCase * 1000, stepFunctions: stepFunctions * 1000 };
}

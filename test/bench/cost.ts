/**
 * The cost section's meters and prices: what one case costs on AWS, counted on the local runtime
 * (Step Functions transitions from the engine's history, Lambda invocations, DynamoDB request units
 * with the GSI writes, emails) and priced with the one table of list prices below.
 */
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { FUNCTION_ARCHITECTURE, FUNCTION_MEMORY_MB } from '../../infra/aws/constructs/tanggap-function';
import { caseTable, type CaseIndexDefinition } from '../../shared/data/table';

/**
 * List prices, checked 2026-12-05 against the public pricing pages (on-demand, first tier, free tiers
 * left out: this is the marginal cost of a case):
 * - Step Functions Standard: $0.025 per 1,000 state transitions, retries included
 *   (https://aws.amazon.com/step-functions/pricing/, "State transitions pricing table": US East
 *   (N. Virginia) $0.0250, as are Singapore, Tokyo and Sydney).
 * - Lambda: $0.20 per million requests; Arm duration $0.0000133334 per GB-second
 *   (https://aws.amazon.com/lambda/pricing/). The same in ap-southeast-3 (Jakarta): the region table
 *   of janritter/aws-lambda-live-tuner, taken from the AWS Price List, lists arm64 ap-southeast-3 at
 *   0.0000133334.
 * - DynamoDB on-demand: $0.625 per million write request units, $0.125 per million read request
 *   units in us-east-1 since the cut of 1 November 2024, half the earlier $1.25 / $0.25
 *   (https://aws.amazon.com/dynamodb/pricing/on-demand/; AWS News Blog, "Amazon DynamoDB On-Demand",
 *   updated 31 January 2025).
 * - SES: $0.10 per 1,000 outbound emails (https://aws.amazon.com/ses/pricing/; attachments' $0.12 per
 *   GB left out: a case's mail is a few KB).
 * The regency deploys to ap-southeast-3, Jakarta (infra/aws/settings.ts DEFAULT_REGION; README,
 * "Deploy to AWS"). Its Step Functions and DynamoDB rates are not on the stored copies of those pages
 * (the Step Functions table lists no Jakarta row; the DynamoDB page renders its region prices in the
 * browser), so the table stays at us-east-1 and says so: check the AWS Pricing Calculator for
 * ap-southeast-3 before quoting a Jakarta figure. Lambda is priced as deployed (memory and processor
 * from infra/aws/constructs/tanggap-function.ts); its duration is not metered locally (the handlers run
 * in-process beside dynalite): an assumed 100 ms per invocation.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026-12-05',
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: FUNCTION_ARCHITECTURE.name === 'arm64' ? 0.0000133334 : 0.0000166667,
  lambdaMemoryGb: FUNCTION_MEMORY_MB / 1024,
  lambdaAssumedSecondsPerInvocation: 0.1,
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
 * counted). Item sizes by dynalite's own itemSize. `indexes`: the table's, as a new table has them (the
 * end state; a stage that still keeps a retiring index pays its writes too: pass it).
 */
export function meterDynamo(client: DynamoDBClient, meter: Meter, indexes: readonly CaseIndexDefinition[] = caseTable.indexes): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { itemSize } = require('dynalite/db') as { itemSize(item: unknown): number };
  const reads = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
  const writes = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
  const side = new DynamoDBClient({});
  type Item = Record<string, AttributeValue>;
  const itemAt = async (TableName: string, Key: Item): Promise<Item | undefined> => (await side.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;
  const entryOf = (index: CaseIndexDefinition, item: Item | undefined): Item | undefined => {
    if (!item || !item[index.partitionKey] || !item[index.sortKey]) return undefined;
    const kept = index.projection === 'ALL' ? Object.keys(item) : [caseTable.partitionKey, caseTable.sortKey, index.partitionKey, index.sortKey, ...index.projection];
    return Object.fromEntries(kept.filter((k) => item[k] !== undefined).sort().map((k) => [k, item[k]!]));
  };
  const indexWrites = (before: Item | undefined, after: Item | undefined) => indexes.reduce((units, index) => {
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
    else if (command === 'BatchGetItemCommand') {
      // One call, billed item by item as GetItems would be (a key with no item at the minimum), per
      // table's ConsistentRead; unprocessed keys are not billed (the caller asks them again).
      for (const [table, request] of Object.entries(input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>)) {
        const unprocessed = output.UnprocessedKeys?.[table]?.Keys?.length ?? 0;
        const found = (output.Responses?.[table] ?? []) as Item[];
        for (const item of found) meter.readUnits += reads(itemSize(item), !!request.ConsistentRead);
        meter.readUnits += (request.Keys.length - unprocessed - found.length) * reads(0, !!request.ConsistentRead);
      }
    }
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

/** Dollars per 1,000 cases: the total and each service's part. */
export function dollarsPer1000(c: CaseCost): { total: number; stepFunctions: number; lambda: number; dynamo: number; ses: number } {
  const p = PRICES;
  const parts = {
    stepFunctions: c.transitions * p.stepFunctionsPerTransition,
    lambda: c.lambdas * (p.lambdaPerRequest + p.lambdaPerGbSecond * p.lambdaMemoryGb * p.lambdaAssumedSecondsPerInvocation),
    dynamo: c.readUnits * p.dynamoPerReadUnit + c.writeUnits * p.dynamoPerWriteUnit,
    ses: c.emails * p.sesPerEmail,
  };
  const per1000 = (x: number) => x * 1000;
  return {
    total: per1000(parts.stepFunctions + parts.lambda + parts.dynamo + parts.ses),
    stepFunctions: per1000(parts.stepFunctions), lambda: per1000(parts.lambda), dynamo: per1000(parts.dynamo), ses: per1000(parts.ses),
  };
}

/**
 * The cost section's meters and prices: what one case costs on AWS, counted on the local runtime
 * (Step Functions transitions from the engine's history, Lambda invocations, DynamoDB request units
 * with the GSI writes, emails) and priced with the one table of list prices below.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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

const GSI_KEYS = caseTable.indexes.map((i) => i.partitionKey);

/**
 * Counts request units on the handlers' one DynamoDB client the way DynamoDB bills them on demand:
 * reads per 4 KB (half when eventually consistent), writes per 1 KB, and one more write per GSI whose
 * key the written item carries (all indexes project ALL). Item sizes by dynalite's own itemSize.
 * Overwrites are counted at the new item's size (DynamoDB takes the larger of old and new).
 */
export function meterDynamo(client: DynamoDBClient, meter: Meter): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { itemSize } = require('dynalite/db') as { itemSize(item: unknown): number };
  const reads = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
  const writes = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
  const gsisOf = (names: string) => GSI_KEYS.filter((k) => names.includes(k)).length;
  client.middlewareStack.add((next, context) => async (args) => {
    const input = args.input as Record<string, any>;
    const command = context.commandName ?? '';
    if (/^(Put|Update|Delete)Item/.test(command)) input.ReturnConsumedCapacity = 'TOTAL';
    // The item as written, to see which indexes it is in (an update need not name an index key to be
    // copied into an index that holds the item): asked for where the caller asks for nothing.
    const sawItem = command === 'UpdateItemCommand' && (input.ReturnValues === undefined || input.ReturnValues === 'NONE' || input.ReturnValues === 'ALL_NEW');
    if (sawItem) input.ReturnValues = 'ALL_NEW';
    const out = await next(args);
    const output = out.output as Record<string, any>;
    meter.calls++;
    if (command === 'GetItemCommand') meter.readUnits += reads(output.Item ? itemSize(output.Item) : 0, !!input.ConsistentRead);
    else if (command === 'QueryCommand') meter.readUnits += reads((output.Items ?? []).reduce((n: number, i: unknown) => n + itemSize(i), 0), !!input.ConsistentRead);
    else if (command === 'PutItemCommand') meter.writeUnits += writes(itemSize(input.Item)) * (1 + gsisOf(Object.keys(input.Item).join(' ')));
    else if (command === 'UpdateItemCommand' || command === 'DeleteItemCommand') {
      const units = output.ConsumedCapacity?.CapacityUnits ?? 1;
      const named = `${input.UpdateExpression ?? ''} ${Object.values(input.ExpressionAttributeNames ?? {}).join(' ')} ${sawItem ? Object.keys(output.Attributes ?? {}).join(' ') : ''}`;
      meter.writeUnits += units * (1 + (command === 'DeleteItemCommand' ? GSI_KEYS.length : gsisOf(named)));
    }
    return out;
  }, { step: 'initialize', name: 'benchCostMeter' });
  return () => client.middlewareStack.remove('benchCostMeter');
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

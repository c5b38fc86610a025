/**
 * The cost section's meters and prices: what one case costs on AWS, counted on the local runtime
 * (Step Functions transitions from the engine's history, Lambda invocations, DynamoDB request units
 * with the GSI writes, emails) and priced with the one table of list prices below.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FUNCTION_ARCHITECTURE, FUNCTION_MEMORY_MB } from '../../infra/aws/constructs/tanggap-function';
import { caseTable } from '../../shared/data/table';

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

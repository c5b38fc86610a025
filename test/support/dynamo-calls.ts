/**
 * Counts the DynamoDB calls the handlers make, by operation: an SDK middleware on the one client every
 * handler uses (functions/adapters/clients.ts), as
 * functions/adapters/faults.ts hooks its faults in. For the bench and the tests of what a complaint costs.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CallCounter {
  /** Calls so far, by operation (`PutItem`, `Query`…). */
  readonly byOperation: Map<string, number>;
  total(): number;
  /** `PutItem 9, GetItem 5, …` per `per` (a complaint), most frequent first. */
  describe(per?: number): string;
  stop(): void;
}

/** `skip`: calls not to count, by their input (e.g. the directory's pointer, read once per cache period). */
export function countDynamoCalls(client: DynamoDBClient, name = 'tanggapCallCount', skip?: (input: Record<string, any>) => boolean): CallCounter {
  const byOperation = new Map<string, number>();
  client.middlewareStack.add((next, context) => (args) => {
    if (skip?.(args.input as Record<string, any>)) return next(args);
    const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
    byOperation.set(operation, (byOperation.get(operation) ?? 0) + 1);
    return next(args);
  }, { step: 'initialize', name });
  const total = () => [...byOperation.values()].reduce((a, b) => a + b, 0);
  return {
    byOperation,
    total,
    describe: (per = 1) => [...byOperation].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([op, n]) => `${op} ${(n / per).toFixed(1)}`).join(', '),
    stop: () => { client.middlewareStack.remove(name); },
  };
}

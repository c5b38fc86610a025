/**
 * The SuppressionList port over the single table (shared/data/table.ts): one item per suppressed
 * address, keyed by its hash (`SUPPRESS#<addressHash>`), so the table holds no address for it.
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Suppression, SuppressionList } from '../../shared/ports';

/** The item of an address's suppression record (also read by DynamoCaseStore.getCaseWithSuppressions). */
export const suppressionKey = (addressHash: string) => ({ pk: `SUPPRESS#${addressHash}`, sk: 'SUPPRESS' });
const key = suppressionKey;

/** A suppression item as the port gives it. */
export function suppressionOf(item: Record<string, unknown>): Suppression {
  const { pk: _pk, sk: _sk, itemType: _t, ...record } = item as unknown as Suppression & { pk: string; sk: string; itemType: string };
  return record;
}

export class DynamoSuppressionList implements SuppressionList {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async get(addressHash: string): Promise<Suppression | undefined> {
    // Eventually consistent (half the read cost): a read a moment stale can only let one more email
    // go to an address SES reported a second ago, which SES then suppresses itself.
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key(addressHash)) }));
    return out.Item ? suppressionOf(unmarshall(out.Item)) : undefined;
  }

  async put(record: Suppression): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: marshall({ ...key(record.addressHash), itemType: 'suppression', ...record }, { removeUndefinedValues: true }) }));
  }
}

/** CreateTable input for the single table (shared/data/table.ts): used by the local runtime and tests. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { caseTable, type CaseIndexDefinition } from '../../shared/data/table';

export function createTableInput(tableName: string): CreateTableCommandInput {
  // A new table has the current indexes only (none of the retiring ones).
  const indexes: readonly CaseIndexDefinition[] = caseTable.indexes;
  const keys = new Set<string>([caseTable.partitionKey, caseTable.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...keys].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: caseTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: caseTable.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: i.projection === 'ALL' ? { ProjectionType: 'ALL' } : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.projection] },
    })),
  };
}


/**
 * Counts the LevelDB iterators dynalite leaves open after Queries, in a process of its own (jest's
 * module registry would hide dynalite's classes from v8.queryObjects):
 * `tsx dynalite-iterators-child.ts <dataDir> fixed|unfixed` prints `{ before, after, queries }`.
 */
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queryObjects, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../functions/adapters/table-definition';
import { abstractLevelOfDynalite, createDynalite, waitForActiveTable } from '../../infra/local/dynalite';

const [dataDir, mode] = process.argv.slice(2) as [string, 'fixed' | 'unfixed'];
const QUERIES = 100;

function openValueIterators(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const { AbstractValueIterator } = abstractLevelOfDynalite() as unknown as { AbstractValueIterator: new () => object };
  return queryObjects(AbstractValueIterator, { format: 'count' }) as number;
}

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server: Server = mode === 'fixed' ? createDynalite(join(dataDir, 'dynamodb')) : (require('dynalite') as (o: object) => Server)({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(new CreateTableCommand(createTableInput('iterators')));
  await waitForActiveTable(client, 'iterators');
  for (let i = 0; i < 10; i++) {
    await client.send(new PutItemCommand({ TableName: 'iterators', Item: { pk: { S: 'CASE#c1' }, sk: { S: `EVENT#${i}` }, gsi1pk: { S: 'AGENCY#a#received' }, gsi1sk: { S: String(i) } } }));
  }
  const before = openValueIterators();
  for (let i = 0; i < QUERIES; i++) {
    // Read to the end, stopped at a Limit, and through an index.
    await client.send(new QueryCommand({ TableName: 'iterators', KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)', ExpressionAttributeValues: { ':p': { S: 'CASE#c1' }, ':e': { S: 'EVENT#' } }, ...(i % 2 ? { Limit: 3 } : {}) }));
    await client.send(new QueryCommand({ TableName: 'iterators', IndexName: 'gsi7', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'AGENCY#a#received' } } }));
  }
  console.log(JSON.stringify({ before, after: openValueIterators(), queries: 2 * QUERIES }));
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});

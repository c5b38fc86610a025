/**
 * What dynalite's open iterators cost in resident memory (infra/local/dynalite.ts), on dynalite alone:
 * 3,000 rounds the size of a case (four 1.5 KB PutItems with index keys, one Query of its events),
 * then RSS and heap after a GC. `npx tsx test/bench/dynalite-iterators.ts fixed|unfixed`. Figures, not assertions.
 */
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import type { Server } from 'node:http'; import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8'; import { runInNewContext } from 'node:vm';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../functions/adapters/table-definition';
import { createDynalite, waitForActiveTable } from '../../infra/local/dynalite';
// eslint-disable-next-line @typescript-eslint/no-require-imports
(async () => {
  const fixed = process.argv[2] === 'fixed'; const dir = mkdtempSync(join(tmpdir(), 'rss-'));
  const server: Server = fixed ? createDynalite(join(dir, 'db')) : (require('dynalite') as (o: object) => Server)({ path: join(dir, 'db'), createTableMs: 0 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const c = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'x', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  await c.send(new CreateTableCommand(createTableInput('tbl')));
  await waitForActiveTable(c, 'tbl');
  setFlagsFromString('--expose-gc'); const gc = runInNewContext('gc') as () => void;
  gc(); const r0 = process.memoryUsage().rss;
  const body = 'x'.repeat(1500);
  for (let n = 0; n < 3000; n++) {
    // A case's worth: a few writes of ~1.5 KB items (with index keys), and one Query of its events.
    await Promise.all([0, 1, 2, 3].map((k) => c.send(new PutItemCommand({ TableName: 'tbl', Item: { pk: { S: `CASE#${n}` }, sk: { S: `EVENT#${k}` }, body: { S: body }, gsi1pk: { S: `A#${n % 7}` }, gsi1sk: { S: `${n}#${k}` } } }))));
    await c.send(new QueryCommand({ TableName: 'tbl', KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)', ExpressionAttributeValues: { ':p': { S: `CASE#${n}` }, ':e': { S: 'EVENT#' } } }));
  }
  gc(); const m = process.memoryUsage();
  console.log(`${fixed ? 'fixed  ' : 'unfixed'}: 3000 "cases" (12,000 PutItem of 1.5 KB, 3,000 Query): RSS ${(r0 / 1048576).toFixed(0)} -> ${(m.rss / 1048576).toFixed(0)} MiB, heap ${(m.heapUsed / 1048576).toFixed(0)} MiB`);
  server.close(); c.destroy(); process.exit(0);
})();

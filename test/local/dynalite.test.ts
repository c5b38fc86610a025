/**
 * The local runtime's dynalite closes the LevelDB iterator of every Query (infra/local/dynalite.ts):
 * dynalite 4 left each one open, and each open iterator pins LevelDB memory for the life of the
 * process. Counted in a child process with v8.queryObjects after a garbage collection: an iterator
 * still open is held by the database, a closed one is collected. The same Queries on dynalite as
 * it comes show the leak, so the test can fail.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function openIterators(mode: 'fixed' | 'unfixed'): Promise<{ before: number; after: number; queries: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tanggap-dynalite-'));
  dirs.push(dataDir);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'dynalite-iterators-child.ts'), dataDir, mode], { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { before: number; after: number; queries: number };
}

test('Queries, read to the end or stopped at their Limit, leave no LevelDB iterator open', async () => {
  const unfixed = await openIterators('unfixed');
  const fixed = await openIterators('fixed');
  expect(unfixed.after - unfixed.before).toBeGreaterThanOrEqual(unfixed.queries);
  expect(fixed.after - fixed.before).toBeLessThan(5);
});

test('the local LevelDB flushes its memtable to a table file after about 1 MiB of writes, not 4 (LOCAL_LEVELDB_OPTIONS: resident memory)', async () => {
  const { startDynalite, waitForActiveTable } = await import('../../infra/local/dynalite');
  const { CreateTableCommand, DynamoDBClient, PutItemCommand } = await import('@aws-sdk/client-dynamodb');
  const dataDir = mkdtempSync(join(tmpdir(), 'tanggap-dynalite-'));
  dirs.push(dataDir);
  const path = join(dataDir, 'db');
  const server = await startDynalite(path, { thread: false });
  const client = new DynamoDBClient({ endpoint: server.url, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new CreateTableCommand({ TableName: 'tbl', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
    // dynalite makes the table ACTIVE on a timer: a PutItem before that answers ResourceNotFound
    // (CI on a loaded machine hit it).
    await waitForActiveTable(client, 'tbl');
    // 2 MiB of items: past a 1 MiB memtable, well short of classic-level's default 4 MiB.
    const body = 'x'.repeat(8 * 1024);
    for (let i = 0; i < 256; i++) await client.send(new PutItemCommand({ TableName: 'tbl', Item: { pk: { S: `item-${i}` }, body: { S: body } } }));
    // The flush runs on LevelDB's background thread.
    let tables: string[] = [];
    for (const until = Date.now() + 30_000; !tables.length && Date.now() < until; ) {
      tables = readdirSync(path).filter((f) => f.endsWith('.ldb'));
      if (!tables.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(tables.length).toBeGreaterThan(0);
  } finally {
    client.destroy();
    await server.close();
  }
});

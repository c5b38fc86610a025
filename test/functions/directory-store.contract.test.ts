/**
 * One contract for the DirectoryStore port, against the DynamoDB adapter on dynalite and the
 * in-memory fake; then what only the table can show: a large regency's directory stored in
 * chunks under the item limit, and an import that dies half-way never shows.
 */
import { CreateTableCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { gzipSync } from 'node:zlib';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { createTableInput } from '../../functions/adapters/table-definition';
import { DIRECTORY_SCHEMA } from '../../shared/directory/schema';
import { directoryText, importDirectory, type DirectoryStore } from '../../shared/directory/store';
import { demoCopy, largeDirectory, officialsIn, withNewHolder } from '../support/directory-fixtures';
import { startDynalite, type TestTable } from '../support/dynalite';
import { waitForActiveTable } from '../../infra/local/dynalite';
import { MemoryDirectoryStore } from '../support/memory-directory-store';

let table: TestTable;
let tables = 0;
beforeAll(async () => { table = await startDynalite('tanggap-directory'); });
afterAll(async () => { await table.stop(); });

/** Each test gets a table of its own: the directory's partition key is fixed, as the pointer must be. */
async function freshDynamo(): Promise<DynamoDirectoryStore> {
  const name = `tanggap-directory-${++tables}`;
  await table.client.send(new CreateTableCommand(createTableInput(name)));
  await waitForActiveTable(table.client, name);
  return new DynamoDirectoryStore(table.client, name);
}

const meta = (who: string, at = '2026-12-01T09:00:00+07:00') => ({ loadedBy: who, loadedAt: at });
const transfer = () => withNewHolder(demoCopy(), 'perpus-muba', 'staf-layanan', { id: 'perpus-staf-baru', name: 'Rudi "Rudy" Hartono \\ 😀', email: 'rudi@perpus.musitanggap.example.go.id', title: 'Staf <Layanan>' });

describe.each<[string, () => Promise<DirectoryStore>]>([
  ['DynamoDB adapter (dynalite)', freshDynamo],
  ['in-memory fake', async () => new MemoryDirectoryStore()],
])('%s', (_name, makeStore) => {
  test('nothing is current before the first import', async () => {
    const store = await makeStore();
    expect(await store.currentVersion()).toBeUndefined();
    expect(await store.getVersion(1)).toBeUndefined();
  });

  test('each import is the next version, whole, with who loaded it and when; the pointer follows', async () => {
    const store = await makeStore();
    const v1 = await store.saveVersion(demoCopy(), meta('demo seed', '2026-11-01T08:00:00+07:00'));
    const v2 = await store.saveVersion(transfer(), meta('Nurul <nurul@kominfo.example.go.id>'));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await store.currentVersion()).toEqual(v2);
    expect(v2).toMatchObject({ loadedBy: 'Nurul <nurul@kominfo.example.go.id>', loadedAt: '2026-12-01T09:00:00+07:00', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: Buffer.byteLength(directoryText(transfer())) });
    // Versions are immutable: the first one reads as it was stored, text exactly as typed.
    expect((await store.getVersion(1))!.document).toEqual(demoCopy());
    expect((await store.getVersion(2))!.document).toEqual(transfer());
    expect(JSON.stringify((await store.getVersion(2))!.document)).toContain('Rudi \\"Rudy\\" Hartono \\\\ 😀');
  });

  test('an identical re-import changes nothing; a broken one changes nothing and names its problems', async () => {
    const store = await makeStore();
    await importDirectory(store, demoCopy(), meta('first'));
    expect(await importDirectory(store, demoCopy(), meta('second'))).toMatchObject({ ok: true, unchanged: true, version: { version: 1, loadedBy: 'first' } });
    const broken = demoCopy();
    broken.bupati.email = 'bupati';
    broken.agencies[0]!.officials = [];
    const result = await importDirectory(store, broken, meta('third'));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.length).toBeGreaterThanOrEqual(2);
    expect(await store.currentVersion()).toMatchObject({ version: 1, loadedBy: 'first' });
  });

  test('an import records the schema it validated with (DIRECTORY_SCHEMA) on the version and the pointer; a version saved otherwise has none', async () => {
    const store = await makeStore();
    await store.saveVersion(demoCopy(), meta('saved, not imported'));
    expect((await store.getVersion(1))!.schema).toBeUndefined();
    await importDirectory(store, transfer(), meta('operator'));
    expect((await store.getVersion(2))!.schema).toBe(DIRECTORY_SCHEMA);
    expect((await store.currentVersion())!.schema).toBe(DIRECTORY_SCHEMA);
    // The same text as a version saved without the schema is imported again, then recognised.
    await store.saveVersion(demoCopy(), meta('saved, not imported'));
    expect(await importDirectory(store, demoCopy(), meta('operator'))).toMatchObject({ ok: true, unchanged: false, version: { version: 4, schema: DIRECTORY_SCHEMA } });
    expect(await importDirectory(store, demoCopy(), meta('operator'))).toMatchObject({ ok: true, unchanged: true, version: { version: 4 } });
  });
});

describe('DynamoDB adapter only', () => {
  test('a regency of 2,000 officials: too large for one item as JSON, stored compressed in chunks under 400 KB, read back whole', async () => {
    const store = await freshDynamo();
    const large = largeDirectory(2_000);
    expect(officialsIn(large)).toBe(2_000);
    const text = directoryText(large);
    expect(Buffer.byteLength(text)).toBeGreaterThan(400 * 1024); // why it is compressed and chunked
    const saved = await store.saveVersion(large, meta('operator'));
    expect(saved.bytes).toBe(Buffer.byteLength(text));
    expect((await store.getVersion(saved.version))!.document).toEqual(large);
    // With chunks small enough to need many items, the same holds.
    const chunked = new DynamoDirectoryStore(table.client, store.tableName, 4 * 1024);
    const again = await chunked.saveVersion(largeDirectory(2_100), meta('operator'));
    const items = await versionItems(table.client, store.tableName, again.version);
    const expectedChunks = Math.ceil(gzipSync(directoryText(largeDirectory(2_100))).length / (4 * 1024));
    expect(expectedChunks).toBeGreaterThan(2);
    expect(items.filter((i) => i.sk.includes('#C#'))).toHaveLength(expectedChunks);
    expect(Math.max(...items.map((i) => i.size))).toBeLessThan(400 * 1024);
    expect((await chunked.getVersion(again.version))!.document).toEqual(largeDirectory(2_100));
  });

  test('an import that dies before the pointer moves never shows; the next import takes the next free number', async () => {
    const store = await freshDynamo();
    const name = store.tableName;
    await store.saveVersion(demoCopy(), meta('demo seed'));
    // The process dies at its last write: the pointer.
    const dying = new DynamoDirectoryStore(failingAt(table.client, (input) => input.Key === undefined && JSON.stringify(input.Item ?? {}).includes('"CURRENT"')), name);
    await expect(dying.saveVersion(transfer(), meta('crashed'))).rejects.toThrow('process died');
    expect(await store.currentVersion()).toMatchObject({ version: 1, loadedBy: 'demo seed' });
    // It died after its chunks: version 2 exists in full but nothing points to it.
    expect((await store.getVersion(2))?.loadedBy).toBe('crashed');
    // Dying between the header and the chunks leaves a version that does not read at all.
    const dyingEarly = new DynamoDirectoryStore(failingAt(table.client, (input) => JSON.stringify(input.Item ?? {}).includes('#C#0000')), name);
    await expect(dyingEarly.saveVersion(transfer(), meta('crashed early'))).rejects.toThrow('process died');
    expect(await store.getVersion(3)).toBeUndefined();
    expect(await store.currentVersion()).toMatchObject({ version: 1 });
    const next = await store.saveVersion(transfer(), meta('operator'));
    expect(next.version).toBe(4);
    expect(await store.currentVersion()).toEqual(next);
  });

  test('the pointer only moves forward: an older version finishing last does not replace a newer one', async () => {
    const store = await freshDynamo();
    const name = store.tableName;
    await store.saveVersion(demoCopy(), meta('one'));
    // A slow import claims version 2, then a fast one claims 3 and finishes first.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const slow = new DynamoDirectoryStore(pausingAt(table.client, (input) => JSON.stringify(input.Item ?? {}).includes('"CURRENT"'), gate), name);
    const slowSave = slow.saveVersion(transfer(), meta('slow'));
    await new Promise((r) => setTimeout(r, 200));
    const fast = await store.saveVersion(largeDirectory(100), meta('fast'));
    expect(fast.version).toBe(3);
    release();
    await expect(slowSave).rejects.toThrow(/newer directory/);
    expect(await store.currentVersion()).toMatchObject({ version: 3, loadedBy: 'fast' });
  });
});

type SentInput = { Key?: unknown; Item?: unknown };
/** A client whose send throws "process died" at the first command matching `when`, as a killed process would stop there. */
function failingAt(client: DynamoDBClient, when: (input: SentInput) => boolean): DynamoDBClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return async (command: { input: SentInput }) => {
        if (when(command.input)) throw new Error('process died');
        return target.send(command as never);
      };
    },
  });
}
/** A client that waits for `gate` before sending the first command matching `when`. */
function pausingAt(client: DynamoDBClient, when: (input: SentInput) => boolean, gate: Promise<void>): DynamoDBClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return async (command: { input: SentInput }) => {
        if (when(command.input)) await gate;
        return target.send(command as never);
      };
    },
  });
}

/** The items of one stored version, with their approximate size (names and values). */
async function versionItems(client: DynamoDBClient, tableName: string, version: number): Promise<{ sk: string; size: number }[]> {
  const out: { sk: string; size: number }[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)', ExpressionAttributeValues: marshall({ ':pk': 'DIRECTORY', ':v': `V#${String(version).padStart(9, '0')}#` }), ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const size = Object.entries(item).reduce((n, [k, v]) => n + k.length + (v.B ? v.B.length : v.S ? Buffer.byteLength(v.S) : v.N ? v.N.length : 0), 0);
      out.push({ sk: item.sk!.S!, size });
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return out;
}

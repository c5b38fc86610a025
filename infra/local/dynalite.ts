/**
 * dynalite, the local runtime's DynamoDB, on its LevelDB files — with its iterators closed.
 *
 * dynalite 4 reads every Query, Scan and index update through a LevelDB iterator wrapped in a stream
 * whose `destroy` closes the iterator by calling `iterator.return()`, a method abstract-level's
 * iterators do not have (they have `close()`). So no iterator was ever closed: each one stayed in the
 * database's open resources with its native LevelDB iterator, which pins the memtable and table
 * files it was opened on. The runtime's resident memory grew with every Query (about one per case
 * filed, and one per timeline read): it is what made 10,000 open cases cost over 400 MiB of RSS for
 * some 110 MiB of JavaScript heap. Giving the iterators the `return()` dynalite calls closes each one
 * when its stream ends or is destroyed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The abstract-level copy that dynalite's LevelDB (classic-level, through `level`) is built on,
 * resolved from dynalite's own folder (it is a dependency of a dependency). Through this module's
 * `require`, so that a test runner's module registry gets the copy its dynalite uses.
 */
export function abstractLevelOfDynalite(): Record<string, { prototype: object }> {
  const from = (id: string, module: string) => require.resolve(id, { paths: [dirname(module)] });
  const abstractLevel = from('abstract-level', from('classic-level', from('level', require.resolve('dynalite'))));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(abstractLevel) as Record<string, { prototype: object }>;
}

let patched = false;

/** Adds `return()` (closing the iterator) to abstract-level's iterators, once per process. */
export function closeIteratorsOnReturn(): void {
  if (patched) return;
  patched = true;
  const level = abstractLevelOfDynalite();
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const proto = level[name]?.prototype as { close?: () => Promise<void>; return?: unknown } | undefined;
    if (!proto || typeof proto.close !== 'function' || 'return' in proto) continue;
    Object.defineProperty(proto, 'return', {
      configurable: true,
      writable: true,
      value(this: { close(): Promise<void> }) {
        return this.close().then(() => ({ done: true, value: undefined }));
      },
    });
  }
}

/**
 * LevelDB options for the local table, smaller than classic-level's defaults (an 8 MiB block cache,
 * a 4 MiB memtable — two while one is flushed): the local table is read mostly through items
 * recently written, which the memtable and the OS page cache hold anyway, and every MiB here is
 * resident memory of the one process that also runs the engine and the handlers.
 */
export const LOCAL_LEVELDB_OPTIONS = { cacheSize: 2 << 20, writeBufferSize: 1 << 20 } as const;

/** The classic-level class dynalite opens its LevelDB with (resolved as abstractLevelOfDynalite). */
function classicLevelOfDynalite(): { prototype: { _open(options: Record<string, unknown>): Promise<void> } } {
  const from = (id: string, module: string) => require.resolve(id, { paths: [dirname(module)] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(from('classic-level', from('level', require.resolve('dynalite')))) as { ClassicLevel: never }).ClassicLevel;
}

let sized = false;

/**
 * Opens dynalite's LevelDB with LOCAL_LEVELDB_OPTIONS, once per process: dynalite constructs its
 * `Level` itself with no way to pass them, so they are given where classic-level opens the database
 * (an option the caller did pass still wins).
 */
export function sizeLevelDb(): void {
  if (sized) return;
  sized = true;
  const proto = classicLevelOfDynalite().prototype;
  const open = proto._open;
  proto._open = function (this: unknown, options: Record<string, unknown>) {
    return open.call(this, { ...LOCAL_LEVELDB_OPTIONS, ...options });
  };
}

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

/** A dynalite server on the LevelDB files under `path` (not listening yet), its iterators closed when done. */
export function createDynalite(path: string): Server {
  closeIteratorsOnReturn();
  sizeLevelDb();
  return dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
}

/** A dynalite server listening on a loopback port. */
export interface DynaliteServer {
  url: string;
  /** Closes its connections and its LevelDB (and its thread, when it has one). */
  close(): Promise<void>;
  /** Its thread's heap (V8's statistics and `process.memoryUsage()` there), for the memory bench; undefined without a thread. */
  stats(): Promise<DynaliteThreadStats | undefined>;
}

/** What dynalite's thread reports of its memory: its isolate's heap (RSS is the process's). */
export interface DynaliteThreadStats {
  heapUsed: number;
  heapTotal: number;
  external: number;
  malloced_memory: number;
}

/**
 * Starts dynalite on the LevelDB files under `path`, in a thread of its own by default: dynalite and
 * LevelDB were a fifth to a quarter of the local runtime's one busy thread (`node --cpu-prof` of the
 * intake bench), and the handlers reach it by endpoint anyway, so it can take the second CPU. The
 * thread ends with the process, a `kill -9` included, so no orphan holds the LevelDB lock after it.
 * `thread: false` runs it in this thread (tools that open DATA_DIR for a moment).
 */
export async function startDynalite(path: string, options: { thread?: boolean } = {}): Promise<DynaliteServer> {
  if (options.thread === false) {
    const server = createDynalite(path);
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((res) => { server.closeAllConnections(); server.close(() => res()); }),
      stats: async () => undefined,
    };
  }
  // TypeScript in the thread through tsx's require hook (the thread is started from plain JavaScript,
  // so that it loads alike under `node --import tsx`, jest and the bench), with no inherited flags.
  // A young generation of 8 MiB rather than V8's default: dynalite's garbage is short-lived and small.
  // What it saves is not established: at 1,000 open cases the memory bench showed 253 MiB of RSS with
  // it and 371 without, but 349–390 MiB in later runs with it (RSS varies that much between runs here).
  // The thread does cost RSS: ~110 MiB more than main at 3,000 open cases (README, Bench).
  const entry = join(__dirname, 'dynalite-thread.ts');
  const worker = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`, { eval: true, workerData: { path }, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const statsWaiters: ((stats: DynaliteThreadStats) => void)[] = [];
  const port = await new Promise<number>((res, rej) => {
    const fail = (err: Error) => rej(err);
    worker.once('error', fail);
    worker.once('exit', (code) => rej(new Error(`dynalite's thread exited (${code}) before listening`)));
    worker.on('message', (m: { listening?: number; error?: string; stats?: DynaliteThreadStats }) => {
      if (m.listening) res(m.listening);
      else if (m.error) rej(new Error(`dynalite: ${m.error}`));
      else if (m.stats) statsWaiters.shift()?.(m.stats);
    });
  });
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  // A thread that dies later (it should not) must not take the process with an unhandled 'error'.
  worker.on('error', (err) => console.error(`dynalite's thread failed: ${err.message}`));
  const exited = new Promise<void>((res) => worker.once('exit', () => res()));
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      worker.postMessage('close');
      await exited;
    },
    stats: () => new Promise<DynaliteThreadStats>((res) => {
      statsWaiters.push(res);
      worker.postMessage('stats');
    }),
  };
}

/**
 * Waits until a table dynalite is creating is ACTIVE, its indexes too. dynalite flips the status on
 * a timer, even with `createTableMs: 0`, and until then a PutItem answers ResourceNotFound; on a
 * loaded machine (CI) that timer can lag by seconds, so the wait is bounded by time, not by tries.
 */
export async function waitForActiveTable(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  for (const until = Date.now() + timeoutMs; ; ) {
    const t = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    if (t?.TableStatus === 'ACTIVE' && (t.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')) return;
    if (Date.now() >= until) throw new Error(`The table ${tableName} did not become ACTIVE within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

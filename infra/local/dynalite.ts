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
import { dirname } from 'node:path';

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

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

/** A dynalite server on the LevelDB files under `path` (not listening yet), its iterators closed when done. */
export function createDynalite(path: string): Server {
  closeIteratorsOnReturn();
  return dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
}

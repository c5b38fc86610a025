/**
 * The local runtime's dynalite closes the LevelDB iterator of every Query (infra/local/dynalite.ts):
 * dynalite 4 left each one open, and each open iterator pins LevelDB memory for the life of the
 * process. Counted in a child process with v8.queryObjects after a garbage collection: an iterator
 * still open is held by the database, a closed one is collected. The same Queries on dynalite as
 * it comes show the leak, so the test can fail.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

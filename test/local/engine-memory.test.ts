/**
 * What a parked execution costs the engine's heap: 1,000 library cases parked on their first step (the
 * callback task racing its SLA clock, the continue-as-new wait, the execution's timeout), measured in a
 * child process after a garbage collection (`test/bench/engine-memory.ts`). It was 6.9 KiB each while
 * every timer and the callback's timeout were closures and a promise race; the bound holds what
 * the timer objects saved (and fails if the closures come back).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

test('a parked execution holds under 6 KiB of heap', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/engine-memory.ts'), '1000'], { cwd: ROOT, env: { ...process.env, ENGINE_MEMORY_JSON: '1' } });
  const { parked, perExecutionKiB } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { parked: number; perExecutionKiB: number };
  expect(parked).toBe(1020);
  expect(perExecutionKiB).toBeLessThan(6);
}, 120_000);

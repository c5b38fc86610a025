/**
 * What a parked execution costs the engine's heap: 1,000 library cases parked on their first step (the
 * callback task racing its SLA clock, the continue-as-new wait, the execution's timeout), measured in a
 * child process after a garbage collection (`test/bench/engine-memory.ts`). It was 6.9 KiB each while
 * every timer and the callback's timeout were closures and a promise race, 4.9 KiB with the timers as
 * objects but the task's Retry, timeout and callback wait a chain of promises and the state's input
 * in memory; 2.9 KiB since (TaskWork/TaskAttempt, the input in the journal, the history as text).
 * The bound holds what those saved (and fails if the promise chain or the input come back).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

test('a parked execution holds under 3.5 KiB of heap', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'test/bench/engine-memory.ts'), '1000'], { cwd: ROOT, env: { ...process.env, ENGINE_MEMORY_JSON: '1' } });
  const { parked, perExecutionKiB } = JSON.parse(stdout.trim().split('\n').at(-1)!) as { parked: number; perExecutionKiB: number };
  expect(parked).toBe(1020);
  expect(perExecutionKiB).toBeLessThan(3.5);
}, 120_000);

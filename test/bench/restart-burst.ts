/**
 * What a restart with many open cases costs the local runtime: files N complaints (default 500), stops
 * the runtime, starts it again on the same DATA_DIR (every unfinished execution resumes from the
 * journal, as after a `kill -9`) and samples, until it has settled, how many executions hold a run of
 * the library and the heap in use. The same burst happens when many timers fall due at once.
 *
 *   npx tsx test/bench/restart-burst.ts [N]
 */
import '../../infra/local/polyfills';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startRuntime, type Runtime } from '../../infra/local/runtime';

const gc = () => { setFlagsFromString('--expose-gc'); (runInNewContext('gc') as () => void)(); };
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function fileComplaint(runtime: Runtime, n: number): Promise<boolean> {
  const body = JSON.stringify({ agencyId: 'perpus-muba', category: 'layanan', title: `Uji ${n}`, description: `Pengaduan uji nomor ${n}: antrean di loket terlalu lama.`, location: 'Sekayu', incidentDate: '2026-11-20', reporter: { name: 'Pelapor Uji', email: `pelapor${n}@example.com` } });
  const res = await fetch(`${runtime.url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `burst-${process.pid}-${n}` }, body });
  await res.arrayBuffer();
  return res.status === 201;
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 500);
  const dataDir = mkdtempSync(join(tmpdir(), 'tanggap-burst-'));
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const options = { port: 0, dataDir, clockStart: new Date('2026-11-23T02:00:00Z'), log: () => undefined, complaintRateLimit: 'off' as const, sweepIntervalMs: 0 };
  try {
    const first = await startRuntime(options);
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < total) { const n = next++; if (!(await fileComplaint(first, n).catch(() => false))) await fileComplaint(first, n).catch(() => false); }
    }));
    await first.engine.waitForIdle();
    const open = first.engine.runningExecutions().length;
    await first.stop();
    gc();
    const before = process.memoryUsage().heapUsed;

    const started = performance.now();
    const again = await startRuntime(options);
    let peakRuns = 0;
    let peakHeap = 0;
    const sample = () => {
      peakRuns = Math.max(peakRuns, again.engine.runningExecutions().length - again.engine.parkedExecutions());
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    };
    sample();
    const sampler = setInterval(sample, 20);
    await again.engine.waitForIdle();
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    gc();
    console.log(`restart with ${open} open cases: settled in ${seconds.toFixed(1)} s; at most ${peakRuns} executions held a library run at once; heap in use at most ${mib(peakHeap)} (${mib(before)} before the restart, ${mib(process.memoryUsage().heapUsed)} after it settled, after a collection); parked ${again.engine.parkedExecutions()}`);
    await again.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

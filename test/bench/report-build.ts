/**
 * One report build in a process of its own (run by the bench's report section), so that its memory
 * is the report builder's alone, not dynalite's: builds the library's November recap against the
 * DynamoDB endpoint given and prints one JSON line of figures. Live heap is sampled after a forced GC.
 *
 *   node --import tsx --expose-gc test/bench/report-build.ts <dynamodb endpoint>
 */
import { reportDeps } from '../../infra/local/report-deps';
import { buildReport, onDemandReport } from '../../shared/usecases/reports';

async function main(): Promise<void> {
  const [dynamodb] = process.argv.slice(2);
  if (!dynamodb) throw new Error('usage: report-build.ts <dynamodb endpoint>');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const deps = reportDeps({ dynamodb, ses: 'http://127.0.0.1:9' });
  gc();
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed;
  let peakLive = base.heapUsed;
  let peakRss = base.rss;
  let ticks = 0;
  const sampler = setInterval(() => {
    // Once a second after a full GC: what is really held, not garbage waiting to be collected. (Every
    // 100 ms, as before, the forced collections took a fifth of the build's time.)
    if (++ticks % 100 === 0) { gc(); peakLive = Math.max(peakLive, process.memoryUsage().heapUsed); }
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  }, 10);
  const started = performance.now();
  const built = await buildReport(deps, onDemandReport(deps, 'perpus-muba', '2026-11'), new Date('2026-12-05T02:00:00Z'));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(JSON.stringify({
    seconds, baseHeap: base.heapUsed, peakHeap, peakLive, baseRss: base.rss, peakRss,
    rows: built.rows, xlsxRows: built.xlsxRows, csvIncluded: built.csvIncluded,
    attachments: built.attachments.map((a) => ({ name: a.filename, bytes: a.bytes.length })), chartBytes: built.chart.bytes.length,
  }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});

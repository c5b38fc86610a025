/**
 * `npx tsx test/bench/xlsx.ts`: time, size and memory of the recap workbook for 10,000 and 100,000
 * cases (12 columns, realistic text) from a generator; printed, never asserted. Each size runs in
 * its own process so that one's heap does not colour the next's figures.
 *
 *   npx tsx test/bench/xlsx.ts                 10,000 and 100,000 rows
 *   npx tsx test/bench/xlsx.ts --rows 250000   one size
 *
 * Memory is sampled every 500 rows (heap used, RSS, array buffers, which hold the compressed
 * output) and, after a forced GC every 10,000 rows, the live heap: what the writer keeps.
 */
import { spawnSync } from 'node:child_process';
import { buildXlsx, type Cell, type Column } from '../../shared/reports/xlsx';

const columns: Column[] = [
  { header: 'Nomor pelacakan', width: 18 },
  { header: 'Dinas', width: 34 },
  { header: 'Kategori', width: 28 },
  { header: 'Kanal' },
  { header: 'Masuk', kind: 'datetime' },
  { header: 'Status' },
  { header: 'Selesai', kind: 'datetime' },
  { header: 'Tahap tepat waktu', kind: 'integer' },
  { header: 'Tahap terlambat', kind: 'integer' },
  { header: 'Tingkat eskalasi', kind: 'integer' },
  { header: 'Penilaian', kind: 'decimal' },
  { header: 'Judul', width: 60 },
];

const agencies = ['Dinas Kesehatan', 'Dinas Kependudukan dan Pencatatan Sipil', 'Dinas Perpustakaan dan Kearsipan', 'Inspektorat Daerah'];
const categories = ['Pelayanan puskesmas dan rumah sakit', 'KTP-el dan kartu keluarga', 'Akta kelahiran', 'Layanan perpustakaan', 'Pungutan liar', 'Infrastruktur jalan'];
const channels = ['web', 'email', 'box', 'in_person', 'post', 'lapor'];
const statuses = ['received', 'in_progress', 'awaiting_reporter', 'resolved', 'closed', 'rejected'];
const words = 'jalan rusak berlubang di desa sungai lilin antrean puskesmas terlalu lama petugas tidak ramah KTP-el belum jadi setelah tiga bulan mohon segera ditindaklanjuti lampu penerangan mati sejak minggu lalu air bersih tidak mengalir pungutan tanpa kuitansi saat mengurus akta kelahiran anak'.split(' ');
const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Deterministic pseudo-random rows, so that runs compare. */
function* caseRows(count: number, onRow: (n: number) => void): Generator<Cell[]> {
  let seed = 20261123;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const pick = <T>(items: T[]) => items[next(items.length)]!;
  const code = (n: number) => Array.from({ length: n }, () => alphabet[next(alphabet.length)]).join('');
  const two = (n: number) => String(n).padStart(2, '0');
  for (let i = 0; i < count; i++) {
    onRow(i);
    const day = 1 + next(28);
    const submitted = `2026-11-${two(day)}T${two(7 + next(10))}:${two(next(60))}:00+07:00`;
    const closed = next(3) ? `2026-12-${two(day)}T${two(7 + next(9))}:${two(next(60))}:00+07:00` : null;
    const title = Array.from({ length: 5 + next(14) }, () => pick(words)).join(' ');
    yield [`TGP-${code(4)}-${code(4)}-${code(1)}`, pick(agencies), pick(categories), pick(channels), submitted, pick(statuses), closed,
      next(6), next(3), next(5), closed ? 1 + next(40) / 10 : null, title.charAt(0).toUpperCase() + title.slice(1)];
  }
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function measure(rows: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage();
  const peak = { heapUsed: base.heapUsed, rss: base.rss, arrayBuffers: base.arrayBuffers, liveHeap: base.heapUsed };
  const sample = (n: number) => {
    if (n % 10_000 === 0 && gc) {
      gc();
      peak.liveHeap = Math.max(peak.liveHeap, process.memoryUsage().heapUsed);
    }
    if (n % 500 !== 0) return;
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.rss = Math.max(peak.rss, m.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  };
  const start = performance.now();
  const result = await buildXlsx([
    { name: 'Ringkasan', columns: [{ header: 'Ukuran', width: 30 }, { header: 'Nilai', kind: 'integer' }], rows: [['Pengaduan diterima', rows]], autoFilter: false },
    { name: 'Kasus', columns, rows: caseRows(rows, sample) },
  ], { title: 'Rekap pengaduan November 2026', creator: 'Tanggap' });
  const seconds = (performance.now() - start) / 1000;
  if (!result.ok) throw new Error('unexpectedly too large');
  const end = process.memoryUsage();
  console.log([
    `${rows.toLocaleString('en')} rows: ${seconds.toFixed(2)} s (${Math.round(rows / seconds).toLocaleString('en')} rows/s)`,
    `output ${mb(result.bytes.length)} MB (${Math.round(result.bytes.length / rows)} B/row)`,
    `heap used ${mb(base.heapUsed)} MB before, peak ${mb(peak.heapUsed)} MB, live peak after GC ${gc ? `${mb(peak.liveHeap)} MB` : 'n/a (no --expose-gc)'}`,
    `RSS ${mb(base.rss)} MB before, peak ${mb(Math.max(peak.rss, end.rss))} MB; array buffers peak ${mb(Math.max(peak.arrayBuffers, end.arrayBuffers))} MB`,
  ].join('\n  '));
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--child');
  if (child >= 0) return measure(Number(process.argv[child + 1]));
  const at = process.argv.indexOf('--rows');
  const sizes = at >= 0 ? [Number(process.argv[at + 1])] : [10_000, 100_000];
  console.log(`node ${process.version}`);
  for (const rows of sizes) {
    const run = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, __filename, '--child', String(rows)], { stdio: 'inherit' });
    if (run.status !== 0) process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

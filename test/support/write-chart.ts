/**
 * Writes sample recap charts to look at: `npx tsx test/support/write-chart.ts /tmp/chart.png`
 * writes a realistic month there and a quarter beside it (`…-quarter.png`), and prints their sizes.
 */
import { writeFileSync } from 'node:fs';
import { renderRecapChart, type RecapChartInput } from '../../shared/reports/chart';

export const chartLabels = { received: 'Diterima', closed: 'Selesai', withinSla: 'Tepat waktu (%)', noData: 'Belum ada pengaduan' };

/** November 2026 as five Monday-to-Sunday weeks; the last week's cases have no verdict yet. */
export const sampleMonth: RecapChartInput = {
  title: 'Pengaduan per minggu — November 2026',
  labels: chartLabels,
  weeks: [
    { label: '2–8 Nov', received: 23, closed: 14, withinSlaShare: 0.82 },
    { label: '9–15 Nov', received: 31, closed: 27, withinSlaShare: 0.74 },
    { label: '16–22 Nov', received: 40, closed: 33, withinSlaShare: 0.55 },
    { label: '23–29 Nov', received: 18, closed: 36, withinSlaShare: 1 },
    { label: '30 Nov', received: 3, closed: 5, withinSlaShare: null },
  ],
};

const quarterWeeks = ['28 Sep–4 Okt', '5–11 Okt', '12–18 Okt', '19–25 Okt', '26 Okt–1 Nov', '2–8 Nov', '9–15 Nov', '16–22 Nov', '23–29 Nov', '30 Nov–6 Des', '7–13 Des', '14–20 Des', '21–27 Des', '28–31 Des'];
const quarterReceived = [12, 35, 41, 38, 29, 23, 31, 40, 18, 27, 44, 39, 15, 6];
const quarterClosed = [8, 22, 37, 40, 33, 14, 27, 33, 36, 25, 30, 41, 22, 9];
const quarterShares = [0.9, 0.78, 0.71, 0.66, 0.8, 0.82, 0.74, 0.55, 1, 0.87, null, 0.62, 0.7, 0.95];

/** The fourth quarter of 2026, fourteen weeks (the first and last partial). */
export const sampleQuarter: RecapChartInput = {
  title: 'Pengaduan per minggu — Triwulan 4 2026',
  labels: chartLabels,
  weeks: quarterWeeks.map((label, i) => ({ label, received: quarterReceived[i]!, closed: quarterClosed[i]!, withinSlaShare: quarterShares[i]! })),
};

if (require.main === module) {
  const target = process.argv[2] ?? '/tmp/chart.png';
  const samples: Array<[string, RecapChartInput]> = [
    [target, sampleMonth],
    [target.replace(/(\.png)?$/, '-quarter.png'), sampleQuarter],
    [target.replace(/(\.png)?$/, '-empty.png'), { title: 'Pengaduan per minggu — Desember 2026', labels: chartLabels, weeks: [] }],
    [target.replace(/(\.png)?$/, '-large.png'), { ...sampleMonth, weeks: sampleMonth.weeks.map((w) => ({ ...w, received: w.received * 309, closed: w.closed * 290 })) }],
  ];
  for (const [file, input] of samples) {
    const png = renderRecapChart(input);
    writeFileSync(file, png);
    console.log(`${file}: ${png.length} bytes`);
  }
}

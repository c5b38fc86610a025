/**
 * `npm run report`: on demand, against the running local runtime, and on its data folder alone.
 * The command writes the report's files and sends the email once; a re-run writes the same files
 * and sends nothing unless asked.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReportCommand as report } from '../support/report-command';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

const recapMail = async (rt: TestRuntime) => (await rt.mail()).filter((m) => m.subject.startsWith('Rekapitulasi pengaduan'));

let rt: TestRuntime;
let out: string;
beforeAll(async () => {
  // A runtime on 23 November 2026 with two library complaints.
  rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
  out = mkdtempSync(join(tmpdir(), 'tanggap-report-out-'));
  for (const category of ['koleksi', 'layanan']) expect((await rt.call('POST', '/api/complaints', complaint('perpus-muba', category))).status).toBe(201);
  await rt.engine.waitForIdle();
});
afterAll(async () => {
  await rt.dispose();
  rmSync(out, { recursive: true, force: true });
});

test('against the running runtime: writes the files, emails the heads once; a re-run writes the same files and sends nothing; --resend sends again', async () => {
  // Act: November is over on the runtime's clock (the scheduled December recap has gone out meanwhile).
  await rt.advance('P10D');
  const scheduled = (await recapMail(rt)).length;
  const first = await report(rt.dataDir, '--agency', 'dukcapil-mura', '--period', '2026-11', '--out', out);

  // Assess: the Civil Registry has no monthly report in its SOP: the recap goes to its head of office.
  expect(first.code).toBe(0);
  expect(first.out).toContain('emailed dukcapil-kadin');
  const files = readdirSync(out).sort();
  expect(files).toEqual(['rekap-dukcapil-mura-2026-11.csv', 'rekap-dukcapil-mura-2026-11.html', 'rekap-dukcapil-mura-2026-11.json', 'rekap-dukcapil-mura-2026-11.png', 'rekap-dukcapil-mura-2026-11.xlsx']);
  const mails = await recapMail(rt);
  expect(mails.slice(scheduled).map((m) => [m.to, m.attachments.map((a) => a.filename)])).toEqual([
    [['kepala@dukcapil.musitanggap.example.go.id'], ['rekap-dukcapil-mura-2026-11.png', 'rekap-dukcapil-mura-2026-11.csv', 'rekap-dukcapil-mura-2026-11.xlsx']],
  ]);
  const snapshot = files.map((f) => readFileSync(join(out, f)).toString('base64'));

  // Act: the same command again, and then with --resend.
  const again = await report(rt.dataDir, '--agency', 'dukcapil-mura', '--period', '2026-11', '--out', out);
  expect(again.code).toBe(0);
  expect(again.out).toContain('already emailed for 2026-11: dukcapil-kadin');
  expect(readdirSync(out).sort().map((f) => readFileSync(join(out, f)).toString('base64'))).toEqual(snapshot);
  expect((await recapMail(rt)).length).toBe(scheduled + 1);
  const resent = await report(rt.dataDir, '--agency', 'dukcapil-mura', '--period', '2026-11', '--out', out, '--resend');
  expect(resent.out).toContain('emailed dukcapil-kadin');
  expect((await recapMail(rt)).length).toBe(scheduled + 2);
});

test('the library\'s November figures: two complaints received, the CSV without the reporter', async () => {
  const result = await report(rt.dataDir, '--agency', 'perpus-muba', '--period', '2026-11', '--out', out, '--no-send');
  expect(result.code).toBe(0);
  expect(result.out).toContain('November 2026: 2 pengaduan / complaints (2 received)');
  const figures = JSON.parse(readFileSync(join(out, 'rekap-perpus-muba-2026-11.json'), 'utf8')) as { recap: { totals: { received: number; byCategory: Record<string, number> } } };
  expect(figures.recap.totals).toMatchObject({ received: 2, byCategory: { koleksi: 1, layanan: 1 } });
  const csv = readFileSync(join(out, 'rekap-perpus-muba-2026-11.csv'), 'utf8');
  expect(csv.trim().split('\r\n')).toHaveLength(3);
  expect(csv).not.toMatch(/Siti Rahma|siti\.rahma@example\.com|081234567890/);
});

test.each([
  [['--period', '2026-11'], /--agency/],
  [['--agency', 'perpus-muba'], /--period 2026-10.*--quarter 2026-Q3/],
  [['--agency', 'perpus-muba', '--period', '2026-11', '--quarter', '2026-Q4'], /choose one/],
  [['--agency', 'perpus-muba', '--period', 'November'], /--period takes a month such as 2026-10/],
  [['--agency', 'nowhere', '--period', '2026-11'], /No agency "nowhere"/],
  [['--agency', 'perpus-muba', '--period', '2026-13'], /2026-10.*2026-Q3/],
])('a wrong command line %j says what to write and exits 2', async (args, message) => {
  const result = await report(rt.dataDir, ...args, '--out', out);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(message);
});

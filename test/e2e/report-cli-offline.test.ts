/**
 * `npm run report` with the runtime stopped: the command opens DATA_DIR itself (dynalite on its files,
 * the mail folder), and the email it sends is in the mailbox at the next start. Its own file: the
 * handlers' SDK clients are created once per module registry, so one runtime per test file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { complaint, startTestRuntime } from '../support/runtime';
import { runReportCommand as report } from '../support/report-command';

let out: string;
beforeAll(() => { out = mkdtempSync(join(tmpdir(), 'tanggap-report-out-')); });
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('with the runtime stopped, it opens the data folder itself; the email waits in the mailbox for the next start', async () => {
  // Prepare: a second runtime on its own folder, stopped after one complaint.
  const dataDir = mkdtempSync(join(tmpdir(), 'tanggap-report-offline-'));
  const first = await startTestRuntime({ clockStart: new Date('2026-10-05T02:00:00Z'), dataDir });
  expect((await first.call('POST', '/api/complaints', complaint('dinkes-muba', 'obat', { incidentDate: '2026-10-01' }))).status).toBe(201);
  await first.engine.waitForIdle();
  await first.dispose();
  try {
    // Act
    const result = await report(dataDir, '--agency', 'dinkes-muba', '--period', '2026-10', '--out', out);

    // Assess: files written, the email is in the mailbox when the runtime starts again.
    expect(result.code).toBe(0);
    expect(result.out).toContain('in the mailbox at the next npm start');
    expect(readFileSync(join(out, 'rekap-dinkes-muba-2026-10.csv'), 'utf8').trim().split('\r\n')).toHaveLength(2);
    const second = await startTestRuntime({ dataDir });
    try {
      const recaps = (await second.mail()).filter((m) => m.subject.startsWith('Rekapitulasi pengaduan'));
      expect(recaps.map((m) => [m.to, m.subject])).toEqual([[['kepala@dinkes.musitanggap.example.go.id'], 'Rekapitulasi pengaduan Dinas Kesehatan — Oktober 2026']]);
    } finally {
      await second.dispose();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

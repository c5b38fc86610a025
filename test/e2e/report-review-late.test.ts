/**
 * A late reviewer of a report's review chain, on the local runtime: reminded at 75 % of the turn's
 * limit with a link that acts as their own; at the deadline the superior of their role is told with a
 * link that only views. (Its own file: a runtime per test file, as the handlers' clients are per process.)
 */
import type { StoredMail } from '../../infra/local/ses';
import type { ReviewView } from '../../shared/usecases/report-review';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

const KASI = 'kasi.layanan@perpus.musitanggap.example.go.id';
const KABID = 'kabid.layanan@perpus.musitanggap.example.go.id';
const reviewKeyIn = (m: Pick<StoredMail, 'links'>) => m.links.find((l) => l.includes('/reviews/'))?.split('/reviews/')[1];

describe('a late reviewer', () => {
  let rt: TestRuntime;
  beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-30T00:00:00Z') }); });
  afterAll(async () => { await rt.dispose(); });

  test('is reminded at 75 % of the 10 office minutes with a link that acts; at the deadline the Kabid is told with a link that only views', async () => {
    // Act: to 1 December 09:00 WIB, nobody acting.
    await rt.advance('PT26H');

    // Assess
    const mail = await rt.mail();
    const reminder = mail.filter((m) => m.subject.startsWith('Pengingat: periksa Rekapitulasi'));
    const escalation = mail.filter((m) => m.subject.startsWith('Eskalasi: Rekapitulasi'));
    // 75 % of 10 office minutes, in whole minutes: 08:07 WIB; due at 08:10 (the clock runs on in real time: minutes compared).
    expect(reminder.map((m) => [m.to[0], m.sentAt.slice(0, 16)])).toEqual([[KASI, '2026-12-01T01:07']]);
    expect(escalation.map((m) => [m.to[0], m.sentAt.slice(0, 16)])).toEqual([[KABID, '2026-12-01T01:10']]);
    expect(escalation[0]!.text).toContain('belum memeriksa laporan ini dan batas waktunya sudah lewat');
    const view = await rt.call('GET', `/api/reviews/${reviewKeyIn(escalation[0]!)}`);
    expect(view.body).toMatchObject({ link: { holder: 'grant', may: 'view' }, actions: [] });
    const refused = await rt.call('POST', `/api/reviews/${reviewKeyIn(escalation[0]!)}`, { action: 'teruskan' });
    expect(refused.status).toBe(403);

    // The reminder's link acts as the Kasi's own; the chain goes on, and nobody is reminded twice.
    const acted = await rt.call('POST', `/api/reviews/${reviewKeyIn(reminder[0]!)}`, { action: 'teruskan', notes: 'Maaf terlambat.' });
    expect(acted.status).toBe(200);
    await rt.engine.waitForIdle();
    const toKabid = (await rt.mail()).find((m) => m.to[0] === KABID && m.subject.startsWith('Tugas baru: periksa'))!;
    const kabid = (await rt.call('GET', `/api/reviews/${reviewKeyIn(toKabid)}`)).body as ReviewView;
    expect(kabid.notes).toEqual([expect.objectContaining({ notes: 'Maaf terlambat.', by: expect.any(String) })]);
    await rt.advance('PT1M');
    expect((await rt.mail()).filter((m) => m.subject.startsWith('Pengingat: periksa Rekapitulasi') && m.to[0] === KASI)).toHaveLength(1);
  });
});

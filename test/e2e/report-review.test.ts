/**
 * Reports that walk a review chain before they are delivered, end to end on the local runtime (the
 * report schedule, the review machines on aws-local-stepfunctions, the review links):
 * - the Library's monthly recap: Kasi → Kabid → Kepala Dinas, each one's notes carried word for word;
 * - the Library's semester report to the Kabid;
 * - SP4N-LAPOR!'s P4 report: the admin reviews the figures (with the inspectorate's monitoring
 *   decisions) and the draft letters, edits one with hostile text, and the Bupati receives exactly it;
 * - a late reviewer is reminded (a link that acts), and their superior told (a link that only views).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { TABLE_NAME } from '../../infra/local/runtime';
import type { StoredMail } from '../../infra/local/ses';
import type { ReviewView } from '../../shared/usecases/report-review';
import { inboxRows, openRow, signInAs } from '../support/officials';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

const HOSTILE = 'Catatan "penting" \\ C:\\arsip\\n bukan baris baru\nbaris kedua\r\n\tberindentasi <script>alert(1)</script> & 🙏🏽 selesai';
/** As stored and shown: a CRLF typed in a form is a line break (shared/text/rules.ts); everything else as typed. */
const HOSTILE_KEPT = HOSTILE.replace(/\r\n/g, '\n');
const KASI = 'kasi.layanan@perpus.musitanggap.example.go.id';
const KABID = 'kabid.layanan@perpus.musitanggap.example.go.id';
const PLH_KABID = 'plh.kabid@perpus.musitanggap.example.go.id';
const KADIN = 'kepala@perpus.musitanggap.example.go.id';
const BUPATI = 'bupati@musitanggap.example.go.id';
const ADMIN = 'admin.lapor@kominfo.musitanggap.example.go.id';

/** Days of the runtime's clock with the reports' files built at each turn: minutes on a loaded machine. */
const SLOW = 180_000;
const reviewKeyIn = (m: Pick<StoredMail, 'links'>) => m.links.find((l) => l.includes('/reviews/'))?.split('/reviews/')[1];

async function reviewTask(rt: TestRuntime, to: string, subject: RegExp, since = 0): Promise<{ key: string; view: ReviewView }> {
  const mail = (await rt.mail()).slice(since).filter((m) => m.to[0] === to && subject.test(m.subject)).at(-1);
  if (!mail) throw new Error(`no mail to ${to} matching ${subject}: ${(await rt.mail()).map((m) => `${m.to[0]} ${m.subject}`).join('; ')}`);
  const key = reviewKeyIn(mail)!;
  const res = await rt.call('GET', `/api/reviews/${key}`);
  expect(res.status).toBe(200);
  return { key, view: res.body as ReviewView };
}

async function act(rt: TestRuntime, key: string, body: Record<string, string>): Promise<void> {
  const res = await rt.call('POST', `/api/reviews/${key}`, body);
  expect([res.status, res.text]).toEqual([200, expect.any(String)]);
  await rt.engine.waitForIdle();
}

describe('the Library recap walks Kasi → Kabid → Kepala Dinas; the semester report and the P4 review', () => {
  let rt: TestRuntime;
  // Monday 30 November 2026, 07:00 WIB.
  beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-30T00:00:00Z') }); });
  afterAll(async () => { await rt.dispose(); });

  test('each reviewer sees the figures and the notes before them, exactly; the Kepala Dinas receives the recap as the evaluation', async () => {
    // Prepare: two library complaints in November.
    for (const body of [complaint('perpus-muba', 'koleksi'), complaint('perpus-muba', 'layanan')]) {
      expect((await rt.call('POST', '/api/complaints', body)).status).toBe(201);
    }
    await rt.engine.waitForIdle();

    // Act: to 1 December 08:01 WIB; the schedule starts the chain: the Kasi's task.
    await rt.advance('PT25H1M');
    const kasi = await reviewTask(rt, KASI, /^Tugas baru: periksa Rekapitulasi pengaduan Dinas Perpustakaan/);
    expect(kasi.view.task).toMatchObject({ turn: 1, turns: 3, role: 'Kepala Seksi Layanan', status: 'open', dueReading: expect.stringContaining('10 menit') });
    expect(kasi.view.figures).toContainEqual({ label: 'Pengaduan diterima', value: 2, previous: 0 });
    expect(kasi.view.notes).toEqual([]);
    expect(kasi.view.actions.map((a) => a.id)).toEqual(['teruskan']);
    const mailToKasi = (await rt.mail()).find((m) => m.to[0] === KASI && m.subject.startsWith('Tugas baru'))!;
    expect(mailToKasi.attachments.map((a) => a.filename)).toEqual(['rekap-perpus-muba-2026-11.png', 'rekap-perpus-muba-2026-11.csv', 'rekap-perpus-muba-2026-11.xlsx']);
    // Nobody else has it yet; nothing delivered.
    expect((await rt.mail()).filter((m) => m.subject.includes('Rekapitulasi pengaduan Dinas Perpustakaan') && m.to[0] !== KASI)).toEqual([]);

    await act(rt, kasi.key, { action: 'teruskan', notes: HOSTILE });
    const again = await rt.call('POST', `/api/reviews/${kasi.key}`, { action: 'teruskan', notes: 'lagi' });
    expect(again.status).toBe(409);

    const kabid = await reviewTask(rt, KABID, /^Tugas baru: periksa/);
    expect(kabid.view.task).toMatchObject({ turn: 2, turns: 3 });
    // The turn is in the Kabid's "Tugas saya" (and their Plh's), by its deadline, and opens the review page.
    for (const email of [KABID, PLH_KABID]) {
      const cookie = await signInAs(rt, email);
      const rows = (await inboxRows(rt, cookie)).filter((r) => r.slot.startsWith('reportReview#'));
      expect(rows.map((r) => [r.state, r.slot])).toEqual([['due_soon', 'reportReview#turn-2#1']]);
      // Ten office minutes from the turn's start; the runtime's clock runs on in real time while the test
      // signs in, so a minute boundary may have passed (seen in CI: 9).
      expect(rows[0]!.text).toMatch(/Periksa laporan: Kepala Bidang Layanan.*\(tahap 2 dari 3\).*Rekapitulasi pengaduan Dinas Perpustakaan.*November 2026.*(?:10|9) menit kerja lagi/);
      const opened = await openRow(rt, cookie, rows[0]!);
      expect(opened).toMatch(/^\/reviews\/[A-Za-z0-9_-]{43}$/);
      const page = await rt.call('GET', opened, undefined, { accept: 'text/html' });
      expect([page.status, page.text]).toEqual([200, expect.stringContaining('Teruskan dengan catatan')]);
    }
    // The Kasi's turn, done, is in nobody's list any more.
    expect((await inboxRows(rt, await signInAs(rt, KASI))).filter((r) => r.slot.startsWith('reportReview#'))).toEqual([]);
    expect(kabid.view.notes).toEqual([expect.objectContaining({ role: 'Kepala Seksi Layanan', notes: HOSTILE_KEPT })]);
    const kabidNotes = 'Setuju.\n\n— "Kabid" \\ catatan kedua';
    await act(rt, kabid.key, { action: 'teruskan', notes: kabidNotes });

    const kadin = await reviewTask(rt, KADIN, /^Tugas baru: periksa/);
    expect(kadin.view.task).toMatchObject({ turn: 3, turns: 3 });
    expect(kadin.view.notes.map((n) => n.notes)).toEqual([HOSTILE_KEPT, kabidNotes]);
    expect(kadin.view.actions).toEqual([expect.objectContaining({ id: 'setujui', label: 'Terima sebagai bahan evaluasi' })]);
    // The page escapes what the reviewers wrote.
    const page = await rt.call('GET', `/reviews/${kadin.key}`);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    await act(rt, kadin.key, { action: 'setujui', notes: 'Diterima sebagai bahan evaluasi bulan November.' });

    // Assess: the Kepala Dinas gets the recap with every note, word for word; no reminder was needed.
    const delivered = (await rt.mail()).filter((m) => m.subject.endsWith('(sudah diperiksa)'));
    expect(delivered.map((m) => [m.to[0], m.subject])).toEqual([[KADIN, 'Rekapitulasi pengaduan Dinas Perpustakaan dan Kearsipan — November 2026 (sudah diperiksa)']]);
    expect(delivered[0]!.text).toContain(HOSTILE_KEPT);
    expect(delivered[0]!.text).toContain(kabidNotes);
    expect(delivered[0]!.text).toContain('Diterima sebagai bahan evaluasi bulan November.');
    expect(delivered[0]!.html).not.toContain('<script>alert(1)</script>');
    expect((await rt.mail()).filter((m) => /^(Pengingat|Eskalasi): (periksa )?Rekapitulasi/.test(m.subject))).toEqual([]);
  }, SLOW);

  test('on 1 January the Kabid gets the semester report; the admin reviews the P4 report, edits a letter, and the Bupati receives exactly it', async () => {
    // Prepare: an SP4N-LAPOR! complaint nobody verifies (late: the admin's 2 days lapse in December),
    // and the inspectorate's monitoring decisions on it, as the monitoring step writes them.
    const filed = await rt.call('POST', '/api/complaints', complaint('kominfo-muara-enim', 'infrastruktur'));
    expect(filed.status).toBe(201);
    const trackingId = filed.body.trackingId as string;
    await rt.engine.waitForIdle();
    const store = new DynamoCaseStore(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: 'ap-southeast-3', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }), TABLE_NAME);
    const c = (await store.getCaseByTrackingId(trackingId))!;
    const inspector = { kind: 'official', personId: 'apip-1', role: 'apip' } as const;
    for (const [type, actor] of [
      ['monitoring_opened', { kind: 'system' }], ['reprimand_recommended', inspector], ['reprimand_declined', inspector], ['reprimand_issued', { kind: 'official', personId: 'bupati', role: 'bupati' }],
      // The older system rung is not the inspectorate's decision: not counted as one.
      ['reprimand_recommended', { kind: 'system' }],
    ] as const) {
      await store.appendEvent({ caseId: c.caseId, at: '2026-12-10T03:00:00.000Z', type: type as never, actor: actor as never, data: type === 'reprimand_issued' ? { reference: '700/12/2026', issuedOn: '2026-12-10' } : {} });
    }
    const since = (await rt.mail()).length;

    // Act: to 1 January 2027, 09:00 WIB.
    await rt.advance('P31DT1H');

    // Assess: the semester report to the Kabid, sent at once.
    const semester = (await rt.mail()).slice(since).filter((m) => m.subject === 'Rekapitulasi pengaduan Dinas Perpustakaan dan Kearsipan — Semester II 2026');
    expect(semester.map((m) => m.to[0])).toEqual([KABID]);
    expect(semester[0]!.text).toContain('Pengaduan diterima: 2');

    // The P4 report is not sent yet: the admin reviews it first.
    expect((await rt.mail()).slice(since).filter((m) => m.to[0] === BUPATI && m.subject.startsWith('Laporan P4'))).toEqual([]);
    const admin = await reviewTask(rt, ADMIN, /^Tugas baru: periksa Laporan P4 Kabupaten Musi Tanggap — Triwulan IV 2026$/, since);
    expect(admin.view.task).toMatchObject({ turn: 1, turns: 1, role: 'Admin Kabupaten', dueReading: 'akhir jam kerja hari kerja ke-2 setelah hari diterima' });
    // The regency admin's "Tugas saya" holds the review, on time (2 working days), opening its page.
    const adminCookie = await signInAs(rt, ADMIN);
    const adminRows = (await inboxRows(rt, adminCookie)).filter((r) => r.slot.startsWith('reportReview#'));
    expect(adminRows.map((r) => [r.state, r.caseId])).toEqual([['on_time', 'report-sp4n-lapor-muara-enim-laporan-p4-2026-Q4']]);
    expect(adminRows[0]!.text).toContain('Laporan P4 Kabupaten Musi Tanggap — Triwulan IV 2026');
    expect(await openRow(rt, adminCookie, adminRows[0]!)).toMatch(/^\/reviews\//);
    expect(admin.view.figures).toEqual(expect.arrayContaining([
      { label: 'Pengaduan diterima', value: 3, previous: 0 },
      { label: 'Pemantauan APIP dibuka', value: 1, previous: null },
      { label: 'Teguran direkomendasikan APIP kepada Bupati', value: 1, previous: null },
      { label: 'Teguran tidak direkomendasikan APIP (dengan alasan)', value: 1, previous: null },
      { label: 'Teguran diterbitkan Bupati', value: 1, previous: null },
      // The library's two November complaints were escalated too (nobody handled them): two letters.
      { label: 'Instansi yang menerima surat tindak lanjut', value: 2, previous: null },
    ]));
    expect(admin.view.letters.map((l) => [l.agencyId, l.late.length, l.unfollowed.length])).toEqual([['perpus-muba', 0, 2], ['kominfo-muara-enim', 0, 1]]);
    expect(admin.view.letters[1]!.unfollowed).toEqual([trackingId]);
    const draft = admin.view.letters[1]!.text;
    expect(draft).toContain('Perihal  : Tindak lanjut pengaduan pelayanan publik Triwulan IV 2026');
    expect(draft).toContain(`Belum ditindaklanjuti pada akhir periode (1 pengaduan):\n1. ${trackingId}`);
    expect(admin.view.actions[0]!.fields.map((f) => [f.name, f.value === draft])).toEqual([['notes', false], ['letter-perpus-muba', false], ['letter-kominfo-muara-enim', true]]);

    // A letter sent empty is refused with what to fix; nothing is decided.
    const empty = await rt.call('POST', `/api/reviews/${admin.key}`, { action: 'setujui', 'letter-kominfo-muara-enim': '   ' });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('letter-kominfo-muara-enim');

    const edited = `${draft}\n\nTambahan admin: ${HOSTILE}`;
    await act(rt, admin.key, { action: 'setujui', notes: 'Mohon Bapak Bupati menandatangani surat terlampir.', 'letter-kominfo-muara-enim': edited });

    const p4 = (await rt.mail()).slice(since).filter((m) => m.subject === 'Laporan P4 Kabupaten Musi Tanggap — Triwulan IV 2026 (sudah diperiksa)');
    expect(p4.map((m) => m.to[0])).toEqual([BUPATI]);
    expect(p4[0]!.text).toContain(edited.replace(/\r\n/g, '\n'));
    // The letter left as drafted goes as drafted.
    expect(p4[0]!.text).toContain(admin.view.letters[0]!.text);
    expect(p4[0]!.text).not.toContain(`${draft}\n\nDemikian`);
    expect(p4[0]!.text).toContain('Mohon Bapak Bupati menandatangani surat terlampir.');
    expect(p4[0]!.text).toContain('- Teguran diterbitkan Bupati: 1');
    expect(p4[0]!.html).toContain('&lt;script&gt;');
    expect(p4[0]!.html).not.toContain('<script>alert(1)</script>');
  }, SLOW);
});

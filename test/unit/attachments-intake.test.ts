/**
 * Intake with attachments, as a use case on the in-memory stores: the files are checked and copied
 * before the case exists, so a bad file or a crash leaves no case; a retry with the same
 * Idempotency-Key converges to one case with its files, even after the uploads have expired.
 */
import { parseComplaint, type Complaint } from '../../shared/case/complaint';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import { ValidationFailed } from '../../shared/errors';
import { fileKeys } from '../../shared/attachments/files';
import { getSop } from '../../shared/sops';
import { storeFormFiles } from '../../shared/usecases/attachments';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { exifOf, exifWithGps, jpeg, pdf, png } from '../support/images';
import { MemoryCaseStore } from '../support/memory-case-store';
import { MemoryFileStore } from '../support/memory-file-store';

const now = new Date('2026-12-01T03:00:00Z');

function setup() {
  const store = new MemoryCaseStore();
  const files = new MemoryFileStore();
  const starts: string[] = [];
  const deps: Deps = {
    store, files, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    workflow: { start: async (_s, name) => { starts.push(name); return { executionArn: `arn:aws:states:local:0:execution:x:${name}` }; }, taskSucceeded: async () => undefined, taskFailed: async () => undefined },
    mailer: { send: async () => ({ messageId: 'm' }) }, publicUrl: 'https://tanggap.example', mailFrom: 'noreply@tanggap.example',
    linkSecret: 'x'.repeat(32), randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    log: { info: () => undefined, warn: () => undefined },
  };
  return { store, files, deps, starts };
}

function complaint(over: Record<string, unknown>): Complaint {
  const r = parseComplaint({
    agencyId: 'dukcapil-mura', category: 'ktp-el', title: 'KTP-el belum jadi',
    description: 'Sudah tiga bulan KTP-el saya belum dicetak tanpa penjelasan.', reporter: { email: 'warga@example.com' }, ...over,
  }, demoDirectory, 'id', '2026-11-30');
  if (!r.ok) throw new ValidationFailed(r.issues);
  return r.complaint;
}

/** Cases stored (received ones: none of these cases has moved on). */
async function caseCount(store: MemoryCaseStore): Promise<number> {
  let n = 0;
  for await (const _ of store.casesByAgencyStatus('dukcapil-mura', 'received')) n++;
  return n;
}

async function upload(deps: Deps, name: string, bytes: Uint8Array) {
  const [stored] = await storeFormFiles(deps, [{ name, bytes }], 'id');
  return stored!;
}

test('the files are copied to the case, the photo without its GPS; the case records names, types and sizes', async () => {
  const { deps, store, files } = setup();
  const photo = await upload(deps, 'jalan rusak.jpg', jpeg({ exif: exifWithGps() }));
  const receipt = await upload(deps, 'kwitansi.pdf', pdf());
  const out = await submitComplaint(deps, complaint({ attachments: [photo, receipt] }), now, 'id');
  const c = (await store.getCase(out.caseId))!;
  expect(c.attachments).toEqual([
    { n: 1, name: 'jalan rusak.jpg', contentType: 'image/jpeg', size: expect.any(Number), locationKept: false },
    { n: 2, name: 'kwitansi.pdf', contentType: 'application/pdf', size: pdf().length, locationKept: false },
  ]);
  const stored = files.objects.get(fileKeys.caseFile(out.caseId, 1))!;
  expect(stored.contentType).toBe('image/jpeg');
  expect(exifOf(stored.bytes)).toEqual({ orientation: 6, gpsEntries: 0 });
});

test('"sertakan lokasi foto" keeps the position', async () => {
  const { deps, files } = setup();
  const photo = await upload(deps, 'jalan.jpg', jpeg({ exif: exifWithGps() }));
  const out = await submitComplaint(deps, complaint({ attachments: [photo], includePhotoLocation: true }), now, 'id');
  expect(exifOf(files.objects.get(fileKeys.caseFile(out.caseId, 1))!.bytes)).toMatchObject({ latitudeRef: 'S', latitude: [2, 55, 30.12] });
});

test('a PNG named .pdf is stored as the PNG it is', async () => {
  const { deps, store } = setup();
  const renamed = await upload(deps, 'surat.pdf', png());
  const out = await submitComplaint(deps, complaint({ attachments: [renamed] }), now, 'id');
  expect((await store.getCase(out.caseId))!.attachments![0]).toMatchObject({ name: 'surat.pdf', contentType: 'image/png' });
});

test.each([
  ['a truncated JPEG', 'foto.jpg', jpeg().subarray(0, 60), /tidak dapat dibaca/],
  ['a text file named .jpg', 'foto.jpg', Buffer.from('bukan gambar sama sekali'), /bukan JPEG, PNG atau PDF/],
])('%s refuses the complaint, naming the file; no case is stored and nothing started', async (_what, name, bytes, message) => {
  const { deps, store, starts } = setup();
  const good = await upload(deps, 'ok.png', png());
  const bad = await upload(deps, name, bytes);
  const err = await submitComplaint(deps, complaint({ attachments: [good, bad] }), now, 'id').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationFailed);
  expect((err as ValidationFailed).issues).toEqual([{ path: 'attachments.1', message: expect.stringMatching(message) }]);
  expect((err as ValidationFailed).issues[0]!.message).toContain(`"${name}"`);
  expect(await caseCount(store)).toBe(0);
  expect(starts).toEqual([]);
});

test('an upload id nobody uploaded (or expired) is refused; a 4th file is refused before anything is read', async () => {
  const { deps, store } = setup();
  const err = await submitComplaint(deps, complaint({ attachments: [{ uploadId: `u${'0'.repeat(32)}`, name: 'hilang.jpg' }] }), now, 'id').catch((e: unknown) => e);
  expect((err as ValidationFailed).issues[0]!.message).toMatch(/"hilang.jpg".*tidak ditemukan/);
  const four = [1, 2, 3, 4].map((i) => ({ uploadId: `u${String(i).repeat(32)}`, name: `foto-${i}.jpg` }));
  expect(() => complaint({ attachments: four })).toThrow(ValidationFailed);
  try { complaint({ attachments: four }); } catch (e) {
    expect((e as ValidationFailed).issues).toEqual([{ path: 'attachments.3', message: expect.stringContaining('"foto-4.jpg"') }]);
  }
  expect(await caseCount(store)).toBe(0);
});

test('the form path refuses a 4th file and a file over 5 MB by name, writing nothing', async () => {
  const { deps, files } = setup();
  const four = [1, 2, 3, 4].map((i) => ({ name: `foto-${i}.png`, bytes: png() }));
  await expect(storeFormFiles(deps, four, 'en')).rejects.toMatchObject({ issues: [{ path: 'attachments.3', message: expect.stringContaining('"foto-4.png"') }] });
  const big = { name: 'besar.jpg', bytes: new Uint8Array(5 * 1024 * 1024 + 1) };
  await expect(storeFormFiles(deps, [big], 'id')).rejects.toMatchObject({ issues: [{ path: 'attachments.0', message: expect.stringContaining('"besar.jpg" lebih besar dari 5 MB') }] });
  expect(files.objects.size).toBe(0);
});

test('a crash between the files and the case leaves no case; the retry with the same key converges, even after the uploads expired', async () => {
  const { deps, store, files, starts } = setup();
  const photo = await upload(deps, 'a.jpg', jpeg({ exif: exifWithGps() }));
  const doc = await upload(deps, 'b.pdf', pdf());
  const filed = complaint({ attachments: [photo, doc] });
  // The process dies while copying the second file: the first copy exists, no case does.
  files.failWrite = /\/2$/;
  await expect(submitComplaint(deps, filed, now, 'id', 'key-crash-0001')).rejects.toThrow('crashed');
  expect(await caseCount(store)).toBe(0);
  expect(starts).toEqual([]);
  // The lifecycle removes the uploads before the citizen retries: the copies made so far are found again.
  files.objects.delete(fileKeys.upload(photo.uploadId));
  const retried = await submitComplaint(deps, filed, now, 'id', 'key-crash-0001');
  expect(await caseCount(store)).toBe(1);
  const c = (await store.getCase(retried.caseId))!;
  expect(c.attachments!.map((a) => [a.n, a.contentType])).toEqual([[1, 'image/jpeg'], [2, 'application/pdf']]);
  expect(exifOf(files.objects.get(fileKeys.caseFile(retried.caseId, 1))!.bytes)?.gpsEntries).toBe(0);
  // Once more: the same case, the same files, one execution (a retry before the execution has named
  // itself on the case starts it again under the same name, which Step Functions treats as the same one).
  const again = await submitComplaint(deps, filed, now, 'id', 'key-crash-0001');
  expect(again.trackingId).toBe(retried.trackingId);
  expect(await caseCount(store)).toBe(1);
  expect([...new Set(starts)]).toEqual([retried.caseId]);
});

test('the same Idempotency-Key with another complaint and other files is refused and leaves the first case\'s files as they were', async () => {
  // Prepare: a complaint with a photo, filed with a key (its case id derives from the key's tracking id).
  const { deps, store, files } = setup();
  const photo = await upload(deps, 'jalan.jpg', jpeg());
  const first = await submitComplaint(deps, complaint({ attachments: [photo] }), now, 'id', 'key-with-files-1');
  const kept = await files.read(fileKeys.caseFile(first.caseId, 1));

  // Act: the same key, another complaint naming another file.
  const other = await upload(deps, 'lain.png', png());
  await expect(submitComplaint(deps, complaint({ title: 'Pengaduan lain sama sekali', attachments: [other] }), now, 'id', 'key-with-files-1')).rejects.toBeInstanceOf(ValidationFailed);

  // Assess: one case, and its file is still the first photo (nothing was copied under its id).
  expect(await caseCount(store)).toBe(1);
  expect(await files.read(fileKeys.caseFile(first.caseId, 1))).toEqual(kept);
  expect((await store.getCase(first.caseId))!.attachments).toEqual([expect.objectContaining({ n: 1, contentType: 'image/jpeg' })]);
});

/**
 * An official's file with the answer to the reporter (issue 14 item 4), on the local runtime: the
 * task page's multipart POST of an answering action, the file checked from its bytes and stripped of
 * its photo location, stored before the decision, listed on the task page, mailed to the reporter as
 * a MIME attachment (never a link), never on the public status; a bad file is a 400 naming it and
 * leaves the task open.
 */
import { crc32 } from 'node:zlib';
import type { TaskView } from '../../shared/usecases/views';
import { exifWithGps, pdf, png } from '../support/images';
import { complaint, fill, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => { rt = await startTestRuntime(); });
afterAll(async () => { await rt.dispose(); });

/** A PNG with an eXIf chunk carrying GPS, as a phone's camera app writes it. */
function pngWithGps(): Buffer {
  const p = png();
  const body = exifWithGps().subarray(6);
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0); chunk.write('eXIf', 4, 'latin1'); body.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + body.length)) >>> 0, 8 + body.length);
  const ihdrEnd = 8 + 12 + p.readUInt32BE(8);
  return Buffer.concat([p.subarray(0, ihdrEnd), chunk, p.subarray(ihdrEnd)]);
}

/** The newest task of a case, from its latest new-task email. */
async function newestTask(trackingId: string): Promise<{ key: string; view: TaskView }> {
  const mail = (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru') && m.text.includes(trackingId)).at(-1)!;
  const key = mail.links.find((l) => l.includes('/tasks/'))!.split('/tasks/')[1]!;
  return { key, view: (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView };
}

/** Acts on the normal path (actions[0]) until the step whose first action answers the reporter. */
async function walkToAnswer(agencyId: string, category: string): Promise<{ trackingId: string; key: string; view: TaskView }> {
  const res = await rt.call('POST', '/api/complaints', complaint(agencyId, category));
  expect(res.status).toBe(201);
  const trackingId = res.body.trackingId as string;
  await rt.engine.waitForIdle();
  for (let i = 0; i < 12; i++) {
    const { key, view } = await newestTask(trackingId);
    if (view.actions[0]!.file) return { trackingId, key, view };
    const acted = await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0]!));
    expect(acted.status).toBe(200);
    await rt.engine.waitForIdle();
  }
  throw new Error('no answering step reached');
}

/** What the page's form sends: its fields and the file, multipart/form-data, with the page's CSRF token. */
async function postWithFile(key: string, fields: Record<string, string>, file: { bytes: Uint8Array; name: string }, lang = 'id') {
  const page = await rt.call('GET', `/tasks/${key}`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const form = new FormData();
  for (const [k, v] of Object.entries({ csrf, ...fields })) form.append(k, v);
  form.append('file', new Blob([file.bytes]), file.name);
  const res = await fetch(`${rt.url}/tasks/${key}${lang === 'en' ? '?lang=en' : ''}`, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

async function answerMail(trackingId: string) {
  const mails = (await rt.mail()).filter((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`);
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

async function attachmentBytes(mailId: string, i: number): Promise<Buffer> {
  const res = await fetch(`${rt.url}/_local/mail/${encodeURIComponent(mailId)}/${i}`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

test('a wrong-type file: 400 naming it (id and en), the task stays open; then a PDF goes with the answer, as a MIME attachment', async () => {
  const { trackingId, key, view } = await walkToAnswer('perpus-muba', 'layanan');
  // The answering action's form is multipart with a file input; the JSON view says it takes a file.
  const page = await rt.call('GET', `/tasks/${key}`);
  expect(page.text).toContain('enctype="multipart/form-data"');
  expect(page.text).toContain('type="file"');
  const fields = fill(view.actions[0]!, { [view.actions[0]!.fields.find((f) => f.type === 'textarea')?.name ?? 'x']: 'Buku sudah "dikembalikan" <hari ini>\nTerima kasih 🙏' });

  const bad = { bytes: Buffer.from('GIF89a not what it claims'), name: 'surat <balasan>.pdf' };
  const refused = await postWithFile(key, fields, bad);
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('Berkas &quot;surat &lt;balasan&gt;.pdf&quot; bukan JPEG, PNG atau PDF');
  const refusedEn = await postWithFile(key, fields, bad, 'en');
  expect(refusedEn.status).toBe(400);
  expect(refusedEn.text).toContain('The file &quot;surat &lt;balasan&gt;.pdf&quot; is not a JPEG, PNG or PDF');
  await rt.engine.waitForIdle();
  expect(((await rt.call('GET', `/api/tasks/${key}`)).body as TaskView).task.status).toBe('open');
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body.status).not.toBe('resolved');

  const doc = pdf();
  const ok = await postWithFile(key, fields, { bytes: doc, name: 'balasan resmi.pdf' });
  expect(ok.status).toBe(200);
  await rt.engine.waitForIdle();

  const mail = await answerMail(trackingId);
  expect(mail.attachments).toEqual([{ filename: 'balasan resmi.pdf', contentType: 'application/pdf', size: doc.length }]);
  expect((await attachmentBytes(mail.id, 0)).equals(doc)).toBe(true);
  // Never a link to the file: only the reply and status links.
  expect(mail.links.every((l) => !l.includes(process.env.AWS_ENDPOINT_URL_S3!) && !l.includes('response-'))).toBe(true);

  // The task page lists it beside the reporter's files; the public status shows no file.
  const after = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
  expect(after.case.attachments?.map((a) => [a.name, a.contentType, a.by])).toEqual([['balasan resmi.pdf', 'application/pdf', 'official']]);
  expect((await fetch(after.case.attachments![0]!.url)).status).toBe(200);
  expect((await rt.call('GET', `/tasks/${key}`)).text).toContain('balasan resmi.pdf');
  const status = await rt.call('GET', `/api/complaints/${trackingId}`);
  expect(status.body.status).toBe('resolved');
  expect(status.text).not.toContain('balasan resmi');
  expect(status.text).not.toMatch(/attachment|response-/);
  expect((await rt.call('GET', `/complaints/${trackingId}`)).text).not.toContain('balasan resmi');
});

test("the Health Office's approved answer carries a PNG, its GPS removed, the bytes otherwise the same", async () => {
  const { trackingId, key, view } = await walkToAnswer('dinkes-muba', 'pelayanan');
  expect(view.task.stepId).toBe('kirim-tanggapan');
  const photo = pngWithGps();
  expect(photo.includes(Buffer.from('eXIf'))).toBe(true);
  const ok = await postWithFile(key, fill(view.actions[0]!), { bytes: photo, name: 'foto-perbaikan.png' });
  expect(ok.status).toBe(200);
  await rt.engine.waitForIdle();

  const mail = await answerMail(trackingId);
  expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['foto-perbaikan.png', 'image/png']]);
  const got = await attachmentBytes(mail.id, 0);
  expect(got.includes(Buffer.from('eXIf'))).toBe(false);
  // Without the eXIf chunk it is the very PNG the camera made.
  expect(got.equals(png())).toBe(true);

  const after = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
  expect(after.case.attachments?.filter((a) => a.by === 'official').map((a) => a.name)).toEqual(['foto-perbaikan.png']);
  const served = Buffer.from(await (await fetch(after.case.attachments!.find((a) => a.by === 'official')!.url)).arrayBuffer());
  expect(served.equals(got)).toBe(true);
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).text).not.toContain('foto-perbaikan');
});

test('a file with an action that does not answer the reporter is refused, naming it; the JSON API is unchanged', async () => {
  const res = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan'));
  const trackingId = res.body.trackingId as string;
  await rt.engine.waitForIdle();
  const { key, view } = await newestTask(trackingId);
  expect(view.actions[0]!.file).toBeUndefined();
  const refused = await postWithFile(key, fill(view.actions[0]!), { bytes: pdf(), name: 'catatan.pdf' });
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('Berkas &quot;catatan.pdf&quot; hanya dapat dilampirkan pada jawaban kepada pelapor.');
  expect(((await rt.call('GET', `/api/tasks/${key}`)).body as TaskView).task.status).toBe('open');
  // The form-encoded page POST and the JSON API act as before.
  expect((await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0]!))).status).toBe(200);
  await rt.engine.waitForIdle();
});

/**
 * Attachments end to end on the local runtime, through the same handlers and the real S3 SDK
 * against the S3 stand-in: the API's two steps (an upload target, then the complaint naming the
 * upload), the form without JavaScript (multipart), the size and type conditions of the presigned
 * POST, the task page's thumbnails behind signed links, and nothing on the public tracking page.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { exifOf, exifWithGps, jpeg, pdf, png } from '../support/images';
import { captureLogs } from '../support/logs';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
let logs: ReturnType<typeof captureLogs>;
beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  logs = captureLogs();
  rt = await startTestRuntime();
});
afterAll(async () => {
  await rt.dispose();
  logs.restore();
  delete process.env.POWERTOOLS_LOG_LEVEL;
});

async function tableItems(): Promise<number> {
  const client = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: 'ap-southeast-3', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const out = await client.send(new ScanCommand({ TableName: process.env.TABLE_NAME, Select: 'COUNT' }));
  return out.Count ?? 0;
}

interface Target { uploadId: string; url: string; fields: Record<string, string>; maxBytes: number }

/** What a client does: ask for a target, then POST the fields and the file (last) to it. */
async function uploadFile(bytes: Uint8Array, declared: string, override: Record<string, string> = {}): Promise<{ target: Target; status: number; text: string }> {
  const res = await rt.call('POST', '/api/uploads', { contentType: declared });
  expect(res.status).toBe(201);
  const target = res.body as Target;
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...target.fields, ...override })) form.append(k, v);
  form.append('file', new Blob([bytes]), 'ignored-name.bin');
  const posted = await fetch(target.url, { method: 'POST', body: form });
  return { target, status: posted.status, text: await posted.text() };
}

const NAME = 'jalan "rusak" <Sekayu> 📷.jpg';

test('API: upload, then the complaint names it; the task page shows the thumbnail through a signed link, GPS removed', async () => {
  const photo = await uploadFile(jpeg({ exif: exifWithGps() }), 'image/jpeg');
  expect(photo.status).toBe(204);
  const doc = await uploadFile(pdf(), 'application/pdf');
  const res = await rt.call('POST', '/api/complaints', complaint('dinkes-muba', 'pelayanan', {
    attachments: [{ uploadId: photo.target.uploadId, name: NAME }, { uploadId: doc.target.uploadId, name: 'kwitansi.pdf' }],
  }));
  expect(res.status).toBe(201);
  // The contract's answer, unchanged.
  expect(Object.keys(res.body).sort()).toEqual(['acknowledgement', 'status', 'statusUrl', 'submittedAt', 'trackingId']);

  await rt.engine.waitForIdle();
  const key = (await rt.taskKeys(res.body.trackingId)).at(-1)!;
  const page = await rt.call('GET', `/tasks/${key}`);
  expect(page.status).toBe(200);
  const s3Origin = new URL(process.env.AWS_ENDPOINT_URL_S3!).origin;
  expect(page.headers.get('content-security-policy')).toContain(`img-src 'self' data: ${s3Origin}`);
  // The name escaped; a thumbnail for the photo, an icon for the PDF.
  expect(page.text).toContain('jalan &quot;rusak&quot; &lt;Sekayu&gt; 📷.jpg');
  expect(page.text).not.toContain('<Sekayu>');
  const thumbnails = [...page.text.matchAll(/<img class="thumbnail" src="([^"]+)" width="160"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  expect(thumbnails).toHaveLength(1);
  expect(page.text).toContain('aria-label="PDF"');

  const got = await fetch(thumbnails[0]!);
  expect(got.status).toBe(200);
  expect(got.headers.get('content-type')).toBe('image/jpeg');
  expect(got.headers.get('content-disposition')).toContain("filename*=UTF-8''");
  const served = new Uint8Array(await got.arrayBuffer());
  expect(exifOf(served)).toEqual({ orientation: 6, gpsEntries: 0 });

  // The link is the signature: altered, or without it, nothing is served.
  const tampered = thumbnails[0]!.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
  expect((await fetch(tampered)).status).toBe(403);
  expect((await fetch(thumbnails[0]!.split('?')[0]!)).status).toBe(403);

  // The JSON view of the task carries the same links.
  const view = await rt.call('GET', `/api/tasks/${key}`);
  expect(view.body.case.attachments.map((a: { name: string; contentType: string }) => [a.name, a.contentType])).toEqual([[NAME, 'image/jpeg'], ['kwitansi.pdf', 'application/pdf']]);

  // Never on the public tracking page or status, and the name never in a log line.
  const status = await rt.call('GET', `/api/complaints/${res.body.trackingId}`);
  const tracking = await rt.call('GET', `/complaints/${res.body.trackingId}`);
  for (const text of [status.text, tracking.text]) {
    expect(text).not.toContain('kwitansi');
    expect(text).not.toContain('Sekayu&gt; 📷');
    expect(text).not.toContain(s3Origin);
    expect(text).not.toContain('cases/');
  }
  expect(logs.text()).not.toContain('kwitansi');
  expect(logs.text()).not.toContain('rusak');
});

test('the presigned POST refuses 5 MB + 1 byte and a Content-Type other than declared; 5 MB exactly passes', async () => {
  const base = jpeg();
  const tooBig = await uploadFile(jpeg({ scanBytes: 33 + 5 * 1024 * 1024 - base.length }), 'image/jpeg');
  expect(tooBig.status).toBe(400);
  expect(tooBig.text).toContain('EntityTooLarge');
  const exact = await uploadFile(jpeg({ scanBytes: 32 + 5 * 1024 * 1024 - base.length }), 'image/jpeg');
  expect(exact.status).toBe(204);
  const otherType = await uploadFile(png(), 'image/jpeg', { 'Content-Type': 'text/html' });
  expect(otherType.status).toBe(403);
  const badType = await rt.call('POST', '/api/uploads', { contentType: 'text/html' });
  expect(badType.status).toBe(415);
  expect(badType.body.message).toMatch(/image\/jpeg/);
});

test('a wrong-type or truncated upload: 400 naming the file, in Indonesian and English; nothing stored', async () => {
  await rt.engine.waitForIdle();
  const fake = await uploadFile(Buffer.from('<html>bukan foto</html>'), 'image/jpeg');
  const cut = await uploadFile(jpeg().subarray(0, 60), 'image/jpeg');
  const before = await tableItems();
  for (const lang of ['id', 'en'] as const) {
    const res = await rt.call('POST', `/api/complaints?lang=${lang}`, complaint('dinkes-muba', 'pelayanan', {
      attachments: [{ uploadId: fake.target.uploadId, name: 'foto.jpg' }, { uploadId: cut.target.uploadId, name: 'potong.jpg' }],
    }));
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      { path: 'attachments.0', message: expect.stringContaining('"foto.jpg"') },
      { path: 'attachments.1', message: expect.stringContaining('"potong.jpg"') },
    ]);
    expect(res.body.issues[0].message).toMatch(lang === 'id' ? /bukan JPEG, PNG atau PDF/ : /not a JPEG, PNG or PDF/);
    expect(res.body.issues[1].message).toMatch(lang === 'id' ? /tidak dapat dibaca/ : /cannot be read/);
  }
  const four = await rt.call('POST', '/api/complaints', complaint('dinkes-muba', 'pelayanan', {
    attachments: [1, 2, 3, 4].map((i) => ({ uploadId: `u${String(i).repeat(32)}`, name: `f${i}.png` })),
  }));
  expect(four.status).toBe(400);
  expect(four.body.issues).toEqual([{ path: 'attachments.3', message: expect.stringContaining('"f4.png"') }]);
  expect(await tableItems()).toBe(before);
});

/** The form as a browser without JavaScript sends it: multipart, with its files. */
function formBody(files: { name: string; bytes: Uint8Array; type: string }[], extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  const fields: Record<string, string> = {
    target: 'perpus-muba/layanan', title: 'Buku rusak di perpustakaan', description: 'Banyak buku anak yang sobek dan tidak diganti sejak bulan lalu.',
    'reporter.email': 'warga.form@example.com', website: '', ...extra,
  };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('attachments', new Blob([f.bytes], { type: f.type }), f.name);
  if (!files.length) form.append('attachments', new Blob([]), '');
  return form;
}

test('the form without JavaScript: files in the form POST; a bad one brings the form back naming it, nothing stored', async () => {
  const post = (form: FormData) => fetch(`${rt.url}/api/complaints`, { method: 'POST', body: form, headers: { accept: 'text/html' } });
  const ok = await post(formBody([{ name: 'rak.png', bytes: png(), type: 'image/png' }, { name: 'lokasi.jpg', bytes: jpeg({ exif: exifWithGps() }), type: 'image/jpeg' }], { includePhotoLocation: 'true' }));
  const html = await ok.text();
  expect(ok.status).toBe(201);
  expect(html).toMatch(/TGP-[0-9A-Z]{4}-[0-9A-Z]{4}/);

  // Nothing chosen: an empty file part is no attachment.
  const none = await post(formBody([]));
  expect(none.status).toBe(201);
  await rt.engine.waitForIdle();

  const before = await tableItems();
  const bad = await post(formBody([{ name: 'catatan.pdf', bytes: Buffer.from('hanya teks, bukan PDF'), type: 'application/pdf' }]));
  const page = await bad.text();
  expect(bad.status).toBe(400);
  expect(page).toContain('&quot;catatan.pdf&quot; bukan JPEG, PNG atau PDF');
  expect(page).toContain('Buku rusak di perpustakaan'); // what was typed comes back
  expect(await tableItems()).toBe(before);
});

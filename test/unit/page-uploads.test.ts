/**
 * The pieces of the uploads without JavaScript (issue 14 item 4), on the in-memory file store: the
 * trail a page's URL carries (upload ids only, never a key), the page's state after the store sent
 * the browser back (the upload just made checked whole; one over 5 MB or of another type named, and
 * dropped from the next links), the redirect pinned to our URL, an official's upload read by id, and
 * the pages' markup and CSP.
 */
import { MAX_ATTACHMENT_BYTES } from '../../shared/attachments/files';
import { inspectUpload, PAGE_UPLOAD_CEILING_BYTES, pageUploads, parseUploadTrail, uploadedFile } from '../../shared/usecases/attachments';
import { renderComplaintForm } from '../../shared/web/pages';
import { renderUploadPage } from '../../shared/web/uploads-page';
import { storeFormPageHeaders } from '../../functions/http';
import { jpegOfSize, pdf } from '../support/images';
import { MemoryFileStore } from '../support/memory-file-store';

const id = (n: number) => `u${n.toString(16).padStart(32, '0')}`;
let counter = 0;
function deps() {
  const files = new MemoryFileStore();
  const calls: { key: string; c: unknown }[] = [];
  const target = files.uploadTarget.bind(files);
  files.uploadTarget = async (key, c) => { calls.push({ key, c }); return target(key, c); };
  return { files, calls, randomBytes: (n: number) => { counter++; const b = new Uint8Array(n); b[n - 1] = counter; return b; } };
}
const put = (d: ReturnType<typeof deps>, uploadId: string, bytes: Uint8Array) => d.files.write(`uploads/${uploadId}`, bytes, 'binary/octet-stream');

test('a trail keeps well-formed upload ids only, each once, at most 3: never a key or a path', () => {
  expect(parseUploadTrail(`${id(1)}.${id(2)}`)).toEqual([id(1), id(2)]);
  expect(parseUploadTrail(`${id(1)}.${id(1)}.../cases/x/1.uploads/${id(3)}.${id(4)}.${id(5)}.${id(6)}`)).toEqual([id(1), id(4), id(5)]);
  for (const raw of [undefined, 42, '', 'cases/abc/1', `U${id(1).slice(1)}`, `${id(1)}x`]) expect(parseUploadTrail(raw)).toEqual([]);
});

test('the page after the store\'s redirect: the upload just made checked whole; one over 5 MB or not a JPEG/PNG/PDF named and dropped; the next target comes back to our URL with the kept ones', async () => {
  const d = deps();
  await put(d, id(1), jpegOfSize(MAX_ATTACHMENT_BYTES));
  await put(d, id(2), jpegOfSize(MAX_ATTACHMENT_BYTES + 1));
  const over = await pageUploads(d, { trail: `${id(1)}.${id(2)}`, returnedKey: `uploads/${id(2)}`, lang: 'id' }, (ids) => `https://tanggap.example/lampiran?lampiran=${ids.join('.')}`);
  expect(over.uploaded).toEqual([{ n: 1, uploadId: id(1), size: MAX_ATTACHMENT_BYTES }]);
  expect(over.problems).toEqual([expect.stringMatching(/^Berkas "lampiran-2" lebih besar dari 5 MB\. .* \(5,0 MB\)$/)]);
  expect(over.keptIds).toEqual([id(1)]);
  // The next target: no Content-Type condition, up to the page's ceiling, back to our URL naming the kept upload and the new one.
  const last = d.calls.at(-1)!;
  expect(last.c).toEqual({ maxBytes: PAGE_UPLOAD_CEILING_BYTES, expiresSeconds: 900, redirect: `https://tanggap.example/lampiran?lampiran=${id(1)}.${over.target!.uploadId}` });
  expect(last.key).toBe(`uploads/${over.target!.uploadId}`);

  await put(d, id(3), new TextEncoder().encode('bukan gambar, hanya teks'));
  const wrong = await pageUploads(d, { trail: id(3), returnedKey: `uploads/${id(3)}`, lang: 'en' }, () => 'x');
  expect(wrong.problems).toEqual([expect.stringContaining('is not a JPEG, PNG or PDF')]);
  // Earlier uploads are checked by size only (a HEAD), so a page view never reads them all again.
  const read = d.files.read.bind(d.files);
  const reads: string[] = [];
  d.files.read = async (key) => { reads.push(key); return read(key); };
  await put(d, id(4), pdf());
  const three = await pageUploads(d, { trail: `${id(1)}.${id(4)}.${id(9)}`, returnedKey: `uploads/${id(4)}`, lang: 'id' }, () => 'x');
  expect(reads).toEqual([]);
  expect(three.uploaded.map((u) => u.uploadId)).toEqual([id(1), id(4)]);
  expect(three.problems).toEqual([expect.stringContaining('tidak ditemukan')]);
  // Three kept: no more targets.
  await put(d, id(5), pdf());
  const full = await pageUploads(d, { trail: `${id(1)}.${id(4)}.${id(5)}`, returnedKey: `uploads/${id(5)}`, lang: 'id' }, () => 'x');
  expect([full.uploaded.map((u) => u.type ?? '-'), full.target]).toEqual([['-', '-', 'application/pdf'], undefined]);
});

test('an official\'s upload by id: read for the answer, named by its type when no name was given; a key, a missing or an oversized upload is a 400 on `file`', async () => {
  const d = deps();
  await put(d, id(7), pdf());
  expect(await uploadedFile(d, id(7), undefined, 'id')).toEqual({ name: 'lampiran-jawaban.pdf', bytes: new Uint8Array(pdf()) });
  expect((await uploadedFile(d, id(7), ' surat "balasan".pdf ', 'id')).name).toBe('surat "balasan".pdf');
  await put(d, id(8), jpegOfSize(MAX_ATTACHMENT_BYTES + 1));
  for (const [uploadId, text] of [['cases/x/1', 'tidak ditemukan'], [id(6), 'tidak ditemukan'], [id(8), 'lebih besar dari 5 MB']] as const) {
    await expect(uploadedFile(d, uploadId, undefined, 'id')).rejects.toMatchObject({ status: 400, issues: [{ path: 'file', message: expect.stringContaining(text) }] });
  }
  expect(await inspectUpload(d, id(8), { read: false })).toEqual({ uploadId: id(8), ok: false, problem: 'too_large', size: MAX_ATTACHMENT_BYTES + 1 });
});

test('the pages: the upload form carries the presigned fields in order then the file; the complaint form names uploads from the URL or from the values sent; the CSP lets forms go to the store only', () => {
  const page = renderUploadPage({ lang: 'id', uploaded: [{ n: 1, size: 5_000_000, type: 'image/jpeg' }], problems: ['Berkas "<x>" terlalu besar'], trail: [id(1)], continueUrl: `/?lampiran=${id(1)}`,
    target: { url: 'http://127.0.0.1:9/bucket', fields: { key: `uploads/${id(2)}`, success_action_redirect: 'https://tanggap.example/lampiran?lampiran=a&b=<c>', Policy: 'p' } } });
  expect(page).toMatch(/action="http:\/\/127\.0\.0\.1:9\/bucket" enctype="multipart\/form-data"[^>]*>\n<input type="hidden" name="key"[^\n]*\n<input type="hidden" name="success_action_redirect" value="https:\/\/tanggap\.example\/lampiran\?lampiran=a&amp;b=&lt;c&gt;">\n<input type="hidden" name="Policy" value="p">\n<label[^\n]*\n<input id="f-file" type="file" name="file"/);
  expect(page).toContain('Berkas &quot;&lt;x&gt;&quot; terlalu besar');
  expect(page).toContain('Lampiran 1 · JPEG · 4,8 MB');
  expect(renderComplaintForm({ agencies: [], lang: 'en', uploads: [id(1), id(2)] })).toMatch(new RegExp(`name="attachments.0.uploadId" value="${id(1)}"><input type="hidden" name="attachments.1.uploadId" value="${id(2)}">`));
  expect(renderComplaintForm({ agencies: [], lang: 'id', values: { 'attachments.1.uploadId': id(2), 'attachments.0.uploadId': id(1), title: 'x' } })).toContain(`href="/lampiran?lampiran=${id(1)}.${id(2)}"`);
  expect(renderComplaintForm({ agencies: [], lang: 'id' })).not.toContain('attachments.0.uploadId');
  const csp = storeFormPageHeaders('http://127.0.0.1:9', { script: true, images: ['http://127.0.0.1:9/b/k?sig=1'] })['content-security-policy'];
  expect(csp).toContain("form-action 'self' http://127.0.0.1:9;");
  expect(csp).toContain("img-src 'self' data: http://127.0.0.1:9;");
  expect(csp).toMatch(/script-src 'self'; connect-src 'self' http:\/\/127\.0\.0\.1:9$/);
  expect(storeFormPageHeaders(undefined)['content-security-policy']).toContain("form-action 'self';");
});

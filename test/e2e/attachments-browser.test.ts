/**
 * A citizen attaches a photo and a PDF from a phone (Debian's Chromium through playwright-core,
 * 390×844): the photo is a real JPEG the browser encodes, with a GPS position written into its Exif.
 * The form posts its files; the official's task page shows the photo's thumbnail (loaded through a
 * signed link the page's CSP admits) and the PDF's icon, nothing wider than the phone; the stored
 * photo has no position; the public tracking page shows none of it. Without JavaScript, a file of up to
 * 5 MB goes to the store first from the upload page (a plain form to the presigned POST), and one just
 * over 5 MB is refused on our page in plain words.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { MAX_ATTACHMENT_BYTES } from '../../shared/attachments/files';
import type { TaskView } from '../../shared/usecases/views';
import { exifOf, exifWithGps, jpegOfSize, pdf, pdfOfSize, withExif } from '../support/images';
import { complaint, fill, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
let browser: Browser;
beforeAll(async () => {
  rt = await startTestRuntime({ clockStart: new Date('2026-12-07T02:00:00Z') });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rt?.dispose();
});

test.each([
  ['with JavaScript: each file straight to the store, then the form names the uploads', true],
  ['without JavaScript: the files in the form POST', false],
])('a photo and a PDF from the form on a phone, %s; thumbnails on the task page, the position removed, nothing on the tracking page', async (_how, javaScriptEnabled) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'id-ID', javaScriptEnabled });
  const page = await context.newPage();
  const s3Origin = new URL(process.env.AWS_ENDPOINT_URL_S3!).origin;
  const seen: string[] = [];
  page.on('request', (r) => { if (r.method() === 'POST') seen.push(r.url().startsWith(s3Origin) ? 'store' : new URL(r.url()).pathname); });
  // A real photo: the browser's own JPEG encoder, then a camera's Exif block with a GPS position.
  // Encoded on a page of its own (evaluate runs even where the page's scripts are off).
  const canvasPage = await browser.newPage();
  const dataUrl = await canvasPage.evaluate(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 240;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#8b5e3c'; ctx.fillRect(0, 0, 320, 240);
    ctx.fillStyle = '#333'; ctx.fillRect(40, 100, 240, 60);
    return canvas.toDataURL('image/jpeg', 0.85);
  })()`) as string;
  await canvasPage.close();
  const photo = withExif(Buffer.from(dataUrl.split(',')[1]!, 'base64'), exifWithGps());
  expect(exifOf(photo)?.latitudeRef).toBe('S');

  await page.goto(`${rt.url}/`);
  await page.locator('select[name="target"]').selectOption('perpus-muba/layanan');
  await page.locator('[name="title"]').fill('Atap ruang baca bocor');
  await page.locator('[name="description"]').fill('Atap ruang baca anak bocor setiap hujan; lantainya licin dan buku basah.');
  await page.locator('[name="reporter.email"]').fill('warga.foto@example.com');
  await page.locator('#f-attachments').setInputFiles([
    { name: 'atap <bocor>.jpg', mimeType: 'image/jpeg', buffer: photo },
    { name: 'surat.pdf', mimeType: 'application/pdf', buffer: pdf() },
  ]);
  // With JavaScript the form is sent only once its uploads are done: wait for the confirmation page itself.
  await Promise.all([page.waitForURL((u) => u.pathname === '/api/complaints', { timeout: 30_000 }), page.getByRole('button', { name: 'Kirim pengaduan' }).click()]);
  await page.waitForLoadState();
  const confirmation = await page.textContent('body');
  const trackingId = /TGP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/.exec(confirmation ?? '')?.[0];
  expect(trackingId).toBeDefined();
  await rt.engine.waitForIdle();
  expect(seen).toEqual(javaScriptEnabled ? ['/api/uploads', 'store', '/api/uploads', 'store', '/api/complaints'] : ['/api/complaints']);

  const key = (await rt.taskKeys(trackingId)).at(-1)!;
  const taskPage = await context.newPage();
  await taskPage.goto(`${rt.url}/tasks/${key}`);
  const thumbnail = taskPage.locator('img.thumbnail');
  await expect(thumbnail.count()).resolves.toBe(1);
  await thumbnail.scrollIntoViewIfNeeded();
  // Not waitForFunction: when its first check fails it polls by evaluating a string in the page, which the page's
  // CSP (script-src 'self', no 'unsafe-eval') refuses. decode() settles once the image is loaded, or rejects if it cannot be.
  await taskPage.evaluate(`document.querySelector('img.thumbnail').decode().then(() => true)`);
  // 240 wide, not 320: the browser turns the photo by its Exif orientation (6), which the removal kept.
  expect(await taskPage.evaluate(`(() => { const img = document.querySelector('img.thumbnail'); return [img.naturalWidth, img.naturalHeight, img.getBoundingClientRect().width]; })()`)).toEqual([240, 320, 160]);
  await expect(taskPage.locator('li.attachment[data-type="application/pdf"] svg[aria-label="PDF"]').count()).resolves.toBe(1);
  await expect(taskPage.locator('.attachments').textContent()).resolves.toContain('atap <bocor>.jpg');
  expect(await taskPage.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

  const stored = await fetch((await thumbnail.getAttribute('src'))!);
  expect(exifOf(new Uint8Array(await stored.arrayBuffer()))).toEqual({ orientation: 6, gpsEntries: 0 });

  const tracking = await context.newPage();
  await tracking.goto(`${rt.url}/complaints/${trackingId}`);
  await expect(tracking.locator('img').count()).resolves.toBe(0);
  expect(await tracking.textContent('body')).not.toMatch(/atap <bocor>|surat\.pdf/);
  await context.close();
}, 60_000);

test('without JavaScript, a photo just under 5 MB goes to the store from the upload page first; one just over is refused in plain words; the complaint then carries the first', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'id-ID', javaScriptEnabled: false });
  const page = await context.newPage();
  const s3Origin = new URL(process.env.AWS_ENDPOINT_URL_S3!).origin;
  const seen: string[] = [];
  page.on('request', (r) => { if (r.method() === 'POST') seen.push(r.url().startsWith(s3Origin) ? 'store' : new URL(r.url()).pathname); });
  await page.goto(`${rt.url}/`);
  await Promise.all([page.waitForURL((u) => u.pathname === '/lampiran'), page.getByRole('link', { name: 'Unggah lampiran lebih dulu' }).click()]);

  const upload = async (name: string, size: number) => {
    await page.locator('#f-file').setInputFiles({ name, mimeType: 'image/jpeg', buffer: jpegOfSize(size) });
    await Promise.all([page.waitForURL((u) => u.pathname === '/lampiran' && u.searchParams.has('key'), { timeout: 30_000 }), page.getByRole('button', { name: 'Unggah' }).click()]);
  };
  await upload('jalan.jpg', MAX_ATTACHMENT_BYTES - 1024);
  await expect(page.locator('body').textContent()).resolves.toContain('Lampiran 1 · JPEG · 5,0 MB');
  await upload('terlalu-besar.jpg', MAX_ATTACHMENT_BYTES + 1024);
  await expect(page.getByRole('alert').textContent()).resolves.toMatch(/lebih besar dari 5 MB\. .*\(5,0 MB\)/);
  await expect(page.locator('body').textContent()).resolves.toContain('Sudah diunggah (1/3)');
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('link', { name: 'Lanjut mengisi pengaduan →' }).click()]);
  await expect(page.getByRole('status').textContent()).resolves.toContain('Lampiran yang sudah diunggah: 1 berkas.');
  await page.locator('select[name="target"]').selectOption('perpus-muba/layanan');
  await page.locator('[name="title"]').fill('Jalan "berlubang" di depan perpustakaan');
  await page.locator('[name="description"]').fill('Lubang besar di jalan masuk;\nsepeda motor sering jatuh. 😟 <segera>');
  await page.locator('[name="reporter.email"]').fill('warga.tanpa.js@example.com');
  await Promise.all([page.waitForURL((u) => u.pathname === '/api/complaints'), page.getByRole('button', { name: 'Kirim pengaduan' }).click()]);
  const trackingId = /TGP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/.exec((await page.textContent('body')) ?? '')?.[0];
  expect(trackingId).toBeDefined();
  expect(seen).toEqual(['store', 'store', '/api/complaints']);
  await rt.engine.waitForIdle();
  const key = (await rt.taskKeys(trackingId)).at(-1)!;
  const view = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
  expect(view.case.trackingId).toBe(trackingId);
  expect(view.case.description).toBe('Lubang besar di jalan masuk;\nsepeda motor sering jatuh. 😟 <segera>');
  expect(view.case.attachments!.map((a) => [a.contentType, a.size])).toEqual([['image/jpeg', MAX_ATTACHMENT_BYTES - 1024]]);
  await context.close();
}, 90_000);

test('with JavaScript, an official\'s answer carries a PDF just under 5 MB through the store; the reporter\'s email has it', async () => {
  // Prepare: a complaint walked on its normal path to the step that answers the reporter.
  const filed = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan', { reporter: { name: 'Warga', email: 'warga.jawaban@example.com' } }));
  const trackingId = filed.body.trackingId as string;
  await rt.engine.waitForIdle();
  let key = '';
  let view: TaskView | undefined;
  for (let i = 0; i < 12; i++) {
    key = (await rt.taskKeys(trackingId)).at(-1)!;
    view = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
    if (view.actions[0]!.file) break;
    expect((await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0]!))).status).toBe(200);
    await rt.engine.waitForIdle();
  }
  const action = view!.actions[0]!;
  expect(action.file).toBe(true);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'id-ID' });
  const page = await context.newPage();
  const s3Origin = new URL(process.env.AWS_ENDPOINT_URL_S3!).origin;
  const seen: string[] = [];
  page.on('request', (r) => { if (r.method() === 'POST') seen.push(r.url().startsWith(s3Origin) ? 'store' : new URL(r.url()).pathname.replace(key, '{key}')); });
  await page.goto(`${rt.url}/tasks/${key}`);
  const form = page.locator(`form:has(input[name="action"][value="${action.id}"])`);
  for (const [name, value] of Object.entries(fill(action))) {
    if (name === 'action') continue;
    const field = form.locator(`[name="${name}"]`);
    if (await field.evaluate((el) => el.tagName) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await form.locator('input[type=file][name=file]').setInputFiles({ name: 'surat balasan.pdf', mimeType: 'application/pdf', buffer: pdfOfSize(MAX_ATTACHMENT_BYTES - 1024) });
  await form.getByRole('button', { name: action.label }).click();
  await page.waitForSelector('[role=status]', { timeout: 30_000 });
  expect(seen).toEqual(['/api/uploads', 'store', '/tasks/{key}']);
  await rt.engine.waitForIdle();
  const toReporter = (await rt.mail()).filter((m) => m.to.includes('warga.jawaban@example.com') && m.text.includes(trackingId) && m.attachments.length);
  expect(toReporter.map((m) => m.attachments.map((a) => [a.filename, a.size]))).toEqual([[['surat balasan.pdf', MAX_ATTACHMENT_BYTES - 1024]]]);
  await context.close();
}, 90_000);

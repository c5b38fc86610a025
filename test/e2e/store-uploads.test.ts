/**
 * Files of up to 5 MB without JavaScript, over HTTP on the local runtime (issue 14 item 4): the page
 * posts each file straight to the store (a presigned POST as a plain form), which sends the browser
 * back to our page (`success_action_redirect`, pinned by the policy); a file just over 5 MB gets a clear
 * answer on our page, not the store's XML; the complaint form then names the uploads. The same for an
 * official's answer file on the task page, and from the JSON API (`fileUploadId`).
 */
import { MAX_ATTACHMENT_BYTES } from '../../shared/attachments/files';
import type { TaskView } from '../../shared/usecases/views';
import { jpegOfSize, pdfOfSize, png } from '../support/images';
import { complaint, fill, startTestRuntime, type TestRuntime } from '../support/runtime';
import type { StoredMail } from '../../infra/local/ses';

let rt: TestRuntime;
beforeAll(async () => { rt = await startTestRuntime(); });
afterAll(async () => { await rt.dispose(); });

const jpegOf = jpegOfSize;
const pdfOf = pdfOfSize;
const UNDER = MAX_ATTACHMENT_BYTES - 1024;
const OVER = MAX_ATTACHMENT_BYTES + 1024;

/** The first form of a page posting to the store: its action and hidden fields, in order. */
function storeForm(html: string): { url: string; fields: [string, string][] } {
  const form = /<form class="card" method="post" action="(http:\/\/127\.0\.0\.1:\d+\/[^"]+)" enctype="multipart\/form-data"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no form to the store on the page');
  const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return { url: unescape(form[1]!), fields: [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [unescape(m[1]!), unescape(m[2]!)]) };
}

/** What a browser does with that form: the fields, then the file; the store's answer (not followed). */
async function postToStore(form: { url: string; fields: [string, string][] }, file: Buffer, name: string): Promise<{ status: number; location: string | null; text: string }> {
  const data = new FormData();
  for (const [k, v] of form.fields) data.append(k, v);
  data.append('file', new Blob([file]), name);
  const res = await fetch(form.url, { method: 'POST', body: data, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}
const pathOf = (url: string) => { const u = new URL(url); return `${u.pathname}${u.search}`; };

test('a citizen without JavaScript uploads files of up to 5 MB to the store, is told plainly of one over 5 MB, then files the complaint naming them', async () => {
  // The form says where to upload first, without JavaScript.
  const form = await rt.call('GET', '/', undefined, { accept: 'text/html' });
  expect(form.text).toMatch(/<noscript>[\s\S]*href="\/lampiran\?lampiran="[\s\S]*Unggah lampiran lebih dulu/);

  const first = await rt.call('GET', '/lampiran', undefined, { accept: 'text/html' });
  expect(first.status).toBe(200);
  const target = storeForm(first.text);
  // The page may post to the store (CSP form-action), and the store sends the browser back to us only.
  expect(first.headers.get('content-security-policy')).toContain(`form-action 'self' ${new URL(target.url).origin}`);
  const redirect = target.fields.find(([k]) => k === 'success_action_redirect')![1];
  expect(redirect).toMatch(new RegExp(`^${rt.url.replace(/[.]/g, '\\.')}/lampiran\\?lampiran=u[0-9a-f]{32}$`));
  const firstId = redirect.split('=')[1]!;

  // Act: a photo just under 5 MB.
  const stored = await postToStore(target, jpegOf(UNDER), 'jalan rusak "besar".jpg');
  expect(stored.status).toBe(303);
  const back = new URL(stored.location!);
  expect(back.searchParams.get('key')).toBe(`uploads/${firstId}`);
  const afterFirst = await rt.call('GET', pathOf(stored.location!), undefined, { accept: 'text/html' });
  expect(afterFirst.text).toContain('Sudah diunggah (1/3)');
  expect(afterFirst.text).toContain('Lampiran 1 · JPEG · 5,0 MB');

  // A file just over 5 MB reaches our page (the store takes up to 15 MB from this page), which says so.
  const over = await postToStore(storeForm(afterFirst.text), jpegOf(OVER), 'besar.jpg');
  expect(over.status).toBe(303);
  const afterOver = await rt.call('GET', pathOf(over.location!), undefined, { accept: 'text/html' });
  expect(afterOver.text).toMatch(/role="alert"><p>Berkas &quot;lampiran-2&quot; lebih besar dari 5 MB\. [^<]*\(5,0 MB\)<\/p>/);
  expect(afterOver.text).toContain('Sudah diunggah (1/3)');
  // The next links carry the good upload only.
  expect(afterOver.text).toContain(`href="/?lampiran=${firstId}"`);
  expect(storeForm(afterOver.text).fields.find(([k]) => k === 'success_action_redirect')![1]).toMatch(new RegExp(`lampiran=${firstId}\\.u[0-9a-f]{32}$`));

  // A hand-made URL cannot name a case's file or anything but an upload id.
  const forged = await rt.call('GET', `/lampiran?lampiran=${encodeURIComponent('../cases/x/1.u12')}&key=cases/x/1`, undefined, { accept: 'text/html' });
  expect(forged.text).toContain('Belum ada berkas yang diunggah.');

  // The form names the upload; the complaint is filed with it and with a small file of its own.
  const named = await rt.call('GET', `/?lampiran=${firstId}`, undefined, { accept: 'text/html' });
  expect(named.text).toContain(`<input type="hidden" name="attachments.0.uploadId" value="${firstId}">`);
  expect(named.text).toContain('Lampiran yang sudah diunggah: 1 berkas.');
  const body = complaint('perpus-muba', 'layanan', { title: 'Atap "bocor" \\ <ruang baca>' });
  const data = new FormData();
  data.append('target', `${body.agencyId}/${body.category}`);
  for (const k of ['title', 'description', 'location'] as const) data.append(k, String(body[k]));
  data.append('reporter.email', 'warga@example.com');
  data.append('attachments.0.uploadId', firstId);
  data.append('attachments', new Blob([png()]), 'denah.png');
  const filed = await fetch(`${rt.url}/api/complaints`, { method: 'POST', body: data, headers: { accept: 'text/html' } });
  const filedText = await filed.text();
  expect([filed.status, filedText]).toEqual([201, expect.stringContaining('Nomor pelacakan Anda')]);
  await rt.engine.waitForIdle();
  const trackingId = /class="tracking">([^<]+)</.exec(filedText)![1]!;
  const mail = (await rt.mail()).find((m) => m.subject.startsWith('Tugas baru') && m.text.includes(trackingId))!;
  const view = (await rt.call('GET', `/api/tasks/${mail.links.find((l) => l.includes('/tasks/'))!.split('/tasks/')[1]}`)).body as TaskView;
  expect(view.case.title).toBe('Atap "bocor" \\ <ruang baca>');
  expect(view.case.attachments!.map((a) => [a.n, a.name, a.contentType, a.size])).toEqual([
    [1, 'lampiran-1', 'image/jpeg', UNDER],
    [2, 'denah.png', 'image/png', png().length],
  ]);
});

/**
 * The emails about `trackingId` that carry a file, once the engine is idle. An answer's email is sent
 * when the reporter's window opens; an attempt refused there is not retried by the state machine (the
 * window's task must open) but left pending for the repair sweep, past the lease and the sweep's grace.
 * In the full suite (twice in session 6, never in a run of this file alone) the first attempt of the
 * 5 MB answer was refused with a RangeError ("Maximum call stack size exceeded") from the SDK's query
 * serializer (`extendedEncodeURIComponent`'s regular expression over the 9.5 MB encoded message): so
 * when the file's email is missing, this moves the clock past the grace and runs the sweep, as on AWS,
 * and says so; a failure still lists the case's emails and its public status.
 */
async function mailWithAttachments(trackingId: string, to: (m: StoredMail) => boolean = () => true): Promise<StoredMail[]> {
  let about: StoredMail[] = [];
  for (let round = 0; round < 4; round++) {
    await rt.engine.waitForIdle();
    about = (await rt.mail()).filter((m) => m.text.includes(trackingId) && to(m));
    if (about.some((m) => m.attachments.length)) return about.filter((m) => m.attachments.length);
    console.info(`store-uploads: the email with the file about ${trackingId} is not sent yet (round ${round}); the clock on 11 minutes and the repair sweep run`);
    await rt.advance('PT11M');
    await rt.sweep.runNow();
  }
  const status = (await rt.call('GET', `/api/complaints/${trackingId}`)).body as { status?: string; currentStep?: unknown };
  throw new Error(`no email about ${trackingId} carries a file; its emails: ${JSON.stringify(about.map((m) => [m.subject, m.attachments.length]))}; its status: ${JSON.stringify({ status: status.status, currentStep: status.currentStep })}`);
}

/** Acts on the normal path (actions[0]) until the step whose first action answers the reporter. */
async function walkToAnswer(): Promise<{ trackingId: string; key: string; view: TaskView }> {
  const res = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan', { reporter: { name: 'Warga', email: 'warga.berkas@example.com' } }));
  expect(res.status).toBe(201);
  const trackingId = res.body.trackingId as string;
  await rt.engine.waitForIdle();
  for (let i = 0; i < 12; i++) {
    const mail = (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru') && m.text.includes(trackingId)).at(-1)!;
    const key = mail.links.find((l) => l.includes('/tasks/'))!.split('/tasks/')[1]!;
    const view = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
    if (view.actions[0]!.file) return { trackingId, key, view };
    expect((await rt.call('POST', `/api/tasks/${key}`, fill(view.actions[0]!))).status).toBe(200);
    await rt.engine.waitForIdle();
  }
  throw new Error('no answering step reached');
}

test('an official without JavaScript uploads a file of up to 5 MB for the answer; the reporter\'s email carries it; one over 5 MB is named plainly; the JSON API names an upload too', async () => {
  const { trackingId, key, view } = await walkToAnswer();
  const page = await rt.call('GET', `/tasks/${key}`, undefined, { accept: 'text/html' });
  const target = storeForm(page.text);
  expect(target.fields.find(([k]) => k === 'success_action_redirect')![1]).toMatch(new RegExp(`^${rt.url.replace(/[.]/g, '\\.')}/tasks/${key}\\?berkas=u[0-9a-f]{32}$`));
  expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${new URL(target.url).origin}`);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

  // Over 5 MB: our page says so; no file is attached to the forms.
  const over = await postToStore(target, pdfOf(OVER), 'besar.pdf');
  const overPage = await rt.call('GET', pathOf(over.location!), undefined, { accept: 'text/html' });
  expect(overPage.text).toMatch(/<div class="card error" role="alert">Berkas &quot;lampiran-1&quot; lebih besar dari 5 MB\.[^<]*\(5,0 MB\)<\/div>/);
  expect(overPage.text).not.toContain('name="fileUploadId"');

  // Just under 5 MB: ready, named in the answering form.
  const ok = await postToStore(storeForm(overPage.text), pdfOf(UNDER), 'surat.pdf');
  const okPage = await rt.call('GET', pathOf(ok.location!), undefined, { accept: 'text/html' });
  expect(okPage.text).toContain('Lampiran siap (PDF, 5,0 MB): terkirim bersama jawaban ini.');
  const uploadId = /name="fileUploadId" value="(u[0-9a-f]{32})"/.exec(okPage.text)![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(okPage.text)![1]!;
  const action = view.actions[0]!;
  const answer = new FormData();
  for (const [k, v] of Object.entries({ csrf, ...fill(action), fileUploadId: uploadId })) answer.append(k, String(v));
  const sent = await fetch(`${rt.url}/tasks/${key}`, { method: 'POST', body: answer, headers: { accept: 'text/html' } });
  expect([sent.status, await sent.text()]).toEqual([200, expect.stringContaining('keputusan Anda sudah dicatat')]);
  const toReporter = await mailWithAttachments(trackingId, (m) => m.to.includes('warga.berkas@example.com'));
  expect(toReporter.map((m) => m.attachments.map((a) => [a.filename, a.contentType, a.size]))).toEqual([[['lampiran-jawaban.pdf', 'application/pdf', UNDER]]]);

  // The JSON API: an upload named by id (and a name), refused when it is no upload.
  const second = await walkToAnswer();
  const bad = await rt.call('POST', `/api/tasks/${second.key}`, { ...fill(second.view.actions[0]!), fileUploadId: 'cases/x/1' });
  expect([bad.status, JSON.stringify(bad.body)]).toEqual([400, expect.stringContaining('tidak ditemukan')]);
  const up = await rt.call('POST', '/api/uploads', { contentType: 'image/jpeg' });
  const data = new FormData();
  for (const [k, v] of Object.entries(up.body.fields as Record<string, string>)) data.append(k, v);
  data.append('file', new Blob([jpegOf(UNDER)]), 'x.jpg');
  expect((await fetch(up.body.url, { method: 'POST', body: data })).status).toBe(204);
  const acted = await rt.call('POST', `/api/tasks/${second.key}`, { ...fill(second.view.actions[0]!), fileUploadId: up.body.uploadId, fileName: 'foto "perbaikan".jpg' });
  expect(acted.status).toBe(200);
  const mailed = (await mailWithAttachments(second.trackingId)).flatMap((m) => m.attachments.map((a) => [a.filename, a.size]));
  // The MIME header drops the quotes (shared/email/mime.ts); the case keeps the name as given.
  expect(mailed).toEqual([['foto perbaikan.jpg', UNDER]]);
  const kept = (await rt.call('GET', `/api/tasks/${second.key}`)).body as TaskView;
  expect(kept.case.attachments!.filter((a) => a.by === 'official').map((a) => [a.name, a.size])).toEqual([['foto "perbaikan".jpg', UNDER]]);
});

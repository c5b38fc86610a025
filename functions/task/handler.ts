/**
 * The officials' task links: GET/POST /api/tasks/{taskKey} (JSON) and /tasks/{taskKey} (the page);
 * and the links of a report's review turn, /api/reviews/{taskKey} and /reviews/{taskKey}.
 * GET and HEAD change nothing. The page's POST needs its CSRF token; the JSON POST needs
 * `Content-Type: application/json`, which a cross-site form cannot send.
 */
import { ValidationFailed } from '../../shared/errors';
import { actOnReview, viewReview } from '../../shared/usecases/report-review';
import { actOnTask, viewTask } from '../../shared/usecases/tasks';
import { renderReviewPage } from '../../shared/web/review-page';
import { renderTaskPage, type TaskPageUpload } from '../../shared/web/pages';
import { displayName, fileProblemMessage } from '../../shared/attachments/files';
import { inspectUpload, isUploadId, requestPageUpload } from '../../shared/usecases/attachments';
import type { Deps } from '../../shared/usecases/deps';
import type { TaskView } from '../../shared/usecases/views';
import { bundledSops, dependencies, s3Files, sesMailer, sfnWorkflow } from '../adapters/deps';
import { storeFormPolicy } from '../adapters/files-origin';
import { html, httpHandler, json, languageOf, readBody, requestTime, type HttpEvent } from '../http';
import { boundaryOf, parseMultipart } from '../http/multipart';
import { MAX_FORM_UPLOAD_BYTES } from '../../shared/attachments/files';
import { PayloadTooLarge } from '../../shared/errors';
import type { Language } from '../../shared/i18n';

/**
 * The task page's multipart POST: its text fields, and the one file (field `file`) when one was
 * chosen. Undefined when the body is not multipart. A body beyond one file of the largest size is
 * refused (413) before it is parsed.
 */
function readMultipartForm(event: HttpEvent, lang: Language): { fields: Record<string, string>; file?: { name: string; bytes: Uint8Array } } | undefined {
  const boundary = boundaryOf(event.headers?.['content-type']);
  if (!boundary) return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  // A function's request is at most 6 MB, base64-encoded: a form POST carries a file of 4 MB at most (as intake's form).
  if (raw.length > MAX_FORM_UPLOAD_BYTES + 64 * 1024) {
    const mb = MAX_FORM_UPLOAD_BYTES / 1024 / 1024;
    throw new PayloadTooLarge({ id: `Lampiran yang dikirim dari halaman tugas paling besar ${mb} MB. Perkecil berkasnya atau pilih berkas lain.`, en: `An attachment sent from the task page may be at most ${mb} MB. Make the file smaller or choose another.` }, { maxBytes: MAX_FORM_UPLOAD_BYTES });
  }
  let parts;
  try {
    parts = parseMultipart(raw, boundary);
  } catch {
    throw new ValidationFailed([{ path: '(body)', message: lang === 'en' ? 'The form data could not be read; send the form again.' : 'Isi formulir tidak dapat dibaca; kirim ulang formulirnya.' }]);
  }
  const fields: Record<string, string> = {};
  let file: { name: string; bytes: Uint8Array } | undefined;
  for (const p of parts) {
    // An empty file input sends a part with no name and no bytes: nothing was chosen.
    if (p.filename !== undefined) { if (p.name === 'file' && (p.filename !== '' || p.data.length)) file = { name: p.filename, bytes: new Uint8Array(p.data) }; } else fields[p.name] = p.data.toString('utf8');
  }
  return { fields, ...(file ? { file } : {}) };
}

/**
 * The answer's file straight to the store, for a page whose actions may carry one: a form to the store
 * that comes back to this task page (`?berkas=<uploadId>`, pinned by the policy), and the upload it
 * came back with, read and checked as the decision will check it. Nothing for other pages.
 */
async function answerUpload(deps: Deps, key: string, view: TaskView, uploadId: unknown, lang: Language): Promise<TaskPageUpload | undefined> {
  if (view.task.status !== 'open' || !view.actions.some((a) => a.file)) return undefined;
  const en = lang === 'en' ? '&lang=en' : '';
  const target = await requestPageUpload(deps, (id) => `${deps.publicUrl}/tasks/${encodeURIComponent(key)}?berkas=${id}${en}`);
  if (!isUploadId(uploadId)) return { target: { url: target.url, fields: target.fields } };
  const check = await inspectUpload(deps, uploadId, { read: true });
  const typeName = (t?: string) => (t === 'application/pdf' ? 'PDF' : t === 'image/png' ? 'PNG' : t === 'image/jpeg' ? 'JPEG' : undefined);
  if (check.ok) return { target: { url: target.url, fields: target.fields }, ready: { uploadId, size: check.size, ...(typeName(check.type) ? { type: typeName(check.type) } : {}) } };
  const size = check.size !== undefined ? ` (${(check.size / 1024 / 1024).toFixed(1).replace('.', lang === 'id' ? ',' : '.')} MB)` : '';
  return { target: { url: target.url, fields: target.fields }, problem: `${fileProblemMessage(check.problem, displayName(undefined, 1))[lang]}${check.problem === 'too_large' ? size : ''}` };
}

/** The task page's CSP: thumbnails from the store's signed URLs; with an answer's file, forms and the script's uploads to the store. */
const taskPagePolicy = (view: TaskView | undefined, upload: TaskPageUpload | undefined) => storeFormPolicy({ script: !!upload, images: view?.case.attachments?.map((a) => a.url) ?? [] });

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer, workflow: sfnWorkflow, files: s3Files, sops: bundledSops };

export const handler = httpHandler(async (event) => {
  const deps = await dependencies(needs);
  const lang = languageOf(event);
  const key = event.pathParameters?.taskKey ?? '';
  const method = event.requestContext.http.method;
  const page = !event.rawPath.startsWith('/api/');
  const now = requestTime(event);
  if (/^(\/api)?\/reviews\//.test(event.rawPath)) {
    // A report's review turn: the same kind of link, its own use case and page.
    if (method === 'GET' || method === 'HEAD') {
      const { view, csrf } = await viewReview(deps, key, lang);
      return page ? html(200, renderReviewPage({ view, csrfToken: csrf, lang })) : json(200, view);
    }
    const body = readBody(event, page ? ['form'] : ['json']).value as Record<string, unknown>;
    if (!page) return json(200, { ok: true, ...(await actOnReview(deps, key, body, { lang, now, viaForm: false })) });
    try {
      await actOnReview(deps, key, body, { lang, now, csrf: String(body.csrf ?? ''), viaForm: true });
      const { view, csrf } = await viewReview(deps, key, lang);
      return html(200, renderReviewPage({ view, csrfToken: csrf, lang, notice: lang === 'id' ? 'Terima kasih: pemeriksaan Anda sudah dicatat.' : 'Thank you: your review is recorded.' }));
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      const { view, csrf } = await viewReview(deps, key, lang);
      return html(400, renderReviewPage({ view, csrfToken: csrf, lang, issues: err.issues }));
    }
  }
  if (method === 'GET' || method === 'HEAD') {
    const { view, csrf } = await viewTask(deps, key, lang);
    if (!page) return json(200, view);
    // The attachments' thumbnails come from the file store's signed URLs: the page's CSP admits that origin for images.
    const upload = await answerUpload(deps, key, view, event.queryStringParameters?.berkas, lang);
    return html(200, renderTaskPage({ view, csrfToken: csrf, now, lang, ...(upload ? { upload } : {}) }), taskPagePolicy(view, upload));
  }
  if (page) {
    // The page's forms of actions that answer the reporter are multipart (with an optional file); the others urlencoded.
    const multipart = readMultipartForm(event, lang);
    const fields: Record<string, unknown> = multipart?.fields ?? (readBody(event, ['form']).value as Record<string, unknown>);
    try {
      const result = await actOnTask(deps, key, fields, { lang, now, csrf: String(fields.csrf ?? ''), viaForm: true, ...(multipart?.file ? { file: multipart.file } : {}) });
      const { view, csrf } = await viewTask(deps, key, lang).catch(() => ({ view: undefined, csrf: '' }));
      const notice = lang === 'id' ? 'Terima kasih: keputusan Anda sudah dicatat dan proses berlanjut.' : 'Thank you: your decision is recorded and the process continues.';
      return view ? html(200, renderTaskPage({ view, csrfToken: csrf, now, lang, notice }), taskPagePolicy(view, undefined)) : html(200, `<!doctype html><p>${notice} (${result.next})</p>`);
    } catch (err) {
      if (err instanceof ValidationFailed) {
        const { view, csrf } = await viewTask(deps, key, lang);
        // The file uploaded first stays with the form sent again (unless it was the problem).
        const again = err.issues.some((i) => i.path === 'file') ? undefined : fields.fileUploadId;
        const upload = await answerUpload(deps, key, view, again, lang);
        return html(400, renderTaskPage({ view, csrfToken: csrf, now, lang, issues: err.issues, ...(upload ? { upload } : {}) }), taskPagePolicy(view, upload));
      }
      throw err;
    }
  }
  const fields = readBody(event, ['json']).value as Record<string, unknown>;
  const result = await actOnTask(deps, key, fields, { lang, now, viaForm: false });
  return json(200, { ok: true, next: result.next });
});

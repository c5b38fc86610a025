/**
 * GET /lampiran: the upload page for a browser without JavaScript (shared/web/uploads-page.ts): a
 * plain form posts one file straight to the store, which sends the browser back here with the upload
 * named in the URL (`?lampiran=<ids>`, pinned by the policy); then on to the complaint form naming
 * them (`/?lampiran=<ids>`). Rate limited like POST /api/uploads: each view mints a target.
 *
 * POST /api/uploads: a presigned target for one attachment, before the complaint names it.
 * `{ contentType }` (image/jpeg, image/png, application/pdf) → 201 `{ uploadId, url, fields,
 * maxBytes, expiresAt, accepted }`. The client then POSTs `fields` and the file (field `file`, last)
 * to `url` as multipart/form-data; the store refuses other sizes and types. Rate limited per client
 * like complaints (the WAF on AWS, the local front locally); an upload nobody claims expires after a day.
 */
import * as z from 'zod/mini';
import { ValidationFailed } from '../../shared/errors';
import { pageUploads, requestUpload } from '../../shared/usecases/attachments';
import { renderUploadPage } from '../../shared/web/uploads-page';
import { dependencies, s3Files } from '../adapters/deps';
import { storeFormPolicy } from '../adapters/files-origin';
import { html, httpHandler, json, languageOf, readBody } from '../http';

const needs = { files: s3Files };

const UploadRequest = z.object({ contentType: z.string().check(z.minLength(1), z.maxLength(100)) });

export const handler = httpHandler(async (event) => {
  const deps = await dependencies(needs);
  const lang = languageOf(event);
  if (event.requestContext.http.method === 'GET') {
    const params = event.queryStringParameters ?? {};
    const en = lang === 'en' ? '&lang=en' : '';
    const page = await pageUploads(deps, { trail: params.lampiran, returnedKey: params.key, lang }, (ids) => `${deps.publicUrl}/lampiran?lampiran=${ids.join('.')}${en}`);
    const query = [page.keptIds.length ? `lampiran=${page.keptIds.join('.')}` : '', lang === 'en' ? 'lang=en' : ''].filter(Boolean).join('&');
    return html(200, renderUploadPage({ lang, uploaded: page.uploaded, problems: page.problems, ...(page.target ? { target: page.target } : {}), trail: page.keptIds, continueUrl: query ? `/?${query}` : '/' }), { ...storeFormPolicy(), 'cache-control': 'no-store' });
  }
  const body = readBody(event, ['json']);
  const parsed = UploadRequest.safeParse(body.value);
  if (!parsed.success) {
    throw new ValidationFailed([{ path: 'contentType', message: lang === 'en' ? 'Give the file type: image/jpeg, image/png or application/pdf.' : 'Sebutkan jenis berkas: image/jpeg, image/png atau application/pdf.' }]);
  }
  return json(201, await requestUpload(deps, parsed.data, lang));
});

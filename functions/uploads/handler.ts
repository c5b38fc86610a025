/**
 * POST /api/uploads: a presigned target for one attachment, before the complaint names it.
 * `{ contentType }` (image/jpeg, image/png, application/pdf) → 201 `{ uploadId, url, fields,
 * maxBytes, expiresAt, accepted }`. The client then POSTs `fields` and the file (field `file`, last)
 * to `url` as multipart/form-data; the store refuses other sizes and types. Rate limited per client
 * like complaints (the WAF on AWS, the local front locally); an upload nobody claims expires after a day.
 */
import * as z from 'zod/mini';
import { ValidationFailed } from '../../shared/errors';
import { requestUpload } from '../../shared/usecases/attachments';
import { dependencies, s3Files } from '../adapters/deps';
import { httpHandler, json, languageOf, readBody } from '../http';

const needs = { files: s3Files };

const UploadRequest = z.object({ contentType: z.string().check(z.minLength(1), z.maxLength(100)) });

export const handler = httpHandler(async (event) => {
  const deps = await dependencies(needs);
  const lang = languageOf(event);
  const body = readBody(event, ['json']);
  const parsed = UploadRequest.safeParse(body.value);
  if (!parsed.success) {
    throw new ValidationFailed([{ path: 'contentType', message: lang === 'en' ? 'Give the file type: image/jpeg, image/png or application/pdf.' : 'Sebutkan jenis berkas: image/jpeg, image/png atau application/pdf.' }]);
  }
  return json(201, await requestUpload(deps, parsed.data, lang));
});

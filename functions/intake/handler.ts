/** POST /api/complaints: file a complaint (JSON, or the form without JavaScript). */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { complaintFromForm, parseComplaint, type Complaint } from '../../shared/case/complaint';
import { ValidationFailed } from '../../shared/errors';
import type { Language } from '../../shared/i18n';
import { submitComplaint, type Submitted } from '../../shared/usecases/complaints';
import { renderComplaintForm, renderSubmitted } from '../../shared/web/pages';
import { dynamoClient } from '../adapters/clients';
import { config } from '../adapters/config';
import { dependencies } from '../adapters/deps';
import { html, httpHandler, json, languageOf, readBody, requestTime, wantsHtml } from '../http';

/** A retried request with the same Idempotency-Key returns the first answer (Powertools idempotency). */
let idempotentSubmit: ((req: { idempotencyKey: string; complaint: Complaint; at: string; lang: Language }) => Promise<Submitted>) | undefined;
function submitIdempotently() {
  idempotentSubmit ??= makeIdempotent(
    (req: { idempotencyKey: string; complaint: Complaint; at: string; lang: Language }) =>
      submitComplaint(dependencies(), req.complaint, new Date(req.at), req.lang, req.idempotencyKey),
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: config().TABLE_NAME, keyAttr: 'pk', sortKeyAttr: 'sk', staticPkValue: 'IDEMPOTENCY#intake', awsSdkV3Client: dynamoClient() }),
      config: new IdempotencyConfig({ eventKeyJmesPath: 'idempotencyKey', expiresAfterSeconds: 24 * 3600 }),
    },
  );
  return idempotentSubmit;
}

export const handler = httpHandler(async (event) => {
  const deps = dependencies();
  const lang = languageOf(event);
  const now = requestTime(event);
  const body = readBody(event, ['json', 'form']);
  const input = body.kind === 'form' ? complaintFromForm(body.value as Record<string, string>) : body.value;
  const parsed = parseComplaint(input, deps.directory, lang, deps.calendar.localDate(now));
  const fromForm = body.kind === 'form' && wantsHtml(event);
  if (!parsed.ok) {
    if (fromForm) {
      const agencies = deps.directory.agencies.map((a) => ({ id: a.id, name: a.name[lang], categories: a.categories.map((k) => ({ id: k.id, name: k.name[lang] })) }));
      return html(400, renderComplaintForm({ agencies, lang, values: body.value as Record<string, string>, issues: parsed.issues }));
    }
    throw new ValidationFailed(parsed.issues);
  }
  const key = event.headers?.['idempotency-key']?.trim();
  if (key !== undefined && !/^[A-Za-z0-9_.:-]{8,128}$/.test(key)) {
    throw new ValidationFailed([{ path: 'Idempotency-Key', message: 'Use 8 to 128 letters, digits, or - _ . :' }]);
  }
  const submitted = key
    ? await submitIdempotently()({ idempotencyKey: key, complaint: parsed.complaint, at: now.toISOString(), lang })
    : await submitComplaint(deps, parsed.complaint, now, lang);
  if (fromForm) return html(201, renderSubmitted({ trackingId: submitted.trackingId, statusUrl: submitted.statusUrl, hasEmail: submitted.hasEmail, lang }));
  return json(201, { trackingId: submitted.trackingId, status: submitted.status, statusUrl: submitted.statusUrl, submittedAt: submitted.submittedAt }, { location: submitted.statusUrl });
});

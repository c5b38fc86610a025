/** The citizen's pages: the form (GET /), the tracking page and the reply page of the reporter's link (how an agency handles a complaint: functions/agencies). */
import { NotFound } from '../../shared/errors';
import { caseByTrackingId, listAgencies, replyContext } from '../../shared/usecases/complaints';
import { trackingPage } from '../../shared/usecases/progress';
import { renderComplaintForm, renderReplyPage } from '../../shared/web/pages';
import { renderTrackingPage } from '../../shared/web/tracking';
import { ATTACHMENTS_SCRIPT_PATH, attachmentsScript } from '../../shared/web/attachments-script';
import { parseUploadTrail } from '../../shared/usecases/attachments';
import { bundledSops, readingDependencies } from '../adapters/deps';
import { formPolicy } from '../adapters/files-origin';
import { html, httpHandler, languageOf, redirect, requestTime } from '../http';

export const handler = httpHandler(async (event) => {
  const deps = await readingDependencies({ sops: bundledSops });
  const lang = languageOf(event);
  const trackingId = event.pathParameters?.trackingId;
  if (event.rawPath === ATTACHMENTS_SCRIPT_PATH) {
    return { statusCode: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }, body: attachmentsScript };
  }
  if (!trackingId) {
    const agencies = listAgencies(deps, lang).map((a) => ({ id: a.id, name: a.name, categories: a.categories }));
    // Back from the upload page without JavaScript (GET /lampiran): the uploads it made, by id only.
    const uploads = parseUploadTrail(event.queryStringParameters?.lampiran);
    return html(200, renderComplaintForm({ agencies, lang, uploads }), formPolicy());
  }
  if (trackingId === 'lookup') {
    const typed = event.queryStringParameters?.trackingId ?? '';
    const c = await caseByTrackingId(deps, typed);
    return redirect(`/complaints/${encodeURIComponent(c.trackingId)}${lang === 'en' ? '?lang=en' : ''}`);
  }
  if (event.rawPath.endsWith('/reply')) {
    const key = event.queryStringParameters?.key ?? '';
    const { case: c, task } = await replyContext(deps, trackingId, key);
    if (task.status !== 'open') throw new NotFound({ id: 'Tautan balasan ini sudah dipakai atau sudah tidak berlaku.', en: 'This reply link has been used or has expired.' });
    return html(200, renderReplyPage({ trackingId: c.trackingId, key, response: task.kind === 'reporterReply' ? c.response?.text : c.question, windowEndsAt: c.replyWindowEndsAt, lang }));
  }
  const now = requestTime(event);
  const { status, way } = await trackingPage(deps, trackingId, lang, now);
  return html(200, renderTrackingPage({ status, way, lang, now }));
});

/**
 * The agencies, from the directory and their SOPs: GET /api/agencies (where a complaint can go) and
 * GET /agencies/{agencyId}, the public page of how that agency handles a complaint. The page is served
 * here rather than by the pages function: its SOP diagram and ladder (≈ 12 KB) kept that bundle over
 * its 300 KB budget, and both routes read the same data.
 */
import { howHandled, listAgencies } from '../../shared/usecases/complaints';
import { renderHowHandled } from '../../shared/web/how-handled';
import { bundledSops, readingDependencies } from '../adapters/deps';
import { html, httpHandler, json, languageOf } from '../http';

export const handler = httpHandler(async (event) => {
  const deps = await readingDependencies({ sops: bundledSops });
  const lang = languageOf(event);
  const agencyId = event.pathParameters?.agencyId;
  if (agencyId) return html(200, renderHowHandled({ ...howHandled(deps, agencyId, lang), lang }));
  return json(200, listAgencies(deps, lang), { 'cache-control': 'public, max-age=300' });
});

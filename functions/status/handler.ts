/** GET /api/complaints/{trackingId}: the public status, never personal data. */
import { publicStatus } from '../../shared/usecases/complaints';
import { bundledSops, readingDependencies } from '../adapters/deps';
import { httpHandler, json, languageOf } from '../http';

export const handler = httpHandler(async (event) => {
  const status = await publicStatus(await readingDependencies({ sops: bundledSops }), event.pathParameters?.trackingId ?? '', languageOf(event));
  return json(200, status);
});

/** POST /api/complaints/{trackingId}/feedback: the reporter replies to the answer or rates it, with their key. */
import { z } from 'zod';
import { ValidationFailed } from '../../shared/errors';
import { submitFeedback } from '../../shared/usecases/complaints';
import { renderReplyPage } from '../../shared/web/pages';
import { dependencies } from '../adapters/deps';
import { html, httpHandler, json, languageOf, readBody, requestTime, wantsHtml } from '../http';

const Feedback = z.object({
  key: z.string().min(1),
  satisfied: z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]),
  rating: z.union([z.number(), z.string().regex(/^[1-5]$/).transform(Number)]).pipe(z.number().int().min(1).max(5)).optional(),
  comment: z.string().max(5000).optional(),
});

export const handler = httpHandler(async (event) => {
  const lang = languageOf(event);
  const body = readBody(event, ['json', 'form']);
  const raw = { ...(body.value as Record<string, unknown>) };
  if (raw.rating === '') delete raw.rating;
  const parsed = Feedback.safeParse(raw);
  if (!parsed.success) throw new ValidationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
  const trackingId = event.pathParameters?.trackingId ?? '';
  const result = await submitFeedback(dependencies(), trackingId, parsed.data, requestTime(event));
  if (body.kind === 'form' && wantsHtml(event)) return html(200, renderReplyPage({ trackingId, key: '', lang, done: result.closed ? 'rated' : 'replied' }));
  return json(200, { ok: true, closed: result.closed });
});

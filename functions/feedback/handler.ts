/** POST /api/complaints/{trackingId}/feedback: the reporter replies to the answer or rates it, with their key. */
import * as z from 'zod/mini';
import { ValidationFailed } from '../../shared/errors';
import { checkText } from '../../shared/text/rules';
import { submitFeedback } from '../../shared/usecases/complaints';
import { renderReplyPage } from '../../shared/web/pages';
import { bundledSops, dependencies, sfnWorkflow } from '../adapters/deps';
import { html, httpHandler, json, languageOf, readBody, requestTime, wantsHtml } from '../http';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { workflow: sfnWorkflow, sops: bundledSops };

const Feedback = z.object({
  key: z.string({ error: 'key' }).check(z.minLength(1, { error: 'key' })),
  satisfied: z.union([z.boolean(), z.pipe(z.enum(['true', 'false']), z.transform((s) => s === 'true'))], { error: 'satisfied' }),
  rating: z.optional(z.pipe(
    z.union([z.number(), z.pipe(z.string().check(z.regex(/^[1-5]$/)), z.transform(Number))], { error: 'rating' }),
    z.number({ error: 'rating' }).check(z.int({ error: 'rating' }), z.gte(1, { error: 'rating' }), z.lte(5, { error: 'rating' })),
  )),
  // Free text: checked by the text rules below, with their own messages.
  comment: z.optional(z.unknown()),
});
const commentRule = { multiline: true, required: false, max: 5000 } as const;

/** What to fix, per field, in the reporter's language. */
const fieldMessages: Record<string, { id: string; en: string }> = {
  key: { id: 'Kunci dari tautan email Anda wajib disertakan.', en: 'The key from your email link is required.' },
  satisfied: { id: 'Pilih puas atau belum puas.', en: 'Choose satisfied or not.' },
  rating: { id: 'Nilai harus angka bulat 1 sampai 5.', en: 'The rating must be a whole number from 1 to 5.' },
};

export const handler = httpHandler(async (event) => {
  const lang = languageOf(event);
  const body = readBody(event, ['json', 'form']);
  const raw = { ...(body.value as Record<string, unknown>) };
  if (raw.rating === '') delete raw.rating;
  const parsed = Feedback.safeParse(raw);
  const comment = checkText(raw.comment, commentRule);
  if (!parsed.success || !comment.ok) {
    throw new ValidationFailed([
      ...(parsed.success ? [] : parsed.error.issues.map((i) => {
        const path = i.path.join('.') || '(body)';
        return { path, message: (fieldMessages[String(i.path[0])] ?? { id: 'Isian tidak valid.', en: 'Invalid value.' })[lang] };
      })),
      ...(comment.ok ? [] : [{ path: 'comment', message: comment.message[lang] }]),
    ]);
  }
  const trackingId = event.pathParameters?.trackingId ?? '';
  const result = await submitFeedback(await dependencies(needs), trackingId, { ...parsed.data, comment: comment.value, lang }, requestTime(event));
  if (body.kind === 'form' && wantsHtml(event)) return html(200, renderReplyPage({ trackingId, key: '', lang, done: result.closed ? 'rated' : 'replied' }));
  return json(200, { ok: true, closed: result.closed });
});

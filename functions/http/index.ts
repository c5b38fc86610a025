/**
 * HTTP plumbing shared by every HTTP handler: one error middleware that turns typed errors into
 * answers (details only below 500), body reading with a size limit and content-type check, the
 * language of the requester, the platform's clock, and responses with security headers.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError, PayloadTooLarge, UnsupportedMediaType, ValidationFailed, type Localized } from '../../shared/errors';
import { renderErrorPage } from '../../shared/web/pages';
import { logger, redactText } from '../adapters/logger';
import { metrics } from '../adapters/metrics';
import type { Language } from '../../shared/i18n';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** The functions' logger (functions/adapters/logger.ts): chosen fields only, never events, bodies or paths. */
export { logger, redactText };

const baseHeaders = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};
const htmlHeaders = {
  ...baseHeaders,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
};

/**
 * The HTML headers' CSP with images also admitted from the origins of `urls` (signed links to the
 * file store, for the task page's thumbnails); unchanged without any.
 */
export function withImagesFrom(urls: string[]): Record<string, string> {
  const origins = [...new Set(urls.map((u) => new URL(u).origin))];
  if (!origins.length) return {};
  return { 'content-security-policy': htmlHeaders['content-security-policy'].replace("img-src 'self' data:", `img-src 'self' data: ${origins.join(' ')}`) };
}

/**
 * The complaint form's CSP: its own script (`script-src 'self'`) and, for the uploads it makes,
 * the API and the file store's origin (`connect-src`). Without a store, no script runs.
 */
export function formPageHeaders(filesOrigin: string | undefined): Record<string, string> {
  if (!filesOrigin) return {};
  return { 'content-security-policy': `${htmlHeaders['content-security-policy']}; script-src 'self'; connect-src 'self' ${filesOrigin}` };
}

/**
 * A page that posts a form straight to the file store (a presigned POST, without JavaScript): its
 * forms may go there (`form-action`), and with `script` its own script may upload with fetch
 * (`connect-src`); `images` admits the store's signed URLs for thumbnails.
 */
export function storeFormPageHeaders(filesOrigin: string | undefined, o: { script?: boolean; images?: string[] } = {}): Record<string, string> {
  const images = [...new Set((o.images ?? []).map((u) => new URL(u).origin))];
  let csp = htmlHeaders['content-security-policy'];
  if (images.length) csp = csp.replace("img-src 'self' data:", `img-src 'self' data: ${images.join(' ')}`);
  if (filesOrigin) csp = csp.replace("form-action 'self'", `form-action 'self' ${filesOrigin}`);
  if (o.script && filesOrigin) csp = `${csp}; script-src 'self'; connect-src 'self' ${filesOrigin}`;
  return { 'content-security-policy': csp };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...baseHeaders, 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function html(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...htmlHeaders, ...headers }, body };
}

export function redirect(location: string, statusCode = 303): HttpResult {
  return { statusCode, headers: { ...baseHeaders, location }, body: '' };
}

/**
 * `?lang=en|id`, else the language the client ranks highest of the two in Accept-Language
 * (q-values honoured; `ms`, Malay, reads Indonesian), else Bahasa Indonesia.
 */
export function languageOf(event: HttpEvent): Language {
  const q = event.queryStringParameters?.lang;
  if (q === 'en' || q === 'id') return q;
  let best: { lang: Language; q: number } | undefined;
  for (const part of (event.headers?.['accept-language'] ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const primary = tag.split('-')[0];
    const lang: Language | undefined = primary === 'en' ? 'en' : primary === 'id' || primary === 'in' || primary === 'ms' ? 'id' : undefined;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = qParam ? Number(qParam.slice(2)) : 1;
    if (lang && Number.isFinite(weight) && weight > 0 && (!best || weight > best.q)) best = { lang, q: weight };
  }
  return best?.lang ?? 'id';
}

/** Whether the client prefers an HTML page (a browser's form post) to JSON. */
export function wantsHtml(event: HttpEvent): boolean {
  const accept = event.headers?.accept ?? '';
  return accept.includes('text/html') && !accept.startsWith('application/json');
}

/** The platform's clock: API Gateway stamps each request (the local runtime from its virtual clock). */
export function requestTime(event: HttpEvent): Date {
  return new Date(event.requestContext?.timeEpoch ?? Date.now());
}

export type BodyKind = 'json' | 'form';

/** Reads the body, refusing what is too large (413) or of another type (415). */
export function readBody(event: HttpEvent, accept: BodyKind[], maxBytes = 64 * 1024): { kind: BodyKind; value: unknown } {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    const kb = Math.round(maxBytes / 1024);
    throw new PayloadTooLarge({ id: `Kiriman lebih besar dari ${kb} KB; persingkat isinya.`, en: `The request body is larger than ${kb} KB; shorten it.` }, { maxBytes });
  }
  const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const text = bytes.toString('utf8');
  if (type === 'application/json' && accept.includes('json')) {
    let value: unknown;
    try {
      value = text ? JSON.parse(text) : {};
    } catch {
      throw new ValidationFailed([{ path: '(body)', message: languageOf(event) === 'en' ? 'The body is not valid JSON.' : 'Isi kiriman bukan JSON yang valid.' }]);
    }
    // Every JSON endpoint takes an object of fields: `null`, `[]`, `"x"` or `1` is the caller's mistake (400), never a 500.
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationFailed([{ path: '(body)', message: languageOf(event) === 'en' ? 'The body must be a JSON object of fields, such as {"action": "…"}.' : 'Isi kiriman harus berupa objek JSON berisi isian, misalnya {"action": "…"}.' }]);
    }
    return { kind: 'json', value };
  }
  if (type === 'application/x-www-form-urlencoded' && accept.includes('form')) {
    return { kind: 'form', value: Object.fromEntries(new URLSearchParams(text)) };
  }
  const types = accept.map((k) => (k === 'json' ? 'application/json' : 'application/x-www-form-urlencoded'));
  throw new UnsupportedMediaType({ id: `Kirim sebagai ${types.join(' atau ')}.`, en: `Send ${types.join(' or ')}.` });
}

/**
 * A path fit for a log line: capability keys (task links) and tracking ids replaced. Prefer the
 * route template (`event.routeKey`); use this only where a concrete path must be shown.
 */
export function redactPath(path: string): string {
  return path
    .replace(/\/tasks\/[^/?#]+/g, '/tasks/{taskKey}')
    .replace(/\/complaints\/[^/?#]+/g, '/complaints/{trackingId}')
    .replace(/([?&])(key|trackingId)=[^&#]*/g, '$1$2=…');
}

/** The fields every log line of a request may carry: the route template and ids, never the raw path. */
export function requestFields(event: HttpEvent | undefined): Record<string, unknown> {
  return { route: event?.routeKey, requestId: event?.requestContext?.requestId };
}

/** What a 500 says, in both languages (the requester's language may be what failed to be read). */
export const INTERNAL_ERROR: Localized = {
  id: 'Terjadi gangguan di sisi kami. Data Anda aman; silakan coba lagi sebentar lagi.',
  en: 'Something went wrong on our side. Your data is safe; please try again shortly.',
};

/** The JSON body of a 500: `message` holds both languages, Indonesian first; `messages` each apart. */
export function internalErrorBody(): { error: 'internal'; message: string; messages: Localized } {
  return { error: 'internal', message: `${INTERNAL_ERROR.id} / ${INTERNAL_ERROR.en}`, messages: INTERNAL_ERROR };
}

/** The error middleware: typed errors → their status; anything else → a 500 that says nothing internal. */
export const httpErrors = (): middy.MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: async (request) => {
    const err = request.error;
    const event = request.event;
    const lang = event ? languageOf(event) : 'id';
    if (err instanceof DomainError) {
      logger.info('request refused', { ...requestFields(event), status: err.status, code: err.code });
      const message = err.messageIn(lang);
      const body = { error: err.code, message, ...err.details };
      const headers: Record<string, string> = 'retryAfterSeconds' in err && typeof err.retryAfterSeconds === 'number' ? { 'retry-after': String(err.retryAfterSeconds) } : {};
      request.response = event && wantsHtml(event)
        ? html(err.status, renderErrorPage({ status: err.status, message, details: err.details, lang }), headers)
        : json(err.status, body, headers);
      return;
    }
    // Visible twice: the error (name, message, stack: our errors carry ids, never personal data) and the HttpServerError metric, whose alarm sees what Lambda's Errors cannot (the function answered).
    logger.error('request failed', { ...requestFields(event), error: { name: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? redactText(err.message) : undefined, stack: err instanceof Error && err.stack ? redactText(err.stack) : undefined } });
    metrics().count('HttpServerError');
    request.response = event && wantsHtml(event)
      ? html(500, renderErrorPage({ status: 500, message: '', details: {}, lang }))
      : json(500, internalErrorBody());
  },
});

/** One access-log line per answered request: route template, status, time taken; nothing else. */
const accessLog = (): middy.MiddlewareObj<HttpEvent, HttpResult> => {
  const started = new WeakMap<object, number>();
  const done = async (request: middy.Request<HttpEvent, HttpResult>) => {
    const t0 = started.get(request);
    logger.info('request answered', { ...requestFields(request.event), status: request.response?.statusCode, ms: t0 === undefined ? undefined : Math.round(performance.now() - t0) });
  };
  return {
    before: async (request) => { started.set(request, performance.now()); },
    after: done,
    onError: done,
  };
};

/** Wraps an HTTP handler with the shared middleware. */
export function httpHandler(fn: (event: HttpEvent, context: Context) => Promise<HttpResult>) {
  // middy runs `after`/`onError` in reverse order of `use`: errors are turned into answers first, then logged.
  return middy<HttpEvent, HttpResult>(fn).use(accessLog()).use(httpErrors());
}

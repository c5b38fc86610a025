/**
 * The officials' workspace: sign-in by email (GET/POST /masuk, GET/POST /masuk/{key}), sign-out
 * (POST /keluar), "Tugas saya" (GET /tugas) and opening a task from it (POST /tugas/buka); the
 * dashboards by role (GET /dasbor, its CSV GET /dasbor/csv) and opening a case from one (POST /dasbor/buka).
 *
 * The session is a cookie `__Host-tanggap-sesi`: HttpOnly, Secure, SameSite=Strict, Path=/, 8 hours.
 * CSRF: SameSite=Strict keeps the cookie off every request another site starts, so a forged POST
 * arrives signed out; on top of it every POST here must carry an Origin header naming this service
 * (or, when the Origin is absent or `null` — as our no-referrer pages make it — the browser's
 * `Sec-Fetch-Site: same-origin`), which also stops a sibling subdomain (same site, other origin) and
 * login CSRF on the link's button. No token is needed: the pages stay plain HTML without state.
 */
import { Forbidden, NotFound } from '../../shared/errors';
import { listInbox, openFromInbox } from '../../shared/usecases/inbox';
import { agencyDashboard, dashboardExport, dashboardViewer, openFromDashboard, parseDashboardQuery, regencyOverview } from '../../shared/usecases/dashboard';
import { dashboardCsv, renderAgencyDashboard, renderNoDashboard, renderRegencyOverview } from '../../shared/web/dashboard';
import { completeSignIn, currentOfficial, requestSignIn, SESSION_HOURS, signOut, SIGN_IN_LINKS_PER_HOUR, type SignInDeps } from '../../shared/usecases/signin';
import { ValidationFailed } from '../../shared/errors';
import { renderInbox, renderSignInConfirm, renderSignInForm, renderSignInSent } from '../../shared/web/officials';
import { dynamoClient } from '../adapters/clients';
import { config } from '../adapters/config';
import { bundledSops, dependencies, sesMailer } from '../adapters/deps';
import { DynamoSessionStore } from '../adapters/dynamo-session-store';
import { html, httpHandler, languageOf, readBody, redirect, requestTime, type HttpEvent, type HttpResult } from '../http';

/** The ports this function uses besides the case store (only these clients are bundled): the sign-in email. */
const needs = { mailer: sesMailer, sops: bundledSops };

export const SESSION_COOKIE = '__Host-tanggap-sesi';
/**
 * Every answer to POST /masuk takes at least this long (real time), so that an address in the
 * directory (a write and an email) and one that is not (no email) answer alike.
 */
const SIGN_IN_ANSWER_MS = 700;

let sessions: DynamoSessionStore | undefined;
async function signInDeps(): Promise<SignInDeps> {
  sessions ??= new DynamoSessionStore(dynamoClient(), config().TABLE_NAME);
  return { ...(await dependencies(needs)), sessions };
}

const cookieOf = (event: HttpEvent, name: string) => (event.cookies ?? []).map((c) => c.split('=')).find(([k]) => k?.trim() === name)?.slice(1).join('=');
const sessionCookie = (value: string, maxAge: number) => `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAge}`;
const withCookie = (result: HttpResult, cookie: string): HttpResult => ({ ...result, cookies: [cookie] });

/**
 * Refuses a POST that a page of another origin started (see the file's comment): the Origin must
 * name the host the request was sent to (the API's own domain), or the service's public URL.
 */
function assertSameOrigin(event: HttpEvent, publicUrl: string): void {
  const origin = event.headers?.origin;
  const fetchSite = event.headers?.['sec-fetch-site'];
  const host = event.headers?.host ?? event.requestContext.domainName;
  let originHost: string | undefined;
  try { originHost = origin ? new URL(origin).host : undefined; } catch { originHost = undefined; }
  // Our pages say `Referrer-Policy: no-referrer`, so a browser posts them with `Origin: null`: then
  // the browser's own Sec-Fetch-Site (which a page cannot forge) must say same-origin.
  const named = origin !== undefined && origin !== 'null';
  if (named ? origin === new URL(publicUrl).origin || (!!originHost && originHost === host) : fetchSite === 'same-origin') return;
  throw new Forbidden({
    id: 'Permintaan ini tidak berasal dari halaman Tanggap. Buka halamannya lagi dan kirim dari sana.',
    en: 'This request did not come from a Tanggap page. Open the page again and send it from there.',
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = httpHandler(async (event) => {
  const deps = await signInDeps();
  const lang = languageOf(event);
  const now = requestTime(event);
  const method = event.requestContext.http.method;
  const route = event.routeKey.split(' ')[1] ?? event.rawPath;
  const q = lang === 'en' ? '?lang=en' : '';
  const isPost = method === 'POST';
  if (isPost) assertSameOrigin(event, deps.publicUrl);

  switch (route) {
    case '/masuk': {
      if (!isPost) {
        const who = await currentOfficial(deps, cookieOf(event, SESSION_COOKIE), now);
        return who ? redirect(`/tugas${q}`) : html(200, renderSignInForm({ lang }));
      }
      const started = performance.now();
      const fields = readBody(event, ['form', 'json'], 4 * 1024).value as Record<string, unknown>;
      try {
        await requestSignIn(deps, { email: fields.email, now, lang });
      } catch (err) {
        if (err instanceof ValidationFailed) return html(400, renderSignInForm({ lang, email: typeof fields.email === 'string' ? fields.email : '', issues: err.issues }));
        throw err;
      }
      await sleep(Math.max(0, SIGN_IN_ANSWER_MS - (performance.now() - started)));
      return html(200, renderSignInSent({ lang, linksPerHour: SIGN_IN_LINKS_PER_HOUR }));
    }
    case '/masuk/{key}': {
      const key = event.pathParameters?.key ?? '';
      if (!isPost) return html(200, renderSignInConfirm({ lang, key }));
      const { secret } = await completeSignIn(deps, key, now);
      return withCookie(redirect(`/tugas${q}`), sessionCookie(secret, SESSION_HOURS * 3600));
    }
    case '/keluar': {
      await signOut(deps, cookieOf(event, SESSION_COOKIE));
      return withCookie(html(200, renderSignInForm({ lang, notice: lang === 'id' ? 'Anda sudah keluar.' : 'You are signed out.' })), sessionCookie('', 0));
    }
    case '/tugas':
    case '/tugas/buka': {
      const who = await currentOfficial(deps, cookieOf(event, SESSION_COOKIE), now);
      if (!who) {
        const notice = lang === 'id' ? 'Silakan masuk dulu: sesi Anda tidak ada atau sudah berakhir.' : 'Please sign in first: you have no session, or it has ended.';
        return withCookie(html(401, renderSignInForm({ lang, notice })), sessionCookie('', 0));
      }
      if (!isPost) {
        const { items, more } = await listInbox(deps, who, now, lang);
        return html(200, renderInbox({ lang, name: who.person.name, title: who.person.title, items, more, now, hasDashboard: !!dashboardViewer(deps.directory, who.personIds) }));
      }
      const fields = readBody(event, ['form'], 4 * 1024).value as Record<string, unknown>;
      const caseId = typeof fields.caseId === 'string' ? fields.caseId : '';
      const slot = typeof fields.slot === 'string' ? fields.slot : '';
      if (!caseId || !slot) throw new ValidationFailed([{ path: 'caseId', message: lang === 'id' ? 'Pilih tugas dari daftar.' : 'Choose a task from the list.' }]);
      const opened = await openFromInbox(deps, who, { caseId, slot }, now);
      return redirect(`${opened.path}${q}`);
    }
    case '/dasbor':
    case '/dasbor/csv':
    case '/dasbor/buka': {
      const who = await currentOfficial(deps, cookieOf(event, SESSION_COOKIE), now);
      if (!who) {
        const notice = lang === 'id' ? 'Silakan masuk dulu: sesi Anda tidak ada atau sudah berakhir.' : 'Please sign in first: you have no session, or it has ended.';
        return withCookie(html(401, renderSignInForm({ lang, notice })), sessionCookie('', 0));
      }
      const viewer = dashboardViewer(deps.directory, who.personIds);
      if (!viewer) return html(403, renderNoDashboard(lang));
      if (isPost) {
        const fields = readBody(event, ['form'], 4 * 1024).value as Record<string, unknown>;
        const caseId = typeof fields.caseId === 'string' ? fields.caseId : '';
        if (!caseId) throw new ValidationFailed([{ path: 'caseId', message: lang === 'id' ? 'Pilih pengaduan dari daftar.' : 'Choose a complaint from the list.' }]);
        return redirect(`/tasks/${await openFromDashboard(deps, viewer, who, caseId, now)}${q}`);
      }
      const params = event.queryStringParameters ?? {};
      const page = { lang, name: who.person.name, title: who.person.title, now };
      // The regency-wide start page is the overview; an agency (or the head's own) is its dashboard.
      if (route === '/dasbor' && viewer.regency && !params.agency && !params.q) {
        return html(200, renderRegencyOverview({ ...page, agencies: await regencyOverview(deps, viewer, now, lang) }));
      }
      const query = parseDashboardQuery(deps, viewer, params, now);
      if (route === '/dasbor/csv') {
        const { agency, rows, truncated } = await dashboardExport(deps, viewer, { ...query, cursor: undefined, search: undefined }, now, lang);
        const day = deps.calendar.localDate(now);
        return {
          statusCode: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
            'content-disposition': `attachment; filename="dasbor-${agency.id}-${query.state}-${day}.csv"`,
          },
          body: dashboardCsv(rows, lang, truncated),
        };
      }
      const agencies = viewer.agencyIds.map((id) => ({ id, name: deps.directory.agencies.find((a) => a.id === id)!.name[lang] }));
      const data = await agencyDashboard(deps, viewer, query, now, lang);
      return html(200, renderAgencyDashboard({ ...page, regency: viewer.regency, agencies, query, data }));
    }
    default:
      throw new NotFound({ id: 'Alamat tidak dikenal.', en: 'No such page.' });
  }
});

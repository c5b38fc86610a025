/**
 * Signing an official in over HTTP on the test runtime (the email link's page, then its button), and
 * reading their "Tugas saya": for end-to-end tests that check a task reaches the person's list.
 */
import type { TestRuntime } from './runtime';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (rt: TestRuntime, extra: Record<string, string> = {}) => ({ 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: rt.url, ...extra });

/** Signs `email` in through its one-time link; returns the session cookie (`name=value`). */
export async function signInAs(rt: TestRuntime, email: string): Promise<string> {
  const sent = (await rt.call('POST', '/masuk', form({ email }), formHeaders(rt))).status;
  if (sent !== 200) throw new Error(`POST /masuk answered ${sent}`);
  const mail = (await rt.mail()).filter((m) => m.subject === 'Tautan masuk Tanggap' && m.to.includes(email)).at(-1);
  const link = mail?.links.find((l) => l.includes('/masuk/'));
  if (!link) throw new Error(`no sign-in link for ${email}`);
  const res = await rt.call('POST', new URL(link).pathname, '', formHeaders(rt));
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`the sign-in link answered ${res.status}`);
  return cookie;
}

/** The rows of "Tugas saya" as the page lists them: what each opens (caseId, slot) and its text. */
export async function inboxRows(rt: TestRuntime, cookie: string): Promise<{ caseId: string; slot: string; text: string; state: string }[]> {
  const page = await rt.call('GET', '/tugas', undefined, { cookie });
  if (page.status !== 200) throw new Error(`GET /tugas answered ${page.status}`);
  return [...page.text.matchAll(/<li class="(\w+)">([\s\S]*?)<\/li>/g)].map((m) => ({
    state: m[1]!,
    caseId: /name="caseId" value="([^"]+)"/.exec(m[2]!)?.[1] ?? '',
    slot: /name="slot" value="([^"]+)"/.exec(m[2]!)?.[1] ?? '',
    text: m[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
  }));
}

/** Opens a row of "Tugas saya" (POST /tugas/buka); returns where it leads (the task or review page). */
export async function openRow(rt: TestRuntime, cookie: string, row: { caseId: string; slot: string }): Promise<string> {
  const res = await rt.call('POST', '/tugas/buka', form({ caseId: row.caseId, slot: row.slot }), formHeaders(rt, { cookie }));
  if (res.status !== 303) throw new Error(`POST /tugas/buka answered ${res.status}: ${res.text}`);
  return res.headers.get('location') ?? '';
}

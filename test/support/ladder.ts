/**
 * Helpers for the SLA scenarios (test/e2e/sla-*.test.ts): move the virtual clock to a chosen instant,
 * read one case's ladder emails (reminder, escalations, reprimand recommendation) as plain
 * `{ kind, to, at }` rows with `at` in WIB to the minute, act on that case's own task links, answer
 * as its reporter, and read the stored case.
 *
 * Nothing here computes a deadline: the tests write the instants they expect, derived by hand, so
 * that a mistake in shared/calendar or shared/sla cannot hide in the expectation too. Emails are read
 * by their recipients, the leading words of their subjects and `sentAt` only: their bodies and links
 * are free to change.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import type { CaseEvent, CaseRecord } from '../../shared/case/model';
import type { TaskView } from '../../shared/usecases/views';
import { fill, type TestRuntime } from './runtime';

/** WIB is UTC+7 all year: Indonesia keeps no daylight saving time. */
const WIB_OFFSET_MS = 7 * 3600_000;

/** An instant as WIB wall time to the minute, `YYYY-MM-DDTHH:MM` (seconds dropped, never rounded up). */
export function wib(instant: string | Date): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 16);
}

/** The instant of a WIB wall time written `YYYY-MM-DDTHH:MM` (or with seconds). */
export function atWib(local: string): Date {
  return new Date(`${local.length === 16 ? `${local}:00` : local}+07:00`);
}

export async function clockNow(rt: TestRuntime): Promise<Date> {
  return new Date(((await rt.call('GET', '/_local/clock')).body as { now: string }).now);
}

/**
 * Moves the clock to `target` through `POST /_local/clock`: every timer due by then fires in order,
 * each at its own instant. A target already passed is a mistake in the scenario's timeline (tests of
 * a file share one clock and run in order), so it throws instead of silently doing nothing.
 */
export async function advanceTo(rt: TestRuntime, target: Date, { allowPassed = false } = {}): Promise<void> {
  const ms = target.getTime() - (await clockNow(rt)).getTime();
  if (ms <= 0) {
    if (allowPassed) return;
    throw new Error(`The clock is already past ${wib(target)} WIB (at ${wib(await clockNow(rt))})`);
  }
  await rt.advance(`PT${(ms / 1000).toFixed(3)}S`);
}

const LADDER = /^(Pengingat|Eskalasi tingkat \d+|Rekomendasi teguran)\b/;

/** One ladder email of a case: what it is (the subject's leading words), to whom, and when (WIB, to the minute). */
export interface LadderMail {
  trackingId: string;
  kind: string;
  to: string;
  at: string;
}

const byTime = (a: LadderMail, b: LadderMail) => a.at.localeCompare(b.at) || a.trackingId.localeCompare(b.trackingId) || a.kind.localeCompare(b.kind);

/** The ladder emails of these cases so far, in time order. */
export async function ladderMails(rt: TestRuntime, trackingIds: string[]): Promise<LadderMail[]> {
  const rows: LadderMail[] = [];
  for (const m of await rt.mail()) {
    const kind = LADDER.exec(m.subject)?.[1];
    const trackingId = trackingIds.find((id) => m.subject.includes(id));
    if (!kind || !trackingId) continue;
    for (const to of m.to) rows.push({ trackingId, kind, to, at: wib(m.sentAt) });
  }
  return rows.sort(byTime);
}

/**
 * Walks the clock through the expected ladder, minute by minute of the expected instants: half a
 * minute before each instant only the earlier emails exist; half a minute after it, its own have
 * arrived, to the people and at the minute expected, and nothing else has.
 */
export async function climb(rt: TestRuntime, expected: LadderMail[]): Promise<void> {
  const ids = [...new Set(expected.map((e) => e.trackingId))];
  const instants = [...new Set(expected.map((e) => e.at))].sort();
  for (const at of instants) {
    await advanceTo(rt, new Date(atWib(at).getTime() - 30_000), { allowPassed: true });
    expect({ before: at, sent: await ladderMails(rt, ids) }).toEqual({ before: at, sent: expected.filter((e) => e.at < at).sort(byTime) });
    await advanceTo(rt, new Date(atWib(at).getTime() + 30_000));
    expect({ after: at, sent: await ladderMails(rt, ids) }).toEqual({ after: at, sent: expected.filter((e) => e.at <= at).sort(byTime) });
  }
}

/** Files a complaint over the public API and lets the execution settle (its first task is open). */
export async function file(rt: TestRuntime, body: unknown): Promise<string> {
  const res = await rt.call('POST', '/api/complaints', body);
  if (res.status !== 201) throw new Error(`filing: ${res.status} ${res.text}`);
  await rt.engine.waitForIdle();
  return res.body.trackingId as string;
}

export type Choose = (view: TaskView) => { action: string; fields?: Record<string, string> };
const normalPath: Choose = (v) => ({ action: v.actions[0]!.id });

/**
 * Acts on the newest task link of this case, found in its "Tugas baru" email as the official would
 * (`actions[0]` unless `choose` says otherwise). Only this case's task emails are read: other cases
 * of the same runtime, and links in ladder emails, are never picked up. Returns the step acted on.
 */
export async function actOnCaseTask(rt: TestRuntime, trackingId: string, choose: Choose = normalPath): Promise<string> {
  const taskMail = (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru') && m.subject.includes(trackingId)).at(-1);
  const key = taskMail?.links.find((l) => l.includes('/tasks/'))?.split('/tasks/')[1];
  if (!key) throw new Error(`no task email for ${trackingId}`);
  const view = await rt.call('GET', `/api/tasks/${key}`);
  if (view.status !== 200) throw new Error(`task ${view.status}: ${view.text}`);
  const v = view.body as TaskView;
  const choice = choose(v);
  const action = v.actions.find((a) => a.id === choice.action);
  if (!action) throw new Error(`step ${v.task.stepId} has no action ${choice.action}`);
  const res = await rt.call('POST', `/api/tasks/${key}`, fill(action, choice.fields));
  if (res.status !== 200) throw new Error(`act ${res.status}: ${res.text}`);
  await rt.engine.waitForIdle();
  return v.task.stepId;
}

export async function publicStatus(rt: TestRuntime, trackingId: string): Promise<{ status: string; currentStep: { id: string } | null; closedAt?: string; rating?: number; timeline: { at: string; event: string; stepId?: string }[] }> {
  return (await rt.call('GET', `/api/complaints/${trackingId}`)).body;
}

/** Acts on each task of the case in turn until the reporter has the answer; returns the steps walked. */
export async function walkToAnswer(rt: TestRuntime, trackingId: string, choose: Choose = normalPath, max = 12): Promise<string[]> {
  const steps: string[] = [];
  for (let i = 0; i < max; i++) {
    if ((await publicStatus(rt, trackingId)).status === 'resolved') return steps;
    steps.push(await actOnCaseTask(rt, trackingId, choose));
  }
  throw new Error(`no answer after ${max} steps: ${steps.join(' → ')}`);
}

/** The key of the reporter's newest reply link for this case, from the email with this subject. */
async function reporterKey(rt: TestRuntime, subject: string): Promise<string> {
  const link = (await rt.mail()).filter((m) => m.subject === subject).at(-1)?.links.find((l) => l.includes('/reply?key='));
  const key = link ? new URL(link).searchParams.get('key') : null;
  if (!key) throw new Error(`no reply link in "${subject}"`);
  return key;
}

/** The reporter rates the answer (satisfied, 5) through the link in the answer email. */
export async function rate(rt: TestRuntime, trackingId: string): Promise<void> {
  const key = await reporterKey(rt, `Tanggapan atas pengaduan ${trackingId}`);
  const res = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key, satisfied: true, rating: 5, comment: 'Terima kasih' });
  if (res.status !== 200) throw new Error(`rating ${res.status}: ${res.text}`);
  await rt.engine.waitForIdle();
}

/** The reporter answers the officer's question through the link in the question email. */
export async function answerQuestion(rt: TestRuntime, trackingId: string, comment: string): Promise<void> {
  const key = await reporterKey(rt, `Permintaan data untuk pengaduan ${trackingId}`);
  const res = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key, satisfied: false, comment });
  if (res.status !== 200) throw new Error(`answer ${res.status}: ${res.text}`);
  await rt.engine.waitForIdle();
}

/**
 * The stored case and its events, read from the runtime's table with the same adapter the handlers
 * use (what the public API does not show: escalations by kind, calendar gaps, verdicts).
 */
export async function storedCase(trackingId: string): Promise<{ record: CaseRecord; events: CaseEvent[] }> {
  // The runtime set these for its handlers, in this process.
  const store = new DynamoCaseStore(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }), process.env.TABLE_NAME!);
  const record = await store.getCaseByTrackingId(trackingId);
  if (!record) throw new Error(`no case ${trackingId}`);
  return { record, events: await store.listEvents(record.caseId) };
}

/**
 * The calendar-gap warnings logged for a case (the functions' JSON log lines, as captured by captureLogs),
 * with the fields that matter: the years without a holiday list and the admin who must add them.
 */
export function gapWarnings(logText: string, caseId: string): { years: unknown; admin: unknown }[] {
  return logText.split('\n').flatMap((line) => {
    if (!line.includes('without a holiday list')) return [];
    const entry = JSON.parse(line) as { level: string; caseId: string; years: unknown; admin: unknown };
    return entry.caseId === caseId && entry.level === 'WARN' ? [{ years: entry.years, admin: entry.admin }] : [];
  });
}

interface DirectoryPerson { id: string; email: string; role?: string; acting?: boolean }
interface DirectoryUnit { id: string; head: DirectoryPerson; officials: DirectoryPerson[] }

/** Email addresses from the runtime's directory (`/_local/directory`): who should receive what. */
export async function directory(rt: TestRuntime) {
  const dir = (await rt.call('GET', '/_local/directory')).body as { bupati: DirectoryPerson; admin: DirectoryPerson; inspectorate: DirectoryUnit; agencies: DirectoryUnit[] };
  const unit = (id: string) => (id === 'inspectorate' ? dir.inspectorate : dir.agencies.find((a) => a.id === id)!);
  return {
    bupati: dir.bupati.email,
    admin: dir.admin,
    /** The regular (not acting) holder of a directory role in a unit. */
    holder: (unitId: string, role: string) => unit(unitId).officials.find((o) => o.role === role && !o.acting)!.email,
    head: (unitId: string) => unit(unitId).head.email,
  };
}

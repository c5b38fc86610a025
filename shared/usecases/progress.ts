/**
 * The way a complaint goes, for its public tracking page: the agency's SOP as a progress line —
 * the steps done with their dates, the current one with its deadline in plain words, what comes
 * next on the SOP's normal path (each step's `actions[0]`), and the reporter's window when it is
 * open. Built from the SOP (data) and the case's public events; never personal data.
 */
import type { CaseRecord } from '../case/model';
import { formatDateTime, type Language, type Zone } from '../i18n';
import type { Sop } from '../sop/schema';
import { caseByTrackingId, publicStatus } from './complaints';
import type { Deps } from './deps';
import type { PublicStatus } from './views';

export type WayState = 'done' | 'current' | 'next' | 'later';

export interface WayStep {
  /** The SOP step, or a milestone of the reporter's: the answer, their reply or rating, the end. */
  id: string;
  name: string;
  /** Who acts, by role name (never a person). */
  role?: string;
  state: WayState;
  /** When it was done (done steps). */
  doneAt?: string;
  /** The current step's deadline: the instant and in plain words. */
  dueAt?: string;
  dueWords?: string;
}

export interface Way {
  steps: WayStep[];
  /** Open while the reporter may reply to the answer (or must answer a question), until `endsAt`. */
  reporterWindow?: { kind: 'reply' | 'answer'; endsAt: string; words: string };
  /** How it ended, if it did. */
  ended?: { kind: 'closed' | 'rejected'; at?: string };
}

/** The SOP's normal path: from its first step along each step's `actions[0]`, and where it leaves the steps. */
export function normalPath(sop: Sop): { steps: string[]; exit: string } {
  const steps: string[] = [];
  let at = sop.startAt ?? sop.steps[0]!.id;
  for (;;) {
    const step = sop.steps.find((s) => s.id === at);
    if (!step || steps.includes(at)) return { steps, exit: at };
    steps.push(at);
    at = step.actions[0]!.goto;
  }
}

/** "paling lambat Senin, 7 Desember 2026 pukul 16.00 WIB" / "by Monday 7 December 2026, 16:00 WIB". */
export function deadlineInWords(instant: string, lang: Language, zone: Zone): string {
  return `${lang === 'id' ? 'paling lambat' : 'by'} ${formatDateTime(instant, lang, zone)}`;
}

/** The regency's zone as the calendar formats it (its offset and WIB / WITA / WIT). */
function zoneOf(deps: Pick<Deps, 'calendar'>, now: Date): Zone {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(deps.calendar.format(now));
  const offsetMinutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 420;
  return { offsetMinutes, abbreviation: deps.calendar.timeZoneAbbreviation };
}

/** Builds the progress line of a case from its SOP and its public status (pure). */
export function wayOf(sop: Sop, status: PublicStatus, c: Pick<CaseRecord, 'replyWindowEndsAt' | 'question' | 'status'>, lang: Language, zone: Zone): Way {
  const t = (id: string, en: string) => (lang === 'id' ? id : en);
  const roleName = (roleId: string) => sop.roles.find((r) => r.id === roleId)?.name[lang] ?? roleId;
  const doneAt = new Map<string, string>();
  for (const ev of status.timeline) if (ev.event === 'step_completed' && ev.stepId) doneAt.set(ev.stepId, ev.at);
  const lastOf = (event: string) => status.timeline.filter((ev) => ev.event === event).at(-1)?.at;
  const current = status.currentStep?.id;
  const { steps: path } = normalPath(sop);
  // Steps off the normal path that this case went through (an optional step, a return) join the line where they happened.
  const order = [...path];
  for (const id of [...doneAt.keys(), ...(current ? [current] : [])]) {
    if (order.includes(id)) continue;
    const firstOpen = order.findIndex((s) => !doneAt.has(s) || s === current);
    order.splice(firstOpen < 0 ? order.length : firstOpen, 0, id);
  }
  const ended = c.status === 'closed' || c.status === 'rejected' ? { kind: c.status, ...(status.closedAt ? { at: status.closedAt } : {}) } : undefined;
  const answeredAt = lastOf('response_sent');
  const steps: WayStep[] = [];
  // Steps not done once the SOP's part is over (ended, or answered with no step open) were not needed: left out.
  const sopPartOver = !!ended || (!!answeredAt && !current);
  let pastCurrent = false;
  for (const id of order) {
    const step = sop.steps.find((s) => s.id === id)!;
    const base = { id, name: step.name[lang], role: roleName(step.role) };
    if (id === current && !ended) {
      const due = status.currentStep?.dueAt ?? undefined;
      steps.push({ ...base, state: 'current', ...(due ? { dueAt: due, dueWords: deadlineInWords(due, lang, zone) } : {}) });
      pastCurrent = true;
    } else if (doneAt.has(id) && !pastCurrent) {
      steps.push({ ...base, state: 'done', doneAt: doneAt.get(id)! });
    } else if (!sopPartOver) {
      steps.push({ ...base, state: 'later' });
    }
  }
  // The reporter's part: the answer, then their reply or rating; then the end.
  const waitingForReporter = c.status === 'awaiting_reporter';
  // An answer counts as the step done only while no step is open again (a reply sends the case back to a step);
  // a case that ended without one (rejected) shows none.
  const answer = t('Jawaban dikirim kepada pelapor', 'Answer sent to the reporter');
  if (answeredAt && (sopPartOver || !current)) steps.push({ id: '@answer', name: answer, state: 'done', doneAt: answeredAt });
  else if (!ended) steps.push({ id: '@answer', name: answer, state: 'later' });
  if (ended) {
    steps.push({ id: '@end', name: ended.kind === 'rejected' ? t('Pengaduan ditolak', 'Complaint rejected') : t('Pengaduan selesai', 'Complaint closed'), state: 'done', ...(ended.at ? { doneAt: ended.at } : {}) });
  } else {
    steps.push({ id: '@reporter', name: t('Tanggapan pelapor: puas, membalas, atau memberi penilaian', "The reporter's turn: satisfied, reply, or rate"), state: waitingForReporter && answeredAt ? 'current' : 'later' });
    steps.push({ id: '@end', name: t('Pengaduan selesai', 'Complaint closed'), state: 'later' });
  }
  // The first step still to come is "next".
  const firstLater = steps.findIndex((s) => s.state === 'later');
  if (firstLater >= 0) steps[firstLater] = { ...steps[firstLater]!, state: 'next' };
  const window = waitingForReporter && c.replyWindowEndsAt
    ? { kind: c.question ? 'answer' as const : 'reply' as const, endsAt: c.replyWindowEndsAt, words: deadlineInWords(c.replyWindowEndsAt, lang, zone) }
    : undefined;
  return { steps, ...(window ? { reporterWindow: window } : {}), ...(ended ? { ended } : {}) };
}

/** The tracking page's content: the public status and the way. */
export async function trackingPage(deps: Deps, typed: string, lang: Language, now: Date): Promise<{ status: PublicStatus; way: Way }> {
  const status = await publicStatus(deps, typed, lang);
  const c = await caseByTrackingId(deps, status.trackingId);
  return { status, way: wayOf(deps.getSop(c.sopId), status, c, lang, zoneOf(deps, now)) };
}

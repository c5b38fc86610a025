/**
 * "Tugas saya": every open task a signed-in official may act on — as its assignee, as an acting
 * official (Plt/Plh) of the assignee's role, or through an act grant the escalation ladder gave them —
 * by deadline, with the time left in office time and a red/amber/green state. Read through the inbox
 * index (gsi4) a page at a time: never a Scan.
 *
 * A task opens on the one task page (`/tasks/{key}`): opening it from the inbox (a POST) mints an
 * `inbox` grant for the person, whose key is derived from the session (the same click in the same
 * session reaches the same grant, so clicks do not pile up grants), and which opens the task only
 * while the ground it was minted on still holds (`inboxGrantHolds`, checked on every use).
 *
 * A report's review turn (the Library's recap Kasi → Kabid → Kepala Dinas, the P4 report's regency
 * admin) is a task too, kept under the review's id instead of a case's: it is listed the same way,
 * by its deadline, and opens on the review page (`/reviews/{key}`).
 */
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import type { CaseRecord } from '../case/model';
import { hashKey } from '../case/keys';
import type { InboxBasis, TaskGrant, TaskRecord } from '../case/task';
import { findPerson, holdersOf } from '../directory/resolve';
import type { Directory } from '../directory/schema';
import { Forbidden, NotFound } from '../errors';
import type { Language } from '../i18n';
import { ConditionFailed, type InboxEntry } from '../ports';
import type { Sop } from '../sop/schema';
import { agencyName, type Deps } from './deps';
import { reviewSpec, reviewTitle } from './review-spec';
import type { SignedIn } from './signin';

/** Entries read per person before the list says "more than shown" (a page of the index is 50). */
export const INBOX_MAX_PER_PERSON = 200;
const PAGE = 50;

export type DeadlineState = 'late' | 'due_soon' | 'on_time' | 'none';

export interface InboxItem {
  /** A case's step (opens `/tasks/{key}`) or a report's review turn (opens `/reviews/{key}`). */
  kind: 'case' | 'review';
  /** The case id, or the review's id for a review turn. */
  caseId: string;
  slot: string;
  /** The tracking number, or the report's period for a review turn. */
  trackingId: string;
  title: string;
  agencyName: string;
  stepName: string;
  dueAt?: string;
  /** Office time left (or past), in words: "3 jam 20 menit kerja lagi". */
  timeLeft?: string;
  /** late: past the deadline; due_soon: within one working day; on_time: later; none: no deadline. */
  state: DeadlineState;
  basis: InboxBasis;
  /** The assignee, when the person acts for them (as Plt/Plh or through a grant). */
  onBehalfOf?: string;
}

const CLOSED = new Set(['closed', 'rejected']);

/** Whether an act grant of the ladder still lets its holder act: the rules of the task page's links. */
function ladderGrantActs(g: TaskGrant, task: TaskRecord): boolean {
  return g.may === 'act' && g.status === 'active' && g.reason !== 'inbox' && !(g.reason === 'reminder' && g.personId !== task.assigneeId);
}

/** The units a task's role is looked up in: the case's agencies, or the reviewed report's agency. */
type TaskUnits = Pick<CaseRecord, 'agencyId' | 'routedAgencyId'>;

/** Whether `personId` is an acting official (Plt/Plh) of the task's role for this case (or review). */
function isActingFor(directory: Directory, sop: Sop, task: TaskRecord, c: TaskUnits, personId: string): boolean {
  return holdersOf(directory, sop, task.role, { agencyId: c.agencyId, routedAgencyId: c.routedAgencyId }).some((o) => o.acting && o.id === personId);
}

/** What a task is about, for the list and for the rules of who may act: its SOP, its units and what the list shows. */
interface TaskContext {
  sop: Sop;
  units: TaskUnits;
  shown: Pick<InboxItem, 'kind' | 'trackingId' | 'title' | 'agencyName' | 'stepName'>;
}

/**
 * The context of an open task: a case's official task (with its case, open), or a report's review
 * turn (no case: the review's snapshot names its report). Undefined when the task is not open or its
 * case has ended.
 */
async function openTaskContext(deps: Deps, caseId: string, slot: string, lang: Language): Promise<{ task: TaskRecord; context: TaskContext } | undefined> {
  const task = await deps.store.getTask(caseId, slot);
  if (!task || task.status !== 'open') return undefined;
  if (task.kind === 'reportReview' && task.review) {
    const r = task.review;
    let spec: ReturnType<typeof reviewSpec>;
    try {
      spec = reviewSpec(deps, r.sopId, r.reportId, r.periodId);
    } catch {
      return undefined; // its report or agency left the SOPs or the directory: nothing anyone can act on here
    }
    const role = spec.sop.roles.find((x) => x.id === task.role)?.name[lang] ?? task.role;
    return {
      task,
      context: {
        sop: spec.sop,
        units: { agencyId: spec.agency.id },
        shown: {
          kind: 'review', trackingId: spec.period.label[lang], title: reviewTitle(deps, spec), agencyName: agencyName(deps, spec.agency.id),
          stepName: lang === 'id' ? `Periksa laporan: ${role} (tahap ${r.turn} dari ${r.turns})` : `Review the report: ${role} (turn ${r.turn} of ${r.turns})`,
        },
      },
    };
  }
  if (task.kind !== 'official') return undefined;
  const c = await deps.store.getCase(caseId);
  if (!c || CLOSED.has(c.status)) return undefined;
  const sop = deps.getSop(c.sopId);
  const step = sop.steps.find((s) => s.id === task.stepId);
  return {
    task,
    context: {
      sop, units: c,
      shown: { kind: 'case', trackingId: c.trackingId, title: c.title, agencyName: agencyName(deps, c.routedAgencyId ?? c.agencyId), stepName: step?.name[lang] ?? task.stepId },
    },
  };
}

/**
 * Whether an `inbox` grant still opens its task: its holder is still in the directory, and is still
 * the assignee (basis `assignee`), still an acting official of the role (`acting`); a ladder grant
 * (`grant`) lasts as long as the task slot, as the ladder's own link does.
 */
export function inboxGrantHolds(directory: Directory, sop: Sop, task: TaskRecord, c: TaskUnits, grant: TaskGrant): boolean {
  if (!findPerson(directory, grant.personId)) return false;
  switch (grant.basis) {
    case 'assignee': return task.assigneeId === grant.personId;
    case 'acting': return isActingFor(directory, sop, task, c, grant.personId);
    case 'grant': return true;
    default: return false;
  }
}

/** Office time between now and the deadline, in words, and the deadline's state (the inbox's and the dashboards' rule). */
export function deadline(deps: Deps, dueAt: string | undefined, now: Date, lang: Language): Pick<InboxItem, 'timeLeft' | 'state'> {
  if (!dueAt) return { state: 'none' };
  const due = new Date(dueAt);
  const late = due.getTime() <= now.getTime();
  const minutes = late ? deps.calendar.officeMinutesBetween(due, now) : deps.calendar.officeMinutesBetween(now, due);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const span = lang === 'id'
    ? [h && `${h} jam`, (m || !h) && `${m} menit`].filter(Boolean).join(' ') + ' kerja'
    : `${[h && `${h} h`, (m || !h) && `${m} min`].filter(Boolean).join(' ')} of office time`;
  const timeLeft = late ? (lang === 'id' ? `terlambat ${span}` : `${span} overdue`) : lang === 'id' ? `${span} lagi` : `${span} left`;
  if (late) return { timeLeft, state: 'late' };
  const oneWorkingDay = deps.calendar.addWorkingDays(now, 1).at;
  return { timeLeft, state: due.getTime() <= oneWorkingDay.getTime() ? 'due_soon' : 'on_time' };
}

/** Reads up to INBOX_MAX_PER_PERSON entries of one person's index, page by page. */
async function entriesOf(deps: Deps, personId: string): Promise<{ entries: InboxEntry[]; more: boolean }> {
  const entries: InboxEntry[] = [];
  let after: string | undefined;
  do {
    const page = await deps.store.inboxOf(personId, { limit: PAGE, after });
    entries.push(...page.entries);
    after = page.next;
  } while (after && entries.length < INBOX_MAX_PER_PERSON);
  return { entries, more: !!after };
}

/** The people a signed-in person stands in for: the regular holders of each role they hold as Plt/Plh, in the same unit. */
function stoodInFor(directory: Directory, personIds: string[]): string[] {
  const units = [directory.inspectorate, ...directory.agencies];
  const out = new Set<string>();
  for (const unit of units) {
    for (const acting of unit.officials.filter((o) => o.acting && personIds.includes(o.id))) {
      for (const o of unit.officials) if (!o.acting && o.role === acting.role && !personIds.includes(o.id)) out.add(o.id);
    }
  }
  return [...out];
}

/** The signed-in person's open tasks, by deadline (no deadline last); `more` when a person's index held more than was read. */
export async function listInbox(deps: Deps, who: SignedIn, now: Date, lang: Language): Promise<{ items: InboxItem[]; more: boolean }> {
  const ids = who.personIds;
  const own = await Promise.all(ids.map((id) => entriesOf(deps, id)));
  const standIns = await Promise.all(stoodInFor(deps.directory, ids).map((id) => entriesOf(deps, id)));
  const seen = new Set<string>();
  const candidates: { entry: InboxEntry; acting: boolean }[] = [];
  for (const { entry, acting } of [
    ...own.flatMap((r) => r.entries.map((entry) => ({ entry, acting: false }))),
    ...standIns.flatMap((r) => r.entries.filter((e) => e.via === 'assignee').map((entry) => ({ entry, acting: true }))),
  ]) {
    const id = `${entry.caseId}|${entry.slot}`;
    if (!seen.has(id)) { seen.add(id); candidates.push({ entry, acting }); }
  }
  const items = (await Promise.all(candidates.map(async ({ entry, acting }): Promise<InboxItem | undefined> => {
    const found = await openTaskContext(deps, entry.caseId, entry.slot, lang);
    if (!found) {
      // A ladder grant stays in the index after its task is done: take it out the first time it is seen so.
      if (entry.via === 'grant' && entry.grant) await deps.store.unindexGrant(entry.caseId, entry.slot, entry.grant.keyHash);
      return undefined;
    }
    const { task, context } = found;
    let basis: InboxBasis;
    if (task.assigneeId && ids.includes(task.assigneeId)) basis = 'assignee';
    else if (entry.via === 'grant' && entry.grant && ladderGrantActs(entry.grant, task)) basis = 'grant';
    else if (acting && ids.some((id) => isActingFor(deps.directory, context.sop, task, context.units, id))) basis = 'acting';
    else return undefined;
    const assignee = task.assigneeId ? findPerson(deps.directory, task.assigneeId) : undefined;
    return {
      ...context.shown, caseId: task.caseId, slot: task.slot, ...(task.dueAt ? { dueAt: task.dueAt } : {}), ...deadline(deps, task.dueAt, now, lang), basis,
      ...(basis !== 'assignee' && assignee ? { onBehalfOf: assignee.name } : {}),
    };
  }))).filter((i): i is InboxItem => !!i);
  const at = (i: InboxItem) => (i.dueAt ? new Date(i.dueAt).getTime() : Number.POSITIVE_INFINITY);
  items.sort((a, b) => at(a) - at(b) || a.trackingId.localeCompare(b.trackingId));
  return { items, more: [...own, ...standIns].some((r) => r.more) };
}

/**
 * Opens a task from the inbox: checks that the signed-in person may act on it, and returns the key
 * of an `inbox` grant for them, and the page it opens: the one task page of a case's step, or the
 * review page of a report's review turn. 404 for no such task; 403 when they may not.
 */
export async function openFromInbox(deps: Deps, who: SignedIn, target: { caseId: string; slot: string }, now: Date): Promise<{ key: string; path: string }> {
  const notYours = () => new Forbidden({ id: 'Tugas ini tidak ada dalam daftar Tugas saya Anda.', en: 'This task is not in your task list.' });
  const task = await deps.store.getTask(target.caseId, target.slot);
  let c: TaskUnits | undefined;
  let sop: Sop | undefined;
  if (task?.kind === 'reportReview' && task.review) {
    const spec = reviewSpec(deps, task.review.sopId, task.review.reportId, task.review.periodId);
    c = { agencyId: spec.agency.id };
    sop = spec.sop;
  } else if (task?.kind === 'official') {
    const found = await deps.store.getCase(target.caseId);
    c = found;
    sop = found && deps.getSop(found.sopId);
  }
  if (!task || !c || !sop) throw new NotFound({ id: 'Tugas tidak ditemukan.', en: 'No such task.' });
  const page = task.kind === 'reportReview' ? '/reviews' : '/tasks';
  const ids = who.personIds;
  let holder: { personId: string; role?: string; basis: InboxBasis } | undefined;
  if (task.assigneeId && ids.includes(task.assigneeId)) holder = { personId: task.assigneeId, role: task.role, basis: 'assignee' };
  if (!holder) {
    const g = (await deps.store.listGrants(task.caseId, task.slot)).find((x) => ids.includes(x.personId) && ladderGrantActs(x, task));
    // A reminder is the assignee's own: it holds only while they are the assignee.
    if (g) holder = { personId: g.personId, ...(g.role ? { role: g.role } : {}), basis: g.reason === 'reminder' ? 'assignee' : 'grant' };
  }
  if (!holder) {
    const acting = ids.find((id) => isActingFor(deps.directory, sop, task, c, id));
    if (acting) holder = { personId: acting, role: task.role, basis: 'acting' };
  }
  if (!holder) throw notYours();
  const derived = createHmac('sha256', deps.linkSecret).update(`inbox|${who.session.keyHash}|${task.caseId}|${task.slot}|${holder.personId}|${holder.basis}`).digest('base64url');
  for (const key of [derived, Buffer.from(deps.randomBytes(32)).toString('base64url')]) {
    const grant: TaskGrant = {
      caseId: task.caseId, slot: task.slot, keyHash: hashKey(key), personId: holder.personId, ...(holder.role ? { role: holder.role } : {}),
      may: 'act', reason: 'inbox', basis: holder.basis, grantedAt: deps.calendar.format(now), status: 'pending',
    };
    try {
      await deps.store.putGrant(grant);
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err; // this session opened it before: the same grant
    }
    try {
      await deps.store.activateGrant(task.caseId, task.slot, grant.keyHash);
      return { key, path: `${page}/${key}` };
    } catch (err) {
      // Only a lookup left without its grant (a put cut short) lands here: mint a fresh key instead.
      if (!(err instanceof ConditionFailed)) throw err;
    }
  }
  throw notYours();
}

/**
 * Dashboards by role: a head of office (and a Plt/Plh of the head) sees the agency's open cases by
 * step and SLA state — on time, due within a working day, late — and the list of one state with who
 * holds each case, filtered by category, channel and date of receipt, or one case by its tracking
 * number; the Bupati, the regency admin and the inspectorate (its head, and a Plt/Plh of the head)
 * see every agency, with escalations and reprimand recommendations. Everyone else signed in has
 * their inbox only.
 *
 * Everything is read through the dashboards' index (gsi5: an agency's open cases by step, then
 * deadline): the counts are Select COUNT queries of one key range per step and state, the list a
 * merge of each step's range by deadline, a page at a time. The cursor that continues a list is
 * signed with the service secret and names its agency, state and filter: a client cannot make one
 * up, nor carry one to another agency or view.
 */
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { lazy } from '../lazy';
import { hashKey, NO_DEADLINE_KEY, NO_STEP } from '../case/keys';
import { Channel, type CaseEvent, type CaseRecord } from '../case/model';
import { taskSlot, type TaskGrant } from '../case/task';
import { findAgency, findPerson, roleHeldBy } from '../directory/resolve';
import type { Agency, Directory } from '../directory/schema';
import { Forbidden, NotFound, ValidationFailed, type Issue } from '../errors';
import type { Language } from '../i18n';
import { ConditionFailed, type OpenCaseEntry, type OpenCasesFilter, type OpenCasesRange } from '../ports';
import type { Sop } from '../sop/schema';
import type { Deps } from './deps';
import { deadline, openFromInbox, type DeadlineState } from './inbox';
import type { SignedIn } from './signin';
import { maySeeReporter } from './workflow';

/** Rows of a list page. */
export const DASHBOARD_PAGE = 25;
/** Rows of one CSV export at most (the file says so when there were more). */
export const CSV_MAX_ROWS = 50_000;

/** Which open cases a list shows: those in one SLA state, or all of them by deadline. */
export const ListState = /* @__PURE__ */ lazy(() => z.enum(['late', 'due_soon', 'on_time', 'none', 'all']));
export type ListState = z.infer<typeof ListState>;
const STATES: DeadlineState[] = ['late', 'due_soon', 'on_time', 'none'];

/** Who may see which dashboards: the agencies, and whether regency-wide (every agency, escalations, reprimands). */
export interface DashboardViewer {
  personIds: string[];
  regency: boolean;
  agencyIds: string[];
}

/** The directory role the head of a unit holds there (when the head is also listed among its officials). */
function headRole(unit: { head: { id: string }; officials: { id: string; role: string; acting: boolean }[] }): string | undefined {
  return unit.officials.find((o) => o.id === unit.head.id && !o.acting)?.role;
}

/** Whether one of `ids` heads the unit: the head, or an acting official (Plt/Plh) in the head's role. */
function headsUnit(unit: Parameters<typeof headRole>[0], ids: string[]): boolean {
  if (ids.includes(unit.head.id)) return true;
  const role = headRole(unit);
  return !!role && unit.officials.some((o) => o.acting && o.role === role && ids.includes(o.id));
}

/**
 * What a signed-in person's dashboards cover, from the directory in use: undefined when they have
 * none (their inbox only). Heads of office see their agencies; the Bupati, the regency admin and the
 * inspectorate's head (or its Plt/Plh) see every agency.
 */
export function dashboardViewer(directory: Directory, personIds: string[]): DashboardViewer | undefined {
  const regency = personIds.includes(directory.bupati.id) || personIds.includes(directory.admin.id) || headsUnit(directory.inspectorate, personIds);
  const agencyIds = regency ? directory.agencies.map((a) => a.id) : directory.agencies.filter((a) => headsUnit(a, personIds)).map((a) => a.id);
  return agencyIds.length ? { personIds, regency, agencyIds } : undefined;
}

/** The 403 of a person without a dashboard, in both languages. */
export function noDashboard(): Forbidden {
  return new Forbidden({
    id: 'Dasbor hanya untuk kepala instansi (atau Plt/Plh-nya), Bupati, admin kabupaten, dan Inspektorat. Tugas Anda ada di halaman Tugas saya.',
    en: 'Dashboards are for heads of office (or their acting officials), the Bupati, the regency admin and the inspectorate. Your tasks are on the My tasks page.',
  });
}

/** What one dashboard shows: an agency's list of one state, filtered; `cursor` continues it. */
export interface DashboardQuery {
  agencyId: string;
  state: ListState;
  filter: OpenCasesFilter;
  /** The filter as typed (for the form): local dates `YYYY-MM-DD`. */
  form: { category?: string; channel?: string; from?: string; to?: string; escalated?: boolean; reprimand?: boolean };
  cursor?: string;
  /** A tracking number searched for. */
  search?: string;
}

const Day = /* @__PURE__ */ lazy(() => z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/), z.refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s))));
const both = (id: string, en: string) => `${id} / ${en}`;

/**
 * Reads a dashboard's query string: the agency (one the viewer may see; the first by default), the
 * state (late by default), category, channel, received from/to (local dates, inclusive), escalated
 * and reprimand (regency-wide viewers), a tracking number, the cursor. 400 naming each field to fix;
 * 403 for an agency the viewer may not see.
 */
export function parseDashboardQuery(deps: Pick<Deps, 'directory' | 'calendar'>, viewer: DashboardViewer, params: Record<string, string | undefined>, now: Date): DashboardQuery {
  const issues: Issue[] = [];
  const agencyId = params.agency || viewer.agencyIds[0]!;
  if (!viewer.agencyIds.includes(agencyId)) {
    throw new Forbidden({ id: 'Anda tidak dapat melihat dasbor instansi ini.', en: 'You may not see this agency\'s dashboard.' });
  }
  const agency = findAgency(deps.directory, agencyId)!;
  const state = ListState.safeParse(params.state || 'late');
  if (!state.success) issues.push({ path: 'state', message: both('Pilih keadaan dari daftar.', 'Choose a state from the list.') });
  const form: DashboardQuery['form'] = {};
  const filter: OpenCasesFilter = {};
  if (params.category) {
    if (agency.categories.some((c) => c.id === params.category)) form.category = filter.category = params.category;
    else issues.push({ path: 'category', message: both('Kategori ini tidak ada pada instansi ini.', 'This agency has no such category.') });
  }
  if (params.channel) {
    if (Channel.safeParse(params.channel).success) form.channel = filter.channel = params.channel;
    else issues.push({ path: 'channel', message: both('Pilih saluran dari daftar.', 'Choose a channel from the list.') });
  }
  // Local days of the regency: from its first instant to the first instant of the day after `to`.
  const offset = deps.calendar.format(now).slice(-6);
  const dayStart = (day: string) => new Date(`${day}T00:00:00${offset}`);
  for (const [field, value] of [['from', params.from], ['to', params.to]] as const) {
    if (!value) continue;
    if (!Day.safeParse(value).success) issues.push({ path: field, message: both('Tulis tanggal sebagai TTTT-BB-HH, misalnya 2026-11-30.', 'Write the date as YYYY-MM-DD, such as 2026-11-30.') });
    else form[field] = value;
  }
  if (form.from) filter.receivedFrom = dayStart(form.from).toISOString();
  if (form.to) filter.receivedBefore = new Date(dayStart(form.to).getTime() + 86_400_000).toISOString();
  if (form.from && form.to && form.from > form.to) issues.push({ path: 'to', message: both('Tanggal akhir tidak boleh sebelum tanggal awal.', 'The end date may not be before the start date.') });
  if (viewer.regency && params.escalated === '1') form.escalated = filter.escalated = true;
  if (viewer.regency && params.reprimand === '1') form.reprimand = filter.reprimand = true;
  let search: string | undefined;
  if (params.q !== undefined && params.q.trim() !== '') {
    search = params.q.trim().toUpperCase();
    if (!/^[A-Z0-9-]{4,40}$/.test(search)) issues.push({ path: 'q', message: both('Nomor pelacakan berbentuk TGP-XXXX-XXXX-X.', 'A tracking number looks like TGP-XXXX-XXXX-X.') });
  }
  if (params.cursor !== undefined && !/^[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{43}$/.test(params.cursor)) {
    issues.push({ path: 'cursor', message: both('Tautan halaman ini rusak: mulai lagi dari halaman pertama.', 'This page link is broken: start again from the first page.') });
  }
  if (issues.length) throw new ValidationFailed(issues);
  return { agencyId, state: state.data!, filter, form, ...(params.cursor ? { cursor: params.cursor } : {}), ...(search ? { search } : {}) };
}

/** One open case as a dashboard shows it. */
export interface DashboardRow {
  caseId: string;
  trackingId: string;
  title: string;
  status: string;
  stepName: string;
  /** Who holds the case now: the current step's assignee. */
  holder?: { name: string; title: string };
  dueAt?: string;
  timeLeft?: string;
  state: DeadlineState;
  category: string;
  channel: string;
  submittedAt: string;
  escalationLevel: number;
  reprimand: boolean;
  /** What became of a reprimand recommendation (regency-wide views): issued, declined, or still open. */
  reprimandOutcome?: { kind: 'issued'; reference: string; issuedOn: string } | { kind: 'declined' } | { kind: 'open' };
  /** The reporter's name when this viewer may see it; `hidden` for a confidential reporter they may not. */
  reporter: { name: string } | 'hidden' | 'anonymous' | 'unnamed';
  confidential: boolean;
}

/** The counts of one step: open cases per SLA state. */
export interface StepCounts {
  stepId: string;
  stepName: string;
  counts: Record<DeadlineState, number>;
}

export interface AgencyDashboard {
  agency: { id: string; name: string };
  categories: { id: string; name: string }[];
  steps: StepCounts[];
  totals: Record<DeadlineState, number>;
  rows: DashboardRow[];
  /** Continues the list (signed); absent on the last page. */
  next?: string;
  /** Set when the query searched a tracking number: found (in this agency) or not. */
  searched?: { trackingId: string; found: boolean };
}

const sopOf = (deps: Deps, agency: Agency): Sop => deps.getSop(agency.sopId);
const zero = (): Record<DeadlineState, number> => ({ late: 0, due_soon: 0, on_time: 0, none: 0 });

/**
 * The key range of each SLA state within a step (positions are `<dueAt>#<caseId>`, `~` without a
 * deadline): late is due at or before now; due soon, within one working day after now (the inbox's
 * rule); on time, later.
 */
function stateRanges(deps: Deps, now: Date): Record<DeadlineState, { lower?: string; upper?: string }> {
  const nowKey = `${now.toISOString()}#\uffff`;
  const soonKey = `${deps.calendar.addWorkingDays(now, 1).at.toISOString()}#\uffff`;
  return {
    late: { upper: nowKey },
    due_soon: { lower: nowKey, upper: soonKey },
    on_time: { lower: soonKey, upper: NO_DEADLINE_KEY },
    none: { lower: NO_DEADLINE_KEY },
  };
}

function rangeOf(ranges: ReturnType<typeof stateRanges>, state: ListState): { lower?: string; upper?: string } {
  return state === 'all' ? {} : ranges[state];
}

/** The steps a list merges: the SOP's, and `_` for open cases without a current step. */
const stepIdsOf = (sop: Sop) => [...sop.steps.map((s) => s.id), NO_STEP];

// ------------------------------------------------------------------ cursor

// Built at first use (shared/lazy.ts), like ListState and Day: the task page's function imports this module for a helper and parses none of them.
const CursorBody = /* @__PURE__ */ lazy(() => z.object({ a: z.string(), s: ListState, f: z.string(), p: z.record(z.string(), z.string().check(z.maxLength(200))) }));
type CursorBody = z.infer<typeof CursorBody>;
const filterKey = (f: OpenCasesFilter) => JSON.stringify([f.category ?? '', f.channel ?? '', f.receivedFrom ?? '', f.receivedBefore ?? '', !!f.escalated, !!f.reprimand]);
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(`dashboard-cursor|${body}`).digest('base64url');

function encodeCursor(secret: string, body: CursorBody): string {
  const b = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${b}.${sign(secret, b)}`;
}

/** The positions a signed cursor continues from; 400 when it is not ours, or belongs to another list. */
function decodeCursor(secret: string, cursor: string, q: DashboardQuery, stepIds: string[]): Record<string, string> {
  const broken = () => new ValidationFailed([{ path: 'cursor', message: both('Tautan halaman ini tidak berlaku untuk tampilan ini: mulai lagi dari halaman pertama.', 'This page link does not belong to this view: start again from the first page.') }]);
  const [b, mac] = cursor.split('.');
  const expected = Buffer.from(sign(secret, b!));
  const given = Buffer.from(mac ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw broken();
  let parsed: CursorBody;
  try {
    parsed = CursorBody.parse(JSON.parse(Buffer.from(b!, 'base64url').toString('utf8')));
  } catch {
    throw broken();
  }
  if (parsed.a !== q.agencyId || parsed.s !== q.state || parsed.f !== filterKey(q.filter)) throw broken();
  if (Object.keys(parsed.p).some((step) => !stepIds.includes(step))) throw broken();
  return parsed.p;
}

// ------------------------------------------------------------------ rows

/** Whether any of the viewer's ids holds an SOP role that sees this case's reporter. */
function reporterFor(deps: Deps, viewer: DashboardViewer, sop: Sop, e: Pick<CaseRecord, 'agencyId' | 'routedAgencyId' | 'anonymous' | 'confidential' | 'reporter'>): DashboardRow['reporter'] {
  if (e.anonymous) return 'anonymous';
  const c = e as CaseRecord;
  const units = { agencyId: e.agencyId, routedAgencyId: e.routedAgencyId };
  const sees = !e.confidential || viewer.personIds.some((id) => {
    const role = roleHeldBy(deps.directory, sop, id, units);
    return !!role && maySeeReporter(sop, role.id, c);
  });
  if (!sees) return 'hidden';
  return e.reporter?.name ? { name: e.reporter.name } : 'unnamed';
}

/** A dashboard row of an open case (or of a case found by its tracking number). */
function rowOf(deps: Deps, viewer: DashboardViewer, e: OpenCaseEntry, now: Date, lang: Language): DashboardRow {
  const sop = deps.getSop(e.sopId);
  const step = e.currentStep && sop.steps.find((s) => s.id === e.currentStep!.stepId);
  const holder = e.currentStep?.assigneeId ? findPerson(deps.directory, e.currentStep.assigneeId) : undefined;
  const agency = findAgency(deps.directory, e.agencyId);
  const dueAt = e.currentStep?.dueAt;
  return {
    caseId: e.caseId, trackingId: e.trackingId, title: e.title, status: e.status,
    stepName: step ? step.name[lang] : e.currentStep?.stepId ?? (lang === 'id' ? 'Belum ada tahap berjalan' : 'No step running'),
    ...(holder ? { holder: { name: holder.name, title: holder.title } } : {}),
    ...(dueAt ? { dueAt } : {}),
    ...deadline(deps, dueAt, now, lang),
    category: agency?.categories.find((c) => c.id === e.category)?.name[lang] ?? e.category,
    channel: e.channel, submittedAt: e.submittedAt, escalationLevel: e.escalationLevel, reprimand: e.reprimand,
    reporter: reporterFor(deps, viewer, sop, e), confidential: e.confidential,
  };
}

/** A case record as a dashboard row sees it (a search by tracking number reads the case itself). */
function entryOfCase(c: CaseRecord): OpenCaseEntry {
  return {
    caseId: c.caseId, trackingId: c.trackingId, agencyId: c.agencyId, sopId: c.sopId, ...(c.routedAgencyId ? { routedAgencyId: c.routedAgencyId } : {}),
    title: c.title, category: c.category, channel: c.channel, submittedAt: c.submittedAt, status: c.status,
    ...(c.currentStep ? { currentStep: c.currentStep } : {}), confidential: c.confidential, anonymous: c.anonymous, ...(c.reporter ? { reporter: c.reporter } : {}),
    escalationLevel: Math.max(0, ...c.escalations.map((x) => x.level)), reprimand: c.escalations.some((x) => x.kind === 'reprimand'), position: '',
  };
}

/** What became of a reprimand recommendation, from the case's events (events.md; absent on older cases). */
function reprimandOutcome(events: CaseEvent[]): DashboardRow['reprimandOutcome'] {
  const last = [...events].reverse().find((ev) => (ev.type as string) === 'reprimand_issued' || (ev.type as string) === 'reprimand_declined');
  if (!last) return { kind: 'open' };
  if ((last.type as string) === 'reprimand_declined') return { kind: 'declined' };
  const data = (last.data ?? {}) as Record<string, unknown>;
  return { kind: 'issued', reference: typeof data.reference === 'string' ? data.reference : '', issuedOn: typeof data.issuedOn === 'string' ? data.issuedOn : '' };
}

// ------------------------------------------------------------------ reads

/** Open cases per step and SLA state: one COUNT query per step and state, all at once. */
async function countsOf(deps: Deps, agency: Agency, filter: OpenCasesFilter, now: Date, lang: Language): Promise<{ steps: StepCounts[]; totals: Record<DeadlineState, number> }> {
  const sop = sopOf(deps, agency);
  const ranges = stateRanges(deps, now);
  const stepIds = stepIdsOf(sop);
  const steps = await Promise.all(stepIds.map(async (stepId): Promise<StepCounts> => {
    // Without a current step there is no deadline: only one range to count.
    const states = stepId === NO_STEP ? (['none'] as const) : STATES;
    const counts = zero();
    await Promise.all(states.map(async (state) => {
      counts[state] = await deps.store.countOpenCases({ agencyId: agency.id, stepId, ...ranges[state] }, filter);
    }));
    const step = sop.steps.find((s) => s.id === stepId);
    return { stepId, stepName: step ? step.name[lang] : lang === 'id' ? 'Belum ada tahap berjalan' : 'No step running', counts };
  }));
  const totals = zero();
  for (const s of steps) for (const state of STATES) totals[state] += s.counts[state];
  return { steps: steps.filter((s) => s.stepId !== NO_STEP || s.counts.none > 0), totals };
}

/**
 * One page of the list: each step's range read from its cursor position, merged by deadline (then
 * case id), the first `limit` kept; the next cursor holds each step's last kept position.
 */
async function listPage(deps: Deps, agency: Agency, q: DashboardQuery, positions: Record<string, string>, now: Date, limit: number): Promise<{ entries: OpenCaseEntry[]; positions?: Record<string, string> }> {
  const ranges = stateRanges(deps, now);
  const range = rangeOf(ranges, q.state);
  const stepIds = stepIdsOf(sopOf(deps, agency));
  const pages = await Promise.all(stepIds.map(async (stepId) => {
    const r: OpenCasesRange = { agencyId: agency.id, stepId, ...range };
    const page = await deps.store.openCases(r, q.filter, { limit, ...(positions[stepId] ? { after: positions[stepId] } : {}) });
    return { stepId, ...page };
  }));
  const merged = pages.flatMap((p) => p.entries.map((entry) => ({ stepId: p.stepId, entry })));
  merged.sort((a, b) => (a.entry.position < b.entry.position ? -1 : a.entry.position > b.entry.position ? 1 : a.stepId < b.stepId ? -1 : 1));
  const kept = merged.slice(0, limit);
  const more = merged.length > limit || pages.some((p) => p.next);
  if (!more) return { entries: kept.map((k) => k.entry) };
  const next = { ...positions };
  for (const k of kept) next[k.stepId] = k.entry.position;
  return { entries: kept.map((k) => k.entry), positions: next };
}

/**
 * An agency's dashboard: counts by step and SLA state, and one page of the list (or the case found
 * by a tracking number, when it belongs to this agency). Reads only the dashboards' index (and, for
 * a search, the case by its tracking number; for a regency-wide viewer, the events of the listed
 * cases with a reprimand recommendation).
 */
export async function agencyDashboard(deps: Deps, viewer: DashboardViewer, query: DashboardQuery, now: Date, lang: Language): Promise<AgencyDashboard> {
  let q = query;
  const found = q.search ? await deps.store.getCaseByTrackingId(q.search) : undefined;
  // A case of another agency the viewer may see (regency-wide): its own agency's dashboard, unfiltered.
  if (found && found.agencyId !== q.agencyId && viewer.agencyIds.includes(found.agencyId)) q = { ...q, agencyId: found.agencyId, filter: {}, form: {} };
  const agency = findAgency(deps.directory, q.agencyId);
  if (!agency || !viewer.agencyIds.includes(agency.id)) throw noDashboard();
  const sop = sopOf(deps, agency);
  const positions = q.cursor ? decodeCursor(deps.linkSecret, q.cursor, q, stepIdsOf(sop)) : {};
  const [counts, page] = await Promise.all([
    countsOf(deps, agency, q.filter, now, lang),
    q.search ? Promise.resolve(undefined) : listPage(deps, agency, q, positions, now, DASHBOARD_PAGE),
  ]);
  // A case of an agency the viewer may not see is "not found": the search tells nothing beyond their agencies.
  const hit = found && found.agencyId === agency.id ? found : undefined;
  const entries = q.search ? (hit ? [entryOfCase(hit)] : []) : page!.entries;
  const rows = entries.map((e) => rowOf(deps, viewer, e, now, lang));
  if (viewer.regency) {
    await Promise.all(rows.map(async (row) => {
      if (row.reprimand) row.reprimandOutcome = reprimandOutcome(await deps.store.listEvents(row.caseId));
    }));
  }
  return {
    agency: { id: agency.id, name: agency.name[lang] },
    categories: agency.categories.map((c) => ({ id: c.id, name: c.name[lang] })),
    ...counts,
    rows,
    ...(page?.positions ? { next: encodeCursor(deps.linkSecret, { a: agency.id, s: q.state, f: filterKey(q.filter), p: page.positions }) } : {}),
    ...(q.search ? { searched: { trackingId: q.search, found: !!hit } } : {}),
  };
}

/** One agency's line of the regency overview. */
export interface AgencyOverview {
  agency: { id: string; name: string };
  totals: Record<DeadlineState, number>;
  escalated: number;
  reprimands: number;
}

/** The regency-wide overview: every agency's open cases by SLA state, how many escalated, how many with a reprimand recommendation. */
export async function regencyOverview(deps: Deps, viewer: DashboardViewer, now: Date, lang: Language): Promise<AgencyOverview[]> {
  if (!viewer.regency) throw noDashboard();
  return Promise.all(viewer.agencyIds.map(async (agencyId): Promise<AgencyOverview> => {
    const agency = findAgency(deps.directory, agencyId)!;
    const stepIds = stepIdsOf(sopOf(deps, agency));
    const countAll = async (filter: OpenCasesFilter) => (await Promise.all(stepIds.map((stepId) => deps.store.countOpenCases({ agencyId, stepId }, filter)))).reduce((a, b) => a + b, 0);
    const [{ totals }, escalated, reprimands] = await Promise.all([countsOf(deps, agency, {}, now, lang), countAll({ escalated: true }), countAll({ reprimand: true })]);
    return { agency: { id: agency.id, name: agency.name[lang] }, totals, escalated, reprimands };
  }));
}

/**
 * Every row of a list (its filter and state, from the first page), for the CSV export: at most
 * CSV_MAX_ROWS; `truncated` when there were more.
 */
export async function dashboardExport(deps: Deps, viewer: DashboardViewer, q: DashboardQuery, now: Date, lang: Language): Promise<{ agency: { id: string; name: string }; rows: DashboardRow[]; truncated: boolean }> {
  const agency = findAgency(deps.directory, q.agencyId);
  if (!agency || !viewer.agencyIds.includes(agency.id)) throw noDashboard();
  const rows: DashboardRow[] = [];
  let positions: Record<string, string> | undefined = {};
  while (positions && rows.length < CSV_MAX_ROWS) {
    const page: Awaited<ReturnType<typeof listPage>> = await listPage(deps, agency, q, positions, now, 500);
    rows.push(...page.entries.map((e) => rowOf(deps, viewer, e, now, lang)));
    positions = page.positions;
  }
  return { agency: { id: agency.id, name: agency.name[lang] }, rows: rows.slice(0, CSV_MAX_ROWS), truncated: rows.length > CSV_MAX_ROWS || !!positions };
}

/**
 * Whether a `dashboard` grant still opens its task: its holder still has a dashboard of the case's
 * agency (a head who left office, or a Plt/Plh whose acting ended, no longer does).
 */
export function dashboardGrantHolds(directory: Directory, c: Pick<CaseRecord, 'agencyId'>, grant: Pick<TaskGrant, 'personId'>): boolean {
  return !!dashboardViewer(directory, [grant.personId])?.agencyIds.includes(c.agencyId);
}

/**
 * Opens a case's current task from a dashboard: through the inbox's rule when the person may act
 * on it (their own task, as Plt/Plh, or through an act grant of the ladder); otherwise a view-only
 * `dashboard` grant of their own, derived from the session (the same click reaches the same grant).
 * 404 when the case has no open official task; 403 for a case of an agency they may not see.
 */
export async function openFromDashboard(deps: Deps, viewer: DashboardViewer, who: SignedIn, caseId: string, now: Date): Promise<string> {
  const c = await deps.store.getCase(caseId);
  if (!c || !viewer.agencyIds.includes(c.agencyId)) throw new NotFound({ id: 'Pengaduan tidak ditemukan di dasbor Anda.', en: 'No such complaint on your dashboard.' });
  const slot = c.currentStep ? taskSlot('official', c.currentStep.stepId, c.currentStep.visit) : undefined;
  const task = slot ? await deps.store.getTask(caseId, slot) : undefined;
  if (!slot || !task || task.status !== 'open') {
    throw new NotFound({ id: 'Pengaduan ini tidak sedang menunggu pejabat: lihat status publiknya.', en: 'This complaint is not waiting on an official: see its public status.' }, { trackingId: c.trackingId });
  }
  try {
    return (await openFromInbox(deps, who, { caseId, slot }, now)).key;
  } catch (err) {
    if (!(err instanceof Forbidden)) throw err; // they may not act on it: a view of their own
  }
  const sop = deps.getSop(c.sopId);
  const units = { agencyId: c.agencyId, routedAgencyId: c.routedAgencyId };
  const personId = viewer.personIds.find((id) => dashboardGrantHolds(deps.directory, c, { personId: id }))!;
  const role = roleHeldBy(deps.directory, sop, personId, units);
  const derived = createHmac('sha256', deps.linkSecret).update(`dashboard|${who.session.keyHash}|${caseId}|${slot}|${personId}`).digest('base64url');
  for (const key of [derived, Buffer.from(deps.randomBytes(32)).toString('base64url')]) {
    const grant: TaskGrant = {
      caseId, slot, keyHash: hashKey(key), personId, ...(role ? { role: role.id } : {}),
      may: 'view', reason: 'dashboard', grantedAt: deps.calendar.format(now), status: 'pending',
    };
    try {
      await deps.store.putGrant(grant);
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err; // opened before in this session: the same grant
    }
    try {
      await deps.store.activateGrant(caseId, slot, grant.keyHash);
      return key;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err; // a lookup left without its grant: a fresh key
    }
  }
  throw new NotFound({ id: 'Pengaduan tidak ditemukan di dasbor Anda.', en: 'No such complaint on your dashboard.' });
}

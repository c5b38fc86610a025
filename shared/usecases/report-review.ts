/**
 * A report's review chain (`reports[].review` of an SOP): the Library's monthly recap walks the
 * Kasi → the Kabid → the Kepala Dinas; the P4 report of SP4N-LAPOR! goes to the regency admin, who
 * reviews the figures and the draft follow-up letters, before the Bupati receives it.
 *
 * The chain runs as its own state machine (statemachines/report-review.ts), started by the report
 * schedule, with one callback task per turn. Its tasks are ordinary task records (kind
 * `reportReview`) under the report's review id instead of a case id, with their links, grants and
 * CSRF tokens as every task has. Everything a reviewer writes — notes, the letters' texts — is stored
 * on their task record in the conditional write that closes it; the execution gets an empty object.
 * The next turn copies it into its own snapshot, and the delivery reads it from the last task: what
 * the recipients get is word for word what was approved.
 */
import { Buffer } from 'node:buffer';
import type { CaseEvent, CaseRecord } from '../case/model';
import { csrfMatches, csrfToken, hashKey, isWellFormedKey } from '../case/keys';
import type { OfficialDecision, ReviewLetter, ReviewNote, ReviewSnapshot, TaskGrant, TaskRecord } from '../case/task';
import { findPerson, holdersOf } from '../directory/resolve';
import type { Person } from '../directory/schema';
import { button, frame } from '../email/layout';
import { Conflict, Forbidden, Gone, NotFound, ValidationFailed, type Issue } from '../errors';
import { escapeHtml, escapeMultiline } from '../html';
import type { Language } from '../i18n';
import { formatDateTime } from '../i18n';
import type { EmailAttachment } from '../ports';
import { ConditionFailed } from '../ports';
import { workingDayMinutes } from '../reports/aggregate';
import type { Period } from '../reports/period';
import { caseRow } from '../reports/rows';
import { computeDeadlines } from '../sla/deadlines';
import { limitReading } from '../sla/reading';
import type { ReportReviewStep, ReportSchedule } from '../sop/schema';
import { checkText } from '../text/rules';
import { reviewExecutionName, reviewMachineKey, type ReviewRequest } from '../workflow/review-contract';
import { agencyName, type Deps } from './deps';
import { inboxGrantHolds } from './inbox';
import { reviewSpec, reviewTitle } from './review-spec';
import { buildReport, casesOfPeriod, chartContentId, reportFigures, type BuiltReport, type ReportSpec } from './reports';

/** Re-exported: the review's callers name its spec from here. */
export { reviewSpec };

/** The id the review's task records are kept under (where a case's are under its case id). */
export const reviewId = (sopId: string, reportId: string, periodId: string) => `report-${sopId}-${reportId}-${periodId}`;
const slotOf = (turn: number) => `reportReview#turn-${turn}#1`;
const mailKey = (slot: string, what: string) => `review-${what}-${slot}`;

/** The decision ids of a turn: forward it (a turn before the last), or approve it (the last). */
export const REVIEW_ACTIONS = { forward: 'teruskan', approve: 'setujui' } as const;
/** The form field of the letter to an agency. */
export const letterField = (agencyId: string) => `letter-${agencyId}`;
const NOTES_MAX = 5_000;
const LETTER_MAX = 20_000;
/** What a review task item may hold of texts (snapshot and decision), under DynamoDB's 400 KB per item. */
const TASK_ITEM_BUDGET = 350_000;

/** The inspectorate's monitoring decisions (case events written by the monitoring step, SP4N-LAPOR! row 5). */
export interface MonitoringFigures {
  opened: number;
  recommended: number;
  declined: number;
  issued: number;
}

/**
 * Starts the review chain of a scheduled report: one execution per report and period (its name), so
 * a schedule run repeated after a crash, or a retry, starts nothing twice.
 */
export async function startReportReview(deps: Deps, spec: ReportSpec, scheduledTime: Date): Promise<{ executionArn: string }> {
  const input = { sopId: spec.sop.id, reportId: spec.report.id, periodId: spec.period.id, startedAt: deps.calendar.format(scheduledTime) };
  const started = await deps.workflow.start(reviewMachineKey(spec.sop.id, spec.report.id), reviewExecutionName(input.sopId, input.reportId, input.periodId), input);
  deps.log.info('report review started', { sopId: input.sopId, reportId: input.reportId, period: input.periodId });
  return started;
}

/**
 * A case's letter standing as of the end of `period`: late = a step of it ended after its limit;
 * unfollowed = open at the end with its current step past due, or escalated, or a reprimand
 * recommended. Either makes the case's agency (the one it was routed to, else its own) get a letter.
 */
export function letterStanding(c: CaseRecord, period: Period, row: { stepsLate: number; statusAtPeriodEnd: string; escalationLevel: number; reprimand: boolean }): { late: boolean; unfollowed: boolean } {
  const late = row.stepsLate > 0;
  const pastDue = !!c.currentStep?.dueAt && new Date(c.currentStep.dueAt) < period.end;
  const unfollowed = row.statusAtPeriodEnd === 'open' && (pastDue || row.escalationLevel > 0 || row.reprimand);
  return { late, unfollowed };
}

/**
 * Counts the inspectorate's monitoring decisions in `period` among `events`. A `reprimand_recommended`
 * counts only with an official actor (the inspectorate decided it); the system's own (the older
 * ladder rung) is already in the reprimand figure. Unknown or absent events count nothing.
 */
export function countMonitoring(events: readonly Pick<CaseEvent, 'type' | 'at' | 'actor'>[], period: Period, into: MonitoringFigures = { opened: 0, recommended: 0, declined: 0, issued: 0 }): MonitoringFigures {
  for (const ev of events) {
    const at = new Date(ev.at);
    if (at < period.start || at >= period.end) continue;
    const type = String(ev.type);
    if (type === 'monitoring_opened') into.opened++;
    else if (type === 'reprimand_recommended' && ev.actor.kind === 'official') into.recommended++;
    else if (type === 'reprimand_declined') into.declined++;
    else if (type === 'reprimand_issued') into.issued++;
  }
  return into;
}

/** The draft follow-up letter to one agency, in Bahasa Indonesia, from the figures alone. */
export function draftLetter(input: { agencyName: string; scopeName: string; periodLabel: string; periodId: string; late: readonly string[]; unfollowed: readonly string[]; signer: string }): string {
  const list = (ids: readonly string[]) => ids.map((id, i) => `${i + 1}. ${id}`).join('\n');
  const parts = [
    `Nomor    : ...../P4/${input.periodId}`,
    'Sifat    : Penting',
    `Perihal  : Tindak lanjut pengaduan pelayanan publik ${input.periodLabel}`,
    '',
    'Kepada Yth.',
    `Kepala ${input.agencyName}`,
    'di tempat',
    '',
    `Berdasarkan laporan pengelolaan pengaduan pelayanan publik (P4) ${input.scopeName} ${input.periodLabel}, terdapat pengaduan pada instansi Saudara yang penanganannya melewati batas waktu SOP atau belum ditindaklanjuti, sebagai berikut:`,
  ];
  if (input.late.length) parts.push('', `Penanganan melewati batas waktu (${input.late.length} pengaduan):`, list(input.late));
  if (input.unfollowed.length) parts.push('', `Belum ditindaklanjuti pada akhir periode (${input.unfollowed.length} pengaduan):`, list(input.unfollowed));
  parts.push(
    '',
    'Sehubungan dengan hal tersebut, kami minta Saudara segera menindaklanjuti pengaduan yang belum selesai sesuai batas waktu SOP dan memastikan keterlambatan serupa tidak terulang.',
    '',
    'Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.',
    '',
    input.signer,
  );
  return parts.join('\n');
}

/**
 * The draft letters of a report: one per agency with late or unfollowed cases in the period, in the
 * directory's order, and the monitoring decisions of the period. Events are read only for those cases
 * (a monitoring task opens only when a step is past due, so no other case can hold one).
 */
export async function lettersAndMonitoring(deps: Deps, spec: ReportSpec, now: Date): Promise<{ letters: ReviewLetter[]; monitoring: MonitoringFigures }> {
  const byAgency = new Map<string, { late: string[]; unfollowed: string[] }>();
  const monitoring: MonitoringFigures = { opened: 0, recommended: 0, declined: 0, issued: 0 };
  const dayMinutes = workingDayMinutes(deps.calendar);
  const agencyId = spec.report.scope === 'agency' ? spec.agency.id : undefined;
  const seen = new Set<string>();
  for await (const c of casesOfPeriod(deps, spec.period, agencyId, now)) {
    if (seen.has(c.caseId)) continue;
    seen.add(c.caseId);
    const standing = letterStanding(c, spec.period, caseRow(c, spec.period, deps.calendar, dayMinutes));
    if (!standing.late && !standing.unfollowed) continue;
    countMonitoring(await deps.store.listEvents(c.caseId), spec.period, monitoring);
    const to = c.routedAgencyId ?? c.agencyId;
    const entry = byAgency.get(to) ?? { late: [], unfollowed: [] };
    if (standing.late) entry.late.push(c.trackingId);
    if (standing.unfollowed && !standing.late) entry.unfollowed.push(c.trackingId);
    byAgency.set(to, entry);
  }
  const order = [...deps.directory.agencies.map((a) => a.id), 'inspectorate', deps.directory.inspectorate.id];
  const ids = [...byAgency.keys()].sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : 1));
  const scopeName = spec.report.scope === 'regency' ? deps.directory.regency.name : spec.agency.name.id;
  const signer = `${deps.directory.admin.title}\n${deps.directory.admin.name}`;
  const letters = ids.map((id) => {
    const entry = byAgency.get(id)!;
    entry.late.sort();
    entry.unfollowed.sort();
    const name = agencyName(deps, id);
    return { agencyId: id, agencyName: name, late: entry.late, unfollowed: entry.unfollowed, text: draftLetter({ agencyName: name, scopeName, periodLabel: spec.period.label.id, periodId: spec.period.id, late: entry.late, unfollowed: entry.unfollowed, signer }) };
  });
  return { letters, monitoring };
}

const rank = (order: string[], id: string) => {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
};

/** The figures a reviewer sees: the report's summary, and for a report with letters the monitoring decisions and the letter count. */
function snapshotFigures(deps: Deps, built: BuiltReport, monitoring: MonitoringFigures | undefined, letters: number): ReviewSnapshot['figures'] {
  const figures = reportFigures(deps, built);
  if (monitoring) {
    figures.push(
      { label: 'Pemantauan APIP dibuka', value: monitoring.opened, previous: null },
      { label: 'Teguran direkomendasikan APIP kepada Bupati', value: monitoring.recommended, previous: null },
      { label: 'Teguran tidak direkomendasikan APIP (dengan alasan)', value: monitoring.declined, previous: null },
      { label: 'Teguran diterbitkan Bupati', value: monitoring.issued, previous: null },
      { label: 'Instansi yang menerima surat tindak lanjut', value: letters, previous: null },
    );
  }
  return figures;
}

/** The person a turn goes to: the first holder of its role in the agency (never an acting one, who is reached by reassignment). */
function reviewerOf(deps: Deps, spec: ReportSpec, turn: ReportReviewStep): Person {
  const person = holdersOf(deps.directory, spec.sop, turn.role, { agencyId: spec.agency.id }).find((o) => !o.acting);
  if (!person) throw new Error(`Nobody holds role ${turn.role} of SOP ${spec.sop.id} in agency ${spec.agency.id}`);
  return person;
}

/** The turn of a request, checked against the SOP as it is now. */
function turnOf(spec: ReportSpec, turn: number): ReportReviewStep {
  const step = spec.report.review[turn - 1];
  if (!step) throw new Error(`Report ${spec.report.id} of SOP ${spec.sop.id} has no review turn ${turn}`);
  return step;
}

/**
 * The deadlines of a turn: reminder at the SOP's `reminderAt` share of the limit, due at the limit
 * (office calendar), from the moment the turn starts — the execution's start for the first, the
 * previous reviewer's decision for the others. Both are stored facts, so a re-entered state waits for
 * the same instants.
 */
export async function reviewDeadlines(deps: Deps, req: Pick<ReviewRequest, 'sopId' | 'reportId' | 'periodId' | 'turn' | 'startedAt'>): Promise<{ remindAt: string; dueAt: string }> {
  const spec = reviewSpec(deps, req.sopId, req.reportId, req.periodId);
  const turn = turnOf(spec, req.turn);
  let startedAt = new Date(req.startedAt);
  if (req.turn > 1) {
    const before = await deps.store.getTask(reviewId(req.sopId, req.reportId, req.periodId), slotOf(req.turn - 1));
    if (before?.decidedAt) startedAt = new Date(before.decidedAt);
  }
  const d = computeDeadlines({ calendar: deps.calendar, limit: turn.limit, ladder: { reminderAt: spec.sop.escalation.reminderAt, rungs: [{ notify: 'superior', after: { amount: 0, unit: 'minutes' }, kind: 'escalation' }] }, startedAt });
  return { remindAt: d.remindAt, dueAt: d.dueAt };
}

/**
 * Opens a turn's task (callback of `reviewOpen`) and mails its link with the report's files. A
 * re-entered state finds the task: an open one is re-bound to the new token (and mailed only if its
 * email was never confirmed, with a fresh key: the old one was never seen); a decided one is
 * delivered again (the decision was stored but may not have reached the execution).
 */
export async function openReviewTask(deps: Deps, req: Extract<ReviewRequest, { kind: 'reviewOpen' }>): Promise<void> {
  const spec = reviewSpec(deps, req.sopId, req.reportId, req.periodId);
  const turn = turnOf(spec, req.turn);
  const id = reviewId(req.sopId, req.reportId, req.periodId);
  const slot = slotOf(req.turn);
  const now = new Date(req.enteredAt);
  let task = await deps.store.getTask(id, slot);
  if (task?.status === 'done') {
    await deps.workflow.taskSucceeded(req.taskToken, {});
    if (!task.deliveredAt) await deps.store.updateTask(id, slot, task.version, { deliveredAt: deps.calendar.format(now) }).catch(ignoreConflict);
    return;
  }
  // The report's files are built once per turn: for the first turn's figures, and for the task email.
  let built: BuiltReport | undefined;
  const files = async () => (built ??= await buildReport(deps, spec, now));
  if (!task) {
    const snapshot = await snapshotOf(deps, spec, req.turn, files, now);
    const person = reviewerOf(deps, spec, turn);
    const due = await reviewDeadlines(deps, req);
    const fresh: TaskRecord = {
      caseId: id, slot, kind: 'reportReview', stepId: `turn-${req.turn}`, visit: 1, keyHash: hashKey(newKey(deps)), taskToken: req.taskToken, executionId: req.executionId,
      status: 'open', role: turn.role, assigneeId: person.id, openedAt: deps.calendar.format(now), dueAt: due.dueAt, review: snapshot, version: 1,
    };
    try {
      await deps.store.putTask(fresh);
      task = fresh;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      task = (await deps.store.getTask(id, slot))!;
    }
  } else if (task.taskToken !== req.taskToken) {
    task = await deps.store.updateTask(id, slot, task.version, { taskToken: req.taskToken, executionId: req.executionId });
  }
  if (await deps.store.getMailClaim(id, mailKey(slot, 'task'))) return;
  // The email carries the key: a fresh one (only its hash is stored, so an unsent key is never reusable).
  const key = newKey(deps);
  task = await deps.store.updateTask(id, slot, task.version, { keyHash: hashKey(key) });
  const person = findPerson(deps.directory, task.assigneeId ?? '') ?? reviewerOf(deps, spec, turn);
  await sendReviewMail(deps, person, reviewTaskEmail(deps, spec, task, person, `${deps.publicUrl}/reviews/${key}`, 'task'), await files());
  await deps.store.claimOnce(id, `mail#${mailKey(slot, 'task')}`);
}

const ignoreConflict = (err: unknown) => {
  if (!(err instanceof ConditionFailed)) throw err;
};

const newKey = (deps: Deps) => Buffer.from(deps.randomBytes(32)).toString('base64url');

/** What turn `turn` shows: for the first, the figures and generated letters; for the others, the turn before's snapshot with its decision applied. */
async function snapshotOf(deps: Deps, spec: ReportSpec, turn: number, files: () => Promise<BuiltReport>, now: Date): Promise<ReviewSnapshot> {
  const base = { sopId: spec.sop.id, reportId: spec.report.id, periodId: spec.period.id, turn, turns: spec.report.review.length };
  if (turn === 1) {
    const extra = spec.report.letters ? await lettersAndMonitoring(deps, spec, now) : undefined;
    return { ...base, figures: snapshotFigures(deps, await files(), extra?.monitoring, extra?.letters.length ?? 0), letters: extra?.letters ?? [], notes: [] };
  }
  const before = await deps.store.getTask(reviewId(spec.sop.id, spec.report.id, spec.period.id), slotOf(turn - 1));
  if (!before?.review || before.status !== 'done' || before.given?.kind !== 'official') throw new Error(`Review turn ${turn - 1} of ${spec.report.id} ${spec.period.id} is not decided`);
  return { ...base, ...approvedOf(before) };
}

/** A decided turn's figures, letters as it approved them, and every note so far (its own last). */
function approvedOf(task: TaskRecord): Pick<ReviewSnapshot, 'figures' | 'letters' | 'notes'> {
  const review = task.review!;
  const given = task.given as OfficialDecision;
  const notes: ReviewNote[] = [...review.notes];
  if (given.fields.notes) notes.push({ turn: review.turn, role: task.role, personId: given.actor.personId, notes: given.fields.notes, at: given.decidedAt });
  const letters = review.letters.map((l) => ({ ...l, text: given.fields[letterField(l.agencyId)] ?? l.text }));
  return { figures: review.figures, letters, notes };
}

/** The reminder to a late reviewer (a link of its own that acts as theirs), or the escalation to the superior of their role (view only). Once each. */
export async function reviewNotice(deps: Deps, req: Extract<ReviewRequest, { kind: 'reviewNotice' }>): Promise<void> {
  const spec = reviewSpec(deps, req.sopId, req.reportId, req.periodId);
  const turn = turnOf(spec, req.turn);
  const id = reviewId(req.sopId, req.reportId, req.periodId);
  const slot = slotOf(req.turn);
  const task = await deps.store.getTask(id, slot);
  if (!task || task.status !== 'open') return; // decided meanwhile: nobody is late
  if (await deps.store.getMailClaim(id, mailKey(slot, req.notice))) return;
  const role = spec.sop.roles.find((r) => r.id === turn.role);
  const to = req.notice === 'reminder'
    ? findPerson(deps.directory, task.assigneeId ?? '')
    : role?.superior ? holdersOf(deps.directory, spec.sop, role.superior, { agencyId: spec.agency.id }).find((o) => !o.acting) : undefined;
  if (!to) {
    // The head of office has no superior in the SOP: a recap is not worth waking the Bupati; the reminder was the notice.
    deps.log.info('report review escalation has nobody to tell', { sopId: spec.sop.id, reportId: spec.report.id, period: spec.period.id, turn: req.turn });
    await deps.store.claimOnce(id, `mail#${mailKey(slot, req.notice)}`);
    return;
  }
  const key = newKey(deps);
  const grant: TaskGrant = {
    caseId: id, slot, keyHash: hashKey(key), personId: to.id, role: req.notice === 'reminder' ? turn.role : role?.superior,
    may: req.notice === 'reminder' ? 'act' : 'view', reason: req.notice === 'reminder' ? 'reminder' : 'escalation', ...(req.notice === 'escalation' ? { level: 1 } : {}),
    grantedAt: deps.calendar.format(new Date(req.enteredAt)), status: 'pending',
  };
  await deps.store.putGrant(grant);
  // A plain email: the files came with the task's own email (building them again costs seconds).
  await sendReviewMail(deps, to, reviewTaskEmail(deps, spec, task, to, `${deps.publicUrl}/reviews/${key}`, req.notice));
  await deps.store.activateGrant(id, slot, grant.keyHash);
  await deps.store.claimOnce(id, `mail#${mailKey(slot, req.notice)}`);
}

/**
 * Delivers the approved report to the schedule's recipients: the figures, every reviewer's notes and
 * the letters exactly as the last turn approved them, with the chart and workbook. Once per recipient:
 * each is marked once SES accepted it, so a retry (SES refused, or the process died) sends only to
 * those not reached — at worst once more to the one whose mark the death prevented.
 */
export async function deliverReview(deps: Deps, req: Extract<ReviewRequest, { kind: 'reviewDeliver' }>): Promise<{ sentTo: string[] }> {
  const spec = reviewSpec(deps, req.sopId, req.reportId, req.periodId);
  const id = reviewId(req.sopId, req.reportId, req.periodId);
  const last = await deps.store.getTask(id, slotOf(req.turn));
  if (!last?.review || last.status !== 'done' || last.given?.kind !== 'official') throw new Error(`Review of ${spec.report.id} ${spec.period.id} is not approved`);
  const approved = approvedOf(last);
  const built = await buildReport(deps, spec, new Date(req.enteredAt));
  const people = spec.report.recipients.flatMap((r) => (r === 'bupati' ? [deps.directory.bupati] : holdersOf(deps.directory, spec.sop, r, { agencyId: spec.agency.id }).filter((o) => !o.acting)));
  const sentTo: string[] = [];
  for (const person of people.filter((p, i) => people.findIndex((q) => q.id === p.id) === i)) {
    // Sent, then marked: a death in between sends it once more on the retry, never not at all.
    const key = `review-delivered-${person.id}`;
    if (await deps.store.getMailClaim(id, key)) continue;
    try {
      await sendReviewMail(deps, person, approvedEmail(deps, spec, approved, person), built);
    } catch (err) {
      // An address on the suppression list refuses every retry alike: passed over (not marked, so a
      // retry after the directory has their new address sends it), never holding back the others.
      if (!(err instanceof Error && err.name === 'RecipientSuppressed')) throw err; // shared/usecases/mail-events.ts
      deps.log.warn('reviewed report not sent: recipient suppressed', { sopId: spec.sop.id, reportId: spec.report.id, period: spec.period.id, personId: person.id });
      continue;
    }
    await deps.store.claimOnce(id, `mail#${key}`);
    sentTo.push(person.id);
  }
  deps.log.info('reviewed report delivered', { sopId: spec.sop.id, reportId: spec.report.id, period: spec.period.id, sent: sentTo.length, letters: approved.letters.length });
  return { sentTo };
}

/** Sends a review email; with the report's chart and files when `built` is given. */
async function sendReviewMail(deps: Deps, person: Person, email: { subject: string; text: string; html: string }, built?: BuiltReport): Promise<void> {
  const attachments: EmailAttachment[] = built ? [
    { filename: built.chart.filename, contentType: built.chart.contentType, content: built.chart.bytes, contentId: chartContentId(built) },
    ...built.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.bytes })),
  ] : [];
  await deps.mailer.send({ from: deps.mailFrom, to: [person.email], ...email, attachments, tags: { template: 'reportReview' } });
}

const titleOf = reviewTitle;

function figuresText(figures: ReviewSnapshot['figures']): string {
  return figures.map((f) => `- ${f.label}: ${f.value ?? '–'}${f.previous !== null ? ` (periode sebelumnya: ${f.previous})` : ''}`).join('\n');
}
function figuresHtml(figures: ReviewSnapshot['figures']): string {
  return `<table style="border-collapse:collapse">${figures.map((f) => `<tr><td style="padding:2px 8px">${escapeHtml(f.label)}</td><td style="padding:2px 8px;text-align:right">${escapeHtml(f.value ?? '–')}</td><td style="padding:2px 8px;text-align:right;color:#57606a">${escapeHtml(f.previous ?? '')}</td></tr>`).join('')}</table>`;
}
const roleName = (spec: ReportSpec, role: string) => spec.sop.roles.find((r) => r.id === role)?.name.id ?? role;
const personName = (deps: Deps, id: string) => findPerson(deps.directory, id)?.name ?? id;

function notesText(deps: Deps, spec: ReportSpec, notes: readonly ReviewNote[]): string {
  return notes.map((n) => `Catatan ${roleName(spec, n.role)} (${personName(deps, n.personId)}, ${formatDateTime(n.at, 'id')}):\n${n.notes}`).join('\n\n');
}
function notesHtml(deps: Deps, spec: ReportSpec, notes: readonly ReviewNote[]): string {
  return notes.map((n) => `<h3 style="font-size:15px;margin:12px 0 4px">Catatan ${escapeHtml(roleName(spec, n.role))} (${escapeHtml(personName(deps, n.personId))})</h3><div style="white-space:pre-wrap">${escapeMultiline(n.notes)}</div>`).join('');
}

/** The email of a turn's task (or its reminder, or the escalation to the reviewer's superior). Bahasa Indonesia: a report's language is the regency's. */
function reviewTaskEmail(deps: Deps, spec: ReportSpec, task: TaskRecord, to: Person, url: string, why: 'task' | 'reminder' | 'escalation'): { subject: string; text: string; html: string } {
  const review = task.review!;
  const turn = turnOf(spec, review.turn);
  const assignee = personName(deps, task.assigneeId ?? '');
  const title = titleOf(deps, spec);
  const subject = why === 'task' ? `Tugas baru: periksa ${title}` : why === 'reminder' ? `Pengingat: periksa ${title}` : `Eskalasi: ${title} belum diperiksa`;
  const due = task.dueAt ? `Batas waktu: ${formatDateTime(task.dueAt, 'id')} (${limitReading(turn.limit, 'id')}).` : '';
  const lead = why === 'escalation'
    ? `${assignee} (${roleName(spec, turn.role)}) belum memeriksa laporan ini dan batas waktunya sudah lewat. Tautan ini hanya untuk melihat; mohon dorong penyelesaiannya.`
    : turn.expects.id;
  const text = [
    `Yth. ${to.name},`, '', lead, due, '', `Buka tugas: ${url}`, '',
    `Tahap ${review.turn} dari ${review.turns}. Angka utama:`, figuresText(review.figures),
    ...(review.letters.length ? ['', `Draf surat tindak lanjut: ${review.letters.length} (${review.letters.map((l) => l.agencyName).join(', ')}).`] : []),
    ...(review.notes.length ? ['', notesText(deps, spec, review.notes)] : []),
    '', why === 'task' ? 'Grafik, CSV dan buku kerja (xlsx) terlampir.' : 'Grafik, CSV dan buku kerja (xlsx) terlampir pada email tugas yang pertama.',
  ].join('\n');
  const html = frame('id', subject, `<p>Yth. ${escapeHtml(to.name)},</p><p>${escapeHtml(lead)}</p>${due ? `<p>${escapeHtml(due)}</p>` : ''}${button(url, why === 'escalation' ? 'Lihat laporan' : 'Buka tugas')}`
    + `<p>Tahap ${review.turn} dari ${review.turns}.</p>${figuresHtml(review.figures)}${notesHtml(deps, spec, review.notes)}<p>${why === 'task' ? 'Grafik, CSV dan buku kerja (xlsx) terlampir.' : 'Grafik, CSV dan buku kerja (xlsx) terlampir pada email tugas yang pertama.'}</p>`);
  return { subject, text, html };
}

/** The delivered report: figures, every note, the letters exactly as approved. */
function approvedEmail(deps: Deps, spec: ReportSpec, approved: Pick<ReviewSnapshot, 'figures' | 'letters' | 'notes'>, to: Person): { subject: string; text: string; html: string } {
  const title = titleOf(deps, spec);
  const chain = spec.report.review.map((t) => roleName(spec, t.role)).join(' → ');
  const subject = `${title} (sudah diperiksa)`;
  const letterBlocks = approved.letters.map((l, i) => `=== Surat ${i + 1} dari ${approved.letters.length}: ${l.agencyName} ===\n${l.text}`);
  const text = [
    `Yth. ${to.name},`, '', `${title}, sudah diperiksa (${chain}).`, '', 'Angka utama:', figuresText(approved.figures),
    ...(approved.notes.length ? ['', notesText(deps, spec, approved.notes)] : []),
    ...(letterBlocks.length ? ['', `Surat tindak lanjut yang disetujui (${letterBlocks.length}):`, '', letterBlocks.join('\n\n')] : []),
    '', 'Grafik, CSV dan buku kerja (xlsx) terlampir.',
  ].join('\n');
  const html = frame('id', subject, `<p>Yth. ${escapeHtml(to.name)},</p><p>${escapeHtml(`${title}, sudah diperiksa (${chain}).`)}</p><p><img src="cid:chart-${escapeHtml(spec.period.id)}@tanggap" alt="Grafik pengaduan per minggu" style="max-width:100%"></p>`
    + `${figuresHtml(approved.figures)}${notesHtml(deps, spec, approved.notes)}`
    + approved.letters.map((l, i) => `<h3 style="font-size:15px;margin:16px 0 4px">Surat ${i + 1}: ${escapeHtml(l.agencyName)}</h3><div style="white-space:pre-wrap;border:1px solid #d0d7de;padding:8px">${escapeMultiline(l.text)}</div>`).join(''));
  return { subject, text, html };
}

/** What a review link shows (JSON API and page). */
export interface ReviewView {
  report: { sopId: string; reportId: string; periodId: string; title: string };
  task: { turn: number; turns: number; role: string; expects: string; status: 'open' | 'done' | 'expired'; dueAt: string | null; dueReading: string; assignee: { name: string; title: string } | null; decided?: { by?: string; at?: string; decision?: string } };
  link: { holder: 'assignee' | 'grant'; may: 'act' | 'view'; reason?: string };
  figures: ReviewSnapshot['figures'];
  notes: { role: string; by: string; at: string; notes: string }[];
  letters: { agencyId: string; agencyName: string; late: string[]; unfollowed: string[]; text: string }[];
  /** The workbook and chart: attached to the task email (reports are files, not pages). */
  files: string;
  actions: { id: string; label: string; fields: { name: string; label: string; type: 'textarea'; required: boolean; maxLength: number; value?: string }[] }[];
}

interface LoadedReview {
  task: TaskRecord;
  grant?: TaskGrant;
  keyHash: string;
  spec: ReportSpec;
}

async function loadReview(deps: Deps, key: string): Promise<LoadedReview> {
  const keyHash = isWellFormedKey(key) ? hashKey(key) : undefined;
  const link = keyHash ? await deps.store.getTaskLink(keyHash) : undefined;
  if (!keyHash || !link || link.task.kind !== 'reportReview' || !link.task.review) {
    throw new NotFound({ id: 'Tautan tugas ini tidak dikenal. Pastikan Anda membuka tautan lengkap dari email Anda.', en: 'This task link is not known. Check that you opened the whole link from your email.' });
  }
  if (link.grant && link.grant.status !== 'active') throw new NotFound({ id: 'Tautan ini tidak aktif.', en: 'This link is not active.' });
  const r = link.task.review;
  const spec = reviewSpec(deps, r.sopId, r.reportId, r.periodId);
  // Opened from "Tugas saya": as good as the ground it was minted on (still the assignee, still Plt/Plh), now.
  if (link.grant?.reason === 'inbox' && !inboxGrantHolds(deps.directory, spec.sop, link.task, { agencyId: spec.agency.id }, link.grant)) {
    throw new Gone({ id: 'Tautan ini sudah diganti: tugas ini tidak lagi pada Anda.', en: 'This link was replaced: the task is no longer yours.' });
  }
  return { task: link.task, grant: link.grant, keyHash, spec };
}

const actionOf = (review: ReviewSnapshot) => (review.turn < review.turns
  ? { id: REVIEW_ACTIONS.forward, label: 'Teruskan dengan catatan' }
  : { id: REVIEW_ACTIONS.approve, label: review.letters.length ? 'Setujui dan laporkan' : 'Terima sebagai bahan evaluasi' });

/** What the holder of a review link sees; reading changes nothing. */
export async function viewReview(deps: Deps, key: string, lang: Language): Promise<{ view: ReviewView; csrf: string }> {
  const l = await loadReview(deps, key);
  const { task, grant, spec } = l;
  const review = task.review!;
  const turn = turnOf(spec, review.turn);
  const assignee = task.assigneeId ? findPerson(deps.directory, task.assigneeId) : undefined;
  const may = grant ? grant.may : 'act';
  const open = task.status === 'open';
  const action = actionOf(review);
  const view: ReviewView = {
    report: { sopId: spec.sop.id, reportId: spec.report.id, periodId: spec.period.id, title: titleOf(deps, spec) },
    task: {
      turn: review.turn, turns: review.turns, role: roleName(spec, turn.role), expects: turn.expects[lang], status: open ? 'open' : task.status === 'done' ? 'done' : 'expired',
      dueAt: task.dueAt ?? null, dueReading: limitReading(turn.limit, lang), assignee: assignee ? { name: assignee.name, title: assignee.title } : null,
      ...(task.status === 'done' ? { decided: { by: task.decidedBy ? personName(deps, task.decidedBy) : undefined, at: task.decidedAt, decision: task.decision } } : {}),
    },
    link: grant ? { holder: 'grant', may: grant.may, reason: grant.reason } : { holder: 'assignee', may: 'act' },
    figures: review.figures,
    notes: review.notes.map((n) => ({ role: roleName(spec, n.role), by: personName(deps, n.personId), at: n.at, notes: n.notes })),
    letters: review.letters.map((x) => ({ agencyId: x.agencyId, agencyName: x.agencyName, late: x.late, unfollowed: x.unfollowed, text: x.text })),
    files: lang === 'id' ? 'Grafik, CSV dan buku kerja (xlsx) terlampir pada email tugas ini.' : 'The chart, CSV and workbook (xlsx) are attached to this task\'s email.',
    actions: open && may === 'act' ? [{
      id: action.id,
      label: action.label,
      fields: [
        { name: 'notes', label: lang === 'id' ? 'Catatan Anda (diteruskan apa adanya)' : 'Your notes (passed on as written)', type: 'textarea', required: false, maxLength: NOTES_MAX },
        ...review.letters.map((x) => ({ name: letterField(x.agencyId), label: `${lang === 'id' ? 'Surat kepada' : 'Letter to'} ${x.agencyName}`, type: 'textarea' as const, required: true, maxLength: LETTER_MAX, value: x.text })),
      ],
    }] : [],
  };
  return { view, csrf: csrfToken(deps.linkSecret, l.keyHash, task.version) };
}

/**
 * A reviewer's decision: notes and the letters' texts, checked under the product's text rules, stored
 * on the task in the conditional write that closes it; then the execution is told (nothing but that).
 * A decision stored but not delivered (the process died, Step Functions refused) is delivered by the
 * next POST on the link, or by the turn's state re-entering.
 */
export async function actOnReview(deps: Deps, key: string, body: Record<string, unknown>, opts: { lang: Language; now: Date; csrf?: string; viaForm: boolean }): Promise<{ next: string }> {
  const l = await loadReview(deps, key);
  const { task, grant } = l;
  const review = task.review!;
  const action = actionOf(review);
  if (task.status === 'done' && task.given && !task.deliveredAt) {
    await deliver(deps, task, opts.now);
    return { next: task.given.kind === 'official' ? task.given.action : action.id };
  }
  if (grant?.may === 'view') {
    throw new Forbidden({ id: 'Tautan ini hanya untuk melihat; pemeriksaan tetap pada peninjau yang ditugasi.', en: 'This link is for viewing only; the review stays with its assigned reviewer.' });
  }
  if (task.status === 'done') {
    const who = task.decidedBy ? personName(deps, task.decidedBy) : '';
    throw new Conflict({ id: `Laporan ini sudah diperiksa${who ? ` oleh ${who}` : ''}.`, en: `This report was already reviewed${who ? ` by ${who}` : ''}.` }, { decidedBy: who, decidedAt: task.decidedAt });
  }
  if (task.status !== 'open') throw new Conflict({ id: 'Tugas ini sudah berakhir.', en: 'This task has ended.' });
  if (opts.viaForm && !csrfMatches(deps.linkSecret, l.keyHash, task.version, opts.csrf ?? '')) {
    throw new ValidationFailed([{ path: 'csrf', message: opts.lang === 'id' ? 'Formulir ini kedaluwarsa; muat ulang halaman lalu kirim lagi.' : 'This form expired; reload the page and send again.' }]);
  }
  const issues: Issue[] = [];
  if (body.action !== action.id) issues.push({ path: 'action', message: opts.lang === 'id' ? `Tindakan yang tersedia: "${action.id}".` : `The available action is "${action.id}".` });
  const fields: Record<string, string> = {};
  const check = (name: string, required: boolean, max: number) => {
    const checked = checkText(body[name], { multiline: true, required, max });
    if (!checked.ok) issues.push({ path: name, message: checked.message[opts.lang] });
    else if (checked.value) fields[name] = checked.value;
  };
  check('notes', false, NOTES_MAX);
  for (const letter of review.letters) {
    // A letter left out of the request keeps its draft; one sent empty is refused (a letter needs a text).
    if (body[letterField(letter.agencyId)] === undefined) fields[letterField(letter.agencyId)] = letter.text;
    else check(letterField(letter.agencyId), true, LETTER_MAX);
  }
  // The task item holds the snapshot and the decision: DynamoDB refuses an item over 400 KB.
  if (!issues.length && Buffer.byteLength(JSON.stringify({ review, fields })) > TASK_ITEM_BUDGET) {
    issues.push({ path: 'letters', message: opts.lang === 'id' ? 'Catatan dan surat terlalu panjang secara keseluruhan; persingkat teksnya.' : 'The notes and letters are too long altogether; shorten them.' });
  }
  if (issues.length) throw new ValidationFailed(issues);
  const decidedAt = deps.calendar.format(opts.now);
  const actor = { personId: grant?.personId ?? task.assigneeId ?? 'unknown', role: task.role, ...(grant && grant.personId !== task.assigneeId && task.assigneeId ? { onBehalfOf: task.assigneeId } : {}) };
  const given: OfficialDecision = { kind: 'official', action: action.id, fields, actor, decidedAt };
  let done: TaskRecord;
  try {
    done = await deps.store.updateTask(task.caseId, task.slot, task.version, { status: 'done', decidedAt, decidedBy: actor.personId, ...(actor.onBehalfOf ? { decidedOnBehalfOf: actor.onBehalfOf } : {}), decision: action.label, given });
  } catch (err) {
    if (err instanceof ConditionFailed) throw new Conflict({ id: 'Tugas ini baru saja ditindaklanjuti.', en: 'This task was acted on a moment ago.' });
    throw err;
  }
  await deliver(deps, done, opts.now);
  return { next: action.id };
}

/** Tells the execution the turn is done (nothing else: the texts are on the task), and marks it delivered. */
async function deliver(deps: Deps, task: TaskRecord, now: Date): Promise<void> {
  await deps.workflow.taskSucceeded(task.taskToken, {});
  await deps.store.updateTask(task.caseId, task.slot, task.version, { deliveredAt: deps.calendar.format(now) }).catch(ignoreConflict);
}

/** Whether a scheduled run of this report starts its review chain instead of sending it at once. */
export const isReviewed = (report: ReportSchedule) => report.review.length > 0;

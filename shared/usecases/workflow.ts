/**
 * The workflow side: what the compiled state machines ask of the handlers. Each operation is
 * idempotent, keyed by what the state machine knows (case, step or phase, visit), because Lambda
 * retries and resumed executions re-enter states.
 */
import { Buffer } from 'node:buffer';
import type { CaseEvent, CaseRecord } from '../case/model';
import { hashKey } from '../case/keys';
import { taskSlot, type OfficialDecision, type ReporterDecision, type TaskGrant, type TaskRecord } from '../case/task';
import { assigneeOf, findPerson, findRole, headOf, roleHeldBy } from '../directory/resolve';
import { ladderDelivery, type RungDelivery } from '../directory/ladder';
import type { Person } from '../directory/schema';
import { ladderTitles } from '../i18n';
import { renderEmail, type CaseSummary, type EmailModel, type RenderedEmail, type ReporterMessage, type StepSummary } from '../email/templates';
import { computeDeadlines, slaVerdict } from '../sla/deadlines';
import { stepDueReading } from '../sla/reading';
import { rungGrant, type Sop, type Step } from '../sop/schema';
import type { Deadlines, DeadlinesRequest, ExecutionInput, NotifyRequest, OpenTaskRequest, OutcomeRequest, StartedResult } from '../workflow/contract';
import { WorkflowError } from '../workflow/contract';
import { continueBy, isLaterExecution, successorName } from '../workflow/executions';
import { ConditionFailed } from '../ports';
import { noteDelivered } from './complaints';
import { agencyName, mutateCase, record, statusUrl, type Deps } from './deps';

const findStep = (sop: Sop, id: string): Step => {
  const step = sop.steps.find((s) => s.id === id);
  if (!step) throw new Error(`SOP ${sop.id} has no step ${id}`);
  return step;
};

const unitsOf = (c: CaseRecord) => ({ agencyId: c.agencyId, routedAgencyId: c.routedAgencyId });

/** The case as an email shows it; the reporter only to roles that may see them. */
export function caseSummary(deps: Deps, c: CaseRecord, showReporter: boolean): CaseSummary {
  const agency = deps.directory.agencies.find((a) => a.id === c.agencyId);
  return {
    trackingId: c.trackingId,
    title: c.title,
    description: c.description,
    agencyName: agencyName(deps, c.routedAgencyId ?? c.agencyId),
    category: agency?.categories.find((k) => k.id === c.category)?.name.id ?? c.category,
    location: c.location,
    submittedAt: c.submittedAt,
    reporter: showReporter && c.reporter ? c.reporter : undefined,
  };
}

/**
 * What the reporter wrote to the officials, oldest first, from the case's history: each reply to an
 * answer ("what is still missing") and each answer to an officer's question. The reporter's words
 * are the complaint's content, so every official of the case sees them; never their name or address.
 */
export function reporterMessages(events: CaseEvent[]): ReporterMessage[] {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return events.flatMap((ev): ReporterMessage[] => {
    if (ev.type === 'reporter_replied' && text(ev.data?.comment)) {
      const rating = typeof ev.data?.rating === 'number' ? ev.data.rating : undefined;
      return [{ at: ev.at, kind: 'reply', text: text(ev.data!.comment)!, satisfied: false, ...(rating ? { rating } : {}) }];
    }
    if (ev.type === 'reporter_answered' && text(ev.data?.answer)) return [{ at: ev.at, kind: 'answer', text: text(ev.data!.answer)!, ...(ev.stepId ? { stepId: ev.stepId } : {}) }];
    return [];
  });
}

/** Whether a role of this SOP may see the reporter of this case. */
export function maySeeReporter(sop: Sop, roleId: string, c: CaseRecord): boolean {
  if (c.anonymous) return false;
  if (!c.confidential) return true;
  return sop.roles.find((r) => r.id === roleId)?.seesReporter ?? false;
}

function stepSummary(sop: Sop, step: Step, dueAt: string | undefined, lang: 'id' | 'en'): StepSummary {
  const role = sop.roles.find((r) => r.id === step.role);
  return { name: step.name[lang], expects: step.expects[lang], role: role?.name[lang] ?? step.role, dueAt, dueReading: dueAt ? stepDueReading(sop, step, lang) : undefined };
}

/** A grant as the ladder decides it, before its key is minted. */
type GrantDraft = Omit<TaskGrant, 'keyHash' | 'status'>;

/**
 * Sends one email once (per case and `onceKey`); a failure is recorded on the case and rethrown as
 * MailDeliveryFailed (the state machine retries it with backoff).
 *
 * With `grant`, the email carries a link of the recipient's own, and the order is: claim, mint the
 * key and store its grant as pending, send, activate the grant. Hence:
 * - a re-entered notify (Lambda retry, resumed execution) loses the claim: no second grant, no second email;
 * - an email that fails to go (or a grant that fails to be stored) releases the claim and leaves its
 *   grant pending, which never opens the task: the key reached nobody, and the retry mints a new one;
 * - a crash after SES accepted the email but before the activation leaves a link that answers 410
 *   (the email still carries the public status link): a dead link, never a usable key nobody was sent.
 */
async function sendOnce(
  deps: Deps, c: CaseRecord, onceKey: string, to: string[],
  compose: RenderedEmail | ((taskUrl: string | undefined) => RenderedEmail), at: string, template: string, grant?: GrantDraft,
): Promise<void> {
  const claim = `mail#${onceKey}`;
  if (!(await deps.store.claimOnce(c.caseId, claim))) return;
  let minted: { key: string; keyHash: string } | undefined;
  try {
    if (grant) {
      minted = newKey(deps);
      await deps.store.putGrant({ ...grant, keyHash: minted.keyHash, status: 'pending' });
    }
    const email = typeof compose === 'function' ? compose(minted && `${deps.publicUrl}/tasks/${minted.key}`) : compose;
    await deps.mailer.send({ from: deps.mailFrom, to, ...email });
  } catch (err) {
    // Recorded, then released: the next attempt (Step Functions retries with backoff) sends it again.
    await record(deps, { caseId: c.caseId, at, type: 'email_failed', actor: { kind: 'system' }, data: { template, errorName: err instanceof Error ? err.name : 'unknown' } });
    await mutateCase(deps, c.caseId, (x) => ({ deliveryFailures: x.deliveryFailures + 1 }));
    await deps.store.release(c.caseId, claim);
    throw Object.assign(new Error(`Email ${template} could not be sent`), { name: WorkflowError.deliveryFailed });
  }
  if (grant && minted) {
    try {
      await deps.store.activateGrant(c.caseId, grant.slot, minted.keyHash);
    } catch (err) {
      // The email is out: raising would not unsend it, and the ladder must still be recorded.
      deps.log.warn('link grant not activated after its email was sent; the link answers 410', { caseId: c.caseId, slot: grant.slot, template, errorName: err instanceof Error ? err.name : 'unknown' });
    }
  }
  await record(deps, { caseId: c.caseId, at, type: 'email_sent', actor: { kind: 'system' }, data: { template } });
}

// ---------------------------------------------------------------- deadlines

/** Computes (once per step/phase visit) when to remind, when the work is due, and each rung. */
export async function computeStepDeadlines(deps: Deps, req: DeadlinesRequest): Promise<Deadlines> {
  const c = await deps.store.getCase(req.caseId);
  if (!c) throw new Error(`Case ${req.caseId} does not exist`);
  const sop = deps.getSop(c.sopId);
  const { limit, ladder } =
    req.scope === 'step' ? (() => { const step = findStep(sop, req.id); return { limit: step.limit!, ladder: step.escalation ?? sop.escalation }; })()
    : req.scope === 'phase' ? (() => { const phase = sop.phases.find((p) => p.id === req.id)!; return { limit: phase.limit, ladder: phase.escalation ?? sop.escalation }; })()
    : { limit: sop.reporterReply.window, ladder: undefined };
  const computed = computeDeadlines({ calendar: deps.calendar, limit, ladder, startedAt: new Date(req.enteredAt) });
  const { gaps, ...deadlines } = computed;
  const stored = await deps.store.remember(c.caseId, `deadlines#${req.scope}#${req.id}#${req.visit}`, { ...deadlines, gaps });
  let held = c;
  if (stored.gaps.length && (await deps.store.claimOnce(c.caseId, `gap#${req.scope}#${req.id}#${req.visit}`))) {
    // Loud, not silent: the regency admin must add the holiday list of these years.
    deps.log.warn('deadline computed without a holiday list: weekdays only', { caseId: c.caseId, years: stored.gaps, admin: deps.directory.admin.id });
    await record(deps, { caseId: c.caseId, at: req.enteredAt, type: 'calendar_gap', actor: { kind: 'system' }, data: { years: stored.gaps } });
    held = await mutateCase(deps, c.caseId, (x) => ({ calendarGaps: [...new Set([...(x.calendarGaps ?? []), ...stored.gaps])] }), held);
    await warnCalendarAdmin(deps, stored.gaps, c, req.enteredAt);
  }
  await mutateCase(deps, c.caseId, () => (req.scope === 'replyWindow'
    ? { replyWindowEndsAt: stored.dueAt }
    : { calendarVersion: stored.calendarVersion, ...(req.scope === 'phase' ? { phaseDueAt: stored.dueAt } : { stepDueAt: stored.dueAt }) }), held);
  const { gaps: _gaps, ...result } = stored;
  return result;
}

/**
 * Emails the regency admin, once per missing year for the whole regency, that deadlines are being
 * computed without that year's holiday list; every later case is still flagged on the case, in the
 * log and in the next report. A failed email is logged and retried with the next flagged deadline.
 */
async function warnCalendarAdmin(deps: Deps, years: number[], c: CaseRecord, at: string): Promise<void> {
  const scope = `regency-${deps.directory.regency.id}`;
  for (const year of years) {
    if (!(await deps.store.claimOnce(scope, `calendar-gap#${year}`))) continue;
    const admin = deps.directory.admin;
    try {
      await deps.mailer.send({ from: deps.mailFrom, to: [admin.email], ...renderEmail({ template: 'calendarGap', recipientName: admin.name, year, trackingId: c.trackingId, at }, admin.language) });
    } catch (err) {
      await deps.store.release(scope, `calendar-gap#${year}`);
      deps.log.warn('calendar gap email to the regency admin failed; the next flagged deadline retries it', { year, errorName: err instanceof Error ? err.name : 'unknown' });
    }
  }
}

// ---------------------------------------------------------------- tasks

/** Creates a random link key and its hash. */
function newKey(deps: Deps): { key: string; keyHash: string } {
  const key = Buffer.from(deps.randomBytes(32)).toString('base64url');
  return { key, keyHash: hashKey(key) };
}

/**
 * Opens a human task (or the reporter's window) and sends the email that carries its link. A
 * re-entered state finds the task of its slot and re-binds the new token: no second key, no second email.
 */
export async function openTask(deps: Deps, req: OpenTaskRequest): Promise<void> {
  const c = await deps.store.getCase(req.caseId);
  if (!c) throw new Error(`Case ${req.caseId} does not exist`);
  const slot = taskSlot(req.kind, req.stepId, req.visit);
  const rebind = (existing: TaskRecord) => rebindTask(deps, existing, req);
  /**
   * Stores the new task, or re-binds the one a re-entered state finds in its slot. The put comes
   * first (it is conditional on the slot): a state is entered far more often than re-entered.
   */
  const putNew = async (task: TaskRecord): Promise<boolean> => {
    try {
      await deps.store.putTask(task);
      return true;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) throw err;
      const existing = await deps.store.getTask(c.caseId, slot);
      if (!existing || existing.keyHash === task.keyHash) throw err; // not the slot: its key lookup was refused
      await rebind(existing);
      return false;
    }
  };
  const sop = deps.getSop(c.sopId);
  const { key, keyHash } = newKey(deps);
  if (req.kind === 'official') {
    const step = findStep(sop, req.stepId);
    const assignee: Person | undefined = assigneeOf(deps.directory, sop, step.role, unitsOf(c)) ?? headOf(deps.directory, sop, step.role, unitsOf(c));
    if (!assignee) {
      // A task opened before the role fell vacant is still re-bound.
      const existing = await deps.store.getTask(c.caseId, slot);
      if (existing) return rebind(existing);
      throw new Error(`Nobody holds role ${step.role} for case ${c.caseId}`);
    }
    const dueAt = step.limit ? c.stepDueAt : sop.phases.some((p) => p.steps.includes(step.id)) ? c.phaseDueAt : undefined;
    const task: TaskRecord = {
      caseId: c.caseId, slot, kind: 'official', stepId: step.id, visit: req.visit, keyHash, taskToken: req.taskToken, executionId: req.executionId,
      status: 'open', role: step.role, assigneeId: assignee.id, openedAt: req.enteredAt, dueAt, version: 1,
    };
    if (!(await putNew(task))) return;
    await mutateCase(deps, c.caseId, () => ({
      status: c.status === 'received' || c.status === 'resolved' || c.status === 'awaiting_reporter' ? 'in_progress' : c.status,
      currentStep: { stepId: step.id, visit: req.visit, role: step.role, startedAt: req.enteredAt, dueAt, assigneeId: assignee.id },
    }), c);
    await record(deps, { caseId: c.caseId, at: req.enteredAt, type: 'step_opened', actor: { kind: 'system' }, stepId: step.id, visit: req.visit, to: assignee.id });
    const lang = assignee.language;
    // The follow-up of a reply, or the step that asked a question, must see what the reporter wrote.
    const messages = c.replies > 0 || c.question !== undefined ? reporterMessages(await deps.store.listEvents(c.caseId)) : [];
    const email = renderEmail({
      template: 'newTask', recipientName: assignee.name, case: { ...caseSummary(deps, c, maySeeReporter(sop, step.role, c)), ...(messages.length ? { reporterMessages: messages } : {}) },
      step: stepSummary(sop, step, dueAt, lang), taskUrl: `${deps.publicUrl}/tasks/${key}`, now: req.enteredAt,
    }, lang);
    await sendTaskMail(deps, c, slot, assignee.email, email, req.enteredAt, 'newTask');
    return;
  }
  // The reporter's window: after an answer (reply or rate) or a question (answer it).
  const task: TaskRecord = {
    caseId: c.caseId, slot, kind: req.kind, stepId: req.stepId, visit: req.visit, keyHash, taskToken: req.taskToken, executionId: req.executionId,
    status: 'open', role: 'reporter', openedAt: req.enteredAt, dueAt: c.replyWindowEndsAt, version: 1,
  };
  if (!(await putNew(task))) return;
  const replyUrl = `${statusUrl(deps, c.trackingId)}/reply?key=${key}${c.language === 'en' ? '&lang=en' : ''}`;
  if (req.kind === 'reporterReply') {
    await mutateCase(deps, c.caseId, () => ({ status: 'resolved', currentStep: undefined }), c);
    await record(deps, { caseId: c.caseId, at: req.enteredAt, type: 'response_sent', actor: { kind: 'system' }, stepId: req.stepId, visit: req.visit });
  } else {
    await mutateCase(deps, c.caseId, () => ({ status: 'awaiting_reporter' }), c);
    await record(deps, { caseId: c.caseId, at: req.enteredAt, type: 'reporter_asked', actor: { kind: 'system' }, stepId: req.stepId, visit: req.visit });
  }
  if (!c.reporter?.email) {
    // No email: the answer is on the tracking page; the reply link cannot reach them (see README).
    deps.log.info('reporter has no email; answer shown on the tracking page', { caseId: c.caseId });
    return;
  }
  const summary = caseSummary(deps, c, false);
  const model: EmailModel = req.kind === 'reporterReply'
    ? { template: 'answer', case: summary, response: c.response?.text ?? '', replyUrl, statusUrl: statusUrl(deps, c.trackingId), windowEndsAt: c.replyWindowEndsAt ?? req.enteredAt }
    : { template: 'question', case: summary, question: c.question ?? '', replyUrl, windowEndsAt: c.replyWindowEndsAt ?? req.enteredAt };
  await sendTaskMail(deps, c, slot, c.reporter.email, renderEmail(model, c.language), req.enteredAt, model.template);
}

/**
 * A re-entered wait (Lambda retry, resumed local execution, or the successor of a hand-over) binds
 * the task it finds to its own token: no second key, no second email. The successor's re-bind ends
 * the hold of the hand-over. A token is only ever taken by the same execution or a later one: an
 * older execution re-entering its wait (a restart during a hand-over) leaves it to the successor.
 */
async function rebindTask(deps: Deps, found: TaskRecord, req: OpenTaskRequest): Promise<void> {
  let task = found;
  for (let attempt = 0; ; attempt++) {
    if (task.executionId && isLaterExecution(task.caseId, task.executionId, req.executionId)) {
      deps.log.info('task left to the execution that continued this one', { caseId: task.caseId, slot: task.slot });
      return;
    }
    try {
      await deps.store.updateTask(task.caseId, task.slot, task.version, { taskToken: req.taskToken, executionId: req.executionId, handingOverTo: undefined });
      deps.log.info('task re-bound to a new token', { caseId: task.caseId, slot: task.slot });
      return;
    } catch (err) {
      // Changed meanwhile (a hand-over to a Plt/Plh, a hold): read it again and re-bind that.
      if (!(err instanceof ConditionFailed) || attempt >= 4) throw err;
      task = (await deps.store.getTask(task.caseId, task.slot))!;
    }
  }
}

/** A task's email must not fail the task: the failure is recorded and the escalation ladder still runs. */
async function sendTaskMail(deps: Deps, c: CaseRecord, slot: string, to: string, email: { subject: string; text: string; html: string }, at: string, template: string): Promise<void> {
  try {
    await sendOnce(deps, c, `task#${slot}`, [to], email, at, template);
  } catch (err) {
    deps.log.warn('task email failed; recorded on the case', { caseId: c.caseId, slot, template });
    if (!(err instanceof Error) || err.name !== WorkflowError.deliveryFailed) throw err;
  }
}

// ---------------------------------------------------------------- outcomes

/**
 * Records what happened: decisions, verdicts (once), the reporter's feedback, closure; and hands a
 * case over to a successor execution (`continueAsNew`). Only `started` returns something the
 * machine keeps: when this execution is to hand over.
 */
export async function recordOutcome(deps: Deps, req: OutcomeRequest): Promise<StartedResult | undefined> {
  const c = await deps.store.getCase(req.caseId);
  if (!c) throw new Error(`Case ${req.caseId} does not exist`);
  const sop = deps.getSop(c.sopId);
  switch (req.kind) {
    case 'started': {
      if (await deps.store.claimOnce(c.caseId, 'outcome#started')) {
        await record(deps, { caseId: c.caseId, at: req.enteredAt, type: 'workflow_started', actor: { kind: 'system' }, data: { executionId: req.executionId } });
      }
      // Remembered per execution: a retried (or, locally, resumed) Record start keeps the first instant.
      const lifetime = await deps.store.remember<StartedResult>(c.caseId, `continueBy#${req.executionId}`, { continueBy: deps.calendar.format(continueBy(new Date(req.enteredAt))) });
      return { continueBy: lifetime.continueBy };
    }
    case 'continueAsNew':
      await continueAsNew(deps, c, req);
      return;
    case 'stepDone': {
      const decision = await storedDecision(deps, c, req);
      if (!(await deps.store.claimOnce(c.caseId, `outcome#step#${req.stepId}#${req.visit}`))) return;
      const step = findStep(sop, req.stepId);
      const action = step.actions.find((a) => a.id === decision.action);
      const patch: Partial<CaseRecord> = {};
      for (const f of action?.fields ?? []) {
        const value = decision.fields[f.name]?.trim();
        if (!value) continue;
        if (f.meaning === 'routeAgency') patch.routedAgencyId = value;
        if (f.meaning === 'responseDraft') patch.responseDraft = value;
        if (f.meaning === 'response') patch.response = { text: value, at: decision.decidedAt, byPersonId: decision.actor.personId };
        if (f.meaning === 'question') patch.question = value;
        if (f.meaning === 'reason' && action?.goto === '@reject') patch.rejectionReason = value;
      }
      if (action?.routeTo === 'inspectorate') patch.routedAgencyId = 'inspectorate';
      await mutateCase(deps, c.caseId, (x) => {
        const verdicts = req.sla && !x.verdicts.some((v) => v.scope === 'step' && v.id === step.id && v.visit === req.visit)
          ? [...x.verdicts, slaVerdict({
              calendar: deps.calendar, scope: 'step', id: step.id, visit: req.visit, unit: step.limit!.unit, deadlines: req.sla,
              endedAt: new Date(decision.decidedAt),
              escalatedTo: x.escalations.filter((e) => e.stepId === step.id && e.visit === req.visit).map((e) => e.to),
            })]
          : x.verdicts;
        const firstAnsweredAt = patch.response ? x.firstAnsweredAt ?? patch.response.at : x.firstAnsweredAt;
        return { ...patch, firstAnsweredAt, verdicts, currentStep: x.currentStep?.stepId === step.id ? { ...x.currentStep, dueAt: undefined } : x.currentStep };
      }, c);
      // The history keeps what the officials wrote for each other, and the question put to the reporter (its answer follows it).
      const notes = Object.fromEntries((action?.fields ?? []).filter((f) => f.meaning === 'note' || f.meaning === 'reason' || f.meaning === 'question').map((f) => [f.name, decision.fields[f.name]]).filter(([, v]) => v));
      await record(deps, {
        caseId: c.caseId, at: decision.decidedAt, type: 'step_completed', stepId: step.id, visit: req.visit,
        actor: { kind: 'official', personId: decision.actor.personId, role: decision.actor.role, ...(decision.actor.onBehalfOf ? { onBehalfOf: decision.actor.onBehalfOf } : {}) },
        data: { action: decision.action, ...notes },
      });
      return;
    }
    case 'phaseDone': {
      if (!(await deps.store.claimOnce(c.caseId, `outcome#phase#${req.phaseId}#${req.visit}`))) return;
      const phase = sop.phases.find((p) => p.id === req.phaseId)!;
      await mutateCase(deps, c.caseId, (x) => ({
        verdicts: [...x.verdicts, slaVerdict({
          calendar: deps.calendar, scope: 'phase', id: phase.id, visit: req.visit, unit: phase.limit.unit, deadlines: req.sla,
          endedAt: new Date(req.enteredAt),
          escalatedTo: x.escalations.filter((e) => e.stepId === phase.id && e.visit === req.visit).map((e) => e.to),
        })],
      }), c);
      return;
    }
    case 'reporterFeedback': {
      const f = await storedFeedback(deps, c, req);
      if (!(await deps.store.claimOnce(c.caseId, `outcome#feedback#${req.visit}`))) return;
      await mutateCase(deps, c.caseId, (x) => ({
        ...(f.rating || f.satisfied ? { rating: { satisfied: f.satisfied, rating: f.rating, comment: f.comment, at: f.at } } : {}),
        ...(f.satisfied ? {} : { replies: x.replies + 1, repliedAt: [...(x.repliedAt ?? []), f.at], status: 'in_progress' as const }),
      }), c);
      if (f.rating || f.satisfied) await record(deps, { caseId: c.caseId, at: f.at, type: 'rated', actor: { kind: 'reporter' }, data: { satisfied: f.satisfied, rating: f.rating } });
      if (!f.satisfied) await record(deps, { caseId: c.caseId, at: f.at, type: 'reporter_replied', actor: { kind: 'reporter' }, visit: req.visit, data: { comment: f.comment, ...(f.rating ? { rating: f.rating } : {}) } });
      return;
    }
    case 'reporterAnswered': {
      const task = await deps.store.getTask(c.caseId, taskSlot('reporterAnswer', req.stepId, req.visit));
      const given = task?.given?.kind === 'reporter' ? task.given : undefined;
      if (task && given) await noteDelivered(deps, task, req.enteredAt);
      if (!given?.comment) {
        deps.log.warn('reporter answer without a stored text', { caseId: c.caseId, stepId: req.stepId, visit: req.visit });
        return;
      }
      // Looked up rather than claimed first: a crash between a claim and the event would lose the answer.
      const events = await deps.store.listEvents(c.caseId);
      if (events.some((ev) => ev.type === 'reporter_answered' && ev.stepId === req.stepId && ev.visit === req.visit)) return;
      await record(deps, { caseId: c.caseId, at: given.at, type: 'reporter_answered', actor: { kind: 'reporter' }, stepId: req.stepId, visit: req.visit, data: { answer: given.comment } });
      return;
    }
    case 'closed': {
      if (!(await deps.store.claimOnce(c.caseId, 'outcome#closed'))) return;
      const rejected = req.reason === 'rejected';
      const endedMonth = deps.calendar.localDate(new Date(req.enteredAt)).slice(0, 7);
      await mutateCase(deps, c.caseId, () => ({ status: rejected ? 'rejected' : 'closed', closedAt: req.enteredAt, endedMonth, closeReason: req.reason, currentStep: undefined }), c);
      await record(deps, { caseId: c.caseId, at: req.enteredAt, type: rejected ? 'rejected' : 'closed', actor: { kind: 'system' }, data: { reason: req.reason } });
      return;
    }
  }
}

/**
 * The official's decision of a step visit, word for word: as stored on its task before the delivery
 * (marked delivered now that it has arrived), or, from an execution started before texts were kept
 * off the execution, as the decision itself carried it.
 */
async function storedDecision(deps: Deps, c: CaseRecord, req: Extract<OutcomeRequest, { kind: 'stepDone' }>): Promise<Omit<OfficialDecision, 'kind'>> {
  const task = await deps.store.getTask(c.caseId, taskSlot('official', req.stepId, req.visit));
  const given = task?.given?.kind === 'official' && task.given.action === req.decision.action ? task.given : undefined;
  if (task && given) {
    await noteDelivered(deps, task, req.enteredAt);
    return given;
  }
  const d = req.decision;
  if (!d.fields) deps.log.warn('step decision without a stored text', { caseId: c.caseId, stepId: req.stepId, visit: req.visit });
  return {
    action: d.action,
    fields: d.fields ?? {},
    actor: d.actor ?? { personId: task?.decidedBy ?? 'unknown', role: task?.role ?? '', ...(task?.decidedOnBehalfOf ? { onBehalfOf: task.decidedOnBehalfOf } : {}) },
    decidedAt: d.decidedAt ?? task?.decidedAt ?? req.enteredAt,
  };
}

/**
 * The reporter's feedback on an answer, word for word: as stored on the reply task (found by the step
 * that answered; an older execution does not name it, so the `response_sent` event of that visit
 * does), or as an older execution's feedback carried it.
 */
async function storedFeedback(deps: Deps, c: CaseRecord, req: Extract<OutcomeRequest, { kind: 'reporterFeedback' }>): Promise<Omit<ReporterDecision, 'kind'>> {
  const stepId = req.stepId ?? (await deps.store.listEvents(c.caseId)).filter((ev) => ev.type === 'response_sent' && ev.visit === req.visit).at(-1)?.stepId;
  const task = stepId ? await deps.store.getTask(c.caseId, taskSlot('reporterReply', stepId, req.visit)) : undefined;
  const given = task?.given?.kind === 'reporter' ? task.given : undefined;
  if (task && given) {
    await noteDelivered(deps, task, req.enteredAt);
    return given;
  }
  const f = req.feedback;
  return { satisfied: f.satisfied, ...(f.rating ? { rating: f.rating } : {}), ...(f.comment ? { comment: f.comment } : {}), at: f.at ?? task?.decidedAt ?? req.enteredAt };
}

const continuePending = (why: string) => Object.assign(new Error(`Cannot hand over yet: ${why}`), { name: WorkflowError.continuePending });

/**
 * Continue-as-new (shared/workflow/executions.ts): the execution is old enough to hand over, and is
 * waiting for the person of `req.task`. In this order, each step safe to repeat:
 * 1. hold the task (`handingOverTo`), so nobody can act through this execution from now on — a
 *    person acting meanwhile is asked to send again in a minute, and gets the successor; if the task
 *    is not open yet, or was just decided (the decision is on its way here), wait: ContinuePending,
 *    which the state machine retries, and which a decision arriving meanwhile makes moot;
 * 2. start the successor, named after the case and its generation, with where to go back in — the
 *    same name and input is the same execution, so a retry never starts a second;
 * 3. let the case's `executionArn` follow it, and record the hand-over once.
 * The successor then re-binds the task to its own token (which lifts the hold) without any email.
 */
async function continueAsNew(deps: Deps, c: CaseRecord, req: Extract<OutcomeRequest, { kind: 'continueAsNew' }>): Promise<void> {
  const successor = successorName(c.caseId, req.executionId);
  const slot = taskSlot(req.task.kind, req.task.stepId, req.task.visit);
  const task = await deps.store.getTask(c.caseId, slot);
  // A retry after the successor re-bound the task: the hold is over, the start below is a repeat.
  const takenUp = !!task?.executionId && isLaterExecution(c.caseId, task.executionId, req.executionId);
  if (!takenUp) {
    if (!task) throw continuePending(`task ${slot} is not open yet`);
    if (task.status !== 'open') throw continuePending(`task ${slot} was just decided`);
    if (task.handingOverTo !== successor) {
      try {
        await deps.store.updateTask(c.caseId, slot, task.version, { handingOverTo: successor });
      } catch (err) {
        if (err instanceof ConditionFailed) throw continuePending(`task ${slot} changed meanwhile`);
        throw err;
      }
    }
  }
  const input: ExecutionInput = { caseId: c.caseId, sopId: c.sopId, resume: req.resume };
  let executionArn: string;
  try {
    ({ executionArn } = await deps.workflow.start(c.sopId, successor, input));
  } catch (err) {
    // The hold stays: the start may have happened (a lost answer), and a retry repeats it harmlessly.
    deps.log.warn('successor execution not started; retried', { caseId: c.caseId, successor, errorName: err instanceof Error ? err.name : 'unknown' });
    throw continuePending('the successor execution could not be started');
  }
  await mutateCase(deps, c.caseId, (x) => (x.executionArn === executionArn || (x.executionArn && x.executionArn !== req.executionId) ? undefined : { executionArn }));
  await recordOnce(deps, c, `outcome#continued#${successor}`, () => record(deps, {
    caseId: c.caseId, at: req.enteredAt, type: 'workflow_continued', actor: { kind: 'system' },
    data: { from: req.executionId, to: executionArn, at: req.resume.at },
  }));
}

// ---------------------------------------------------------------- notifications

/** Sends the email a state asks for, to the right people, once per (template, step/phase, visit, level). */
export async function notify(deps: Deps, req: NotifyRequest): Promise<void> {
  const c = await deps.store.getCase(req.caseId);
  if (!c) throw new Error(`Case ${req.caseId} does not exist`);
  const sop = deps.getSop(c.sopId);
  const onceKey = `notify#${req.template}#${req.stepId ?? req.phaseId ?? '-'}#${req.visit ?? 0}#${req.level ?? 0}`;
  const reporterEmail = c.reporter?.email;
  switch (req.template) {
    case 'acknowledgement': {
      // Intake withholds it past the address's daily limit (shared/usecases/complaints.ts).
      if (!reporterEmail || c.acknowledgementWithheld) return;
      const first = findStep(sop, sop.startAt ?? sop.steps[0]!.id);
      const limit = first.limit ?? sop.phases.find((p) => p.steps.includes(first.id))?.limit;
      const firstDue = limit ? deps.calendar.format(deps.calendar.addLimit(new Date(req.enteredAt), limit).at) : undefined;
      const email = renderEmail({ template: 'acknowledgement', case: caseSummary(deps, c, false), statusUrl: statusUrl(deps, c.trackingId), firstStep: stepSummary(sop, first, firstDue, c.language), sopTitle: sop.title[c.language] }, c.language);
      return sendOnce(deps, c, onceKey, [reporterEmail], email, req.enteredAt, req.template);
    }
    case 'closing':
    case 'rejection': {
      if (!reporterEmail) return;
      const model: EmailModel = req.template === 'closing'
        ? { template: 'closing', case: caseSummary(deps, c, false), reason: c.closeReason ?? 'closed_by_official', statusUrl: statusUrl(deps, c.trackingId) }
        : { template: 'rejection', case: caseSummary(deps, c, false), reason: c.rejectionReason ?? '', statusUrl: statusUrl(deps, c.trackingId) };
      return sendOnce(deps, c, onceKey, [reporterEmail], renderEmail(model, c.language), req.enteredAt, req.template);
    }
    case 'reminder':
    case 'escalation':
    case 'reprimand':
      return notifyLadder(deps, c, sop, req, onceKey);
  }
}

/**
 * The ladder's emails: the reminder to the assignee, each rung, the reprimand recommendation. Each
 * carries a link of the recipient's own to the current task (a grant): the reminder's lets the
 * assignee act; a rung's lets its recipient act or only view, as the SOP says (`rungGrant`).
 */
async function notifyLadder(deps: Deps, c: CaseRecord, sop: Sop, req: NotifyRequest, onceKey: string): Promise<void> {
  // The work may have ended while this state waited: then nobody is reminded or escalated.
  const current = c.currentStep;
  const phase = req.phaseId ? sop.phases.find((p) => p.id === req.phaseId) : undefined;
  const stillOpen = phase
    ? !!current && phase.steps.includes(current.stepId) && !c.verdicts.some((v) => v.scope === 'phase' && v.id === phase.id && v.visit === req.visit)
    : !!current && current.stepId === req.stepId && current.visit === req.visit;
  const slot = current && taskSlot('official', current.stepId, current.visit);
  const task = slot ? await deps.store.getTask(c.caseId, slot) : undefined;
  // Decided a moment ago (the outcome not recorded yet): the race is over, the clock's notice is moot.
  const decided = !!task && task.status !== 'open';
  if (!stillOpen || decided || c.status === 'closed' || c.status === 'rejected') {
    deps.log.info('ladder notice skipped: the work is done', { caseId: c.caseId, template: req.template });
    return;
  }
  const step = findStep(sop, current!.stepId);
  const assignee = (task?.assigneeId && findPerson(deps.directory, task.assigneeId)) || undefined;
  const ladder = step.escalation && !phase ? step.escalation : phase?.escalation ?? sop.escalation;
  const summaryFor = (roleSees: boolean) => caseSummary(deps, c, roleSees);
  const dueAt = current!.dueAt;
  const publicStatus = statusUrl(deps, c.trackingId);
  const units = unitsOf(c);
  /**
   * The recipient's grant on the current task; none when the task is missing (then the email links
   * the public status). Its role, the SOP role they see the case in, is the one the ladder reached
   * them through when they hold it (`via`).
   */
  const grantFor = (person: Person, may: TaskGrant['may'], reason: TaskGrant['reason'], via: string | undefined, level?: number): GrantDraft | undefined => task && {
    caseId: c.caseId, slot: task.slot, personId: person.id, role: roleHeldBy(deps.directory, sop, person.id, units, via)?.id,
    may, reason, level, phaseId: phase?.id, grantedAt: req.enteredAt,
  };
  if (req.template === 'reminder') {
    if (!assignee) return;
    const compose = (taskUrl: string | undefined) => renderEmail({
      template: 'reminder', recipientName: assignee.name, case: summaryFor(maySeeReporter(sop, step.role, c)), step: stepSummary(sop, step, dueAt, assignee.language),
      taskUrl: taskUrl ?? publicStatus, statusUrl: publicStatus, now: req.enteredAt,
    }, assignee.language);
    await sendOnce(deps, c, onceKey, [assignee.email], compose, req.enteredAt, 'reminder', grantFor(assignee, 'act', 'reminder', step.role));
    await recordOnce(deps, c, `${onceKey}#event`, () => record(deps, { caseId: c.caseId, at: req.enteredAt, type: 'reminder_sent', actor: { kind: 'system' }, stepId: step.id, visit: current!.visit, to: assignee.id }));
    return;
  }
  const level = req.level ?? 1;
  // Each rung reaches a person not told yet (shared/directory/ladder.ts); `rung` is the one whose person it reaches.
  const delivery = ladderDelivery(deps.directory, sop, step, units, ladder, level, assignee, req.template === 'reprimand');
  if (!('to' in delivery)) return recordSkippedRung(deps, c, onceKey, req, step.id, current!.visit, delivery);
  const recipient: Person = delivery.to;
  const rung = ladder.rungs[delivery.via];
  const ladderTitle = ladderTitles[req.template === 'reprimand' ? 'bupati' : rung?.notify ?? 'inspectorate'][recipient.language];
  const lang = recipient.language;
  const kind = req.template === 'reprimand' ? 'reprimand' as const : 'escalation' as const;
  // A rung the ladder does not have (a stale execution of an edited SOP) only lets its recipient see.
  const may = rung ? rungGrant(rung) : 'view';
  const compose = (taskUrl: string | undefined) => {
    const link = taskUrl ? { taskUrl, may } : undefined;
    const common = { recipientName: recipient.name, assigneeName: assignee?.name ?? step.role, case: summaryFor(false), step: stepSummary(sop, step, dueAt, lang), now: req.enteredAt, statusUrl: publicStatus, link };
    return kind === 'reprimand'
      ? renderEmail({ template: 'reprimand', agencyName: agencyName(deps, c.routedAgencyId ?? c.agencyId), ...common }, lang)
      : renderEmail({ template: 'escalation', level, ladderTitle, ...common }, lang);
  };
  await sendOnce(deps, c, onceKey, [recipient.email], compose, req.enteredAt, req.template, grantFor(recipient, may, kind, rung?.notify === 'superior' ? findRole(sop, step.role).superior : rung?.notify === 'head' ? sop.headRole : undefined, level));
  const owner = phase?.id ?? step.id;
  await recordOnce(deps, c, `${onceKey}#event`, async () => {
    await mutateCase(deps, c.caseId, (x) => ({ escalations: [...x.escalations, { level, to: recipient.id, at: req.enteredAt, stepId: owner, visit: req.visit ?? current!.visit, kind }] }), c);
    await record(deps, { caseId: c.caseId, at: req.enteredAt, type: kind === 'reprimand' ? 'reprimand_recommended' : 'escalated', actor: { kind: 'system' }, stepId: step.id, visit: current!.visit, to: recipient.id, data: { level, grant: may } });
  });
}

/** A rung with nobody left to tell: recorded once on the case (who it would have repeated), never silent. */
async function recordSkippedRung(deps: Deps, c: CaseRecord, onceKey: string, req: NotifyRequest, stepId: string, visit: number, delivery: Extract<RungDelivery, { skipped: string }>): Promise<void> {
  deps.log.info('ladder rung skipped', { caseId: c.caseId, level: delivery.level, reason: delivery.skipped });
  if (delivery.skipped !== 'alreadyTold') return;
  await recordOnce(deps, c, `${onceKey}#event`, () => record(deps, {
    caseId: c.caseId, at: req.enteredAt, type: 'escalation_skipped', actor: { kind: 'system' }, stepId, visit, to: delivery.sameAs?.id,
    data: { level: delivery.level, reason: delivery.skipped },
  }));
}

async function recordOnce(deps: Deps, c: CaseRecord, key: string, fn: () => Promise<unknown>): Promise<void> {
  if (await deps.store.claimOnce(c.caseId, key)) await fn();
}


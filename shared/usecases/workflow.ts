/**
 * The workflow side: what the compiled state machines ask of the handlers. Each operation is
 * idempotent, keyed by what the state machine knows (case, step or phase, visit), because Lambda
 * retries and resumed executions re-enter states.
 */
import { responseEmailAttachment } from './attachments';
import { Buffer } from 'node:buffer';
import type { CaseEvent, CaseRecord, CurrentStep } from '../case/model';
import { hashKey, locatedKey, type KeyLocator } from '../case/keys';
import { taskSlot, type OfficialDecision, type ReporterDecision, type TaskGrant, type TaskRecord } from '../case/task';
import { assigneeOf, findPerson, findRole, headOf, roleHeldBy } from '../directory/resolve';
import { ladderDelivery, type RungDelivery } from '../directory/ladder';
import type { Person } from '../directory/schema';
import { ladderTitles } from '../i18n';
import { renderEmail, type CaseSummary, type EmailModel, type RenderedEmail, type ReporterMessage, type StepSummary } from '../email/templates';
import { computeDeadlines, slaVerdict } from '../sla/deadlines';
import { stepDueReading } from '../sla/reading';
import { rungGrant } from '../sop/rung-grant';
import { monitoringSteps } from '../sop/monitoring';
import type { Sop, Step } from '../sop/schema';
import type { Deadlines, DeadlinesRequest, ExecutionInput, NotifyRequest, OpenTaskRequest, OutcomeRequest, OutcomeResult, StartedResult } from '../workflow/contract';
import { answerBeginning, outcomeAnswer, type DeadlinesOf } from '../workflow/answers';
import { WorkflowError } from '../workflow/errors';
import { continueBy, isLaterExecution, successorName, visitKey } from '../workflow/executions';
import { ConditionFailed, type EmailAttachment, type ExecutionStart, type KnownSuppressions, type MailClaim, type MailClaimState, type MailRedo, type OutgoingEmail } from '../ports';
import { noteDelivered } from './complaints';
import { addressHash } from './mail-events';
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

// ---------------------------------------------------------------- mail

/**
 * How many attempts one email gets before it is given up: the state machine's attempts of a notice
 * (compile.ts `mailRetry`: the first and up to 5 retries; test/unit/repair-sweep.test.ts holds the
 * two together), and the repair sweep's of a task's announcement.
 */
export const MAIL_ATTEMPTS = 5;

/**
 * How long an attempt to send an email may be in flight: longer than any run that sends lasts (the
 * workflow functions' Lambda timeout is 20 s, the sweep's 2 minutes). While an attempt's lease runs,
 * nobody else takes its claim — a Task retry or a duplicate invocation racing it, the sweep, another
 * execution — so one attempt at most calls SES for an email at a time. An attempt that ends without
 * sending releases its lease; only one that died leaves it to run out, after which the re-run or the
 * repair sweep sends (the local runtime, which knows its dead process's attempts are over, ends
 * them at start: `releaseInFlightMail`).
 */
export const MAIL_LEASE_MS = 3 * 60_000;

const leaseFrom = (at: string) => new Date(Date.parse(at) + MAIL_LEASE_MS).toISOString();

/** One email, as it is claimed. */
interface MailSpec {
  /** Its once-key within the case (or the regency). */
  key: string;
  template: string;
  recipientRole: string;
  redo: MailRedo;
  /** The handler's now: when this attempt begins. */
  at: string;
  /**
   * A pending claim younger than this is another run's attempt in flight, not one left behind. Only
   * for claims that several cases share (the regency's): one case's runs never overlap.
   */
  inFlightMs?: number;
  /** Whether the mailer would refuse its recipients (`refusal`): asked before another attempt is begun. */
  refused?: () => Promise<boolean>;
}

/** Whether the mailer would refuse these recipients without calling SES (all suppressed). */
const refusal = (deps: Deps, to: string[], known?: KnownSuppressions) => async () => (deps.mailer.refuses ? deps.mailer.refuses(to, known) : false);

/** Whether this run may send (and the claim of its attempt), or why not (with the claim when it was found sent, or given up). */
type Claimed = { go: true; claim: MailClaim } | { go: false; state: MailClaimState | 'busy'; sent?: MailClaim; failed?: MailClaim };

/**
 * The email rule. A claim is recorded `pending` before SES is called and `sent` (with SES's message
 * id) after; a run that finds it pending — the run before died, or SES refused — sends again, as
 * another attempt, once no attempt may be in flight any more (its lease, `MAIL_LEASE_MS`, released or
 * run out); a `sent` claim is never sent again, nor a `failed` one (given up and reported). Taking
 * the claim is a conditional write on its attempt count, so of runs that find it free at once one
 * wins. So the only way an email goes twice is a death between SES accepting it and the mark.
 */
async function claimMail(deps: Deps, owner: string, spec: MailSpec): Promise<Claimed> {
  const fresh: MailClaim = { caseId: owner, key: spec.key, state: 'pending', template: spec.template, recipientRole: spec.recipientRole, attempts: 1, attemptedAt: spec.at, leaseUntil: leaseFrom(spec.at), redo: spec.redo };
  try {
    await deps.store.claimMail(fresh);
    return { go: true, claim: fresh };
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
  }
  const found = await deps.store.getMailClaim(owner, spec.key);
  // Dropped meanwhile by the sweep: its step was done, the email is moot.
  if (!found) return { go: false, state: 'busy' };
  // A claim of the same request is this run's own earlier attempt (it died); another's may be in flight.
  const own = JSON.stringify(found.redo) === JSON.stringify(spec.redo);
  if (spec.inFlightMs && !own && Date.parse(spec.at) - Date.parse(found.attemptedAt) < spec.inFlightMs) return { go: false, state: 'busy' };
  return retakeMail(deps, found, spec.at, spec.refused);
}

/** What a claim found settled stands for: nothing to send; what followed its mark is the finder's to finish. */
const settled = (found: MailClaim): Extract<Claimed, { go: false }> => ({ go: false, state: found.state, ...(found.state === 'sent' ? { sent: found } : found.state === 'failed' ? { failed: found } : {}) });

/**
 * Another attempt of a claim a run left pending, unless an attempt may still be in flight (its lease
 * runs: own runs included, as a Task retry or a duplicate invocation may overlap the attempt it
 * repeats); whoever loses the conditional write leaves it to the winner. A claim read from the
 * sweep's index carries no lease: the sweep's grace is longer than any lease.
 */
async function retakeMail(deps: Deps, found: MailClaim, at: string, refused?: () => Promise<boolean>): Promise<Claimed> {
  if (found.state !== 'pending') return settled(found);
  if (found.leaseUntil && Date.parse(at) < Date.parse(found.leaseUntil)) {
    deps.log.info('email left to the attempt in flight', { caseId: found.caseId, template: found.template, attempt: found.attempts });
    return { go: false, state: 'busy' };
  }
  // An address the mailer refuses takes no further attempt: the email is given up as the attempt that
  // found it refused would have given it up (same attempt count, same records), had it not died first.
  if (refused && (await refused())) return settleFailed(deps, found, RECIPIENT_SUPPRESSED);
  try {
    return { go: true, claim: await deps.store.retryMail(found.caseId, found.key, found.attempts, at, leaseFrom(at)) };
  } catch (err) {
    if (err instanceof ConditionFailed) return { go: false, state: 'busy' };
    throw err;
  }
}

/**
 * Ends this attempt's lease when it failed before SES could accept the email (or without knowing):
 * the next attempt (a Task retry, the re-run) need not wait for the lease to run out. Best effort:
 * a run that cannot write leaves the lease to run out, and the email to the re-run after it or to
 * the sweep. (A failure after SES accepted, the mark's, is the email rule's one window either way.)
 */
async function releaseAfterFailure(deps: Deps, claim: MailClaim): Promise<void> {
  try {
    await deps.store.releaseMail(claim.caseId, claim.key, claim.attempts);
  } catch {
    // The error that ended the attempt is the one to raise.
  }
}

/**
 * Every email of the workflow leaves through here, and only here: the one place for what must hold
 * for all outgoing mail (a suppression list, a metric). `known`: suppression entries read with the
 * case a moment before (`openTask`), which the mailer does not read again.
 */
function deliver(deps: Deps, message: OutgoingEmail, known?: KnownSuppressions): Promise<{ messageId: string }> {
  return deps.mailer.send(message, known);
}

/**
 * Sends a claimed email of a case. With `grant`, the email carries a link of the recipient's own,
 * minted for this attempt: its grant is stored pending before SES is called. The claim is marked
 * sent (naming the grant) the moment SES accepted the email — the duplicate window is that one
 * write — and then `afterSent` activates the grant and records `email_sent`, which a re-run that
 * finds the claim sent repeats. A run that dies before the mark sends again with a new key (the
 * earlier attempt's grant stays pending: if its copy did go, its link answers 410, the newer one
 * works). A refusal is recorded (`deliveryFailed`). Returns whether the email went, or is to be tried
 * again, or was given up.
 */
async function deliverClaimed(deps: Deps, c: CaseRecord, claim: MailClaim, to: string[], compose: (taskUrl: string | undefined) => RenderedEmail & { attachments?: EmailAttachment[] }, grant?: GrantDraft, known?: KnownSuppressions): Promise<'sent' | 'retry' | 'given_up'> {
  let minted: { key: string; keyHash: string } | undefined;
  let messageId: string;
  try {
    if (grant) {
      minted = newKey(deps);
      await deps.store.putGrant({ ...grant, keyHash: minted.keyHash, status: 'pending' });
    }
    ({ messageId } = await deliver(deps, { from: deps.mailFrom, to, ...compose(minted && `${deps.publicUrl}/tasks/${minted.key}`), tags: { caseId: c.caseId, template: claim.template } }, known));
  } catch (err) {
    return (await deliveryFailed(deps, c, claim, err)) ? 'given_up' : 'retry';
  }
  const sentGrant = grant && minted ? { slot: grant.slot, keyHash: minted.keyHash } : undefined;
  // The mark records the email's event in the same write (the claim carries it).
  await deps.store.markMailSent(c.caseId, claim.key, messageId, claim.attemptedAt, sentGrant, { ...sentEvent(c.caseId, claim), once: `mail#${claim.key}#sent` });
  await afterSent(deps, c.caseId, { ...claim, state: 'sent', messageId, sentAt: claim.attemptedAt, grant: sentGrant, eventRecorded: true });
  return 'sent';
}

/** The event of an email sent: its template, never its address. */
const sentEvent = (caseId: string, claim: MailClaim): Omit<CaseEvent, 'seq' | 'once'> => ({ caseId, at: claim.attemptedAt, type: 'email_sent', actor: { kind: 'system' }, data: { template: claim.template } });

/**
 * What follows an email marked sent: its grant activated (idempotent), so a run that finds the claim
 * sent finishes what a run that died after the mark began. A claim marked before the mark carried its
 * event gets its `email_sent` recorded apart, once. (A claim of the old at-most-once rule, with no
 * `sentAt`, has nothing to finish.)
 */
async function afterSent(deps: Deps, caseId: string, claim: MailClaim): Promise<void> {
  if (!claim.sentAt) return;
  if (claim.grant) await deps.store.activateGrant(caseId, claim.grant.slot, claim.grant.keyHash);
  if (!claim.eventRecorded) await recordOnce(deps, `mail#${claim.key}#sent`, sentEvent(caseId, claim));
}

const errorNameOf = (err: unknown) => (err instanceof Error ? err.name : 'unknown');
/** The error of a message whose every recipient is on the suppression list (shared/usecases/mail-events.ts). */
const RECIPIENT_SUPPRESSED = 'RecipientSuppressed';

/**
 * A refused attempt: recorded on the case (`email_failed`, counted in `deliveryFailures`), the claim
 * left pending for the next attempt (the state machine's retry, or the repair sweep). At the last
 * attempt the email is given up, never swallowed (`settleFailed`, then `afterFailed`). An address on
 * the suppression list (it bounced or complained: `RecipientSuppressed`) is given up at once: no
 * attempt would reach it. Returns whether the email was given up.
 */
async function deliveryFailed(deps: Deps, c: CaseRecord, claim: MailClaim, err: unknown): Promise<boolean> {
  const errorName = errorNameOf(err);
  if (claim.attempts < MAIL_ATTEMPTS && errorName !== RECIPIENT_SUPPRESSED) {
    await countFailure(deps, c.caseId, claim, errorName);
    // The error itself too (the logger masks addresses and phone numbers in its text): a first attempt that
    // fails for a reason other than SES's answer (a RangeError once in a loaded test run) must be traceable.
    deps.log.warn('mail attempt failed; retried', { caseId: c.caseId, template: claim.template, recipientRole: claim.recipientRole, errorName, attempt: claim.attempts, error: err });
    // Refused, so not in flight: the state machine's retry takes it at once.
    await deps.store.releaseMail(c.caseId, claim.key, claim.attempts);
    return false;
  }
  const given = await settleFailed(deps, claim, errorName);
  if (given.failed) await afterFailed(deps, c, given.failed);
  return true;
}

/**
 * Gives an email up: its claim marked `failed` at the attempt that was refused, with the error, in
 * one conditional write — first, before anything is recorded, so that whoever finds it failed (a
 * re-run, a re-entered wait) finishes the records (`afterFailed`) with the same attempt count. A
 * claim taken or settled meanwhile is returned as found.
 */
async function settleFailed(deps: Deps, claim: MailClaim, errorName: string): Promise<Extract<Claimed, { go: false }>> {
  try {
    await deps.store.markMailFailed(claim.caseId, claim.key, { attempts: claim.attempts, errorName });
    return settled({ ...claim, state: 'failed', errorName });
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
  }
  const found = await deps.store.getMailClaim(claim.caseId, claim.key);
  return found && found.state !== 'pending' ? settled(found) : { go: false, state: 'busy' };
}

/**
 * Counts one refused attempt on the case, once: its `email_failed` event (once by attempt) and
 * `deliveryFailures` (the case remembers the attempts it counted), each safe to repeat, so a run that
 * died between them is finished by the re-run, never counted twice.
 */
async function countFailure(deps: Deps, caseId: string, claim: MailClaim, errorName: string): Promise<void> {
  const once = `mail#${claim.key}#failed#${claim.attempts}`;
  await recordOnce(deps, once, { caseId, at: claim.attemptedAt, type: 'email_failed', actor: { kind: 'system' }, data: { template: claim.template, recipientRole: claim.recipientRole, attempt: claim.attempts, errorName } });
  await mutateCase(deps, caseId, (x) => (x.countedFailures?.includes(once) ? undefined : { deliveryFailures: x.deliveryFailures + 1, countedFailures: [...(x.countedFailures ?? []), once] }));
}

/**
 * What follows an email given up (its claim `failed`), each part once, so whoever finds the claim
 * failed finishes what the run that gave it up began: the last attempt's refusal counted
 * (`countFailure`), `email_undeliverable` on the case (template and recipient role, no address), the
 * log line `mail delivery failed` (caseId, template, errorName; logged again by a re-run that finishes, which is harmless: the alarm counts SES's refusals, `EmailFailed`, in the mailer), and an email to
 * the regency admin, once per case and template (not for a reporter's suppressed address). A claim
 * failed before its error was kept on it had all of this recorded before its mark: nothing to finish.
 */
async function afterFailed(deps: Deps, c: CaseRecord, claim: MailClaim): Promise<void> {
  const errorName = claim.errorName;
  if (!errorName) return;
  await countFailure(deps, c.caseId, claim, errorName);
  deps.log.warn('mail delivery failed', { caseId: c.caseId, template: claim.template, recipientRole: claim.recipientRole, errorName, attempt: claim.attempts });
  await recordOnce(deps, `mail#${claim.key}#undeliverable`, { caseId: c.caseId, at: claim.attemptedAt, type: 'email_undeliverable', actor: { kind: 'system' }, data: { template: claim.template, recipientRole: claim.recipientRole, attempts: claim.attempts, errorName } });
  // A reporter's address that bounced or complained gives the admin nothing to act on (the case goes on,
  // its tracking page says where it stands), and anyone can file with an address they made bounce: one
  // admin email per complaint would be theirs to drive. Recorded on the case and logged only.
  if (claim.recipientRole === 'reporter' && errorName === RECIPIENT_SUPPRESSED) return;
  await reportUndeliverable(deps, c, claim);
}

/**
 * Tells the regency admin that an email of a case could not be delivered, once per case and template:
 * its own claim, under the email rule, so a run that died before it went (or the sweep) sends it. A
 * broken SES must not turn failures into more mail: a refused report is given up at once, never retried.
 */
async function reportUndeliverable(deps: Deps, c: CaseRecord, failed: MailClaim): Promise<void> {
  const claimed = await claimMail(deps, c.caseId, {
    key: `undeliverable-report#${failed.template}`, template: 'deliveryFailed', recipientRole: 'admin', at: failed.attemptedAt,
    redo: { kind: 'undeliverable', failedKey: failed.key },
  });
  if (claimed.go) await sendUndeliverableReport(deps, c, claimed.claim, failed);
}

async function sendUndeliverableReport(deps: Deps, c: CaseRecord, claim: MailClaim, failed: MailClaim): Promise<void> {
  const admin = deps.directory.admin;
  let messageId: string;
  try {
    ({ messageId } = await deliver(deps, {
      from: deps.mailFrom, to: [admin.email],
      ...renderEmail({ template: 'deliveryFailed', recipientName: admin.name, trackingId: c.trackingId, failedTemplate: failed.template, recipientRole: failed.recipientRole, attempts: failed.attempts, errorName: failed.errorName ?? 'unknown', at: failed.attemptedAt }, admin.language),
      tags: { caseId: c.caseId, template: 'deliveryFailed' },
    }));
  } catch (err) {
    deps.log.warn('mail delivery failed', { caseId: c.caseId, template: 'deliveryFailed', recipientRole: 'admin', errorName: errorNameOf(err) });
    await settleFailed(deps, claim, errorNameOf(err));
    return;
  }
  await deps.store.markMailSent(c.caseId, claim.key, messageId, claim.attemptedAt);
}

/**
 * Sends one email of a case once, per the email rule (`claimMail`). A refusal that still has attempts
 * left raises MailDeliveryFailed (the state machine retries it with backoff); the last one is given
 * up, recorded and reported (`deliveryFailed`), and the state machine goes on.
 */
async function sendOnce(
  deps: Deps, c: CaseRecord, spec: Omit<MailSpec, 'inFlightMs'>, to: string[],
  compose: RenderedEmail | ((taskUrl: string | undefined) => RenderedEmail), grant?: GrantDraft,
): Promise<void> {
  const claimed = await claimMail(deps, c.caseId, { ...spec, refused: refusal(deps, to) });
  if (!claimed.go) {
    if (claimed.sent) await afterSent(deps, c.caseId, claimed.sent);
    if (claimed.failed) await afterFailed(deps, c, claimed.failed);
    return;
  }
  let outcome: Awaited<ReturnType<typeof deliverClaimed>>;
  try {
    outcome = await deliverClaimed(deps, c, claimed.claim, to, typeof compose === 'function' ? compose : () => compose, grant);
  } catch (err) {
    await releaseAfterFailure(deps, claimed.claim);
    throw err;
  }
  if (outcome === 'retry') {
    throw Object.assign(new Error(`Email ${spec.template} could not be sent`), { name: WorkflowError.deliveryFailed });
  }
}

/**
 * Appends an event once: the store keeps one event per `once` key (a conditional write), so a re-run
 * that finds the event written writes nothing, without reading the history first. `matches` is for
 * events written before they carried a key: only then is the history read (unless `firstRun`: the
 * caller knows that no earlier run got this far, as it just made the write that comes first). The
 * event is the last write of the step it records, so finding it means the step is done.
 */
async function recordOnce(deps: Deps, once: string, event: Omit<CaseEvent, 'seq' | 'once'>, matches?: (e: CaseEvent) => boolean, firstRun = false): Promise<void> {
  if (matches && !firstRun && (await deps.store.listEvents(event.caseId)).some(matches)) return;
  try {
    await record(deps, { ...event, once });
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err; // recorded by an earlier run
  }
}

/** Whether the event of `once` was written. */
async function hasEvent(deps: Deps, caseId: string, once: string): Promise<boolean> {
  return (await deps.store.listEvents(caseId)).some((e) => e.once === once);
}

// ---------------------------------------------------------------- deadlines

/** Computes (once per step/phase visit) when to remind, when the work is due, and each rung. */
export async function computeStepDeadlines(deps: Deps, req: DeadlinesRequest): Promise<Deadlines> {
  const key = `${req.id}#${req.visit}`;
  const dueFields = (d: Deadlines & { gaps: number[] }) => dueFieldsOf(req.scope, d);
  // Told its SOP (machines compiled since), the handler computes first and remembers the visit's
  // deadlines with their due fields in one conditional write, without reading the case: when the visit
  // has none yet and no calendar gap is to be recorded (the rare path below reads the case).
  if (req.sopId) {
    const computed = computeDeadlines({ calendar: deps.calendar, ...limitOf(deps.getSop(req.sopId), req), startedAt: new Date(req.enteredAt) });
    if (!computed.gaps.length && await deps.store.rememberDeadlines(req.caseId, req.scope, { key, value: computed }, dueFields(computed))) {
      const { gaps: _gaps, ...result } = computed;
      return beforeHandOver(req, { ...result, visit: req.visit });
    }
  }
  const c = await deps.store.getCase(req.caseId);
  if (!c) throw new Error(`Case ${req.caseId} does not exist`);
  const sop = deps.getSop(c.sopId);
  const computed = computeDeadlines({ calendar: deps.calendar, ...limitOf(sop, req), startedAt: new Date(req.enteredAt) });
  // Remembered on the case, with the due fields they set, in one conditional write: the first
  // computation of a visit is the one kept (a re-run, or a run that lost the race, reads it back).
  let stored = computed;
  await mutateCase(deps, c.caseId, (x) => {
    const kept = x.deadlines?.[req.scope];
    stored = kept?.key === key ? kept.value : computed;
    const due = dueFields(stored);
    const gaps = stored.gaps.every((y) => x.calendarGaps?.includes(y)) ? {} : { calendarGaps: [...new Set([...(x.calendarGaps ?? []), ...stored.gaps])] };
    const unchanged = kept?.key === key && Object.entries(due).every(([k, v]) => x[k as keyof CaseRecord] === v) && !gaps.calendarGaps;
    return unchanged ? undefined : { ...due, ...gaps, deadlines: { ...x.deadlines, [req.scope]: { key, value: stored } } };
  }, c);
  if (stored.gaps.length) {
    // Loud, not silent: the regency admin must add the holiday list of these years. Each part is
    // idempotent, so a re-run finishes what a run that died began.
    deps.log.warn('deadline computed without a holiday list: weekdays only', { caseId: c.caseId, years: stored.gaps, admin: deps.directory.admin.id });
    await recordOnce(deps, `gap#${req.scope}#${req.id}#${req.visit}`, { caseId: c.caseId, at: req.enteredAt, type: 'calendar_gap', actor: { kind: 'system' }, data: { years: stored.gaps } });
    await warnCalendarAdmin(deps, stored.gaps, c, req.enteredAt);
  }
  const { gaps: _gaps, ...result } = stored;
  // The visit goes back with its deadlines: the machine counts the visit with this very task.
  return beforeHandOver(req, { ...result, visit: req.visit });
}

/** The case's due fields a visit's deadlines set, by scope (written with them, in the same write). */
function dueFieldsOf(scope: DeadlinesRequest['scope'], d: Deadlines & { gaps: number[] }): Partial<CaseRecord> {
  return scope === 'replyWindow'
    ? { replyWindowEndsAt: d.dueAt }
    : { calendarVersion: d.calendarVersion, ...(scope === 'phase' ? { phaseDueAt: d.dueAt } : { stepDueAt: d.dueAt }) };
}

/**
 * A step whose clock hands over after its last rung (`req.continueBy`) must not begin a visit whose
 * ladder outlasts that instant: its hand-over would come after the execution's year. ContinueDue then
 * hands the visit over before it begins; the deadlines stay remembered, so the successor's visit keeps them.
 */
function beforeHandOver(req: Pick<DeadlinesRequest, 'id' | 'visit' | 'continueBy'>, deadlines: Deadlines): Deadlines {
  if (!req.continueBy) return deadlines;
  const last = Math.max(...[deadlines.remindAt, deadlines.dueAt, ...deadlines.rungs.map((r) => r.at)].map((at) => Date.parse(at)));
  if (last <= Date.parse(req.continueBy)) return deadlines;
  throw Object.assign(new Error(`Visit ${req.visit} of ${req.id} would outlast the hand-over at ${req.continueBy}: handed over first`), { name: WorkflowError.continueDue });
}

/** The limit and escalation ladder of a deadlines request's step, phase or reply window. */
function limitOf(sop: Sop, req: Pick<DeadlinesRequest, 'scope' | 'id'>) {
  if (req.scope === 'step') {
    const step = findStep(sop, req.id);
    return { limit: step.limit!, ladder: step.escalation ?? sop.escalation };
  }
  if (req.scope === 'phase') {
    const phase = sop.phases.find((p) => p.id === req.id)!;
    return { limit: phase.limit, ladder: phase.escalation ?? sop.escalation };
  }
  return { limit: sop.reporterReply.window, ladder: undefined };
}

const regencyScope = (deps: Deps) => `regency-${deps.directory.regency.id}`;

/**
 * Emails the regency admin, once per missing year for the whole regency, that deadlines are being
 * computed without that year's holiday list; every later case is still flagged on the case, in the
 * log and in the next report. The claim is the regency's, shared by every case: a pending one younger
 * than ten minutes is another case's attempt in flight. A refused email stays pending: the next
 * flagged deadline (or the repair sweep) sends it again.
 */
async function warnCalendarAdmin(deps: Deps, years: number[], c: CaseRecord, at: string): Promise<void> {
  for (const year of years) {
    const claimed = await claimMail(deps, regencyScope(deps), {
      key: `calendar-gap#${year}`, template: 'calendarGap', recipientRole: 'admin', at, inFlightMs: 10 * 60_000,
      redo: { kind: 'calendarGap', year, trackingId: c.trackingId, at },
    });
    if (claimed.go) await sendCalendarGap(deps, claimed.claim, year, c.trackingId, at, c.caseId);
  }
}

async function sendCalendarGap(deps: Deps, claim: MailClaim, year: number, trackingId: string, at: string, caseId?: string): Promise<void> {
  const admin = deps.directory.admin;
  let messageId: string;
  try {
    ({ messageId } = await deliver(deps, { from: deps.mailFrom, to: [admin.email], ...renderEmail({ template: 'calendarGap', recipientName: admin.name, year, trackingId, at }, admin.language), tags: { ...(caseId ? { caseId } : {}), template: 'calendarGap' } }));
  } catch (err) {
    const final = claim.attempts >= MAIL_ATTEMPTS;
    deps.log.warn(final ? 'mail delivery failed' : 'mail attempt failed; retried', { caseId, template: 'calendarGap', recipientRole: 'admin', year, errorName: errorNameOf(err), attempt: claim.attempts });
    if (final) await deps.store.markMailFailed(claim.caseId, claim.key);
    return;
  }
  await deps.store.markMailSent(claim.caseId, claim.key, messageId, claim.attemptedAt);
}

// ---------------------------------------------------------------- tasks

/** Creates a random link key and its hash; with `at`, a key that names its task (a task's own key: no lookup item). */
function newKey(deps: Deps, at?: KeyLocator): { key: string; keyHash: string } {
  const random = Buffer.from(deps.randomBytes(32)).toString('base64url');
  const key = at ? locatedKey(random, at) : random;
  return { key, keyHash: hashKey(key) };
}

/**
 * Opens a human task (or the reporter's window) and announces it: the email that carries its link.
 * In this order, each part safe to repeat, so that a run that dies at any point is finished by the
 * next (a Lambda retry, a resumed execution) or by the repair sweep:
 * 1. claim the announcement (pending) before the task exists, so that no task can be stored that
 *    the sweep's index of pending claims would not find;
 * 2. store the task, or — a re-entered state — re-bind the task of its slot to the new token;
 * 3. `announceTask`: the case's picture, its event, the email.
 * A re-entry whose announcement is sent only re-binds: no second key, no second email.
 */
export async function openTask(deps: Deps, req: OpenTaskRequest): Promise<void> {
  // The official a step's task goes to is, for most steps, one person whatever the case: their
  // suppression entry is read with the case, in one request, instead of by the mailer after.
  const expected = req.kind === 'official' ? expectedAssignee(deps, req.stepId) : undefined;
  const read = expected
    ? await deps.store.getCaseWithSuppressions(req.caseId, [addressHash(expected.email)])
    : { case: await deps.store.getCase(req.caseId), suppressions: undefined };
  const c = read.case;
  if (!c) throw new Error(`Case ${req.caseId} does not exist`);
  const slot = taskSlot(req.kind, req.stepId, req.visit);
  const sop = deps.getSop(c.sopId);
  let draft: Omit<TaskRecord, 'keyHash' | 'taskToken' | 'executionId' | 'version'>;
  let recipientRole: string;
  let recipient: string | undefined;
  if (req.kind === 'official') {
    const step = findStep(sop, req.stepId);
    const assignee: Person | undefined = assigneeOf(deps.directory, sop, step.role, unitsOf(c)) ?? headOf(deps.directory, sop, step.role, unitsOf(c));
    if (!assignee) {
      // A task opened before the role fell vacant is still re-bound.
      const existing = await deps.store.getTask(c.caseId, slot);
      if (existing) {
        await rebindTask(deps, existing, req);
        return;
      }
      throw new Error(`Nobody holds role ${step.role} for case ${c.caseId}`);
    }
    const dueAt = step.limit ? c.stepDueAt : sop.phases.some((p) => p.steps.includes(step.id)) ? c.phaseDueAt : undefined;
    draft = { caseId: c.caseId, slot, kind: 'official', stepId: step.id, visit: req.visit, status: 'open', role: step.role, assigneeId: assignee.id, openedAt: req.enteredAt, dueAt };
    recipientRole = step.role;
    recipient = assignee.email;
  } else {
    draft = { caseId: c.caseId, slot, kind: req.kind, stepId: req.stepId, visit: req.visit, status: 'open', role: 'reporter', openedAt: req.enteredAt, dueAt: c.replyWindowEndsAt };
    recipientRole = 'reporter';
    recipient = c.reporter?.email;
  }
  const template = req.kind === 'official' ? 'newTask' : req.kind === 'reporterReply' ? 'answer' : 'question';
  // A reporter without an email address gets no announcement (the answer is on the tracking page).
  const claimed = recipient
    ? await claimMail(deps, c.caseId, { key: `task#${slot}`, template, recipientRole, redo: { kind: 'task', slot }, at: req.enteredAt, refused: refusal(deps, [recipient], read.suppressions) })
    : undefined;
  try {
    await storeAndAnnounce(deps, req, c, sop, slot, draft, claimed, read.suppressions);
  } catch (err) {
    if (claimed?.go) await releaseAfterFailure(deps, claimed.claim);
    throw err;
  }
}

/** `openTask` once its announcement is claimed: the task stored or re-bound, then announced. */
async function storeAndAnnounce(
  deps: Deps, req: OpenTaskRequest, c: CaseRecord, sop: Sop, slot: string,
  draft: Omit<TaskRecord, 'keyHash' | 'taskToken' | 'executionId' | 'version'>, claimed: Claimed | undefined, known?: KnownSuppressions,
): Promise<void> {
  // The put comes first (it is conditional on the slot): a state is entered far more often than re-entered.
  const { key, keyHash } = newKey(deps, { caseId: c.caseId, slot });
  let task: TaskRecord | undefined = { ...draft, keyHash, keyLocated: true, taskToken: req.taskToken, executionId: req.executionId, version: 1 };
  let ownKey: string | undefined = key;
  try {
    await deps.store.putTask(task);
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
    const existing = await deps.store.getTask(c.caseId, slot);
    if (!existing || existing.keyHash === keyHash) throw err; // not the slot: its key lookup was refused
    task = await rebindTask(deps, existing, req);
    ownKey = undefined; // the key this run minted is not the task's
  }
  // Left to a later execution; or announced already (sent — what follows the mark is finished —, or
  // given up and reported), or being announced by the sweep: the case and its event came first.
  if (!task) return;
  if (claimed && !claimed.go) {
    if (claimed.sent) await afterSent(deps, c.caseId, claimed.sent);
    if (claimed.failed) {
      // Given up — maybe by this run, before the task was stored (its assignee refused): the case's
      // picture and its event first (each once), then the records of the give-up, in the order an
      // uninterrupted run leaves them.
      await announceTask(deps, c, sop, task, ownKey, undefined);
      await afterFailed(deps, c, claimed.failed);
    }
    return;
  }
  await announceTask(deps, c, sop, task, ownKey, claimed?.claim, known);
}

/** `expectedAssignee`'s answers, by step, for one directory (a directory loaded anew starts afresh). */
const expectedAssignees = new WeakMap<Deps['directory'], Map<string, Person | undefined>>();

/**
 * The official a task of step `stepId` goes to whatever the case, when the directory makes that one
 * person: every agency whose SOP has the step finds the same holder (or head) of the step's role in
 * its own unit. Undefined when they differ. A case routed to another unit since may go to someone
 * else: its real assignee's entry is then read by the mailer, as for any email. Kept per directory.
 */
function expectedAssignee(deps: Deps, stepId: string): Person | undefined {
  let byStep = expectedAssignees.get(deps.directory);
  if (!byStep) expectedAssignees.set(deps.directory, (byStep = new Map()));
  if (!byStep.has(stepId)) {
    const people = new Map<string, Person>();
    try {
      for (const agency of deps.directory.agencies) {
        const sop = deps.getSop(agency.sopId);
        const step = sop.steps.find((s) => s.id === stepId);
        if (!step) continue;
        const units = { agencyId: agency.id };
        const person = assigneeOf(deps.directory, sop, step.role, units) ?? headOf(deps.directory, sop, step.role, units);
        if (person) people.set(person.email.trim().toLowerCase(), person);
      }
    } catch {
      // Only a hint: a directory or SOP it cannot resolve (an agency's unknown SOP) gives none, and the
      // task is opened as it always was, the case read alone.
      people.clear();
    }
    byStep.set(stepId, people.size === 1 ? [...people.values()][0] : undefined);
  }
  return byStep.get(stepId);
}

/** The current step a case shows while this task is open. */
const currentStepOf = (task: TaskRecord): CurrentStep => ({ stepId: task.stepId, visit: task.visit, role: task.role, startedAt: task.openedAt, dueAt: task.dueAt, assigneeId: task.assigneeId });
const sameStep = (a: CurrentStep | undefined, b: CurrentStep) => !!a
  && a.stepId === b.stepId && a.visit === b.visit && a.role === b.role && a.startedAt === b.startedAt && a.dueAt === b.dueAt && a.assigneeId === b.assigneeId;

/**
 * Finishes opening a task: the case's picture (status, current step), its event, and — with a claim
 * of this attempt — the email, each once. `key` is the task's link key when this run stored the task;
 * otherwise a new key is minted (only hashes are kept), so a re-sent announcement carries a link that
 * works. Used by `openTask` and by the repair sweep. A refused email is recorded and left pending for
 * the sweep: it never keeps the task from opening, and the escalation ladder still runs.
 */
async function announceTask(deps: Deps, c: CaseRecord, sop: Sop, task: TaskRecord, key: string | undefined, claim: MailClaim | undefined, known?: KnownSuppressions): Promise<void> {
  if (task.status !== 'open') {
    // Decided (or handed over) meanwhile: nothing to announce any more.
    if (claim) await deps.store.dropMail(c.caseId, claim.key);
    return;
  }
  const base = { caseId: c.caseId, at: task.openedAt, actor: { kind: 'system' as const }, stepId: task.stepId, visit: task.visit };
  if (task.kind === 'official') {
    const step = currentStepOf(task);
    const opened = { ...base, type: 'step_opened' as const, to: task.assigneeId };
    // The case's first step (a case still `received`): its opening is one of the case's first events,
    // written inside the case item by the write that shows the step (one write, a bounded one per case).
    let embedded = false;
    const first = c.status === 'received' && !c.currentStep ? { event: { ...opened, once: `task#${task.slot}#opened` }, written: () => { embedded = true; } } : undefined;
    const held = await mutateCase(deps, c.caseId, (x) => {
      const status = x.status === 'received' || x.status === 'resolved' || x.status === 'awaiting_reporter' ? 'in_progress' : x.status;
      return status === x.status && sameStep(x.currentStep, step) ? undefined : { status, currentStep: step };
    }, c, first);
    // This run stored the task (it holds its key): no earlier run got as far as the event. A re-run reads
    // the history first: an earlier run may have written it inside the case item (the case's first step),
    // where the once-check of a write of its own item does not see it (on DynamoDB it would be listed
    // twice over, and out of its place).
    if (!embedded) await recordOnce(deps, `task#${task.slot}#opened`, opened, (e) => e.once === `task#${task.slot}#opened`, key !== undefined);
    if (findStep(sop, task.stepId).coordination) {
      await recordOnce(deps, `task#${task.slot}#coordination`, { ...base, type: 'coordination_requested', to: task.assigneeId, data: { slgDays: findStep(sop, task.stepId).limit?.amount ?? 0 } });
    }
    // The task a monitor rung opens (the inspectorate's): the late step's monitoring begins.
    const late = monitoringSteps(sop).get(task.stepId)?.lateStep;
    if (late && findStep(sop, late).escalation?.rungs.some((r) => r.kind === 'monitor' && r.step === task.stepId)) {
      await recordOnce(deps, `task#${task.slot}#monitoring`, { ...base, type: 'monitoring_opened', to: task.assigneeId, data: { lateStep: late } });
    }
    if (!claim) return;
    const assignee = task.assigneeId ? findPerson(deps.directory, task.assigneeId) : undefined;
    if (!assignee) {
      await deps.store.dropMail(c.caseId, claim.key);
      return;
    }
    const stepDef = findStep(sop, task.stepId);
    const link = key ?? (await newTaskKey(deps, task));
    if (!link) return;
    // The follow-up of a reply, or the step that asked a question, must see what the reporter wrote.
    const messages = held.replies > 0 || held.question !== undefined ? reporterMessages(await deps.store.listEvents(c.caseId)) : [];
    const email = renderEmail({
      template: 'newTask', recipientName: assignee.name, case: { ...caseSummary(deps, held, maySeeReporter(sop, task.role, held)), ...(messages.length ? { reporterMessages: messages } : {}) },
      step: stepSummary(sop, stepDef, task.dueAt, assignee.language), taskUrl: `${deps.publicUrl}/tasks/${link}`, now: task.openedAt,
    }, assignee.language);
    await deliverClaimed(deps, held, claim, [assignee.email], () => email, undefined, known);
    return;
  }
  // The reporter's window: after an answer (reply or rate) or a question (answer it).
  const replying = task.kind === 'reporterReply';
  const held = await mutateCase(deps, c.caseId, (x) => (replying
    ? (x.status === 'resolved' && !x.currentStep ? undefined : { status: 'resolved', currentStep: undefined })
    : (x.status === 'awaiting_reporter' ? undefined : { status: 'awaiting_reporter' })), c);
  await recordOnce(deps, `task#${task.slot}#opened`, { ...base, type: replying ? 'response_sent' : 'reporter_asked' }, undefined, key !== undefined);
  if (!held.reporter?.email) {
    // No email: the answer is on the tracking page; the reply link cannot reach them (see README).
    deps.log.info('reporter has no email; answer shown on the tracking page', { caseId: c.caseId });
    return;
  }
  if (!claim) return;
  const link = key ?? (await newTaskKey(deps, task));
  if (!link) return;
  const replyUrl = `${statusUrl(deps, held.trackingId)}/reply?key=${link}${held.language === 'en' ? '&lang=en' : ''}`;
  const summary = caseSummary(deps, held, false);
  // The official's file travels in the answer email itself, read before the claim is delivered.
  const attached = replying ? await responseEmailAttachment(deps, held) : undefined;
  const model: EmailModel = replying
    ? { template: 'answer', case: summary, response: held.response?.text ?? '', replyUrl, statusUrl: statusUrl(deps, held.trackingId), windowEndsAt: held.replyWindowEndsAt ?? task.openedAt }
    : { template: 'question', case: summary, question: held.question ?? '', replyUrl, windowEndsAt: held.replyWindowEndsAt ?? task.openedAt };
  await deliverClaimed(deps, held, claim, [held.reporter.email], () => {
    const email = renderEmail(model, held.language);
    return attached ? { ...email, attachments: [attached] } : email;
  });
}

/**
 * A new link key for an open task whose key is lost (a run that died before its announcement went):
 * the task's key is replaced, so only the newest announcement's link opens it (a copy that went out
 * just before the death answers 410). Undefined when the task changed meanwhile and is no longer open.
 */
async function newTaskKey(deps: Deps, task: TaskRecord): Promise<string | undefined> {
  let current: TaskRecord | undefined = task;
  for (let attempt = 0; current?.status === 'open'; attempt++) {
    const { key, keyHash } = newKey(deps, { caseId: current.caseId, slot: current.slot });
    try {
      await deps.store.updateTask(current.caseId, current.slot, current.version, { keyHash, keyLocated: true });
      return key;
    } catch (err) {
      if (!(err instanceof ConditionFailed) || attempt >= 4) throw err;
      current = await deps.store.getTask(task.caseId, task.slot);
    }
  }
  return undefined;
}

/**
 * The repair sweep's part: finishes the emails that runs left pending for longer than `graceMinutes`
 * before `now` (found through the index of pending claims, never a Scan): the announcement of a task
 * whose opening died half-way or whose email was refused, a notice the state machine gave up on, the
 * admin's calendar warning. Each is another attempt under the email rule; the last attempt gives the
 * email up, recorded and reported. Returns the claims it sent.
 */
export async function finishPendingMail(deps: Deps, now: Date, graceMinutes = 10): Promise<string[]> {
  // Never within an attempt's lease: the index carries no lease, the grace stands for it.
  const before = new Date(now.getTime() - Math.max(graceMinutes * 60_000, MAIL_LEASE_MS)).toISOString();
  const at = deps.calendar.format(now);
  const finished: string[] = [];
  for await (const claim of deps.store.pendingMail(before)) {
    try {
      if (await finishClaim(deps, claim, at)) finished.push(`${claim.caseId}/${claim.key}`);
    } catch (err) {
      // One stubborn email must not hold back the others; the next sweep tries it again.
      deps.log.warn('pending mail not finished', { caseId: claim.caseId, template: claim.template, errorName: errorNameOf(err) });
    }
  }
  if (finished.length) deps.log.info('pending mail finished', { count: finished.length });
  return finished;
}

/**
 * Ends the lease of every pending email: for a host that has just started and runs every attempt
 * itself — the local runtime after a restart, a `kill -9` included — no attempt begun before it is
 * in flight, so what its dead process left pending is sent by the re-runs at once rather than after
 * the leases run out. Call before anything can send. (Never on AWS, where runs overlap: there a lease
 * ends with its window.) Returns how many claims were pending.
 */
export async function releaseInFlightMail(deps: Pick<Deps, 'store'>): Promise<number> {
  let pending = 0;
  for await (const claim of deps.store.pendingMail('9999-12-31T23:59:59.999Z')) {
    await deps.store.releaseMail(claim.caseId, claim.key, claim.attempts);
    pending++;
  }
  return pending;
}

async function finishClaim(deps: Deps, claim: MailClaim, at: string): Promise<boolean> {
  const redo = claim.redo;
  if (redo.kind === 'calendarGap') {
    const taken = await retakeMail(deps, claim, at);
    if (!taken.go) return false;
    await sendCalendarGap(deps, taken.claim, redo.year, redo.trackingId, redo.at);
    return (await deps.store.getMailClaim(claim.caseId, claim.key))?.state === 'sent';
  }
  const c = await deps.store.getCase(claim.caseId);
  if (!c) return false;
  if (redo.kind === 'undeliverable') {
    // The admin's report of a given-up email, whose run died before it went.
    const failed = await deps.store.getMailClaim(c.caseId, redo.failedKey);
    if (failed?.state !== 'failed') {
      await deps.store.dropMail(c.caseId, claim.key);
      return false;
    }
    const taken = await retakeMail(deps, claim, at);
    if (!taken.go) return false;
    await sendUndeliverableReport(deps, c, taken.claim, failed);
    return (await deps.store.getMailClaim(claim.caseId, claim.key))?.state === 'sent';
  }
  if (redo.kind === 'notify') {
    // The notice itself decides again: moot (its step is done) drops the claim; else another attempt, begun now.
    await notify(deps, redo.request, at);
    return (await deps.store.getMailClaim(claim.caseId, claim.key))?.state === 'sent';
  }
  const task = await deps.store.getTask(c.caseId, redo.slot);
  if (!task) {
    // Claimed by a run that died before storing its task: the execution's re-run stores it. One that
    // never comes (the execution failed) leaves nothing to announce: forget it after a day.
    if (Date.parse(at) - Date.parse(claim.attemptedAt) > 24 * 3600_000) {
      deps.log.warn('announcement dropped: its task was never stored', { caseId: c.caseId, slot: redo.slot });
      await deps.store.dropMail(c.caseId, claim.key);
    }
    return false;
  }
  const to = task.kind === 'official' ? (task.assigneeId ? findPerson(deps.directory, task.assigneeId)?.email : undefined) : c.reporter?.email;
  const taken = await retakeMail(deps, claim, at, to ? refusal(deps, [to]) : undefined);
  if (!taken.go) {
    if (taken.failed) {
      // Given up now (the recipient is suppressed): as openTask does when it finds it so.
      await announceTask(deps, c, deps.getSop(c.sopId), task, undefined, undefined);
      await afterFailed(deps, c, taken.failed);
    }
    return false;
  }
  await announceTask(deps, c, deps.getSop(c.sopId), task, undefined, taken.claim);
  return (await deps.store.getMailClaim(claim.caseId, claim.key))?.state === 'sent';
}

/**
 * A re-entered wait (Lambda retry, resumed local execution, or the successor of a hand-over) binds
 * the task it finds to its own token: no second key, no second email. The successor's re-bind ends
 * the hold of the hand-over. A token is only ever taken by the same execution or a later one: an
 * older execution re-entering its wait (a restart during a hand-over) leaves it to the successor
 * (then undefined).
 */
async function rebindTask(deps: Deps, found: TaskRecord, req: OpenTaskRequest): Promise<TaskRecord | undefined> {
  let task = found;
  for (let attempt = 0; ; attempt++) {
    if (task.executionId && isLaterExecution(task.caseId, task.executionId, req.executionId)) {
      deps.log.info('task left to the execution that continued this one', { caseId: task.caseId, slot: task.slot });
      return undefined;
    }
    try {
      const bound = await deps.store.updateTask(task.caseId, task.slot, task.version, { taskToken: req.taskToken, executionId: req.executionId, handingOverTo: undefined });
      deps.log.info('task re-bound to a new token', { caseId: task.caseId, slot: task.slot });
      return bound;
    } catch (err) {
      // Changed meanwhile (a hand-over to a Plt/Plh, a hold): read it again and re-bind that.
      if (!(err instanceof ConditionFailed) || attempt >= 4) throw err;
      task = (await deps.store.getTask(task.caseId, task.slot))!;
    }
  }
}

// ---------------------------------------------------------------- outcomes

/**
 * Records what happened: decisions, verdicts (once), the reporter's feedback, closure; and hands a
 * case over to a successor execution (`continueAsNew`). Only `started` returns something the
 * machine keeps: when this execution is to hand over.
 */
export async function recordOutcome(deps: Deps, req: OutcomeRequest): Promise<OutcomeResult> {
  if (req.kind === 'started') {
    // The execution names itself on the case, with the instant it hands over by, and the start's event:
    // one write (intake does not write the case again after starting it). A retried (or, locally,
    // resumed) Record start keeps the first instant; a successor (already named by the hand-over)
    // fixes its own; the event is once per case (a successor adds none). The first visit's deadlines,
    // computed before (told the SOP by the execution's input), go in the same write.
    const start = {
      executionId: req.executionId,
      continueByAt: deps.calendar.format(continueBy(new Date(req.enteredAt))),
      event: { caseId: req.caseId, at: req.enteredAt, type: 'workflow_started' as const, actor: { kind: 'system' as const }, data: { executionId: req.executionId }, once: 'outcome#started' },
    };
    const first = firstVisitDeadlines(deps, req);
    let updated = await deps.store.recordStart(req.caseId, first ? { ...start, deadlines: first } : start);
    // Not this execution's start: the deadlines were not the case's to take (a case written before cases
    // kept them, or one holding this visit's already), so nothing was written. The start alone, as before.
    if (updated && first && updated.continueBy?.executionId !== req.executionId) updated = await deps.store.recordStart(req.caseId, start);
    if (!updated) throw new Error(`Case ${req.caseId} does not exist`);
    // The first visit's deadlines as the case keeps them (this write's, or a first run's that a re-run
    // finds): answered without another write. Anything else (a calendar gap to record, no SOP told) is
    // computed as the visit's deadlines task would.
    const kept = first && updated.deadlines?.[first.scope];
    const sopDeadlines = deadlinesOf(deps, req, updated.sopId);
    const deadlines: DeadlinesOf = async (ask) => {
      if (!kept || ask.scope !== first!.scope || kept.key !== `${ask.id}#${ask.visit}` || kept.value.gaps.length) return sopDeadlines(ask);
      const { gaps: _gaps, ...value } = kept.value;
      return beforeHandOver(ask, { ...value, visit: ask.visit });
    };
    try {
      return await answerBeginning(req, outcomeAnswer(req, { continueBy: updated.continueBy!.at }), deadlines);
    } catch (err) {
      // Only a ladder longer than an execution's whole span can outlast the hand-over from the very start: loud (the execution parks).
      if ((err as Error).name !== WorkflowError.continueDue) throw err;
      throw new Error(`SOP ${updated.sopId}: the first visit's ladder outlasts an execution's hand-over span (${(err as Error).message}); shorten its limits`);
    }
  }
  const c = await deps.store.getCase(req.caseId);
  if (!c) throw new Error(`Case ${req.caseId} does not exist`);
  const sop = deps.getSop(c.sopId);
  switch (req.kind) {
    case 'continueAsNew':
      await continueAsNew(deps, c, req);
      return;
    case 'stepDone': {
      // The event is written last: once it exists the decision is recorded; before, every part is repeated safely.
      const once = `outcome#step#${req.stepId}#${req.visit}`;
      const step = findStep(sop, req.stepId);
      // A machine goes straight on from a step with one action (no route to refuse another): refused
      // here, loud (the execution parks and the admin is told), never recorded as something else.
      if (!step.actions.some((a) => a.id === req.decision.action)) {
        throw new Error(`Step ${step.id} has no action "${req.decision.action}" (case ${c.caseId}, visit ${req.visit})`);
      }
      // Recorded already (a re-run): only the next visit is left to begin, as the first run did.
      if (await hasEvent(deps, c.caseId, once)) return answerBeginning(req, undefined, deadlinesOf(deps, req, c.sopId));
      // The texts as the person typed them, stored on the task before the decision was delivered.
      const decision = await storedDecision(deps, c, req);
      const action = step.actions.find((a) => a.id === decision.action);
      const patch: Partial<CaseRecord> = {};
      for (const f of action?.fields ?? []) {
        const value = decision.fields[f.name]?.trim();
        if (!value) continue;
        if (f.meaning === 'routeAgency') patch.routedAgencyId = value;
        if (f.meaning === 'responseDraft') Object.assign(patch, { responseDraft: value, approval: undefined });
        if (f.meaning === 'approvedResponse') Object.assign(patch, { responseDraft: value, approval: { stepId: step.id, visit: req.visit } });
        if (f.meaning === 'response') patch.response = { text: value, at: decision.decidedAt, byPersonId: decision.actor.personId };
        if (f.meaning === 'question') patch.question = value;
        if (f.meaning === 'reason' && action?.goto === '@reject') patch.rejectionReason = value;
      }
      if (action?.routeTo === 'inspectorate') patch.routedAgencyId = 'inspectorate';
      if (action?.sends === 'approved') patch.response = { text: await approvedResponse(deps, c, sop), at: decision.decidedAt, byPersonId: decision.actor.personId };
      // The official's file (stored before the decision) goes with the answer, and onto the case's files.
      const file = decision.file;
      if (patch.response && file) patch.response.file = file;
      const updated = await mutateCase(deps, c.caseId, (x) => {
        const attachments = file && !x.attachments?.some((a) => a.by === 'official' && a.slot === file.slot) ? { attachments: [...(x.attachments ?? []), file] } : {};
        const verdicts = req.sla && !x.verdicts.some((v) => v.scope === 'step' && v.id === step.id && v.visit === req.visit)
          ? [...x.verdicts, slaVerdict({
              calendar: deps.calendar, scope: 'step', id: step.id, visit: req.visit, unit: step.limit!.unit, deadlines: req.sla,
              endedAt: new Date(decision.decidedAt),
              escalatedTo: x.escalations.filter((e) => e.stepId === step.id && e.visit === req.visit).map((e) => e.to),
            })]
          : x.verdicts;
        const firstAnsweredAt = patch.response ? x.firstAnsweredAt ?? patch.response.at : x.firstAnsweredAt;
        return { ...patch, ...attachments, firstAnsweredAt, verdicts, currentStep: x.currentStep?.stepId === step.id ? { ...x.currentStep, dueAt: undefined } : x.currentStep };
      }, c);
      countBreach(deps, updated, 'step', step.id, req.visit);
      // Before the event (the last write): a re-run informs whoever was not told yet. A refused email
      // stays pending for the repair sweep; it never holds the case.
      if (action?.inform.length) {
        try {
          await notify(deps, { caseId: c.caseId, executionId: req.executionId, enteredAt: req.enteredAt, template: 'informed', stepId: step.id, visit: req.visit });
        } catch (err) {
          if ((err as Error).name !== WorkflowError.deliveryFailed) throw err;
          deps.log.warn('informing email left to the repair sweep', { caseId: c.caseId, stepId: step.id });
        }
      }
      if (step.coordination) await recordCoordination(deps, updated, step, req.visit, decision, once);
      if (action?.records) await recordDecisionEvent(deps, sop, updated, step, req.visit, action.records, decision, once);
      // The late step done: its monitoring path (if one opened) has nothing left to monitor.
      await endMonitoring(deps, sop, c.caseId, step.id, req.visit, decision.decidedAt);
      // A monitoring path ended: the case shows the late step again, whose task is still open.
      const late = monitoringSteps(sop).get(step.id)?.lateStep;
      if (late && action?.goto === '@end') {
        const lateTask = await deps.store.getTask(c.caseId, taskSlot('official', late, req.visit));
        if (lateTask?.status === 'open') await mutateCase(deps, c.caseId, (x) => (x.currentStep?.stepId === step.id ? { currentStep: currentStepOf(lateTask) } : undefined));
      }
      // The history keeps what the officials wrote for each other, and the question put to the reporter (its answer follows it).
      const notes = Object.fromEntries((action?.fields ?? []).filter((f) => f.meaning === 'note' || f.meaning === 'reason' || f.meaning === 'question').map((f) => [f.name, decision.fields[f.name]]).filter(([, v]) => v));
      await recordOnce(deps, once, {
        caseId: c.caseId, at: decision.decidedAt, type: 'step_completed', stepId: step.id, visit: req.visit,
        actor: { kind: 'official', personId: decision.actor.personId, role: decision.actor.role, ...(decision.actor.onBehalfOf ? { onBehalfOf: decision.actor.onBehalfOf } : {}) },
        data: { action: decision.action, ...notes },
      });
      return answerBeginning(req, undefined, deadlinesOf(deps, req, c.sopId));
    }
    case 'phaseDone': {
      const phase = sop.phases.find((p) => p.id === req.phaseId)!;
      // The verdict is the record: once there, a re-run changes nothing.
      const updated = await mutateCase(deps, c.caseId, (x) => (x.verdicts.some((v) => v.scope === 'phase' && v.id === phase.id && v.visit === req.visit) ? undefined : {
        verdicts: [...x.verdicts, slaVerdict({
          calendar: deps.calendar, scope: 'phase', id: phase.id, visit: req.visit, unit: phase.limit.unit, deadlines: req.sla,
          endedAt: new Date(req.enteredAt),
          escalatedTo: x.escalations.filter((e) => e.stepId === phase.id && e.visit === req.visit).map((e) => e.to),
        })],
      }), c);
      countBreach(deps, updated, 'phase', phase.id, req.visit);
      return answerBeginning(req, outcomeAnswer(req), deadlinesOf(deps, req, c.sopId));
    }
    case 'reporterFeedback': {
      // Each part is idempotent (a re-run repeats what a run that died may have done).
      const once = `outcome#feedback#${req.visit}`;
      // The reporter's words as written, stored on the reply task before the feedback was delivered.
      const f = await storedFeedback(deps, c, req);
      // A reply counts once: a re-run finds its instant among the replies.
      const updated = await mutateCase(deps, c.caseId, (x) => ({
        ...(f.rating || f.satisfied ? { rating: { satisfied: f.satisfied, rating: f.rating, comment: f.comment, at: f.at } } : {}),
        ...(f.satisfied || x.repliedAt?.includes(f.at) ? {} : { replies: x.replies + 1, repliedAt: [...(x.repliedAt ?? []), f.at], status: 'in_progress' as const }),
      }), c);
      if (f.rating || f.satisfied) await recordOnce(deps, `${once}#rated`, { caseId: c.caseId, at: f.at, type: 'rated', actor: { kind: 'reporter' }, data: { satisfied: f.satisfied, rating: f.rating } });
      if (!f.satisfied) await recordOnce(deps, `${once}#replied`, { caseId: c.caseId, at: f.at, type: 'reporter_replied', actor: { kind: 'reporter' }, visit: req.visit, data: { comment: f.comment, ...(f.rating ? { rating: f.rating } : {}) } });
      // The machine goes from a satisfied reply straight to the closing email: the closure is recorded here.
      if (req.closeWhenSatisfied && f.satisfied) await closeCase(deps, updated, 'rated', req.enteredAt);
      return outcomeAnswer(req, { satisfied: f.satisfied });
    }
    case 'reporterAnswered': {
      const task = await deps.store.getTask(c.caseId, taskSlot('reporterAnswer', req.stepId, req.visit));
      const given = task?.given?.kind === 'reporter' ? task.given : undefined;
      if (task && given) await noteDelivered(deps, task, req.enteredAt);
      if (!given?.comment) {
        deps.log.warn('reporter answer without a stored text', { caseId: c.caseId, stepId: req.stepId, visit: req.visit });
        return;
      }
      await recordOnce(deps, `outcome#answer#${req.stepId}#${req.visit}`, { caseId: c.caseId, at: given.at, type: 'reporter_answered', actor: { kind: 'reporter' }, stepId: req.stepId, visit: req.visit, data: { answer: given.comment } },
        (ev) => ev.type === 'reporter_answered' && ev.stepId === req.stepId && ev.visit === req.visit);
      return;
    }
    case 'closed':
      await closeCase(deps, c, req.reason, req.enteredAt);
      return;
  }
}

/**
 * The first visit's deadlines Record start remembers in its own write (`ExecutionStart.deadlines`): for
 * a new execution (not a successor, which begins nothing) told its SOP by its input, whose first state
 * has deadlines of a named step or phase, computed at this task's instant as its deadlines task would.
 * Visit 1: Record start counts the first counter from `{n: 0}` (`answerBeginning`). None when the
 * computation meets a year without holidays: that path records the gap and warns the admin.
 */
function firstVisitDeadlines(deps: Deps, req: Extract<OutcomeRequest, { kind: 'started' }>): ExecutionStart['deadlines'] {
  const ask = req.first?.deadlines;
  const sopId = req.input?.sopId;
  if (!ask?.id || !sopId || req.input?.resume !== undefined) return undefined;
  const computed = computeDeadlines({ calendar: deps.calendar, ...limitOf(deps.getSop(sopId), { scope: ask.scope, id: ask.id }), startedAt: new Date(req.enteredAt) });
  if (computed.gaps.length) return undefined;
  return { scope: ask.scope, remembered: { key: `${ask.id}#1`, value: computed }, due: dueFieldsOf(ask.scope, computed) };
}

/**
 * The deadlines of the visit an outcome task begins for the state after it (`answerBeginning`),
 * computed and remembered as that visit's deadlines task would: at this task's instant, once per visit.
 */
function deadlinesOf(deps: Deps, req: { caseId: string; executionId: string; enteredAt: string }, sopId: string): DeadlinesOf {
  return (ask) => computeStepDeadlines(deps, { caseId: req.caseId, executionId: req.executionId, enteredAt: req.enteredAt, sopId, ...ask });
}

/** Closes a case (`at`: the closing state's instant). Setting the same fields again changes nothing; the event is written once. */
async function closeCase(deps: Deps, c: CaseRecord, reason: Extract<OutcomeRequest, { kind: 'closed' }>['reason'], at: string): Promise<void> {
  const rejected = reason === 'rejected';
  const endedMonth = deps.calendar.localDate(new Date(at)).slice(0, 7);
  await mutateCase(deps, c.caseId, () => ({ status: rejected ? 'rejected' : 'closed', closedAt: at, endedMonth, closeReason: reason, currentStep: undefined }), c);
  await recordOnce(deps, 'outcome#closed', { caseId: c.caseId, at, type: rejected ? 'rejected' : 'closed', actor: { kind: 'system' }, data: { reason } });
}

/**
 * The decision event an action names (`Action.records`: the monitoring path's reprimand recommended,
 * declined, issued), with the official as actor and the action's fields as data. A recommendation is
 * also kept among the case's escalations as a reprimand (to the Bupati, against the late step), as the
 * ladder's email recommendation was: the reports count it the same way. Each once.
 */
async function recordDecisionEvent(deps: Deps, sop: Sop, c: CaseRecord, step: Step, visit: number, type: NonNullable<Step['actions'][number]['records']>, decision: Omit<OfficialDecision, 'kind'>, once: string): Promise<void> {
  const late = monitoringSteps(sop).get(step.id)?.lateStep ?? step.id;
  if (type === 'reprimand_recommended') {
    const level = findStep(sop, late).escalation?.rungs.findIndex((r) => r.kind === 'monitor') ?? -1;
    await mutateCase(deps, c.caseId, (x) => (x.escalations.some((e) => e.kind === 'reprimand' && e.stepId === late && e.visit === visit)
      ? undefined
      : { escalations: [...x.escalations, { level: level + 1, to: deps.directory.bupati.id, at: decision.decidedAt, stepId: late, visit, kind: 'reprimand' }] }), c);
  }
  await recordOnce(deps, `${once}#${type}`, {
    caseId: c.caseId, at: decision.decidedAt, type, stepId: step.id, visit,
    actor: { kind: 'official', personId: decision.actor.personId, role: decision.actor.role, ...(decision.actor.onBehalfOf ? { onBehalfOf: decision.actor.onBehalfOf } : {}) },
    ...(type === 'reprimand_issued' ? { to: deps.directory.bupati.id } : {}),
    data: { lateStep: late, ...decision.fields },
  });
}

/**
 * A coordination step done: kept on the case (the recap's SLG figure) and recorded as
 * `coordination_done {slgDays, onTime}`, on time by the step's own verdict. Each once.
 */
async function recordCoordination(deps: Deps, c: CaseRecord, step: Step, visit: number, decision: Omit<OfficialDecision, 'kind'>, once: string): Promise<void> {
  const onTime = c.verdicts.find((v) => v.scope === 'step' && v.id === step.id && v.visit === visit)?.onTime ?? true;
  const slgDays = step.limit?.amount ?? 0;
  await mutateCase(deps, c.caseId, (x) => ((x.coordinations ?? []).some((k) => k.stepId === step.id && k.visit === visit)
    ? undefined
    : { coordinations: [...(x.coordinations ?? []), { stepId: step.id, visit, at: decision.decidedAt, slgDays, onTime }] }), c);
  await recordOnce(deps, `${once}#coordination`, {
    caseId: c.caseId, at: decision.decidedAt, type: 'coordination_done', stepId: step.id, visit,
    actor: { kind: 'official', personId: decision.actor.personId, role: decision.actor.role, ...(decision.actor.onBehalfOf ? { onBehalfOf: decision.actor.onBehalfOf } : {}) },
    data: { slgDays, onTime },
  });
}

/**
 * A late step decided: the tasks of its monitoring path still open for that visit end (`expired`:
 * their links say the task has ended), since the race that waited for them is over. A decision
 * already taken there stands, with its events.
 */
async function endMonitoring(deps: Deps, sop: Sop, caseId: string, lateStep: string, visit: number, at: string): Promise<void> {
  for (const [id, m] of monitoringSteps(sop)) {
    if (m.lateStep !== lateStep) continue;
    const task = await deps.store.getTask(caseId, taskSlot('official', id, visit));
    if (task?.status !== 'open') continue;
    try {
      await deps.store.updateTask(caseId, task.slot, task.version, { status: 'expired', decidedAt: at });
    } catch (err) {
      // Decided a moment ago: its decision stands (the execution's race is over; the record is kept).
      if (!(err instanceof ConditionFailed)) throw err;
    }
  }
}

/**
 * The response as approved, word for word, from the approval task the case points to (issue 13
 * item 4: what reaches the reporter is exactly what the approver signed). None means the flow let a
 * send through without an approval: an SOP defect, raised (the case parks, the admin is told) rather
 * than anything unapproved being sent.
 */
export async function approvedResponse(deps: Pick<Deps, 'store'>, c: CaseRecord, sop: Sop): Promise<string> {
  const text = await findApprovedResponse(deps, c, sop);
  if (text === undefined) throw new Error(`Case ${c.caseId}: no approved response to send`);
  return text;
}

/** The approved response of a case, if one stands (undefined after a new draft withdrew it). */
export async function findApprovedResponse(deps: Pick<Deps, 'store'>, c: CaseRecord, sop: Sop): Promise<string | undefined> {
  if (!c.approval) return undefined;
  const task = await deps.store.getTask(c.caseId, taskSlot('official', c.approval.stepId, c.approval.visit));
  const given = task?.given?.kind === 'official' ? task.given : undefined;
  const field = given && findStep(sop, c.approval.stepId).actions.find((a) => a.id === given.action)?.fields.find((f) => f.meaning === 'approvedResponse');
  return field ? given!.fields[field.name] : undefined;
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

/** The SlaBreached metric, once per late verdict: counted by the run that recorded the verdict. */
function countBreach(deps: Deps, c: CaseRecord, scope: 'step' | 'phase', id: string, visit: number): void {
  const verdict = c.verdicts.find((v) => v.scope === scope && v.id === id && v.visit === visit);
  if (verdict && !verdict.onTime) deps.metrics?.count('SlaBreached');
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
  // Before the visit began (its deadlines raised ContinueDue) there is no task to hold, and none can
  // open here: this execution goes no further than this state.
  const task = req.beforeVisit ? undefined : await deps.store.getTask(c.caseId, slot);
  // A retry after the successor re-bound the task: the hold is over, the start below is a repeat.
  const takenUp = !!task?.executionId && isLaterExecution(c.caseId, task.executionId, req.executionId);
  if (!takenUp && !req.beforeVisit) {
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
  // The successor takes a visit up by uncounting it and counting it again: a visit not begun here is
  // given to it counted (the machine's counter of `resume.at` is the step's: JSONPath-safe, dashes as `_`).
  const resume = req.beforeVisit
    ? { ...req.resume, visits: { ...req.resume.visits, [visitKey(req.resume.at)]: { n: req.task.visit } } }
    : req.resume;
  const input: ExecutionInput = { caseId: c.caseId, sopId: c.sopId, resume };
  let executionArn: string;
  try {
    ({ executionArn } = await deps.workflow.start(c.sopId, successor, input));
  } catch (err) {
    // The hold stays: the start may have happened (a lost answer), and a retry repeats it harmlessly.
    deps.log.warn('successor execution not started; retried', { caseId: c.caseId, successor, errorName: err instanceof Error ? err.name : 'unknown' });
    throw continuePending('the successor execution could not be started');
  }
  await mutateCase(deps, c.caseId, (x) => (x.executionArn === executionArn || (x.executionArn && x.executionArn !== req.executionId) ? undefined : { executionArn }));
  await recordOnce(deps, `outcome#continued#${successor}`, {
    caseId: c.caseId, at: req.enteredAt, type: 'workflow_continued', actor: { kind: 'system' },
    data: { from: req.executionId, to: executionArn, at: req.resume.at },
  });
}

// ---------------------------------------------------------------- notifications

/**
 * Sends the email a state asks for, to the right people, once per (template, step/phase, visit, level).
 * `attemptAt` is when this attempt begins: the state's entry, or the repair sweep's now when it sends
 * a notice again from its claim (whose request keeps the entry it was first made at).
 */
export async function notify(deps: Deps, req: NotifyRequest, attemptAt = req.enteredAt): Promise<void> {
  const c = await caseToNotify(deps, req);
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
      // From the stored filing instant, not this attempt's: every attempt (a re-run after a death, a
      // resumed execution, the sweep) renders the same email. The first step's own deadlines are not
      // computed yet: the machine acknowledges before it enters that step.
      const firstDue = limit ? deps.calendar.format(deps.calendar.addLimit(new Date(c.submittedAt), limit).at) : undefined;
      const email = renderEmail({ template: 'acknowledgement', case: caseSummary(deps, c, false), statusUrl: statusUrl(deps, c.trackingId), firstStep: stepSummary(sop, first, firstDue, c.language), sopTitle: sop.title[c.language] }, c.language);
      return sendOnce(deps, c, reporterMail(req, onceKey, attemptAt), [reporterEmail], email);
    }
    case 'closing':
    case 'rejection': {
      if (!reporterEmail) return;
      const model: EmailModel = req.template === 'closing'
        ? { template: 'closing', case: caseSummary(deps, c, false), reason: c.closeReason ?? 'closed_by_official', statusUrl: statusUrl(deps, c.trackingId) }
        : { template: 'rejection', case: caseSummary(deps, c, false), reason: c.rejectionReason ?? '', statusUrl: statusUrl(deps, c.trackingId) };
      return sendOnce(deps, c, reporterMail(req, onceKey, attemptAt), [reporterEmail], renderEmail(model, c.language));
    }
    case 'reminder':
    case 'escalation':
    case 'reprimand':
      return notifyLadder(deps, c, sop, req, onceKey, attemptAt);
    case 'informed':
      return notifyInformed(deps, c, sop, req, onceKey, attemptAt);
  }
}

/**
 * The case a notice is about. The acknowledgement shows only what intake wrote (the complaint, its
 * reporter, whether the acknowledgement is withheld: nothing changes them before it), so it reads the
 * case eventually consistently (half the read units): a read a moment stale shows the same email. One
 * that finds no case (written a moment ago, not shown yet) reads again consistently. Every other notice
 * depends on what the machine's last state wrote (the current step, the closing reason): consistent.
 */
async function caseToNotify(deps: Deps, req: NotifyRequest): Promise<CaseRecord | undefined> {
  if (req.template !== 'acknowledgement') return deps.store.getCase(req.caseId);
  return (await deps.store.getCase(req.caseId, { consistent: false })) ?? deps.store.getCase(req.caseId);
}

/**
 * The roles an action informs (`Action.inform`): each holder gets, once, an email saying who settled
 * the step and what the reporter was sent (read from the step's task, word for word), and the case
 * records `official_informed`. No task and no link to act: they are told, not asked.
 */
async function notifyInformed(deps: Deps, c: CaseRecord, sop: Sop, req: NotifyRequest, onceKey: string, attemptAt: string): Promise<void> {
  const task = req.stepId && req.visit ? await deps.store.getTask(c.caseId, taskSlot('official', req.stepId, req.visit)) : undefined;
  const given = task?.given?.kind === 'official' ? task.given : undefined;
  const step = findStep(sop, req.stepId ?? '');
  const action = given && step.actions.find((a) => a.id === given.action);
  if (!given || !action) return;
  const actor = findPerson(deps.directory, given.actor.personId);
  const sent = action.fields.find((f) => f.meaning === 'response');
  for (const roleId of action.inform) {
    const person = assigneeOf(deps.directory, sop, roleId, unitsOf(c)) ?? headOf(deps.directory, sop, roleId, unitsOf(c));
    if (!person) {
      deps.log.warn('nobody holds a role to inform', { caseId: c.caseId, role: roleId });
      continue;
    }
    const key = `${onceKey}#${roleId}`;
    const email = renderEmail({
      template: 'informed', recipientName: person.name, actorName: actor?.name ?? given.actor.personId, stepName: step.name[person.language], actionLabel: action.label[person.language],
      ...(sent && given.fields[sent.name] !== undefined ? { text: given.fields[sent.name] } : {}),
      case: caseSummary(deps, c, maySeeReporter(sop, roleId, c)), statusUrl: statusUrl(deps, c.trackingId), now: given.decidedAt,
    }, person.language);
    await sendOnce(deps, c, noticeMail(req, key, roleId, attemptAt), [person.email], email);
    await recordOnce(deps, `${key}#event`, { caseId: c.caseId, at: given.decidedAt, type: 'official_informed', actor: { kind: 'system' }, stepId: step.id, visit: req.visit, to: person.id, data: { role: roleId, action: action.id } });
  }
}

/** The claim of a notice: its request is what the repair sweep sends it again with. */
const noticeMail = (req: NotifyRequest, key: string, recipientRole: string, at: string) => ({ key, template: req.template, recipientRole, redo: { kind: 'notify' as const, request: req }, at });
const reporterMail = (req: NotifyRequest, key: string, at: string) => noticeMail(req, key, 'reporter', at);

/**
 * The ladder's emails: the reminder to the assignee, each rung, the reprimand recommendation. Each
 * carries a link of the recipient's own to the current task (a grant): the reminder's lets the
 * assignee act; a rung's lets its recipient act or only view, as the SOP says (`rungGrant`).
 */
async function notifyLadder(deps: Deps, c: CaseRecord, sop: Sop, req: NotifyRequest, onceKey: string, attemptAt: string): Promise<void> {
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
    // An attempt left pending before the work ended (the repair sweep's retry) is moot now.
    await deps.store.dropMail(c.caseId, onceKey);
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
    await sendOnce(deps, c, noticeMail(req, onceKey, step.role, attemptAt), [assignee.email], compose, grantFor(assignee, 'act', 'reminder', step.role));
    await recordOnce(deps, `${onceKey}#event`, { caseId: c.caseId, at: req.enteredAt, type: 'reminder_sent', actor: { kind: 'system' }, stepId: step.id, visit: current!.visit, to: assignee.id });
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
  const via = rung?.notify === 'superior' ? findRole(sop, step.role).superior : rung?.notify === 'head' ? sop.headRole : undefined;
  await sendOnce(deps, c, noticeMail(req, onceKey, kind === 'reprimand' ? 'bupati' : via ?? rung?.notify ?? 'inspectorate', attemptAt), [recipient.email], compose, grantFor(recipient, may, kind, via, level));
  const owner = phase?.id ?? step.id;
  const visit = req.visit ?? current!.visit;
  // The rung on the case, then its event: each once (a re-run finds them).
  await mutateCase(deps, c.caseId, (x) => (x.escalations.some((e) => e.level === level && e.stepId === owner && e.visit === visit && e.kind === kind)
    ? undefined
    : { escalations: [...x.escalations, { level, to: recipient.id, at: req.enteredAt, stepId: owner, visit, kind }] }), c);
  await recordOnce(deps, `${onceKey}#event`, { caseId: c.caseId, at: req.enteredAt, type: kind === 'reprimand' ? 'reprimand_recommended' : 'escalated', actor: { kind: 'system' }, stepId: step.id, visit: current!.visit, to: recipient.id, data: { level, grant: may } });
}

/** A rung with nobody left to tell: recorded once on the case (who it would have repeated), never silent. */
async function recordSkippedRung(deps: Deps, c: CaseRecord, onceKey: string, req: NotifyRequest, stepId: string, visit: number, delivery: Extract<RungDelivery, { skipped: string }>): Promise<void> {
  deps.log.info('ladder rung skipped', { caseId: c.caseId, level: delivery.level, reason: delivery.skipped });
  if (delivery.skipped !== 'alreadyTold') return;
  await recordOnce(deps, `${onceKey}#skipped`, {
    caseId: c.caseId, at: req.enteredAt, type: 'escalation_skipped', actor: { kind: 'system' }, stepId, visit, to: delivery.sameAs?.id,
    data: { level: delivery.level, reason: delivery.skipped },
  });
}


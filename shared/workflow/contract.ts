/**
 * The contract between a compiled state machine (statemachines/) and the workflow handlers
 * (functions/workflow-*). The compiler emits `Parameters` of exactly these shapes; each handler
 * parses its payload with the schema here. Kept small: the execution's JSON carries ids and
 * times, never complaint text or personal data.
 *
 * Every handler is idempotent, keyed by (caseId, stepId or state, visit): Lambda retries on
 * AWS and resumed executions on the local runtime re-enter states.
 *
 * Each schema is built when first used (`lazy`): a handler parses one or two of them, and building
 * all of them at import took ≈ 3 ms of every workflow function's cold start.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';

/**
 * Placeholders in the generated ASL, substituted by CDK `definitionSubstitutions` with the
 * functions' ARNs, and by the local runtime with the in-process handlers.
 */
export const WorkflowFunction = {
  deadlines: 'DeadlinesFunctionArn',
  task: 'TaskFunctionArn',
  outcome: 'OutcomeFunctionArn',
  notify: 'NotifyFunctionArn',
} as const;
export type WorkflowFunctionName = keyof typeof WorkflowFunction;

// Apart, so that use cases that raise them do not build the schemas below (see errors.ts).
export { WorkflowError } from './errors';

/** Every visit counter of a machine, by JSONPath-safe id (`$.run.visits`; only each counter's `n` is kept here). */
const Visits = /* @__PURE__ */ lazy(() => z.record(z.string(), z.object({ n: z.int().check(z.gte(0)) })));

/**
 * Where a successor execution takes a case up (continue-as-new): the visit counter id of the wait
 * it was in (a step, `<step>-ask`, or `reporter`), every visit counter, and for the reporter's
 * window the step that answered. The successor enters that wait again without counting a new visit.
 */
export const ResumePoint = /* @__PURE__ */ lazy(() => z.object({
  at: z.string().check(z.minLength(1)),
  visits: Visits,
  answeredBy: z.optional(z.string().check(z.minLength(1))),
}));
export type ResumePoint = z.infer<typeof ResumePoint>;

/**
 * The execution's input, given by intake to StartExecution (execution name = caseId), and by a
 * hand-over to the successor (name `<caseId>-c<n>`, with `resume`).
 */
export const ExecutionInput = /* @__PURE__ */ lazy(() => z.object({
  caseId: z.string().check(z.minLength(1)),
  sopId: z.string().check(z.minLength(1)),
  resume: z.optional(ResumePoint),
}));
export type ExecutionInput = z.infer<typeof ExecutionInput>;

const Base = /* @__PURE__ */ lazy(() => ({
  caseId: z.string().check(z.minLength(1)),
  /** `$$.Execution.Id` */
  executionId: z.string().check(z.minLength(1)),
  /**
   * `$$.State.EnteredTime`: the handler's "now". Time comes from the platform (on AWS the real
   * clock; on the local runtime its virtual clock), so handlers never read a clock of their own.
   */
  enteredAt: z.string().check(z.minLength(1)),
}));

/** deadlines: computed when a step, phase or reply window starts; kept with its visit as `$.run.visits.<id>.sla`. */
export const DeadlinesRequest = /* @__PURE__ */ lazy(() => z.object({
  ...Base,
  /** `replyWindow`: the reporter's window after an answer or question (`id` = the step that sent it). */
  scope: z.enum(['step', 'phase', 'replyWindow']),
  /** Step id or phase id. */
  id: z.string().check(z.minLength(1)),
  visit: z.int().check(z.gte(1)),
  /**
   * The SOP the machine was compiled from (a literal of its ASL): the deadlines are computed before the
   * case is read, and remembered in one conditional write. Absent from machines compiled before: the case is read first.
   */
  sopId: z.optional(z.string().check(z.minLength(1))),
  /**
   * `$.run.continueBy`, given by a step whose clock hands over after its last rung: when this visit's
   * last instant would fall after it, the handler raises ContinueDue and the machine hands the visit
   * over before it begins. Absent (phases, reply windows, machines compiled before): no check.
   */
  continueBy: z.optional(z.string().check(z.minLength(1))),
}));
export type DeadlinesRequest = z.infer<typeof DeadlinesRequest>;

/** Absolute instants (ISO 8601 with offset) the clock branch waits for with TimestampPath. */
export const Deadlines = /* @__PURE__ */ lazy(() => z.object({
  startedAt: z.string(),
  remindAt: z.string(),
  dueAt: z.string(),
  /** One entry per rung of the ladder, in order: `rungs[i].at`. */
  rungs: z.array(z.object({ level: z.int().check(z.gte(1)), at: z.string() })),
  calendarVersion: z.string(),
  /**
   * The visit these deadlines are for, as asked (`DeadlinesRequest.visit`). A machine counts a visit
   * with the same task that computes its deadlines, keeping `{n: visit, sla: deadlines}` by its
   * ResultSelector; a machine of the earlier shape keeps the deadlines and ignores it.
   */
  visit: z.optional(z.int().check(z.gte(1))),
}));
export type Deadlines = z.infer<typeof Deadlines>;

/**
 * task (.waitForTaskToken): open a human task and send the email that carries its link: the new
 * task to the official (kind `official`), the answer with reply and rating links (`reporterReply`),
 * or a question (`reporterAnswer`) to the reporter. A re-entered state finds its task and re-binds
 * the new token without mailing twice.
 */
export const OpenTaskRequest = /* @__PURE__ */ lazy(() => z.object({
  ...Base,
  /** `$$.Task.Token` */
  taskToken: z.string().check(z.minLength(1)),
  kind: z.enum(['official', 'reporterReply', 'reporterAnswer']),
  /** For `official`: the step; for the reporter kinds, the step that sent the response or question. */
  stepId: z.string().check(z.minLength(1)),
  visit: z.int().check(z.gte(1)),
}));
export type OpenTaskRequest = z.infer<typeof OpenTaskRequest>;

/**
 * Ids that reach an intrinsic function of the machine (`States.JsonToString`, `States.StringToJson`)
 * — action ids, step and phase ids — are held to this pattern, which cannot hold `"` or `\`: the
 * local engine's intrinsics drop every backslash, and no design should lean on how an engine escapes.
 * The SOP schema and the compiler both refuse any other.
 */
export const INTRINSIC_SAFE_ID = /^[a-z][a-zA-Z0-9-]*$/;

/**
 * task, kind `park` (.waitForTaskToken): a Lambda task of the machine (`state`) still failed after
 * its retries. Record the case as needing attention and wait for an operator, who resumes it with
 * this token; the failed state then runs again. Only the error's name comes, never its cause.
 */
export const ParkRequest = /* @__PURE__ */ lazy(() => z.object({
  ...Base,
  taskToken: z.string().check(z.minLength(1)),
  kind: z.literal('park'),
  state: z.string().check(z.minLength(1)),
  error: z._default(z.string().check(z.minLength(1)), 'unknown'),
}));
export type ParkRequest = z.infer<typeof ParkRequest>;

/** What the task function is invoked with: a task to open, or a failed state to park. */
export const TaskFunctionRequest = /* @__PURE__ */ lazy(() => z.union([OpenTaskRequest, ParkRequest]));
export type TaskFunctionRequest = z.infer<typeof TaskFunctionRequest>;

/**
 * What SendTaskSuccess delivers for an official's task: the action's id, nothing else. The fields as
 * typed, who acted and when are stored on the task (`TaskRecord.given`) before the delivery, and the
 * outcome handler reads them there, so no text a person wrote travels through the execution.
 *
 * Tolerated for executions started before that design (still running on AWS): a decision that carries
 * `fields`, `actor` and `decidedAt` itself. The outcome handler prefers the stored decision and falls
 * back on those.
 */
export const StepDecision = /* @__PURE__ */ lazy(() => z.object({
  action: z.string().check(z.regex(INTRINSIC_SAFE_ID)),
  /** Old shape only. */
  fields: z.optional(z.record(z.string(), z.string())),
  /** Old shape only. */
  actor: z.optional(z.object({ personId: z.string(), role: z.string(), onBehalfOf: z.optional(z.string()) })),
  /** Old shape only. */
  decidedAt: z.optional(z.string()),
}));
export type StepDecision = z.infer<typeof StepDecision>;

/**
 * What SendTaskSuccess delivers for the reporter's window or answer: flags only (satisfied, the
 * rating). The comment or answer and its time are stored on the task (`TaskRecord.given`) first.
 *
 * Tolerated for executions started before that design: feedback that carries `comment` and `at`.
 */
export const ReporterFeedback = /* @__PURE__ */ lazy(() => z.object({
  satisfied: z.boolean(),
  rating: z.optional(z.int().check(z.gte(1), z.lte(5))),
  /** Old shape only. */
  comment: z.optional(z.string()),
  /** Old shape only. */
  at: z.optional(z.string()),
}));
export type ReporterFeedback = z.infer<typeof ReporterFeedback>;

/**
 * What an execution keeps of its own (`$.run`): when it hands over, every visit counter with its
 * deadlines, and whatever else the machine notes there (the step that answered, a phase's way out),
 * kept as given.
 */
export const Run = /* @__PURE__ */ lazy(() => z.looseObject({
  continueBy: z.string().check(z.minLength(1)),
  visits: z.record(z.string(), z.looseObject({ n: z.int().check(z.gte(0)) })),
}));
export type Run = z.infer<typeof Run>;

/**
 * The visit a recording task begins for the state that follows it, so that no task or Pass of its
 * own runs before that race: the counter `counter` of `$.run.visits` counted (`n + 1`), with the
 * deadlines its deadlines task would have computed (`deadlines`: the same scope and id; `handsOver`:
 * checked against `$.run.continueBy`, raising ContinueDue as that task would, after everything else
 * is recorded), and a phase's `entry` step. A reply window's `id` absent: the step that answered
 * (`$.run.answered.stepId`).
 */
export const NextVisit = /* @__PURE__ */ lazy(() => z.object({
  counter: z.string().check(z.minLength(1)),
  deadlines: z.optional(z.object({
    scope: z.enum(['step', 'phase', 'replyWindow']),
    id: z.optional(z.string().check(z.minLength(1))),
    handsOver: z.optional(z.boolean()),
  })),
  entry: z.optional(z.string().check(z.minLength(1))),
}));
export type NextVisit = z.infer<typeof NextVisit>;

/**
 * outcome: record what happened. Returns nothing the machine needs, except for `started`
 * (`StartedResult`, into `$.run`), `reporterFeedback` (the verdict) and `phaseDone` (the carried run): `outcomeAnswer`.
 */
export const OutcomeRequest = /* @__PURE__ */ lazy(() => z.discriminatedUnion('kind', [
  z.object({
    ...Base,
    kind: z.literal('started'),
    /**
     * The visit the first state after `Acknowledge` begins (`first`), begun here for a new case
     * (`input` = the execution's input without `resume`) and answered as `first: {n, sla?, entry?}`;
     * a successor answers `first: {n: 0}` (its counters come from `resume`). Absent from machines
     * compiled before: nothing begun. `input.sopId` (intake's and a hand-over's input carry it): the
     * first visit's deadlines are computed before the start is recorded, and remembered in its write.
     */
    first: z.optional(NextVisit),
    input: z.optional(z.object({ resume: z.optional(z.unknown()), sopId: z.optional(z.string().check(z.minLength(1))) })),
  }),
  /**
   * The execution is old enough to hand over: hold the task it waits for (`task`: the slot's kind,
   * step and visit), start the successor with `resume`, and let the case follow it. Fails with
   * ContinuePending while it cannot do so safely.
   */
  z.object({
    ...Base,
    kind: z.literal('continueAsNew'),
    task: z.object({ kind: z.enum(['official', 'reporterReply', 'reporterAnswer']), stepId: z.string().check(z.minLength(1)), visit: z.int().check(z.gte(1)) }),
    resume: ResumePoint,
    /**
     * Handed over before the visit of `task` began (its deadlines raised ContinueDue): there is no task
     * to hold yet, and the successor counts that visit itself, so `resume.visits` gets it counted.
     */
    beforeVisit: z.optional(z.boolean()),
  }),
  z.object({
    ...Base,
    kind: z.literal('stepDone'),
    stepId: z.string(),
    visit: z.int().check(z.gte(1)),
    decision: StepDecision,
    sla: z.optional(Deadlines),
    /**
     * `$.run`, answered back with the visit the decision's target begins (`next`, by action id; an
     * action absent there begins nothing) and, given `answering`, this step noted as the one that
     * answered (`run.answered`). Absent from machines compiled before: nothing answered.
     */
    run: z.optional(Run),
    next: z.optional(z.record(z.string(), NextVisit)),
    answering: z.optional(z.boolean()),
  }),
  /**
   * A phase's race ended. `run`: what the execution keeps of its own (`$.run`: visit counters, who
   * answered, the way out), carried out of the race in its error cause and decoded by the machine;
   * the handler hands it back as is, to be put back in place without a Pass state. Absent from
   * executions started before (they restore it themselves and ignore the answer).
   */
  z.object({
    ...Base, kind: z.literal('phaseDone'), phaseId: z.string(), visit: z.int().check(z.gte(1)), sla: Deadlines, run: z.optional(Run),
    /** A phase with one way out: the visit that way begins, in the `run` answered (as `stepDone`'s `next`). */
    next: z.optional(NextVisit),
  }),
  /**
   * The reporter's reply window ended with their feedback. `stepId` (the step that answered: the
   * task slot's) is absent from executions started before the texts moved to the task; the handler
   * then finds it from the `response_sent` event of that visit.
   */
  z.object({
    ...Base, kind: z.literal('reporterFeedback'), stepId: z.optional(z.string().check(z.minLength(1))), visit: z.int().check(z.gte(1)), feedback: ReporterFeedback,
    /**
     * A satisfied reply closes the case (reason `rated`) in this same call: the machine goes on straight
     * to the closing email. Absent from executions started before, which record the closure in a state of its own.
     */
    closeWhenSatisfied: z.optional(z.boolean()),
  }),
  /**
   * The reporter answered the question of `stepId` (visit = the question's visit): the handler records
   * the answer, read from the task, on the case's history, where the officials see it.
   */
  z.object({ ...Base, kind: z.literal('reporterAnswered'), stepId: z.string().check(z.minLength(1)), visit: z.int().check(z.gte(1)) }),
  z.object({
    ...Base,
    kind: z.literal('closed'),
    reason: z.enum(['rated', 'reply_window_elapsed', 'rejected', 'closed_by_official']),
  }),
]));
export type OutcomeRequest = z.infer<typeof OutcomeRequest>;

/** What outcome `started` answers: when this execution hands over (an absolute instant), kept as `$.run.continueBy`. */
export const StartedResult = /* @__PURE__ */ lazy(() => z.object({ continueBy: z.string() }));
export type StartedResult = z.infer<typeof StartedResult>;

/**
 * What outcome answers the machine: `started` → `StartedResult` (with `first` when asked);
 * `reporterFeedback` → the verdict alone, `{satisfied}`, which the machine routes on; `phaseDone` and
 * `stepDone` → the `run` they were given, with the next visit begun; every other kind nothing. A
 * machine of an earlier shape discards what it does not use.
 */
export type OutcomeResult = StartedResult | (StartedResult & { first: Record<string, unknown> }) | { satisfied: boolean } | Record<string, unknown> | undefined;

export { answerBeginning, outcomeAnswer } from './answers';

/** notify: every email the workflow sends. Idempotent per (caseId, template, stepId, visit, level). */
export const NotifyRequest = /* @__PURE__ */ lazy(() => z.object({
  ...Base,
  template: z.enum([
    'acknowledgement', // to the reporter, after submission
    'reminder', // to the assignee, at reminderAt
    'escalation', // to rung `level` of the ladder
    'reprimand', // recommendation to the Bupati
    'closing', // to the reporter when the case closes
    'rejection', // to the reporter when the complaint is rejected
    'informed', // to the roles an action informs (`Action.inform`), once its step is done
  ]),
  stepId: z.optional(z.string()),
  /** Phase id when the clock is a phase's. */
  phaseId: z.optional(z.string()),
  visit: z.optional(z.int().check(z.gte(1))),
  level: z.optional(z.int().check(z.gte(1))),
}));
export type NotifyRequest = z.infer<typeof NotifyRequest>;

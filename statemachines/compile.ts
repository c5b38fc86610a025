/**
 * The compiler: one SOP (shared/sop/schema.ts) → one Standard state machine in Amazon States
 * Language (JSONPath; no JSONata). Nothing here knows any agency: everything comes from the SOP.
 *
 * Shape, per human step S (statemachines/README.md has every shape: phases, the reporter, closing):
 *
 *   S: visit      Pass      $.visits.S.n += 1 (the visit number keys every handler's idempotency)
 *   S: deadlines  Task      deadlines handler → $.sla (absolute instants from the office calendar)
 *   S             Parallel  race of two branches:
 *                   work:  S: open task (.waitForTaskToken) → S: step done (Pass) → S: finish (Fail StepDone)
 *                   clock: Wait remindAt → remind → Wait dueAt → Wait rung 1 → escalate 1 → … → end
 *                 Catch StepDone → $.decision → S: decision (Pass: decode the decision the work branch
 *                 carried out in its error cause) → S: decision: restore (Pass: unwrap it)
 *   S: record     Task      outcome handler (reads the decision's texts from the task; SLA verdict)
 *   S: keep action Pass     $.decision = { action } (an execution started before carried texts too)
 *   S: route      Choice    on $.decision.action → the action's target
 *
 * Finishing the work fails its branch with StepDone, which stops the clock branch at once: no
 * reminder or escalation after the work is done, and the next step never waits for the clock.
 * A step without a limit has no clock. A phase with a limit (Musi Rawas: 5 working days
 * for the whole procedure) is the same race one level up: its work branch holds its steps and ends
 * with PhaseDone carrying where to go next.
 *
 * Continue-as-new: every wait for a person (each step's race, the reporter's question and reply
 * window) has one more branch that waits for `$.lifetime.continueBy` (360 days after the execution
 * started), hands the case over to a successor execution and fails with ContinueAsNew, caught at the
 * top level into `Continued as new`. The successor starts with `$.resume` and goes straight back
 * into that wait with the same visit counters (`Resume: route`), so a case may wait longer than the
 * one year an execution lives.
 */
import { monitoringSteps, type Action, type EscalationLadder, type EscalationRung, type Phase, type Sop, type Step } from '../shared/sop/schema';
import { INTRINSIC_SAFE_ID, WorkflowError, WorkflowFunction } from '../shared/workflow/contract';
import { EXECUTION_TIMEOUT_SECONDS } from '../shared/workflow/executions';

/** An ASL state, as plain JSON. */
export type AslState = Record<string, unknown> & { Type: string };
/** A Parallel branch: a little state machine of its own. */
export interface AslBranch {
  StartAt: string;
  States: Record<string, AslState>;
}
export interface AslMachine {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
}

/**
 * Lambda's own transient errors, retried as the Step Functions guidance recommends ("Handle Lambda
 * service exceptions"), with throttling beside them.
 */
const lambdaErrors = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
/**
 * A handler that failed (`Lambda.Unknown`: out of memory, timed out; or an error it raised): tried
 * a few more times, after the named errors' own retriers (Step Functions uses the first that
 * matches). Bounded: a fault that persists parks the case instead (`parkFailedTasks`).
 */
const handlerRetry = { ErrorEquals: ['Lambda.Unknown', 'States.TaskFailed'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 };
const lambdaRetry = { ErrorEquals: lambdaErrors, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 };
/** SES refusals: retried with backoff; after the last try the workflow goes on (the case records it). */
const mailRetry = { ErrorEquals: [WorkflowError.deliveryFailed], IntervalSeconds: 10, MaxAttempts: 5, BackoffRate: 2 };
/**
 * A hand-over that cannot happen yet (the task is not open yet, or a decision is on its way to this
 * execution): tried again after 5 s, 10 s, 20 s, … — 16 attempts span about 3.8 days, inside the five
 * days between the hand-over instant and the end of the execution's year.
 */
const continueRetry = { ErrorEquals: [WorkflowError.continuePending], IntervalSeconds: 5, MaxAttempts: 16, BackoffRate: 2 };

/**
 * A callback task waits for a person, so it has no useful timeout of its own: the SLA clock beside
 * it reminds and escalates instead. It is still set explicitly, to the execution's own limit (one
 * year), because Step Functions' default (99,999,999 s) reads like a forgotten setting and the local
 * engine's default (60 s) would end a task long before anyone could act.
 */
const CALLBACK_TIMEOUT_SECONDS = EXECUTION_TIMEOUT_SECONDS;
/** Step Functions refuses state names longer than this. */
const MAX_STATE_NAME = 80;

const fn = (name: keyof typeof WorkflowFunction) => `\${${WorkflowFunction[name]}}`;
/** JSONPath-safe key of an id (step ids carry dashes). */
const key = (id: string) => id.replace(/-/g, '_');
const visitPath = (id: string) => `$.visits.${key(id)}.n`;
/** Where a phase's deadlines live while it runs (contract: `$.phaseSla.<phaseId>`). */
const phaseSlaPath = (id: string) => `$.phaseSla.${key(id)}`;

/** Adds states to a States object; two states of one name would silently shadow each other. */
function merge(into: Record<string, AslState>, from: Record<string, AslState>): void {
  for (const [name, state] of Object.entries(from)) {
    if (name in into) throw new Error(`Two states would be named "${name}": rename a step or phase so their ids differ.`);
    into[name] = state;
  }
}

const base = {
  'caseId.$': '$.caseId',
  'executionId.$': '$$.Execution.Id',
  'enteredAt.$': '$$.State.EnteredTime',
};

/** State names, in one place so that references cannot drift. */
const names = {
  visit: (id: string) => `${id}: visit`,
  deadlines: (id: string) => `${id}: deadlines`,
  race: (id: string) => id,
  open: (id: string) => `${id}: open task`,
  done: (id: string) => `${id}: step done`,
  finish: (id: string) => `${id}: finish`,
  decision: (id: string) => `${id}: decision`,
  record: (id: string) => `${id}: record`,
  keepAction: (id: string) => `${id}: keep action`,
  route: (id: string) => `${id}: route`,
  toReporter: (id: string) => `${id}: answer to reporter`,
  ask: (id: string) => `${id}: ask reporter`,
  enterPhase: (phase: string, step: string) => `${phase}: enter at ${step}`,
  resumePhase: (phase: string, step: string) => `${phase}: resume at ${step}`,
  exitPhase: (phase: string, target: string) => `${phase}: leave to ${target}`,
  waitToContinue: (owner: string) => `${owner}: wait to continue`,
  continueAsNew: (owner: string) => `${owner}: continue as new`,
  continued: (owner: string) => `${owner}: continued`,
  parked: (state: string) => `${state}: parked`,
};
const REPORTER = 'reporter';
/** Where an execution ends once its successor has the case. */
const CONTINUED = 'Continued as new';
/** How a phase's entry Choice is told to take a step up again without counting a visit (ids are slugs: no clash). */
const resumeEntry = (stepId: string) => `resume:${stepId}`;

class Compiler {
  private readonly states: Record<string, AslState> = {};
  private readonly phaseOf = new Map<string, Phase>();
  private readonly stepById: Map<string, Step>;
  /** Every target some action leads to. */
  private readonly gotos: Set<string>;
  /** Where a successor execution goes back in, by the visit counter id of the wait it was in. */
  private readonly resumeAt: { at: string; next: string }[] = [];
  /** Steps of monitoring paths: compiled inside the clock of the step whose lateness opens them. */
  private readonly monitoring: Map<string, { lateStep: string }>;

  constructor(private readonly sop: Sop) {
    this.stepById = new Map(sop.steps.map((s) => [s.id, s]));
    this.gotos = new Set(sop.steps.flatMap((st) => st.actions.map((a) => a.goto)));
    for (const phase of sop.phases) for (const id of phase.steps) this.phaseOf.set(id, phase);
    this.monitoring = monitoringSteps(sop);
  }

  compile(): AslMachine {
    const sop = this.sop;
    checkIntrinsicIds(sop);
    checkMonitoring(sop, this.monitoring);
    const start = sop.startAt ?? sop.steps[0]!.id;
    const visits: Record<string, { n: number }> = {};
    const asking = sop.steps.filter((st) => st.actions.some((a) => a.goto === '@askReporter')).map((st) => `${st.id}-ask`);
    const counted = [...sop.steps.map((s) => s.id), ...sop.phases.map((p) => p.id), ...asking, ...(this.gotos.has('@reporter') ? [REPORTER] : [])];
    for (const id of counted) visits[key(id)] = { n: 0 };

    const top = this.states;
    top['Start'] = { Type: 'Pass', Comment: 'Every visit counter starts at 0.', Result: visits, ResultPath: '$.visits', Next: 'Record start' };
    // Returns when this execution hands over to a successor (`$.lifetime.continueBy`).
    top['Record start'] = this.lambda('outcome', { ...base, kind: 'started' }, '$.lifetime', 'Resuming?');
    top['Resuming?'] = {
      Type: 'Choice',
      Comment: 'A successor execution (continue-as-new) goes back to where its predecessor waited; the reporter was acknowledged then.',
      Choices: [{ Variable: '$.resume', IsPresent: true, Next: 'Resume' }],
      Default: 'Acknowledge',
    };
    top['Acknowledge'] = this.notify({ template: 'acknowledgement' }, this.entry(start, undefined));

    // Steps outside phases are top-level; a phase's steps live in its race's work branch.
    for (const step of sop.steps.filter((s) => !this.phaseOf.has(s.id) && !this.monitoring.has(s.id))) merge(top, this.step(step, undefined));
    for (const phase of sop.phases) merge(top, this.phase(phase));
    // A question to the reporter is asked outside any phase: the reporter's time is not the agency's.
    for (const step of sop.steps.filter((st) => st.actions.some((a) => a.goto === '@askReporter'))) merge(top, this.askReporter(step));
    if (this.gotos.has('@reporter')) merge(top, this.reporterWindow());
    merge(top, this.closing());
    merge(top, this.resume());
    for (const step of sop.steps) {
      for (const action of step.actions) {
        if (action.goto === '@reporter') top[names.toReporter(step.id)] = {
          Type: 'Pass', Result: step.id, ResultPath: '$.answeredBy', Next: names.visit(REPORTER),
        };
      }
    }
    parkFailedTasks(top);
    checkNames(top);
    checkReachable({ StartAt: 'Start', States: top });
    return {
      Comment: `${sop.title.id} — ${sop.source.office} (SOP ${sop.source.number}). Generated from shared/sops/${sop.id}.sop.json by statemachines/compile.ts; do not edit.`,
      StartAt: 'Start',
      TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
      States: top,
    };
  }

  /** The state that begins `stepId` when coming from `fromPhase` (undefined: from the top level). */
  private entry(stepId: string, fromPhase: Phase | undefined): string {
    const phase = this.phaseOf.get(stepId);
    if (phase && phase !== fromPhase) return names.enterPhase(phase.id, stepId);
    return names.visit(stepId);
  }

  /** The state an action leads to, from a step that may be inside a phase. */
  private target(step: Step, action: Action, phase: Phase | undefined): string {
    const local = (() => {
      switch (action.goto) {
        case '@reporter': return names.toReporter(step.id);
        case '@askReporter': return names.visit(`${step.id}-ask`);
        case '@reject': return 'Rejected: record';
        case '@close': return 'Closed by official';
        default: return this.entry(action.goto, phase);
      }
    })();
    // Leaving the phase's work branch (every terminal target, the reporter's question included):
    // carry the target out through PhaseDone.
    if (phase && (action.goto.startsWith('@') || this.phaseOf.get(action.goto) !== phase)) {
      return names.exitPhase(phase.id, local);
    }
    return local;
  }

  private step(step: Step, phase: Phase | undefined): Record<string, AslState> {
    const s: Record<string, AslState> = {};
    const id = step.id;
    const hasClock = !!step.limit;
    s[names.visit(id)] = this.increment(id, this.afterVisit(step));
    const openTask: AslState = {
      Type: 'Task',
      Comment: `SOP row ${step.sopNumber}: ${step.name.en}. Waits for the official's decision (SendTaskSuccess).`,
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: fn('task'),
        Payload: { ...base, 'taskToken.$': '$$.Task.Token', kind: 'official', stepId: id, 'visit.$': visitPath(id) },
      },
      TimeoutSeconds: CALLBACK_TIMEOUT_SECONDS,
      ResultPath: '$.decision',
      Retry: [lambdaRetry, handlerRetry],
    };
    if (hasClock) {
      s[names.deadlines(id)] = this.lambda('deadlines', { ...base, scope: 'step', id, 'visit.$': visitPath(id) }, '$.sla', names.race(id));
    }
    // A step without a limit still races: its task against the hand-over clock alone.
    s[names.race(id)] = {
      Type: 'Parallel',
      Comment: hasClock
        ? `Due in ${step.limit!.amount} ${step.limit!.unit}: the work races the SLA clock (and the hand-over clock).`
        : `No limit of its own${phase ? ` (its phase has one)` : ''}: the work races only the hand-over clock.`,
      Branches: [
        {
          StartAt: names.open(id),
          States: {
            [names.open(id)]: { ...openTask, Next: names.done(id) },
            [names.done(id)]: { Type: 'Pass', Parameters: { 'cause.$': 'States.JsonToString($.decision)' }, Next: names.finish(id) },
            [names.finish(id)]: { Type: 'Fail', Error: WorkflowError.stepDone, CausePath: '$.cause' },
          },
        },
        ...(hasClock ? [this.clock(id, '$.sla', step.escalation ?? this.sop.escalation, { stepId: id, 'visit.$': visitPath(id) })] : []),
        this.continueBranch(id, { kind: 'official', stepId: id, 'visit.$': visitPath(id) }, { at: id }),
      ],
      // Inside a phase, ContinueAsNew goes on up to the phase's race, which the top level catches.
      Catch: [
        { ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.decision', Next: names.decision(id) },
        ...(phase ? [] : [this.continuedCatch()]),
      ],
      Next: names.decision(id),
    };
    merge(s, this.decode(names.decision(id), '$.decision', names.record(id)));
    if (!phase) this.resumeAt.push({ at: id, next: this.afterVisit(step) });
    s[names.record(id)] = this.lambda('outcome', {
      ...base, kind: 'stepDone', stepId: id, 'visit.$': visitPath(id), 'decision.$': '$.decision', ...(hasClock ? { 'sla.$': '$.sla' } : {}),
    }, null, names.keepAction(id));
    // The decision is `{action}` (texts stay on the task record); an older delivery also carried texts: drop them.
    s[names.keepAction(id)] = { Type: 'Pass', Parameters: { 'action.$': '$.decision.action' }, ResultPath: '$.decision', Next: names.route(id) };
    s[names.route(id)] = {
      Type: 'Choice',
      Choices: step.actions.map((a) => ({ Variable: '$.decision.action', StringEquals: a.id, Next: this.target(step, a, phase) })),
      Default: phase ? `${phase.id}: unknown decision` : 'Unknown decision',
    };
    return s;
  }

  /** `@askReporter`: a question to the reporter; the step resumes with the answer, or when the window passes. */
  private askReporter(step: Step): Record<string, AslState> {
    const askId = `${step.id}-ask`;
    const race = names.ask(step.id);
    const back = this.entry(step.id, undefined);
    this.resumeAt.push({ at: askId, next: `${race}: window` });
    return {
      [names.visit(askId)]: this.increment(askId, `${race}: window`),
      [`${race}: window`]: this.lambda('deadlines', { ...base, scope: 'replyWindow', id: step.id, 'visit.$': visitPath(askId) }, '$.replySla', race),
      [race]: {
        Type: 'Parallel',
        Comment: "The reporter's answer races the reply window; the clock is the agency's no longer.",
        Branches: [
          this.callbackBranch(`${race}: wait for answer`, { kind: 'reporterAnswer', stepId: step.id, 'visit.$': visitPath(askId) }, null),
          this.windowBranch(race),
          this.continueBranch(race, { kind: 'reporterAnswer', stepId: step.id, 'visit.$': visitPath(askId) }, { at: askId }),
        ],
        Catch: [
          { ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.done', Next: `${race}: record answer` },
          { ErrorEquals: [WorkflowError.replyWindowElapsed], ResultPath: '$.done', Next: `${race}: answered` },
          this.continuedCatch(),
        ],
        Next: `${race}: answered`,
      },
      // The answer never enters the execution: the feedback use case stored it on the task, outcome records it on the case.
      [`${race}: record answer`]: this.lambda('outcome', { ...base, kind: 'reporterAnswered', stepId: step.id, 'visit.$': visitPath(askId) }, null, `${race}: answered`),
      [`${race}: answered`]: { Type: 'Pass', Result: 'answered', ResultPath: '$.done', Next: back },
    };
  }

  /** The reporter's reply window after an answer: reply (back to the follow-up step), rate, or silence (closed). */
  private reporterWindow(): Record<string, AslState> {
    const race = 'Reporter window';
    const followUp = this.sop.reporterReply.followUpStep;
    const visit = visitPath(REPORTER);
    this.resumeAt.push({ at: REPORTER, next: `${race}: resume` });
    return {
      [names.visit(REPORTER)]: this.increment(REPORTER, `${race}: deadline`),
      // A successor goes back into the window of the step that answered.
      [`${race}: resume`]: { Type: 'Pass', InputPath: '$.resume.answeredBy', ResultPath: '$.answeredBy', Next: `${race}: deadline` },
      [`${race}: deadline`]: this.lambda('deadlines', { ...base, scope: 'replyWindow', 'id.$': '$.answeredBy', 'visit.$': visit }, '$.replySla', race),
      [race]: {
        Type: 'Parallel',
        Comment: `The reporter may reply within ${this.sop.reporterReply.window.amount} ${this.sop.reporterReply.window.unit}; silence closes the case.`,
        Branches: [
          this.callbackBranch(`${race}: wait for feedback`, { kind: 'reporterReply', 'stepId.$': '$.answeredBy', 'visit.$': visit }, '$.feedback'),
          this.windowBranch(race),
          this.continueBranch(race, { kind: 'reporterReply', 'stepId.$': '$.answeredBy', 'visit.$': visit }, { at: REPORTER, 'answeredBy.$': '$.answeredBy' }),
        ],
        Catch: [
          { ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.feedback', Next: `${race}: feedback` },
          { ErrorEquals: [WorkflowError.replyWindowElapsed], ResultPath: '$.elapsed', Next: 'Closed: window elapsed' },
          this.continuedCatch(),
        ],
        Next: `${race}: feedback`,
      },
      ...this.decode(`${race}: feedback`, '$.feedback', `${race}: record`),
      [`${race}: record`]: this.lambda('outcome', { ...base, kind: 'reporterFeedback', 'stepId.$': '$.answeredBy', 'visit.$': visit, 'feedback.$': '$.feedback' }, null, `${race}: keep verdict`),
      // Only the verdict routes; the rating is on the case now (and an older delivery's comment too).
      [`${race}: keep verdict`]: { Type: 'Pass', Parameters: { 'satisfied.$': '$.feedback.satisfied' }, ResultPath: '$.feedback', Next: `${race}: route` },
      [`${race}: route`]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.feedback.satisfied', BooleanEquals: true, Next: 'Closed: rated' }],
        Default: this.entry(followUp, undefined),
      },
    };
  }

  private closing(): Record<string, AslState> {
    const close = (reason: string, name: string, template: 'closing' | 'rejection', end: string): Record<string, AslState> => ({
      [name]: this.lambda('outcome', { ...base, kind: 'closed', reason }, null, `${name}: notify`),
      [`${name}: notify`]: this.notify({ template }, end),
    });
    const gotos = this.gotos;
    return {
      ...(gotos.has('@reporter') ? {
        ...close('rated', 'Closed: rated', 'closing', 'Closed'),
        ...close('reply_window_elapsed', 'Closed: window elapsed', 'closing', 'Closed'),
      } : {}),
      ...(gotos.has('@close') ? close('closed_by_official', 'Closed by official', 'closing', 'Closed') : {}),
      ...(gotos.has('@reject') ? { ...close('rejected', 'Rejected: record', 'rejection', 'Rejected'), Rejected: { Type: 'Succeed' } } : {}),
      Closed: { Type: 'Succeed' },
      'Unknown decision': { Type: 'Fail', Error: 'UnknownDecision', Cause: 'A decision named an action the step does not have.' },
    };
  }

  private phase(phase: Phase): Record<string, AslState> {
    const s: Record<string, AslState> = {};
    const id = phase.id;
    const inner: Record<string, AslState> = {};
    const entries = this.phaseEntries(phase);
    // The work branch starts where the phase was entered from outside (`$.phaseEntry`).
    // A successor execution takes any of its steps up again, without counting a new visit.
    inner[`${id}: entry`] = {
      Type: 'Choice',
      Choices: [
        ...entries.map((e) => ({ Variable: '$.phaseEntry', StringEquals: e, Next: names.visit(e) })),
        ...phase.steps.map((st) => ({ Variable: '$.phaseEntry', StringEquals: resumeEntry(st), Next: this.afterVisit(this.stepById.get(st)!) })),
      ],
      Default: names.visit(entries[0]!),
    };
    for (const stepId of phase.steps) merge(inner, this.step(this.stepById.get(stepId)!, phase));
    // Where the phase's actions lead outside it: one way out each, however many steps lead there.
    const exits = new Set<string>();
    for (const stepId of phase.steps) {
      const step = this.stepById.get(stepId)!;
      for (const a of step.actions) {
        const t = this.target(step, a, phase);
        if (t.startsWith(`${id}: leave to `)) exits.add(t.slice(`${id}: leave to `.length));
      }
    }
    for (const e of exits) {
      inner[names.exitPhase(id, e)] = { Type: 'Pass', Result: e, ResultPath: '$.phaseExit', Next: `${id}: work done` };
    }
    // Only what the rest of the machine needs leaves the phase: the visit counters and where to go.
    inner[`${id}: work done`] = { Type: 'Pass', Parameters: { 'visits.$': '$.visits', 'exit.$': '$.phaseExit' }, Next: `${id}: pack` };
    inner[`${id}: pack`] = { Type: 'Pass', Parameters: { 'cause.$': 'States.JsonToString($)' }, Next: `${id}: finish` };
    inner[`${id}: finish`] = { Type: 'Fail', Error: WorkflowError.phaseDone, CausePath: '$.cause' };
    inner[`${id}: unknown decision`] = { Type: 'Fail', Error: 'UnknownDecision', Cause: 'A decision named an action the step does not have.' };
    for (const e of entries) {
      s[names.enterPhase(id, e)] = { Type: 'Pass', Result: e, ResultPath: '$.phaseEntry', Next: names.visit(id) };
    }
    // Resumed: the same phase visit (its deadlines are remembered per visit, so its clock goes on where it was).
    for (const st of phase.steps) {
      s[names.resumePhase(id, st)] = { Type: 'Pass', Result: resumeEntry(st), ResultPath: '$.phaseEntry', Next: names.deadlines(id) };
      this.resumeAt.push({ at: st, next: names.resumePhase(id, st) });
    }
    s[names.visit(id)] = this.increment(id, names.deadlines(id));
    s[names.deadlines(id)] = this.lambda('deadlines', { ...base, scope: 'phase', id, 'visit.$': visitPath(id) }, phaseSlaPath(id), id);
    s[id] = {
      Type: 'Parallel',
      Comment: `${phase.name.en}: due in ${phase.limit.amount} ${phase.limit.unit} for all its steps.`,
      Branches: [
        { StartAt: `${id}: entry`, States: inner },
        this.clock(id, phaseSlaPath(id), phase.escalation ?? this.sop.escalation, { phaseId: id, 'visit.$': visitPath(id) }),
      ],
      Catch: [{ ErrorEquals: [WorkflowError.phaseDone], ResultPath: '$.done', Next: `${id}: decision` }, this.continuedCatch()],
      Next: `${id}: decision`,
    };
    s[`${id}: decision`] = { Type: 'Pass', Parameters: { 'carry.$': 'States.StringToJson($.done.Cause)' }, ResultPath: '$.done', Next: `${id}: restore` };
    s[`${id}: restore`] = { Type: 'Pass', InputPath: '$.done.carry.visits', ResultPath: '$.visits', Next: `${id}: record` };
    s[`${id}: record`] = this.lambda('outcome', { ...base, kind: 'phaseDone', phaseId: id, 'visit.$': visitPath(id), 'sla.$': phaseSlaPath(id) }, null, `${id}: leave`);
    s[`${id}: leave`] = {
      Type: 'Choice',
      Choices: [...exits].map((e) => ({ Variable: '$.done.carry.exit', StringEquals: e, Next: e })),
      Default: 'Unknown decision',
    };
    return s;
  }

  /**
   * Steps of a phase entered from outside it: the start, targets of outside actions, the follow-up
   * step, and steps that asked the reporter a question (they resume after the answer).
   */
  private phaseEntries(phase: Phase): string[] {
    const inside = new Set(phase.steps);
    const entries = new Set<string>();
    const start = this.sop.startAt ?? this.sop.steps[0]!.id;
    if (inside.has(start)) entries.add(start);
    if (inside.has(this.sop.reporterReply.followUpStep)) entries.add(this.sop.reporterReply.followUpStep);
    for (const id of phase.steps) {
      if (this.stepById.get(id)!.actions.some((a) => a.goto === '@askReporter')) entries.add(id);
    }
    for (const step of this.sop.steps.filter((s) => !inside.has(s.id))) {
      for (const a of step.actions) if (inside.has(a.goto)) entries.add(a.goto);
    }
    return [...entries];
  }

  /**
   * A `monitor` rung: the monitoring path (its step, and the steps its actions lead to, until `@end`)
   * runs inside the late step's clock, so the late step's task stays open meanwhile and the path ends
   * with the race when that work is done. Each step of it has the usual shape (deadlines, a race of its
   * task against its own clock, record, route); its visit is the late step's visit (copied, not
   * counted: the clock branch's state does not outlive the race). No hand-over branch of its own: the
   * late step's race has one, and a successor re-enters the path through the clock.
   */
  private monitorPath(owner: string, rung: EscalationRung, ids: Record<string, string>): AslState {
    const states: Record<string, AslState> = {};
    const end = `${owner}: monitoring ended`;
    const unknown = `${owner}: monitoring: unknown decision`;
    for (const id of [...this.monitoring].filter(([, m]) => m.lateStep === owner).map(([sid]) => sid)) {
      merge(states, this.monitorStep(this.stepById.get(id)!, ids['visit.$']!, end, unknown));
    }
    states[end] = { Type: 'Succeed' };
    states[unknown] = { Type: 'Fail', Error: 'UnknownDecision', Cause: 'A decision this SOP does not have.' };
    return {
      Type: 'Parallel',
      Comment: `The ${rung.step} task opens; ${owner}'s own task stays open. A decision there ends this path with the race.`,
      Branches: [{ StartAt: names.visit(rung.step!), States: states }],
      ResultPath: null,
    };
  }

  /** One step of a monitoring path. */
  private monitorStep(step: Step, ownerVisit: string, end: string, unknown: string): Record<string, AslState> {
    const id = step.id;
    const sla = `$.monitorSla.${key(id)}`;
    const ids = { stepId: id, 'visit.$': visitPath(id) };
    const s: Record<string, AslState> = {};
    s[names.visit(id)] = { Type: 'Pass', Parameters: { 'n.$': ownerVisit }, ResultPath: `$.visits.${key(id)}`, Next: step.limit ? names.deadlines(id) : names.race(id) };
    if (step.limit) s[names.deadlines(id)] = this.lambda('deadlines', { ...base, scope: 'step', id, 'visit.$': visitPath(id) }, sla, names.race(id));
    s[names.race(id)] = {
      Type: 'Parallel',
      Comment: `SOP row ${step.sopNumber}: ${step.name.en}.`,
      Branches: [
        {
          StartAt: names.open(id),
          States: {
            [names.open(id)]: {
              Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: fn('task'), Payload: { ...base, 'taskToken.$': '$$.Task.Token', kind: 'official', ...ids } },
              TimeoutSeconds: CALLBACK_TIMEOUT_SECONDS, ResultPath: '$.decision', Retry: [lambdaRetry, handlerRetry], Next: names.done(id),
            },
            [names.done(id)]: { Type: 'Pass', Parameters: { 'cause.$': 'States.JsonToString($.decision)' }, Next: names.finish(id) },
            [names.finish(id)]: { Type: 'Fail', Error: WorkflowError.stepDone, CausePath: '$.cause' },
          },
        },
        ...(step.limit ? [this.clock(id, sla, step.escalation ?? this.sop.escalation, ids)] : []),
      ],
      Catch: [{ ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.decision', Next: names.decision(id) }],
      Next: names.decision(id),
    };
    merge(s, this.decode(names.decision(id), '$.decision', names.record(id)));
    s[names.record(id)] = this.lambda('outcome', { ...base, kind: 'stepDone', ...ids, 'decision.$': '$.decision', ...(step.limit ? { 'sla.$': sla } : {}) }, null, names.route(id));
    s[names.route(id)] = {
      Type: 'Choice',
      Choices: step.actions.map((a) => ({ Variable: '$.decision.action', StringEquals: a.id, Next: a.goto === '@end' ? end : names.visit(a.goto) })),
      Default: unknown,
    };
    return s;
  }

  /** The SLA clock branch: reminder, then each rung of the ladder, on absolute instants. */
  private clock(owner: string, slaPath: string, ladder: EscalationLadder, ids: Record<string, string>): AslBranch {
    const states: Record<string, AslState> = {};
    const seq: [string, AslState][] = [];
    seq.push([`${owner}: wait to remind`, { Type: 'Wait', TimestampPath: `${slaPath}.remindAt` }]);
    seq.push([`${owner}: remind`, this.notify({ template: 'reminder', ...ids }, '')]);
    seq.push([`${owner}: wait until due`, { Type: 'Wait', TimestampPath: `${slaPath}.dueAt` }]);
    ladder.rungs.forEach((rung, i) => {
      const level = i + 1;
      seq.push([`${owner}: wait for rung ${level}`, { Type: 'Wait', TimestampPath: `${slaPath}.rungs[${i}].at` }]);
      if (rung.kind === 'monitor') return void seq.push([`${owner}: rung ${level}: monitoring`, this.monitorPath(owner, rung, ids)]);
      seq.push([
        `${owner}: rung ${level}: ${rung.kind === 'reprimand' ? 'recommend reprimand' : `escalate to ${rung.notify}`}`,
        this.notify({ template: rung.kind === 'reprimand' ? 'reprimand' : 'escalation', ...ids, level }, ''),
      ]);
    });
    seq.push([`${owner}: ladder climbed`, { Type: 'Succeed' }]);
    seq.forEach(([name, state], i) => {
      if (name in states) throw new Error(`Two states would be named "${name}"`);
      const next = seq[i + 1]?.[0];
      if (state.Type === 'Succeed') states[name] = state;
      else {
        const withNext: AslState = { ...state, Next: next! };
        // notify's Catch continues to the next state too.
        if (Array.isArray(withNext.Catch)) withNext.Catch = (withNext.Catch as { Next: string }[]).map((c) => ({ ...c, Next: next! }));
        states[name] = withNext;
      }
    });
    return { StartAt: seq[0]![0], States: states };
  }

  /**
   * The reporter's side of a race: what comes back is flags only (satisfied, rating), the reporter's
   * words being stored on the task before the delivery. `resultPath` null: the machine needs only
   * that an answer came.
   */
  private callbackBranch(name: string, payload: Record<string, unknown>, resultPath: string | null): AslBranch {
    const task: AslState = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fn('task'), Payload: { ...base, 'taskToken.$': '$$.Task.Token', ...payload } },
      TimeoutSeconds: CALLBACK_TIMEOUT_SECONDS,
      ResultPath: resultPath,
      Retry: [lambdaRetry, handlerRetry],
    };
    if (resultPath === null) {
      return {
        StartAt: name,
        States: {
          [name]: { ...task, Next: `${name}: finish` },
          [`${name}: finish`]: { Type: 'Fail', Error: WorkflowError.stepDone, Cause: 'answered' },
        },
      };
    }
    return {
      StartAt: name,
      States: {
        [name]: { ...task, Next: `${name}: done` },
        [`${name}: done`]: { Type: 'Pass', Parameters: { 'cause.$': `States.JsonToString(${resultPath})` }, Next: `${name}: finish` },
        [`${name}: finish`]: { Type: 'Fail', Error: WorkflowError.stepDone, CausePath: '$.cause' },
      },
    };
  }

  private windowBranch(owner: string): AslBranch {
    return {
      StartAt: `${owner}: wait for window end`,
      States: {
        [`${owner}: wait for window end`]: { Type: 'Wait', TimestampPath: '$.replySla.dueAt', Next: `${owner}: window elapsed` },
        [`${owner}: window elapsed`]: { Type: 'Fail', Error: WorkflowError.replyWindowElapsed, Cause: 'The reply window passed without an answer.' },
      },
    };
  }

  /** The state a step's visit leads to: its deadlines, or straight to its race when it has no limit. */
  private afterVisit(step: Step): string {
    return step.limit ? names.deadlines(step.id) : names.race(step.id);
  }

  /**
   * The hand-over branch of a race: at `$.lifetime.continueBy` the outcome handler holds the task
   * this race waits for (`task`: its slot), starts the successor execution with `resume` (where to go
   * back in, and every visit counter) and the branch fails with ContinueAsNew, which ends the race.
   * While a decision is on its way the handler answers ContinuePending, retried with backoff.
   */
  private continueBranch(owner: string, task: Record<string, unknown>, resume: Record<string, unknown>): AslBranch {
    return {
      StartAt: names.waitToContinue(owner),
      States: {
        [names.waitToContinue(owner)]: { Type: 'Wait', TimestampPath: '$.lifetime.continueBy', Next: names.continueAsNew(owner) },
        [names.continueAsNew(owner)]: {
          Type: 'Task',
          Resource: fn('outcome'),
          Parameters: { ...base, kind: 'continueAsNew', task, resume: { ...resume, 'visits.$': '$.visits' } },
          ResultPath: null,
          Retry: [lambdaRetry, continueRetry, handlerRetry],
          Next: names.continued(owner),
        },
        [names.continued(owner)]: { Type: 'Fail', Error: WorkflowError.continueAsNew, Cause: 'A successor execution has taken the case over.' },
      },
    };
  }

  private continuedCatch(): { ErrorEquals: string[]; ResultPath: string; Next: string } {
    return { ErrorEquals: [WorkflowError.continueAsNew], ResultPath: '$.continued', Next: CONTINUED };
  }

  /**
   * A successor execution's way back in: the predecessor's visit counters over the fresh ones (a
   * counter of a step added to the SOP since then starts at 0), then the wait it was in, entered again
   * without counting a visit, so every handler finds that visit's task, deadlines and claims.
   */
  private resume(): Record<string, AslState> {
    return {
      Resume: { Type: 'Pass', Parameters: { 'visits.$': 'States.JsonMerge($.visits, $.resume.visits, false)' }, ResultPath: '$.resumed', Next: 'Resume: visits' },
      'Resume: visits': { Type: 'Pass', InputPath: '$.resumed.visits', ResultPath: '$.visits', Next: 'Resume: route' },
      'Resume: route': {
        Type: 'Choice',
        Choices: this.resumeAt.map((r) => ({ Variable: '$.resume.at', StringEquals: r.at, Next: r.next })),
        Default: 'Unknown resume point',
      },
      'Unknown resume point': { Type: 'Fail', Error: 'UnknownResumePoint', Cause: 'The predecessor execution waited at a step this SOP no longer has.' },
      [CONTINUED]: { Type: 'Succeed', Comment: 'A successor execution has the case now.' },
    };
  }

  private increment(id: string, next: string): AslState {
    return { Type: 'Pass', Parameters: { 'n.$': `States.MathAdd(${visitPath(id)}, 1)` }, ResultPath: `$.visits.${key(id)}`, Next: next };
  }

  /**
   * After a race: the work branch carried its result out as the text of its error cause (a branch's
   * state does not survive the Parallel), caught at `path`. Decode it there, then unwrap it, so no
   * copy is left behind. That result is ids and flags only (`{action}`, `{satisfied, rating}`), which
   * the intrinsics carry unchanged on every engine (`checkIntrinsicIds`).
   */
  private decode(name: string, path: string, next: string): Record<string, AslState> {
    return {
      [name]: { Type: 'Pass', Parameters: { 'value.$': `States.StringToJson(${path}.Cause)` }, ResultPath: path, Next: `${name}: restore` },
      [`${name}: restore`]: { Type: 'Pass', InputPath: `${path}.value`, ResultPath: path, Next: next },
    };
  }

  private lambda(name: keyof typeof WorkflowFunction, payload: Record<string, unknown>, resultPath: string | null, next: string): AslState {
    return { Type: 'Task', Resource: fn(name), Parameters: payload, ResultPath: resultPath, Retry: [lambdaRetry, handlerRetry], Next: next };
  }

  private notify(fields: Record<string, unknown>, next: string): AslState {
    return {
      Type: 'Task',
      Resource: fn('notify'),
      Parameters: { ...base, ...fields },
      ResultPath: null,
      Retry: [lambdaRetry, mailRetry, handlerRetry],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.deliveryError', Next: next }],
      Next: next,
    };
  }
}

/**
 * A Lambda task that still fails after its retries does not fail the execution: it is caught into a
 * parking state beside it (`<state>: parked`), a callback task whose handler (the task function,
 * kind `park`) records the case as needing attention, tells the regency admin and counts
 * WorkflowTaskFailed, and then waits. An operator who has fixed the cause resumes it (SendTaskSuccess
 * with the stored token, shared/usecases/attention.ts), and the failed state runs again. Only the
 * error's name reaches the handler; its cause stays in `$.failure` while parked and is overwritten on
 * resumption. notify is left as it is: it already catches everything and goes on (a refused email is
 * recorded on the case, never a reason to stop it). Runs over the finished machine, so it wraps
 * whatever tasks the shapes above produce.
 */
function parkFailedTasks(states: Record<string, AslState>): void {
  for (const [name, state] of Object.entries(states)) {
    for (const branch of (state.Branches as AslBranch[] | undefined) ?? []) parkFailedTasks(branch.States);
    if (state.Type !== 'Task' || state.Catch) continue;
    const parked = names.parked(name);
    state.Catch = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: parked }];
    states[parked] = {
      Type: 'Task',
      Comment: `"${name}" failed after its retries: the case waits here for an operator, then "${name}" runs again.`,
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: fn('task'),
        Payload: { ...base, 'taskToken.$': '$$.Task.Token', kind: 'park', state: name, 'error.$': '$.failure.Error' },
      },
      TimeoutSeconds: CALLBACK_TIMEOUT_SECONDS,
      ResultPath: '$.failure',
      Retry: [lambdaRetry, handlerRetry],
      Next: name,
    };
  }
}

/**
 * Every id that passes through an intrinsic function (`States.JsonToString` / `StringToJson` carry a
 * step's `{action}` and a phase's `{visits, exit}` out of their races) must be free of `"` and `\`:
 * the local engine's intrinsics drop backslashes, and the design must not lean on how an engine escapes.
 * The schema refuses such ids already; this holds for an SOP object that bypassed it.
 */
function checkIntrinsicIds(sop: Sop): void {
  const bad = (id: string) => !INTRINSIC_SAFE_ID.test(id);
  const rule = 'use letters, digits and dashes, starting with a lowercase letter (no quotes, backslashes or spaces): it travels through the state machine\'s intrinsic functions';
  for (const phase of sop.phases) if (bad(phase.id)) throw new Error(`Phase id ${JSON.stringify(phase.id)}: ${rule}.`);
  for (const step of sop.steps) {
    if (bad(step.id)) throw new Error(`Step id ${JSON.stringify(step.id)}: ${rule}.`);
    for (const action of step.actions) {
      if (bad(action.id)) throw new Error(`Step "${step.id}", action id ${JSON.stringify(action.id)}: ${rule}.`);
    }
  }
}

/**
 * A monitoring path lives inside a late step's clock: its rung is the last of a step's own ladder and
 * names a step; its steps lead only to each other or to `@end`, nothing else leads into them, and
 * `@end` is theirs alone.
 */
function checkMonitoring(sop: Sop, monitoring: Map<string, { lateStep: string }>): void {
  for (const step of sop.steps) {
    const rungs = step.escalation?.rungs ?? [];
    rungs.forEach((r, i) => {
      if (r.kind !== 'monitor') return;
      if (!r.step || !sop.steps.some((x) => x.id === r.step)) throw new Error(`Step "${step.id}": a monitor rung must name a step of this SOP.`);
      if (i !== rungs.length - 1) throw new Error(`Step "${step.id}": a monitor rung must be the last of its ladder (its path holds the clock).`);
    });
    if (sop.escalation.rungs.some((r) => r.kind === 'monitor') || sop.phases.some((p) => p.escalation?.rungs.some((r) => r.kind === 'monitor'))) {
      throw new Error('A monitor rung belongs to a step\'s own ladder, not to the SOP\'s or a phase\'s.');
    }
    for (const a of step.actions) {
      const inPath = monitoring.has(step.id);
      if (inPath && a.goto.startsWith('@') && a.goto !== '@end') throw new Error(`Step "${step.id}" is on a monitoring path: its action "${a.id}" may lead only to a step of the path or to @end.`);
      if (!inPath && a.goto === '@end') throw new Error(`Step "${step.id}", action "${a.id}": @end ends a monitoring path, and this step is on none.`);
      if (!inPath && monitoring.has(a.goto)) throw new Error(`Step "${step.id}", action "${a.id}": "${a.goto}" is on a monitoring path, which only its rung opens.`);
    }
  }
  for (const p of sop.phases) for (const id of p.steps) if (monitoring.has(id)) throw new Error(`Step "${id}" is on a monitoring path and cannot be in phase "${p.id}".`);
  if (monitoring.has(sop.startAt ?? sop.steps[0]!.id) || monitoring.has(sop.reporterReply.followUpStep)) throw new Error('The start and the follow-up step cannot be on a monitoring path.');
}

/** Every state name must be unique in the whole machine, branches included, and short enough for AWS. */
function checkNames(states: Record<string, AslState>): void {
  const seen = new Set<string>();
  const walk = (level: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(level)) {
      if (seen.has(name)) throw new Error(`Two states would be named "${name}": rename a step or phase so their ids differ.`);
      if ([...name].length > MAX_STATE_NAME) throw new Error(`State name "${name}" is longer than ${MAX_STATE_NAME} characters: shorten the step or phase id.`);
      seen.add(name);
      for (const branch of (state.Branches as AslBranch[] | undefined) ?? []) walk(branch.States);
    }
  };
  walk(states);
}

/**
 * Step Functions refuses a machine with a state no path reaches. Here that means a step reached
 * only after a reporter's reply in an SOP where no action answers the reporter.
 */
function checkReachable(machine: AslBranch): void {
  const seen = new Set<string>();
  const todo = [machine.StartAt];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = machine.States[name];
    if (!state) throw new Error(`A transition leads to "${name}", which is not a state: a compiler defect, please report it with the SOP.`);
    const next = [state.Next, state.Default, ...((state.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
      ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next)];
    for (const n of next) if (typeof n === 'string') todo.push(n);
    for (const branch of (state.Branches as AslBranch[] | undefined) ?? []) checkReachable(branch);
  }
  const lost = Object.keys(machine.States).filter((n) => !seen.has(n));
  if (lost.length) throw new Error(`No path reaches ${lost.map((n) => `"${n}"`).join(', ')}: make every step reachable by some action from the start.`);
}

/**
 * Compiles one SOP into its state machine definition. Throws when the SOP's ids would give two
 * states one name or a name longer than Step Functions allows, when an id that passes through an
 * intrinsic function could hold a quote or a backslash, or when a step cannot be reached.
 */
export function compileSop(sop: Sop): AslMachine {
  return new Compiler(sop).compile();
}

/** The committed file text of a compiled SOP: stable, 2-space JSON with a trailing newline. */
export function renderAsl(machine: AslMachine): string {
  return `${JSON.stringify(machine, null, 2)}\n`;
}

/**
 * The compiler: one SOP (shared/sop/schema.ts) → one Standard state machine in Amazon States
 * Language (JSONPath; no JSONata). Nothing here knows any agency: everything comes from the SOP.
 *
 * Shape, per human step S with a limit (statemachines/README.md has every shape: phases, the
 * reporter, closing) — six states entered per visit decided in time, every one of them doing work:
 *
 *  (S: deadlines  Task      deadlines handler: counts the visit and computes the SLA instants in one call
 *                           (`States.MathAdd` in its Parameters; it answers {visit, …deadlines}, kept as
 *                           $.run.visits.S = {n, sla} — the visit number keys every handler's idempotency).
 *                           Entered only where no task before the race begins its visit (a successor's
 *                           resume, the reply loop's follow-up step, a visit handed over first): on the
 *                           way in, Record start or the previous record does the same (`begun`, `NextVisit`).)
 *   S             Parallel  race of two branches:
 *                   work:  S: open task (.waitForTaskToken; ResultSelector keeps only the action id) → S: finish (Fail StepDone, cause = the action id)
 *                   clock: Wait remindAt → remind → Wait dueAt → Wait rung 1 → escalate 1 → … → the last rung
 *                          → Wait $.run.continueBy → continue as new (the deadlines task, told that
 *                          instant, raised ContinueDue instead if the last rung would come after it)
 *                 Catch StepDone → $.decision ({Error, Cause}: the cause is the action id itself)
 *   S: record     Task      outcome handler (reads the decision's texts from the task; SLA verdict), then
 *                           begins the visit the decision leads to (its counter and deadlines) in `$.run`
 *   S: route      Choice    on $.decision.Cause → the action's target (a step with one action has none:
 *                           its record goes straight on; the handler refuses an action the step lacks)
 *
 * Finishing the work fails its branch with StepDone, which stops the clock branch at once: no
 * reminder or escalation after the work is done, and the next step never waits for the clock.
 * A step without a limit has no clock. A phase with a limit (Musi Rawas: 5 working days
 * for the whole procedure) is the same race one level up: its work branch holds its steps and ends
 * with PhaseDone carrying where to go next.
 *
 * Continue-as-new: every wait for a person (each step's race, the reporter's question and reply
 * window) hands over by `$.run.continueBy` (360 days after the execution started) — a limited step at
 * the end of its clock; a reply window ends before it, or is handed over before it opens; every other
 * race in one more branch — to a successor execution, and fails with ContinueAsNew, caught at the top
 * level into `Continued as new`. The successor starts with `$.resume` and goes straight back
 * into that wait with the same visit counters (`Resume: route`), so a case may wait longer than the
 * one year an execution lives.
 */
import { monitoringSteps, type Action, type EscalationLadder, type EscalationRung, type Phase, type Sop, type Step } from '../shared/sop/schema';
import { INTRINSIC_SAFE_ID, WorkflowError, WorkflowFunction, type NextVisit } from '../shared/workflow/contract';
import { EXECUTION_TIMEOUT_SECONDS, visitKey } from '../shared/workflow/executions';

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
/** JSONPath-safe key of an id (step ids carry dashes): the handlers name a successor's counters alike. */
const key = visitKey;
/**
 * What an execution keeps of its own (`$.run`): when it hands over (`continueBy`), the latest visit
 * of every step, phase and reply window (`visits.<id>`: its number `n`, its deadlines `sla`, a
 * phase's `entry`), the step that answered the reporter (`answered.stepId`) and the way out of the
 * phase just left (`exit`). One object, so that `Record start` sets it in one task and a phase
 * carries it out of its race in one error cause.
 */
const RUN = '$.run';
const visitOf = (id: string) => `${RUN}.visits.${key(id)}`;
const visitPath = (id: string) => `${visitOf(id)}.n`;
/** The number of the visit about to begin: counted by the task that starts it, never by a Pass of its own. */
const nextVisit = (id: string) => `States.MathAdd(${visitPath(id)}, 1)`;
/** Where a step's, a phase's or a reply window's deadlines live during its visit. */
const slaPath = (id: string) => `${visitOf(id)}.sla`;
/** The step whose answer the reporter's window is about (set by that step's record task). */
const ANSWERED = `${RUN}.answered.stepId`;
/** Where a phase's way out is noted before its visit counters leave its race. */
const EXIT = `${RUN}.exit`;

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
  finish: (id: string) => `${id}: finish`,
  record: (id: string) => `${id}: record`,
  route: (id: string) => `${id}: route`,
  /** A successor taking the visit up again: uncounts it, for the counting task to count it once more. */
  resumeVisit: (id: string) => `${id}: resume`,
  ask: (id: string) => `${id}: ask reporter`,
  enterPhase: (phase: string, step: string) => `${phase}: enter at ${step}`,
  resumePhase: (phase: string, step: string) => `${phase}: resume at ${step}`,
  exitPhase: (phase: string, target: string) => `${phase}: leave to ${target}`,
  pack: (phase: string) => `${phase}: pack`,
  waitToContinue: (owner: string) => `${owner}: wait to continue`,
  continueAsNew: (owner: string) => `${owner}: continue as new`,
  continued: (owner: string) => `${owner}: continued`,
  /** A visit whose ladder would outlast the execution's hand-over instant: handed over before it begins. */
  handOverFirst: (owner: string) => `${owner}: hand over first`,
  handedOver: (owner: string) => `${owner}: handed over`,
  parked: (state: string) => `${state}: parked`,
};
const REPORTER = 'reporter';
/** The first state of the reporter's reply window: the task that counts its visit and computes its deadline. */
const REPORTER_DEADLINE = 'Reporter window: deadline';
/** The email that closes a case the reporter was satisfied with (the feedback's record has closed it). */
const CLOSED_RATED = 'Closed: rated: notify';
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
  /** Whether some Choice of the top level, or of a phase's work branch, can fall to "unknown decision". */
  private readonly unknownUsed = new Set<string>();
  /**
   * Passes that begin a visit (`<s>: visit`, `<phase>: enter at <s>`): no longer reached where every
   * way in has its visit begun by the task before it, and then left out (Step Functions refuses a
   * state no path reaches).
   */
  private readonly unbegun = new Set<string>();
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
    const top = this.states;
    merge(top, this.start(start));
    // Steps outside phases are top-level; a phase's steps live in its race's work branch.
    for (const step of sop.steps.filter((s) => !this.phaseOf.has(s.id) && !this.monitoring.has(s.id))) merge(top, this.step(step, undefined));
    for (const phase of sop.phases) merge(top, this.phase(phase));
    // A question to the reporter is asked outside any phase: the reporter's time is not the agency's.
    for (const step of sop.steps.filter((st) => st.actions.some((a) => a.goto === '@askReporter'))) merge(top, this.askReporter(step));
    if (this.gotos.has('@reporter')) merge(top, this.reporterWindow());
    merge(top, this.closing());
    merge(top, this.resume());
    pruneUnbegun({ StartAt: 'Record start', States: top }, this.unbegun);
    parkFailedTasks(top);
    checkNames(top);
    checkReachable({ StartAt: 'Record start', States: top });
    return {
      Comment: `${sop.title.id} — ${sop.source.office} (SOP ${sop.source.number}). Generated from shared/sops/${sop.id}.sop.json by statemachines/compile.ts; do not edit.`,
      StartAt: 'Record start',
      TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
      States: top,
    };
  }

  /**
   * The start: `Record start` answers when this execution hands over, and its ResultSelector sets
   * every visit counter to 0 beside it (`$.run`), so no Pass of its own is needed; a successor
   * (`$.resume`) goes back to where its predecessor waited, a new case acknowledges the reporter.
   */
  private start(firstStep: string): Record<string, AslState> {
    const visits: Record<string, { n: number }> = {};
    const asking = this.sop.steps.filter((st) => st.actions.some((a) => a.goto === '@askReporter')).map((st) => `${st.id}-ask`);
    const counted = [...this.sop.steps.map((s) => s.id), ...this.sop.phases.map((p) => p.id), ...asking, ...(this.gotos.has('@reporter') ? [REPORTER] : [])];
    for (const id of counted) visits[key(id)] = { n: 0 };
    // A new case's first visit is begun by Record start itself (its counter and deadlines, `first`),
    // so Acknowledge goes straight into its race; a successor's comes from its `resume`.
    const first = this.begun(firstStep, undefined, undefined)!;
    const { [first.next.counter]: _first, ...others } = visits;
    return {
      'Record start': this.lambda('outcome', { ...base, kind: 'started', first: first.next, 'input.$': '$' }, RUN, 'Resuming?', {
        'continueBy.$': '$.continueBy', visits: { [`${first.next.counter}.$`]: '$.first', ...others },
      }),
      'Resuming?': {
        Type: 'Choice',
        Comment: 'A successor execution (continue-as-new) goes back to where its predecessor waited; the reporter was acknowledged then.',
        Choices: [{ Variable: '$.resume', IsPresent: true, Next: 'Resume' }],
        Default: 'Acknowledge',
      },
      Acknowledge: this.notify({ template: 'acknowledgement' }, first.state),
    };
  }

  /** The first state of a visit of `step`: the task that counts it (its deadlines), or the Pass that does when it has no limit. */
  private startOf(step: Step): string {
    return step.limit ? names.deadlines(step.id) : names.visit(step.id);
  }

  /** Where a successor takes a visit of `step` up again: uncounting it first when its deadlines task counts. */
  private resumeOf(step: Step): string {
    return step.limit ? names.resumeVisit(step.id) : names.race(step.id);
  }

  /** The state that begins `stepId` when coming from `fromPhase` (undefined: from the top level). */
  private entry(stepId: string, fromPhase: Phase | undefined): string {
    const phase = this.phaseOf.get(stepId);
    if (phase && phase !== fromPhase) return names.enterPhase(phase.id, stepId);
    return this.startOf(this.stepById.get(stepId)!);
  }

  /** Where an action leads, seen from the step's own scope (inside its phase's work branch or the top level). */
  private localTarget(step: Step, action: Action, phase: Phase | undefined): string {
    switch (action.goto) {
      case '@reporter': return REPORTER_DEADLINE;
      case '@askReporter': return `${names.ask(step.id)}: window`;
      case '@reject': return 'Rejected: record';
      case '@close': return 'Closed by official';
      default: return this.entry(action.goto, phase);
    }
  }

  /**
   * The visit a recording task can begin for the state `goto` leads to from `fromStep` (in `phase`),
   * so that the machine goes straight into that race, counting and computing its deadlines in that
   * task instead of one of its own (`next`: what the task is asked, `NextVisit`; `state`: the race).
   * Undefined where a step leaves its phase (its phase's record begins the next visit) and for the
   * closing targets. `handsOver`: the visit's deadlines may raise ContinueDue, which sends the machine
   * to `unbegun`, the visit's own first state (its deadlines task hands it over first).
   */
  private begun(goto: string, fromStep: string | undefined, phase: Phase | undefined): { next: NextVisit; state: string; handsOver: boolean; unbegun: string } | undefined {
    if (goto === '@reporter') {
      return { next: { counter: key(REPORTER), deadlines: { scope: 'replyWindow', handsOver: true } }, state: 'Reporter window', handsOver: true, unbegun: REPORTER_DEADLINE };
    }
    if (goto === '@askReporter') {
      const race = names.ask(fromStep!);
      return { next: { counter: key(`${fromStep}-ask`), deadlines: { scope: 'replyWindow', id: fromStep, handsOver: true } }, state: race, handsOver: true, unbegun: `${race}: window` };
    }
    if (goto.startsWith('@')) return undefined;
    const target = this.stepById.get(goto)!;
    const targetPhase = this.phaseOf.get(goto);
    if (phase && targetPhase !== phase) return undefined;
    if (targetPhase && targetPhase !== phase) {
      return { next: { counter: key(targetPhase.id), entry: goto, deadlines: { scope: 'phase', id: targetPhase.id } }, state: names.race(targetPhase.id), handsOver: false, unbegun: names.enterPhase(targetPhase.id, goto) };
    }
    const handsOver = this.clockHandsOver(target);
    return {
      next: { counter: key(goto), ...(target.limit ? { deadlines: { scope: 'step' as const, id: goto, ...(handsOver ? { handsOver } : {}) } } : {}) },
      state: names.race(goto), handsOver, unbegun: this.startOf(target),
    };
  }

  /** A limited step's clock hands over after its last rung, unless a rung opens a monitoring path (whose people may outlast the execution's year). */
  private clockHandsOver(step: Step): boolean {
    return !!step.limit && !(step.escalation ?? this.sop.escalation).rungs.some((r) => r.kind === 'monitor');
  }

  /** Whether an action leaves its step's phase (every terminal target, the reporter's question included). */
  private leaves(action: Action, phase: Phase | undefined): phase is Phase {
    return !!phase && (action.goto.startsWith('@') || this.phaseOf.get(action.goto) !== phase);
  }

  /** Every way out of a phase: the outside states its actions lead to. */
  private phaseExits(phase: Phase): Set<string> {
    const exits = new Set<string>();
    for (const stepId of phase.steps) {
      const step = this.stepById.get(stepId)!;
      for (const a of step.actions) if (this.leaves(a, phase)) exits.add(this.localTarget(step, a, phase));
    }
    return exits;
  }

  /**
   * The state an action leads to. Leaving a phase: its one way out packs the counters at once; with
   * several, `<phase>: leave to <target>` notes which first.
   */
  private target(step: Step, action: Action, phase: Phase | undefined): string {
    const local = this.localTarget(step, action, phase);
    if (!this.leaves(action, phase)) return local;
    return this.phaseExits(phase).size === 1 ? names.pack(phase.id) : names.exitPhase(phase.id, local);
  }

  private step(step: Step, phase: Phase | undefined): Record<string, AslState> {
    const s: Record<string, AslState> = {};
    const id = step.id;
    const hasClock = !!step.limit;
    const ladder = step.escalation ?? this.sop.escalation;
    const slot = { kind: 'official', stepId: id, 'visit.$': visitPath(id) };
    // The clock hands over after its last rung (one Wait fewer per visit than a branch of its own),
    // unless a rung opens a monitoring path, whose people may outlast the execution's year.
    const clockHandsOver = this.clockHandsOver(step);
    if (hasClock) {
      s[names.deadlines(id)] = clockHandsOver
        ? this.handingOverDeadlines(id, { scope: 'step', id }, names.race(id), id)
        : this.countingDeadlines(id, { scope: 'step', id }, names.race(id));
      s[names.resumeVisit(id)] = this.uncount(id, names.deadlines(id));
    } else {
      s[names.visit(id)] = this.increment(id, names.race(id));
      this.unbegun.add(names.visit(id));
    }
    if (clockHandsOver) merge(s, this.handOverFirst(id, { kind: 'official', stepId: id, 'visit.$': nextVisit(id) }, { at: id }, phase));
    // A step without a limit still races: its task against the hand-over clock alone.
    s[names.race(id)] = {
      Type: 'Parallel',
      Comment: clockHandsOver
        ? `Due in ${step.limit!.amount} ${step.limit!.unit}: the work races the SLA clock, which hands over after its last rung.`
        : hasClock
          ? `Due in ${step.limit!.amount} ${step.limit!.unit}: the work races the SLA clock (and the hand-over clock).`
          : `No limit of its own${phase ? ` (its phase has one)` : ''}: the work races only the hand-over clock.`,
      Branches: [
        this.workBranch(step),
        ...(hasClock ? [this.clock(id, slaPath(id), ladder, { stepId: id, 'visit.$': visitPath(id) }, clockHandsOver ? { task: slot, resume: { at: id } } : undefined)] : []),
        ...(clockHandsOver ? [] : [this.continueBranch(id, slot, { at: id })]),
      ],
      // Inside a phase, ContinueAsNew goes on up to the phase's race, which the top level catches.
      Catch: [
        { ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.decision', Next: names.record(id) },
        ...(phase ? [] : [this.continuedCatch()]),
      ],
      Next: names.record(id),
    };
    if (!phase) this.resumeAt.push({ at: id, next: this.resumeOf(step) });
    merge(s, this.recordStep(step, phase));
    return s;
  }

  /**
   * The work branch of a step's race: the official's task, whose delivery (`{action}`; an older one
   * carried texts too) is cut to the action id by the task's ResultSelector, and the Fail that ends
   * the race with that id as its cause. The id is held to INTRINSIC_SAFE_ID, and no intrinsic
   * touches it on the way: the cause is the id itself, not its JSON.
   */
  private workBranch(step: Step): AslBranch {
    const id = step.id;
    return {
      StartAt: names.open(id),
      States: {
        [names.open(id)]: {
          Type: 'Task',
          Comment: `SOP row ${step.sopNumber}: ${step.name.en}. Waits for the official's decision (SendTaskSuccess).`,
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: {
            FunctionName: fn('task'),
            Payload: { ...base, 'taskToken.$': '$$.Task.Token', kind: 'official', stepId: id, 'visit.$': visitPath(id) },
          },
          TimeoutSeconds: CALLBACK_TIMEOUT_SECONDS,
          ResultSelector: { 'cause.$': '$.action' },
          ResultPath: '$.decision',
          Retry: [lambdaRetry, handlerRetry],
          Next: names.finish(id),
        },
        [names.finish(id)]: { Type: 'Fail', Error: WorkflowError.stepDone, CausePath: '$.decision.cause' },
      },
    };
  }

  /**
   * A step's record: outcome `stepDone` with the action id the race's cause carried. A step that may
   * answer the reporter notes itself as `$.run.answered` (the reply window's task is that step's),
   * from a constant in the ResultSelector: no Pass of its own. With a single action it goes straight
   * to that action's target.
   */
  private recordStep(step: Step, phase: Phase | undefined): Record<string, AslState> {
    const id = step.id;
    const answers = step.actions.some((a) => a.goto === '@reporter');
    // Each action's target visit, begun by this record where it can be (its counter and deadlines in
    // this task): the route then goes straight into that race.
    const begun = new Map(step.actions.map((a) => [a.id, this.leaves(a, phase) ? undefined : this.begun(a.goto, id, phase)] as const));
    const targetOf = (a: Action) => begun.get(a.id)?.state ?? this.target(step, a, phase);
    const single = step.actions.length === 1;
    const s: Record<string, AslState> = {};
    const payload = {
      ...base, kind: 'stepDone', stepId: id, 'visit.$': visitPath(id), decision: { 'action.$': '$.decision.Cause' }, ...(step.limit ? { 'sla.$': slaPath(id) } : {}),
    };
    const next = Object.fromEntries([...begun].filter(([, b]) => b).map(([action, b]) => [action, b!.next]));
    if (!Object.keys(next).length && !answers) {
      // Nothing to begin or note: the record answers nothing.
      s[names.record(id)] = this.lambda('outcome', payload, null, single ? targetOf(step.actions[0]!) : names.route(id));
    } else {
      // The record answers `$.run` back, with the target's visit begun and this step noted as the one
      // that answered (`answered.stepId`, which the reply window's task is about).
      const record = this.lambda('outcome', { ...payload, 'run.$': RUN, ...(Object.keys(next).length ? { next } : {}), ...(answers ? { answering: true } : {}) }, RUN, single ? targetOf(step.actions[0]!) : names.route(id));
      if ([...begun.values()].some((b) => b?.handsOver)) {
        // A visit that would outlast the hand-over instant: recorded all the same, then the machine goes
        // to that visit's own deadlines task, which hands it over before it begins. The record's answer
        // is lost with its error, so a step that answers notes itself in a Pass on that (rare) way.
        const fallback = single ? begun.get(step.actions[0]!.id)!.unbegun : `${id}: route to hand over`;
        const noted = `${id}: answered, handing over`;
        Object.assign(record, {
          Retry: [{ ErrorEquals: [WorkflowError.continueDue], MaxAttempts: 0 }, ...(record.Retry as unknown[])],
          Catch: [{ ErrorEquals: [WorkflowError.continueDue], ResultPath: '$.handOver', Next: answers ? noted : fallback }],
        });
        if (answers) s[noted] = { Type: 'Pass', Result: { stepId: id }, ResultPath: `${RUN}.answered`, Next: fallback };
        if (!single) {
          s[fallback] = {
            Type: 'Choice',
            Comment: 'The visit the decision leads to would outlast the hand-over instant: into its own deadlines task, which hands it over first.',
            Choices: step.actions.map((a) => ({ Variable: '$.decision.Cause', StringEquals: a.id, Next: begun.get(a.id)?.unbegun ?? this.target(step, a, phase) })),
            Default: this.unknownDecision(phase),
          };
        }
      }
      s[names.record(id)] = record;
    }
    if (!single) {
      s[names.route(id)] = {
        Type: 'Choice',
        Choices: step.actions.map((a) => ({ Variable: '$.decision.Cause', StringEquals: a.id, Next: targetOf(a) })),
        Default: this.unknownDecision(phase),
      };
    }
    return s;
  }

  /** The Fail a route falls to when a decision names an action the step does not have (noted, so it exists only when used). */
  private unknownDecision(phase: Phase | undefined): string {
    this.unknownUsed.add(phase?.id ?? '');
    return phase ? `${phase.id}: unknown decision` : 'Unknown decision';
  }

  /** `@askReporter`: a question to the reporter; the step resumes with the answer, or when the window passes. */
  private askReporter(step: Step): Record<string, AslState> {
    const askId = `${step.id}-ask`;
    const race = names.ask(step.id);
    const window = `${race}: window`;
    const back = this.entry(step.id, undefined);
    this.resumeAt.push({ at: askId, next: names.resumeVisit(race) });
    return {
      // The window ends the race, before the hand-over instant (else its deadlines hand it over first): no hand-over branch.
      [window]: this.handingOverDeadlines(askId, { scope: 'replyWindow', id: step.id }, race, race),
      ...this.handOverFirst(race, { kind: 'reporterAnswer', stepId: step.id, 'visit.$': nextVisit(askId) }, { at: askId }, undefined),
      [names.resumeVisit(race)]: this.uncount(askId, window),
      [race]: {
        Type: 'Parallel',
        Comment: "The reporter's answer races the reply window; the clock is the agency's no longer.",
        Branches: [
          this.callbackBranch(`${race}: wait for answer`, { kind: 'reporterAnswer', stepId: step.id, 'visit.$': visitPath(askId) }, null),
          this.windowBranch(race, slaPath(askId)),
        ],
        // Either way back to the same step, as a new visit.
        Catch: [
          { ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.done', Next: `${race}: record answer` },
          { ErrorEquals: [WorkflowError.replyWindowElapsed], ResultPath: '$.done', Next: back },
        ],
        Next: back,
      },
      // The answer never enters the execution: the feedback use case stored it on the task, outcome records it on the case.
      [`${race}: record answer`]: this.lambda('outcome', { ...base, kind: 'reporterAnswered', stepId: step.id, 'visit.$': visitPath(askId) }, null, back),
    };
  }

  /** The reporter's reply window after an answer: reply (back to the follow-up step), rate, or silence (closed). */
  private reporterWindow(): Record<string, AslState> {
    const race = 'Reporter window';
    const followUp = this.sop.reporterReply.followUpStep;
    const visit = visitPath(REPORTER);
    this.resumeAt.push({ at: REPORTER, next: `${race}: resume` });
    return {
      // A successor goes back into the window of the step that answered, the same visit.
      [`${race}: resume`]: { Type: 'Pass', Parameters: { 'stepId.$': '$.resume.answeredBy' }, ResultPath: `${RUN}.answered`, Next: names.resumeVisit(REPORTER) },
      [names.resumeVisit(REPORTER)]: this.uncount(REPORTER, REPORTER_DEADLINE),
      // The window ends the race, before the hand-over instant (else its deadlines hand it over first): no hand-over branch.
      [REPORTER_DEADLINE]: this.handingOverDeadlines(REPORTER, { scope: 'replyWindow', 'id.$': ANSWERED }, race, race),
      ...this.handOverFirst(race, { kind: 'reporterReply', 'stepId.$': ANSWERED, 'visit.$': nextVisit(REPORTER) }, { at: REPORTER, 'answeredBy.$': ANSWERED }, undefined),
      [race]: {
        Type: 'Parallel',
        Comment: `The reporter may reply within ${this.sop.reporterReply.window.amount} ${this.sop.reporterReply.window.unit}; silence closes the case.`,
        Branches: [
          this.callbackBranch(`${race}: wait for feedback`, { kind: 'reporterReply', 'stepId.$': ANSWERED, 'visit.$': visit }, '$.feedback'),
          this.windowBranch(race, slaPath(REPORTER)),
        ],
        Catch: [
          { ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.feedback', Next: `${race}: record` },
          { ErrorEquals: [WorkflowError.replyWindowElapsed], ResultPath: '$.elapsed', Next: 'Closed: window elapsed' },
        ],
        Next: `${race}: record`,
      },
      // The flags come decoded straight from the race's cause; the handler answers only the verdict
      // (`{satisfied}`), which is all that routes: the rating is on the case now (an older delivery's comment too).
      [`${race}: record`]: this.lambda('outcome', {
        ...base, kind: 'reporterFeedback', 'stepId.$': ANSWERED, 'visit.$': visit, 'feedback.$': 'States.StringToJson($.feedback.Cause)', closeWhenSatisfied: true,
      }, '$.feedback', `${race}: route`),
      // Satisfied: the record has closed the case (rated); only the closing email is left.
      [`${race}: route`]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.feedback.satisfied', BooleanEquals: true, Next: CLOSED_RATED }],
        Default: this.entry(followUp, undefined),
      },
    };
  }

  /** Closing: the outcome, then the reporter's email, which ends the execution itself (`Closed` is where a refused email goes on to). */
  private closing(): Record<string, AslState> {
    const close = (reason: string, name: string, template: 'closing' | 'rejection', end: string): Record<string, AslState> => ({
      [name]: this.lambda('outcome', { ...base, kind: 'closed', reason }, null, `${name}: notify`),
      [`${name}: notify`]: this.notify({ template }, end, true),
    });
    const gotos = this.gotos;
    return {
      ...(gotos.has('@reporter') ? {
        [CLOSED_RATED]: this.notify({ template: 'closing' }, 'Closed', true),
        ...close('reply_window_elapsed', 'Closed: window elapsed', 'closing', 'Closed'),
      } : {}),
      ...(gotos.has('@close') ? close('closed_by_official', 'Closed by official', 'closing', 'Closed') : {}),
      ...(gotos.has('@reject') ? { ...close('rejected', 'Rejected: record', 'rejection', 'Rejected'), Rejected: { Type: 'Succeed' } } : {}),
      Closed: { Type: 'Succeed' },
      ...(this.unknownUsed.has('') ? { 'Unknown decision': { Type: 'Fail', Error: 'UnknownDecision', Cause: 'A decision named an action the step does not have.' } } : {}),
    };
  }

  private phase(phase: Phase): Record<string, AslState> {
    const s: Record<string, AslState> = {};
    const id = phase.id;
    const inner: Record<string, AslState> = {};
    const entries = this.phaseEntries(phase);
    // The work branch starts where the phase was entered from outside (`$.run.visits.<phase>.entry`).
    // A successor execution takes any of its steps up again, without counting a new visit.
    inner[`${id}: entry`] = {
      Type: 'Choice',
      Choices: [
        ...entries.map((e) => ({ Variable: `${visitOf(id)}.entry`, StringEquals: e, Next: this.startOf(this.stepById.get(e)!) })),
        ...phase.steps.map((st) => ({ Variable: `${visitOf(id)}.entry`, StringEquals: resumeEntry(st), Next: this.resumeOf(this.stepById.get(st)!) })),
      ],
      Default: this.startOf(this.stepById.get(entries[0]!)!),
    };
    for (const stepId of phase.steps) merge(inner, this.step(this.stepById.get(stepId)!, phase));
    // Where the phase's actions lead outside it: one way out each, however many steps lead there.
    const exits = this.phaseExits(phase);
    if (exits.size > 1) {
      for (const e of exits) inner[names.exitPhase(id, e)] = { Type: 'Pass', Result: e, ResultPath: EXIT, Next: names.pack(id) };
    }
    // Only what the rest of the machine needs leaves the phase: `$.run` (visit counters, who answered, the way out).
    inner[names.pack(id)] = { Type: 'Pass', Parameters: { 'cause.$': `States.JsonToString(${RUN})` }, Next: `${id}: finish` };
    inner[`${id}: finish`] = { Type: 'Fail', Error: WorkflowError.phaseDone, CausePath: '$.cause' };
    if (this.unknownUsed.has(id)) inner[`${id}: unknown decision`] = { Type: 'Fail', Error: 'UnknownDecision', Cause: 'A decision named an action the step does not have.' };
    // Entering counts the phase's visit and notes the entry step in one Pass.
    for (const e of entries) {
      this.unbegun.add(names.enterPhase(id, e));
      s[names.enterPhase(id, e)] = { Type: 'Pass', Parameters: { 'n.$': nextVisit(id), entry: e }, ResultPath: visitOf(id), Next: names.deadlines(id) };
    }
    // Resumed: the same phase visit (its deadlines are remembered per visit, so its clock goes on where it was).
    for (const st of phase.steps) {
      s[names.resumePhase(id, st)] = { Type: 'Pass', Parameters: { 'n.$': visitPath(id), entry: resumeEntry(st) }, ResultPath: visitOf(id), Next: names.deadlines(id) };
      this.resumeAt.push({ at: st, next: names.resumePhase(id, st) });
    }
    s[names.deadlines(id)] = this.lambda('deadlines', { ...base, scope: 'phase', id, 'visit.$': visitPath(id) }, slaPath(id), id);
    s[id] = {
      Type: 'Parallel',
      Comment: `${phase.name.en}: due in ${phase.limit.amount} ${phase.limit.unit} for all its steps.`,
      Branches: [
        { StartAt: `${id}: entry`, States: inner },
        this.clock(id, slaPath(id), phase.escalation ?? this.sop.escalation, { phaseId: id, 'visit.$': visitPath(id) }),
      ],
      Catch: [{ ErrorEquals: [WorkflowError.phaseDone], ResultPath: '$.done', Next: `${id}: record` }, this.continuedCatch()],
      Next: `${id}: record`,
    };
    // The record hands the carried `$.run` back (decoded here by StringToJson), so no Pass restores it.
    const single = exits.size === 1 ? [...exits][0]! : undefined;
    // One way out: the record begins that way's visit too (as a step's record does), when it can.
    const leaving = phase.steps.flatMap((st) => this.stepById.get(st)!.actions.filter((a) => this.leaves(a, phase)).map((a) => ({ step: st, action: a })));
    const begun = single && leaving.length ? this.begun(leaving[0]!.action.goto, leaving[0]!.step, undefined) : undefined;
    const record = this.lambda('outcome', {
      ...base, kind: 'phaseDone', phaseId: id, 'visit.$': visitPath(id), 'sla.$': slaPath(id), 'run.$': 'States.StringToJson($.done.Cause)', ...(begun ? { next: begun.next } : {}),
    }, RUN, begun?.state ?? single ?? `${id}: leave`);
    if (begun?.handsOver) {
      // That visit would outlast the hand-over instant: the run carried out of the race is lost with
      // the error, so the phase is recorded again (the verdict is kept once) without beginning it, and
      // the visit's own deadlines task hands it over before it begins.
      const again = `${id}: record, handing over`;
      Object.assign(record, {
        Retry: [{ ErrorEquals: [WorkflowError.continueDue], MaxAttempts: 0 }, ...(record.Retry as unknown[])],
        Catch: [{ ErrorEquals: [WorkflowError.continueDue], ResultPath: '$.handOver', Next: again }],
      });
      s[again] = this.lambda('outcome', {
        ...base, kind: 'phaseDone', phaseId: id, 'visit.$': visitPath(id), 'sla.$': slaPath(id), 'run.$': 'States.StringToJson($.done.Cause)',
      }, RUN, begun.unbegun);
    }
    s[`${id}: record`] = record;
    if (!single) {
      s[`${id}: leave`] = {
        Type: 'Choice',
        Choices: [...exits].map((e) => ({ Variable: EXIT, StringEquals: e, Next: e })),
        Default: this.unknownDecision(undefined),
      };
    }
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

  /**
   * One step of a monitoring path, in the shape of any step (deadlines, a race of its task against its
   * own clock, record, route), except that its visit is the late step's (copied, not counted): the
   * deadlines task sets the visit and its deadlines in one go, as a counting one does.
   */
  private monitorStep(step: Step, ownerVisit: string, end: string, unknown: string): Record<string, AslState> {
    const id = step.id;
    const ids = { stepId: id, 'visit.$': visitPath(id) };
    const s: Record<string, AslState> = {};
    s[names.visit(id)] = step.limit
      ? this.lambda('deadlines', { ...base, scope: 'step', id, 'visit.$': ownerVisit }, visitOf(id), names.race(id), { 'n.$': '$.visit', 'sla.$': '$' })
      : { Type: 'Pass', Parameters: { 'n.$': ownerVisit }, ResultPath: visitOf(id), Next: names.race(id) };
    s[names.race(id)] = {
      Type: 'Parallel',
      Comment: `SOP row ${step.sopNumber}: ${step.name.en}.`,
      Branches: [
        this.workBranch(step),
        ...(step.limit ? [this.clock(id, slaPath(id), step.escalation ?? this.sop.escalation, ids)] : []),
      ],
      Catch: [{ ErrorEquals: [WorkflowError.stepDone], ResultPath: '$.decision', Next: names.record(id) }],
      Next: names.record(id),
    };
    const targetOf = (a: Action) => (a.goto === '@end' ? end : names.visit(a.goto));
    const next = step.actions.length === 1 ? targetOf(step.actions[0]!) : names.route(id);
    s[names.record(id)] = this.lambda('outcome', {
      ...base, kind: 'stepDone', ...ids, decision: { 'action.$': '$.decision.Cause' }, ...(step.limit ? { 'sla.$': slaPath(id) } : {}),
    }, null, next);
    if (step.actions.length > 1) {
      s[names.route(id)] = {
        Type: 'Choice',
        Choices: step.actions.map((a) => ({ Variable: '$.decision.Cause', StringEquals: a.id, Next: targetOf(a) })),
        Default: unknown,
      };
    }
    return s;
  }

  /**
   * The SLA clock branch: reminder, then each rung of the ladder, on absolute instants. With
   * `handOver`, a step's clock then waits for `$.run.continueBy` and hands the case over (the states of
   * `continueBranch`): its deadlines task saw to it that the last rung comes before that instant.
   */
  private clock(owner: string, sla: string, ladder: EscalationLadder, ids: Record<string, string>, handOver?: { task: Record<string, unknown>; resume: Record<string, unknown> }): AslBranch {
    const states: Record<string, AslState> = {};
    const seq: [string, AslState][] = [];
    seq.push([`${owner}: wait to remind`, { Type: 'Wait', TimestampPath: `${sla}.remindAt` }]);
    seq.push([`${owner}: remind`, this.notify({ template: 'reminder', ...ids }, '')]);
    seq.push([`${owner}: wait until due`, { Type: 'Wait', TimestampPath: `${sla}.dueAt` }]);
    ladder.rungs.forEach((rung, i) => {
      const level = i + 1;
      seq.push([`${owner}: wait for rung ${level}`, { Type: 'Wait', TimestampPath: `${sla}.rungs[${i}].at` }]);
      if (rung.kind === 'monitor') return void seq.push([`${owner}: rung ${level}: monitoring`, this.monitorPath(owner, rung, ids)]);
      seq.push([
        `${owner}: rung ${level}: ${rung.kind === 'reprimand' ? 'recommend reprimand' : `escalate to ${rung.notify}`}`,
        this.notify({ template: rung.kind === 'reprimand' ? 'reprimand' : 'escalation', ...ids, level }, ''),
      ]);
    });
    const tail = handOver ? this.continueBranch(owner, handOver.task, handOver.resume) : undefined;
    if (!tail) seq.push([`${owner}: ladder climbed`, { Type: 'Succeed' }]);
    seq.forEach(([name, state], i) => {
      if (name in states) throw new Error(`Two states would be named "${name}"`);
      const next = seq[i + 1]?.[0] ?? tail?.StartAt;
      if (state.Type === 'Succeed') states[name] = state;
      else {
        const withNext: AslState = { ...state, Next: next! };
        // notify's Catch continues to the next state too.
        if (Array.isArray(withNext.Catch)) withNext.Catch = (withNext.Catch as { Next: string }[]).map((c) => ({ ...c, Next: next! }));
        states[name] = withNext;
      }
    });
    if (tail) merge(states, tail.States);
    return { StartAt: seq[0]![0], States: states };
  }

  /**
   * The reporter's side of a race: what comes back is flags only (satisfied, rating), the reporter's
   * words being stored on the task before the delivery. `resultPath` null: the machine needs only
   * that an answer came. Otherwise the task's ResultSelector writes the flags' JSON as the race's
   * cause (`States.JsonToString` of booleans and a number: nothing an engine could escape differently).
   */
  private callbackBranch(name: string, payload: Record<string, unknown>, resultPath: string | null): AslBranch {
    const task: AslState = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fn('task'), Payload: { ...base, 'taskToken.$': '$$.Task.Token', ...payload } },
      TimeoutSeconds: CALLBACK_TIMEOUT_SECONDS,
      ...(resultPath === null ? {} : { ResultSelector: { 'cause.$': 'States.JsonToString($)' } }),
      ResultPath: resultPath,
      Retry: [lambdaRetry, handlerRetry],
      Next: `${name}: finish`,
    };
    return {
      StartAt: name,
      States: {
        [name]: task,
        [`${name}: finish`]: resultPath === null
          ? { Type: 'Fail', Error: WorkflowError.stepDone, Cause: 'answered' }
          : { Type: 'Fail', Error: WorkflowError.stepDone, CausePath: `${resultPath}.cause` },
      },
    };
  }

  private windowBranch(owner: string, sla: string): AslBranch {
    return {
      StartAt: `${owner}: wait for window end`,
      States: {
        [`${owner}: wait for window end`]: { Type: 'Wait', TimestampPath: `${sla}.dueAt`, Next: `${owner}: window elapsed` },
        [`${owner}: window elapsed`]: { Type: 'Fail', Error: WorkflowError.replyWindowElapsed, Cause: 'The reply window passed without an answer.' },
      },
    };
  }

  /**
   * The hand-over branch of a race: at `$.run.continueBy` the outcome handler holds the task
   * this race waits for (`task`: its slot), starts the successor execution with `resume` (where to go
   * back in, and every visit counter) and the branch fails with ContinueAsNew, which ends the race.
   * While a decision is on its way the handler answers ContinuePending, retried with backoff.
   */
  private continueBranch(owner: string, task: Record<string, unknown>, resume: Record<string, unknown>): AslBranch {
    return {
      StartAt: names.waitToContinue(owner),
      States: {
        [names.waitToContinue(owner)]: { Type: 'Wait', TimestampPath: `${RUN}.continueBy`, Next: names.continueAsNew(owner) },
        [names.continueAsNew(owner)]: {
          Type: 'Task',
          Resource: fn('outcome'),
          Parameters: { ...base, kind: 'continueAsNew', task, resume: { ...resume, 'visits.$': `${RUN}.visits` } },
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
      Resume: {
        Type: 'Pass',
        Parameters: { 'continueBy.$': `${RUN}.continueBy`, 'visits.$': `States.JsonMerge(${RUN}.visits, $.resume.visits, false)` },
        ResultPath: RUN,
        Next: 'Resume: route',
      },
      'Resume: route': {
        Type: 'Choice',
        Choices: this.resumeAt.map((r) => ({ Variable: '$.resume.at', StringEquals: r.at, Next: r.next })),
        Default: 'Unknown resume point',
      },
      'Unknown resume point': { Type: 'Fail', Error: 'UnknownResumePoint', Cause: 'The predecessor execution waited at a step this SOP no longer has.' },
      [CONTINUED]: { Type: 'Succeed', Comment: 'A successor execution has the case now.' },
    };
  }

  /** A visit of a step without a limit, counted by a Pass (no task runs before its race). */
  private increment(id: string, next: string): AslState {
    return { Type: 'Pass', Parameters: { 'n.$': nextVisit(id) }, ResultPath: visitOf(id), Next: next };
  }

  /**
   * The deadlines task that begins a visit and counts it: asked for the next visit's number, the
   * handler answers the deadlines with that number (`visit`), kept as `{n, sla}`.
   */
  private countingDeadlines(id: string, request: Record<string, unknown>, next: string): AslState {
    return this.lambda('deadlines', { ...base, ...request, 'visit.$': nextVisit(id) }, visitOf(id), next, { 'n.$': '$.visit', 'sla.$': '$' });
  }

  /**
   * The deadlines task that begins a visit whose race hands over no later than its clock ends (a
   * limited step, whose clock hands over after its last rung; a reply window, which ends the race):
   * told `$.run.continueBy`, the handler raises ContinueDue when the visit's last instant would come
   * after it, never retried, caught into `handOverFirst`. Any other failure parks as usual
   * (`parkFailedTasks` adds its Catch after).
   */
  private handingOverDeadlines(counter: string, request: Record<string, unknown>, next: string, owner: string): AslState {
    const task = this.countingDeadlines(counter, { ...request, 'continueBy.$': `${RUN}.continueBy` }, next);
    return {
      ...task,
      Retry: [{ ErrorEquals: [WorkflowError.continueDue], MaxAttempts: 0 }, ...(task.Retry as unknown[])],
      Catch: [{ ErrorEquals: [WorkflowError.continueDue], ResultPath: '$.handOver', Next: names.handOverFirst(owner) }],
    };
  }

  /**
   * A visit handed over before it begins: no task is open to hold (`beforeVisit`), so the outcome
   * handler only starts the successor, giving it this visit counted (`task.visit`); the successor's
   * resume uncounts it and its deadlines task counts it again, as for any other hand-over. Inside a
   * phase the ContinueAsNew goes up through the phase's race.
   */
  private handOverFirst(owner: string, task: Record<string, unknown>, resume: Record<string, unknown>, phase: Phase | undefined): Record<string, AslState> {
    return {
      [names.handOverFirst(owner)]: {
        Type: 'Task',
        Resource: fn('outcome'),
        Parameters: { ...base, kind: 'continueAsNew', beforeVisit: true, task, resume: { ...resume, 'visits.$': `${RUN}.visits` } },
        ResultPath: null,
        Retry: [lambdaRetry, continueRetry, handlerRetry],
        Next: phase ? names.handedOver(owner) : CONTINUED,
      },
      ...(phase ? { [names.handedOver(owner)]: { Type: 'Fail', Error: WorkflowError.continueAsNew, Cause: 'A successor execution has taken the case over.' } } : {}),
    };
  }

  /**
   * A successor goes back into a visit its predecessor had counted (`resume.visits` holds it, as it
   * always has, so a hand-over between machine versions agrees): one less, for the counting task to
   * count the same visit again and find its deadlines, task and claims.
   */
  private uncount(id: string, next: string): AslState {
    return { Type: 'Pass', Parameters: { 'n.$': `States.MathAdd(${visitPath(id)}, -1)` }, ResultPath: visitOf(id), Next: next };
  }

  private lambda(name: keyof typeof WorkflowFunction, payload: Record<string, unknown>, resultPath: string | null, next: string, resultSelector?: Record<string, unknown>): AslState {
    // The deadlines handler computes before it reads the case: it is told the SOP (DeadlinesRequest.sopId).
    const parameters = name === 'deadlines' ? { ...payload, sopId: this.sop.id } : payload;
    return {
      Type: 'Task', Resource: fn(name), Parameters: parameters, ...(resultSelector ? { ResultSelector: resultSelector } : {}),
      ResultPath: resultPath, Retry: [lambdaRetry, handlerRetry], Next: next,
    };
  }

  /** An email; `end`: the execution ends with it (its Catch still goes on to `next`, a Succeed). */
  private notify(fields: Record<string, unknown>, next: string, end = false): AslState {
    return {
      Type: 'Task',
      Resource: fn('notify'),
      Parameters: { ...base, ...fields },
      ResultPath: null,
      Retry: [lambdaRetry, mailRetry, handlerRetry],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.deliveryError', Next: next }],
      ...(end ? { End: true } : { Next: next }),
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
    const catches = (state.Catch as { ErrorEquals: string[] }[] | undefined) ?? [];
    if (state.Type !== 'Task' || catches.some((c) => c.ErrorEquals.includes('States.ALL'))) continue;
    const parked = names.parked(name);
    // After a task's own named catches (a deadlines task's ContinueDue): States.ALL must come last.
    state.Catch = [...catches, { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: parked }];
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

/** Leaves out the `prunable` states no path reaches, at every level (a Parallel's branches included). */
function pruneUnbegun(machine: AslBranch, prunable: Set<string>): void {
  const seen = new Set<string>();
  const todo = [machine.StartAt];
  while (todo.length) {
    const name = todo.pop()!;
    const state = machine.States[name];
    if (seen.has(name) || !state) continue;
    seen.add(name);
    todo.push(...[state.Next, state.Default, ...((state.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
      ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next)].filter((n): n is string => typeof n === 'string'));
    for (const branch of (state.Branches as AslBranch[] | undefined) ?? []) pruneUnbegun(branch, prunable);
  }
  for (const name of Object.keys(machine.States)) if (!seen.has(name) && prunable.has(name)) delete machine.States[name];
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

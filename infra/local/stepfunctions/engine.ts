/**
 * A local Step Functions engine that runs the SAME generated ASL as AWS, on aws-local-stepfunctions,
 * with what that library leaves out for a durable local runtime:
 *
 * - the context object: `$$.Task.Token` (a fresh token per callback task, kept in a registry),
 *   `$$.Execution.Id`, and `$$.State.EnteredTime` taken from the runtime's virtual clock;
 * - callback tasks (`.waitForTaskToken`): the function is invoked, then the task waits for
 *   SendTaskSuccess / SendTaskFailure with its token;
 * - Wait states run on the virtual clock (rewritten into tasks that sleep until their instant), so
 *   `POST /_local/clock {advance}` fires them in order; no real timer ever overflows;
 * - a Task's `Retry` intervals, `TimeoutSeconds` and `HeartbeatSeconds` run on the virtual clock too
 *   (the library would sleep in real time, unseen by the clock and by `waitForIdle`): the engine takes
 *   them out of the definition it hands the library and applies them around each task itself;
 * - parking: an execution whose every open task waits on an answer or on the clock holds no library
 *   run (a waiting Parallel costs the library tens of KiB in promises and event targets). When an
 *   answer or a timer comes, the engine runs its top-level state again from its recorded input, and
 *   each task already invoked in that state gets its recorded or awaited result instead of a second
 *   invocation; the States Language is deterministic given those results, so the run reaches the very
 *   same point and goes on from there. Machines using what would not replay alike (`States.UUID`,
 *   `States.MathRandom`, `$$.Execution.Input`) are never parked;
 * - durability: every execution's entry into a top-level state is appended to a journal (fsync'd);
 *   after a restart — a `kill -9` included — each unfinished execution resumes from the last
 *   top-level state it entered. Re-entered states call the workflow handlers again: they are
 *   idempotent (same task, re-bound token, no second email), and Waits use absolute instants, so an
 *   SLA clock resumes where it was. An answer to a callback (SendTaskSuccess/Failure) is journalled
 *   before it is acknowledged: when the re-entered state reaches that callback again, the engine
 *   re-invokes the function (re-binding) and delivers the recorded answer at once, so a decision
 *   acknowledged just before a `kill -9` is never lost.
 *
 * Why this library rather than a home-made interpreter: it implements the States Language itself
 * (paths, intrinsics, Retry/Catch, Parallel abort semantics) and is tested against it; this file only
 * adds what a long-lived local runtime needs around it.
 */
import '../polyfills';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { TimerTarget, VirtualClock } from '../clock';

/** An in-process stand-in for a Lambda function: payload in, result out (throws named errors). */
export type Invoker = (payload: unknown) => Promise<unknown>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type State = Record<string, Json> & { Type: string };
interface Definition {
  StartAt: string;
  States: Record<string, State>;
  [key: string]: Json;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** An AWS-shaped error (its `name` is the API's `__type`). */
export class SfnError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const TOKEN_PLACEHOLDER = '__local_task_token__';
const TIME_PLACEHOLDER = '__local_entered_time__';
const WAIT_RESOURCE = 'arn:aws:states:::local:wait';
const CALLBACK_INVOKE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const PLAIN_INVOKE = 'arn:aws:states:::lambda:invoke';
/**
 * The library arms a real setTimeout per task, 60 s by default: give it a backstop under Node's 2^31 ms
 * limit (~24.8 days). The ASL's own timeouts run on the virtual clock, and a run is restarted from the
 * journal long before this backstop (REFRESH_AFTER_REAL_MS), so it never ends a waiting task.
 */
const LOCAL_TASK_TIMEOUT_SECONDS = 2_000_000;
/** Well before that backstop, a long-waiting run is restarted from the journal (see refreshLongRuns). */
const REFRESH_AFTER_REAL_MS = 20 * 24 * 3600_000;
const REGION = 'ap-southeast-3';
const TOKEN_PATTERN = /^local-[A-Za-z0-9_-]{32}$/;
/** A journal rewrite writes its lines in pieces of about this many characters (see compactJournal). */
const JOURNAL_WRITE_CHUNK = 256 * 1024;
/** The journal is rewritten once it holds this many records more than twice the executions it describes. */
const COMPACT_AFTER_RECORDS = 10_000;

/** A `Retry` entry of the States Language. */
interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/** What the engine applies itself around a Task, on the virtual clock. */
interface TaskPolicy {
  retry: Retrier[];
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}
const NO_POLICY: TaskPolicy = { retry: [] };

interface Prepared {
  definition: Definition;
  /** The type each state had in the ASL (Wait states become tasks locally). */
  types: Map<string, string>;
  policies: Map<string, TaskPolicy>;
}
const ACCOUNT = '000000000000';

interface Machine {
  /** Its ARN: the one string every execution of it refers to (a request's copy would be kept per execution). */
  arn: string;
  name: string;
  definition: Definition;
  topLevel: Set<string>;
  ancestors: Map<string, string>;
  /** Each Task's resource (Wait states included, as the local wait resource). */
  resources: Map<string, string>;
  /** The history's event type of each state's entry, named by its ASL type (`WaitStateEntered`, …). */
  enteredTypes: Map<string, string>;
  policies: Map<string, TaskPolicy>;
  timeoutSeconds?: number;
  /** Whether a waiting execution of this machine may be parked (its states replay alike). */
  parkable: boolean;
  /** Prototypes of what each run hands the library: its top-level states and its task handlers (see `run`). */
  statesView: object;
  handlersView: object;
}

/** Where a run's views keep their run. */
const RUN = Symbol('run');
type RunView = { [RUN]: Run };

/** One run of the library for an execution: from its start, from the journal, or replaying a parked state. */
interface Run {
  execution: Execution;
  /** Replays the top-level state the execution was parked in: its first entries are not new. */
  replay: boolean;
  abort: () => void;
  /** Whether the library has moved to its first state yet. */
  started: boolean;
  /** Task invocations of each state since the current top-level state was entered (the replay's keys). */
  invoked: Map<string, number>;
}

/** A Task's work, which outlives the run that started it when the execution is parked. */
interface Invocation {
  generation: number;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
  /** Waiting on the clock or on an answer only: nothing happens until a timer or an answer comes. */
  waiting: boolean;
  /** The current run's promise for this task. */
  waiter?: { resolve: (value: never) => void; reject: (error: unknown) => void };
}

interface Execution {
  arn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /**
   * Liveness of timers and tokens, tracked synchronously by the task overrides: each knows its
   * top-level ancestor; entering another ancestor starts a new generation, and the timers and tokens
   * of an ended race (an older generation) are stale.
   */
  epoch: number;
  ancestor?: string;
  currentState?: string;
  history: History;
  /** The library run driving the execution; none while it is parked. */
  run?: Run;
  /** Parked, with an outcome to take, waiting for a run slot (see `maxActiveRuns`). */
  waking?: boolean;
  /** When the execution last started a run from its start or its journal (real ms); see refreshLongRuns. */
  runStartedRealMs?: number;
  /** The top-level state it is in and that state's input as JSON: what a parked execution replays, and what the journal keeps. */
  top?: TopState;
  /** Counts the top-level states entered (synchronously, as the library moves): an invocation of an older one is stale. */
  generation: number;
  /** The task invocations since the current top-level state was entered, by state name and occurrence. */
  invocations: Map<string, Invocation>;
  /** How many entries the history holds of the current top-level state and of each state inside it. */
  entered: Map<string, number>;
}

/**
 * The top-level state an execution is in, and that state's input as JSON text: in memory until the
 * journal holds it, then only where the journal holds it (`offset`, `length`, in bytes). A parked
 * case's state input is ~0.6 KiB (its run's visits and deadlines) and is read again only when the
 * execution wakes or the journal is rewritten; the journal keeps it on disk anyway for `kill -9`.
 */
interface TopState {
  state: string;
  input?: string;
  offset?: number;
  length?: number;
}

interface HistoryEntry {
  /** Epoch ms of the virtual clock. */
  at: number;
  type: string;
  state?: string;
  error?: string;
}

/** A callback task's token: who waits for its answer (a small object a parked case keeps for weeks, its methods on the prototype). */
class Callback {
  /** With `HeartbeatSeconds`: the virtual instant by which the next heartbeat must come. */
  heartbeatDueAt?: number;
  constructor(readonly executionArn: string, readonly stateName: string, readonly epoch: number, private readonly attempt: TaskAttempt) {}
  resolve(output: unknown): void {
    this.attempt.settle(true, output);
  }
  reject(error: Error): void {
    this.attempt.settle(false, error);
  }
}

/** An error with a States Language name (`States.Timeout`, a handler's error name, …). */
function statesError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** Ends the library's wait on a task whose run was let go of (parked, stopped, restarted), so that the run can be collected. */
const runLetGo = () => statesError('Local.RunLetGo', 'the run waiting for this task was let go of');

/** Ends the library's waits on these invocations (theirs is a run let go of); the invocations go on. */
function endWaits(invocations: Map<string, Invocation>): void {
  for (const invocation of invocations.values()) {
    const { waiter } = invocation;
    if (!waiter) continue;
    invocation.waiter = undefined;
    waiter.reject(runLetGo());
  }
}

/** Whether a Retry/Catch `ErrorEquals` entry matches an error name, per the States Language. */
export function errorMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (pattern === 'States.ALL') return name !== 'States.Runtime';
  if (pattern === 'States.TaskFailed') return name !== 'States.Runtime' && name !== 'States.Timeout' && name !== 'States.HeartbeatTimeout';
  return false;
}

type JournalRecord =
  | { t: 'start'; arn: string; name: string; sm: string; input: string; at: string }
  | { t: 'enter'; arn: string; state: string; input: Json }
  | { t: 'end'; arn: string; status: ExecutionStatus; output?: string; error?: string; cause?: string; at: string }
  /** A callback answered (SendTaskSuccess/Failure), kept until the execution enters its next top-level state. */
  | DoneRecord;

interface DoneRecord {
  t: 'done';
  arn: string;
  /** The callback Task state's name. */
  state: string;
  output?: string;
  error?: string;
  cause?: string;
}

/**
 * What a top-level entry's journal line holds before its input (the input follows as the JSON text it
 * already is, then `}`): where the input sits in the file follows from it (see TopState).
 */
const enterPrefix = (arn: string, state: string) => `{"t":"enter","arn":${JSON.stringify(arn)},"state":${JSON.stringify(state)},"input":`;

export interface LocalStepFunctionsOptions {
  clock: VirtualClock;
  /** Keyed by the ASL placeholder name, e.g. `TaskFunctionArn` for `${TaskFunctionArn}`. */
  invokers: Record<string, Invoker>;
  /** Where the journal lives; in memory only when absent. */
  dataDir?: string;
  /** Restart a run from the journal after this long in real time (default 20 days; tests shorten it). */
  refreshAfterRealMs?: number;
  /** Rewrite the journal after this many appended records (default 10,000). */
  compactAfterRecords?: number;
  /**
   * How many function invocations run at once (default 4); the others wait their turn, in order. The
   * engine shares its one thread with the HTTP front and dynalite: unbounded, a burst of complaints
   * starts as many executions, whose handlers' DynamoDB calls queue in front of every request's (the
   * intake bench's p50 was seconds). AWS runs them elsewhere; here they wait a little instead. No
   * invocation waits on another (a handler only starts executions or answers tokens), so a queue
   * cannot deadlock, and no plain Task state has a timeout that the wait would eat into.
   */
  maxConcurrentInvocations?: number;
  /**
   * How many executions may have a run of the library in memory at once (default 16); the others
   * wait their turn, parked, in order. A run holds tens of KiB (promises, event targets, the state's
   * data) until its execution waits again and is parked; without a bound, every timer that falls due
   * at once (10,000 open cases' reminders, a runtime started after a night off, `advance("P3D")`) and
   * every execution resumed after a restart unparked its execution, and all of them waited in memory
   * for one of the few invocation turns (a restart with 490 open cases held 490 runs at once).
   * Waiting for a slot costs nothing but a place
   * in a queue. Machines that are never parked (see `replaysAlike`) are not counted: they would hold a
   * slot while they wait for an answer.
   */
  maxActiveRuns?: number;
  /**
   * The background backlog (executions waiting for a run slot, invocations waiting for a turn) at
   * which `admit` holds requests that would add to it (default 3,000: the burst the front takes at its
   * own pace, about a minute of the workflow's work here, where the first steps of 1,000 complaints
   * settled in 17–50 s; each waiting execution holds ≈ 1.2 KiB of heap, its name, input and a place
   * in a queue, so 3,000 hold ≈ 4 MiB). At 1,000 the intake bench's 10-second burst of 32 clients
   * ended at the bound, held to the workflow's pace for its last seconds.
   */
  maxBacklog?: number;
  /**
   * While the HTTP front handles a request that may start or move executions, no background
   * invocation starts, except one when none has started for this long (default 250 ms of real time),
   * so a front that is never idle slows the workflow to a trickle but never stops it. Before, one
   * background invocation ran at a time throughout a burst: each is several SDK round trips, an
   * email's rendering and the States Language run around it (a complaint's first steps cost ≈ 4–6× the
   * complaint's own CPU on the runtime's thread), and an ad-hoc intake bench with none during the
   * load filed 140 complaints/s against 78–99 with one (same minutes, load ≈ 12). The work deferred
   * is done once the front is idle, or when the backlog reaches `maxBacklog` and `admit` holds the front.
   */
  foregroundYieldMs?: number;
  /** Told about failures of executions (for the runtime's log); never given payloads. */
  onExecutionEnd?: (summary: { executionArn: string; status: ExecutionStatus; error?: string }) => void;
}

/** See `LocalStepFunctionsOptions.maxConcurrentInvocations`. */
const DEFAULT_CONCURRENT_INVOCATIONS = 4;
/** See `LocalStepFunctionsOptions.maxActiveRuns`. */
const DEFAULT_ACTIVE_RUNS = 16;
/** See `LocalStepFunctionsOptions.maxBacklog`. */
const DEFAULT_MAX_BACKLOG = 3_000;
/** See `LocalStepFunctionsOptions.foregroundYieldMs`. */
const DEFAULT_FOREGROUND_YIELD_MS = 250;

export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly callbacks = new Map<string, Callback>();
  /** Tokens of callback tasks that timed out (SendTaskSuccess on them answers TaskTimedOut, as on AWS). */
  private readonly timedOutTokens = new Set<string>();
  private readonly journalFile?: string;
  private journalFd?: number;
  /** The journal's size in bytes, and where the last line appended begins (see TopState). */
  private journalBytes = 0;
  private lastLineStart = 0;
  /** The journal opened for reading the inputs of top-level entries back (see topInput); reopened after a rewrite. */
  private readFd?: number;
  /** Records written, and how many of them are known to be on disk (see append). */
  private written = 0;
  private synced = 0;
  /** Whether a background fsync is under way, and on which opening of the file (a rewrite reopens it). */
  private syncing = false;
  /** Starts and answers waiting for an fsync before they are acknowledged (see append). */
  private durableWaiters: { record: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private opened = 0;
  private appendedSinceCompaction = 0;
  /** Callback answers journalled since each running execution's last top-level entry. */
  private readonly doneSinceEnter = new Map<string, DoneRecord[]>();
  /** Answers to deliver again when a resumed execution reaches the same callback (consumed in order). */
  private readonly replay = new Map<string, DoneRecord[]>();
  /** The state each resumed execution restarts at: its first entry there keeps the answers journalled before. */
  private readonly resumingFrom = new Map<string, string>();
  /** Executions to park once the current turn of the event loop is over, if they are still quiet then. */
  private readonly toPark = new Set<Execution>();
  private parkingScheduled = false;
  private inflight = 0;
  /** `waitForIdle` calls waiting for the running invocations to end. */
  private idleWaiters: (() => void)[] = [];
  /**
   * Task Retry backoffs under way (see `retrying`), and the `waitForIdle` calls waiting for one to end:
   * a retry due in a few seconds is work still to come, not idleness.
   */
  private backoffs = 0;
  private backoffEnded: (() => void)[] = [];
  /** Invocations running (see `maxConcurrentInvocations`), and those waiting for one to end. */
  private running = 0;
  private readonly turns = new RunQueue();
  /** When the last invocation started (performance.now()), and the timer that gives the background its turn during a long foreground. */
  private lastTurnAt = -Infinity;
  private yieldTimer?: NodeJS.Timeout;
  /** Requests the runtime's HTTP front is handling (see `foreground`), and the requests waiting to be admitted (see `admit`). */
  private foregroundRequests = 0;
  private admissions: (() => void)[] = [];
  /** Library runs in memory (of parkable machines), and the executions waiting for one (see `maxActiveRuns`). */
  private readonly activeRuns = new Set<Run>();
  private readonly waitingForRun = new RunQueue();
  private wakeScheduled = false;
  private resumed = false;
  private refreshTimer?: NodeJS.Timeout;
  private readonly refreshAfterRealMs: number;
  private closed = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.refreshAfterRealMs = options.refreshAfterRealMs ?? REFRESH_AFTER_REAL_MS;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      this.journalFile = join(options.dataDir, 'executions.jsonl');
    }
  }

  /** Registers a state machine from its ASL text (placeholders unresolved); returns its ARN. */
  createStateMachine(name: string, aslText: string): string {
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    const parsed = JSON.parse(aslText) as Definition;
    const timeoutSeconds = typeof parsed.TimeoutSeconds === 'number' ? parsed.TimeoutSeconds : undefined;
    const { definition, types, policies } = prepare(parsed);
    const ancestors = new Map<string, string>();
    const resources = new Map<string, string>();
    const mark = (states: Record<string, State>, top: string | undefined) => {
      for (const [n, state] of Object.entries(states)) {
        ancestors.set(n, top ?? n);
        if (state.Type === 'Task') resources.set(n, String(state.Resource));
        for (const branch of (state.Branches as unknown as Definition[] | undefined) ?? []) mark(branch.States, top ?? n);
      }
    };
    mark(definition.States, undefined);
    this.machines.set(arn, {
      arn, name, definition, topLevel: new Set(Object.keys(definition.States)), ancestors, resources, policies, timeoutSeconds,
      enteredTypes: new Map([...types].map(([n, type]) => [n, `${type}StateEntered`])),
      parkable: replaysAlike(aslText),
      statesView: this.statesView(definition),
      handlersView: this.handlersView(resources),
    });
    return arn;
  }

  /**
   * What a run reads as its definition's `States`: the machine's own states, each read telling the
   * engine — synchronously, before the library enters it — that the run moves to a top-level state.
   * One object per machine; each run gets a child holding only the run.
   */
  private statesView(definition: Definition): object {
    const view = {};
    for (const [name, state] of Object.entries(definition.States)) {
      const engine = this;
      Object.defineProperty(view, name, {
        enumerable: true,
        get(this: RunView) {
          engine.movingToTopLevel(this[RUN]);
          return state;
        },
      });
    }
    return view;
  }

  /** The library's task overrides, one per Task state, for any run (a child object holds the run). */
  private handlersView(resources: Map<string, string>): object {
    const view = {};
    for (const name of resources.keys()) {
      const engine = this;
      Object.defineProperty(view, name, {
        enumerable: true,
        get(this: RunView) {
          const run = this[RUN];
          return (input: unknown) => engine.task(run, name, input);
        },
      });
    }
    return view;
  }

  /**
   * Replays the journal and resumes every unfinished execution. Call once every state machine is created
   * (the first StartExecution calls it otherwise); later calls do nothing.
   */
  resume(): { resumed: number } {
    // Once only: a second replay would run every unfinished execution twice.
    if (this.resumed) return { resumed: 0 };
    this.resumed = true;
    if (!this.journalFile) return { resumed: 0 };
    const records = existsSync(this.journalFile)
      ? readFileSync(this.journalFile, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
          try { return [JSON.parse(line) as JournalRecord]; } catch { return []; } // a torn last line after kill -9
        })
      : [];
    for (const r of records) {
      if (r.t === 'start') {
        this.executions.set(r.arn, {
          arn: r.arn, name: r.name, stateMachineArn: this.machines.get(r.sm)?.arn ?? r.sm, input: r.input, startDate: new Date(r.at),
          status: 'RUNNING', epoch: 0, history: new History({ at: Date.parse(r.at), type: 'ExecutionStarted' }),
          generation: 0, invocations: new Map(), entered: new Map(),
        });
      } else if (r.t === 'enter') {
        const e = this.executions.get(r.arn);
        if (e) e.top = { state: r.state, input: flatJson(r.input) };
        this.doneSinceEnter.delete(r.arn);
      } else if (r.t === 'done') {
        this.doneSinceEnter.set(r.arn, [...(this.doneSinceEnter.get(r.arn) ?? []), r]);
      } else {
        const e = this.executions.get(r.arn);
        if (e) {
          Object.assign(e, { status: r.status, output: r.output, error: r.error, cause: r.cause, stopDate: new Date(r.at), top: undefined });
          e.history.push({ at: Date.parse(r.at), type: endEventType(r.status), ...(r.error ? { error: r.error } : {}) });
          e.history.compact();
        }
        this.doneSinceEnter.delete(r.arn);
      }
    }
    this.compactJournal();
    let resumed = 0;
    for (const e of this.executions.values()) {
      if (e.status !== 'RUNNING' || !this.machines.has(e.stateMachineArn)) continue;
      this.restartFromJournal(e, 'ExecutionResumed');
      this.armExecutionTimeout(e);
      resumed++;
    }
    this.refreshTimer = setInterval(() => this.refreshLongRuns(), Math.min(this.refreshAfterRealMs / 2, 24 * 3600_000));
    this.refreshTimer.unref();
    return { resumed };
  }

  /** Runs an execution again from its last journalled top-level state, replaying the answers given since. */
  private restartFromJournal(e: Execution, reason: 'ExecutionResumed' | 'ExecutionRefreshed'): void {
    const from = e.top;
    e.history.push({ at: this.options.clock.now().getTime(), type: reason, ...(from ? { state: from.state } : {}) });
    const answers = this.doneSinceEnter.get(e.arn);
    if (answers?.length) this.replay.set(e.arn, [...answers]);
    if (from) this.resumingFrom.set(e.arn, from.state);
    this.whenRunSlot(e, () => {
      if (e.status === 'RUNNING' && !e.run) this.run(e, from?.state, JSON.parse(from ? this.topInput(from) : e.input) as Json, false);
    });
  }

  /**
   * The library arms a real timer per task (see LOCAL_TASK_TIMEOUT_SECONDS). An execution whose run has
   * lasted this long in real time is restarted in-process from its journal — exactly what a restart of
   * the runtime does — so a waiting task never meets that timer however long the runtime stays up. A
   * parked execution holds no such timer, but it is restarted alike: it behaves as it always has.
   */
  private refreshLongRuns(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const e of this.executions.values()) {
      if (e.status !== 'RUNNING' || !this.journalFile || now - (e.runStartedRealMs ?? now) < this.refreshAfterRealMs) continue;
      this.detach(e);
      e.epoch++; // the old run's timers and tokens are stale from here
      e.ancestor = undefined;
      this.restartFromJournal(e, 'ExecutionRefreshed');
    }
  }

  async startExecution(params: { stateMachineArn: string; name?: string; input?: string }): Promise<{ executionArn: string; startDate: Date }> {
    // The journal must be read before anything is added to it (and names checked against it).
    this.resume();
    const machine = this.machines.get(params.stateMachineArn);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', `State machine does not exist: ${params.stateMachineArn}`);
    const name = params.name ?? randomBytes(16).toString('hex');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnError('InvalidName', `Invalid execution name: ${name}`);
    const input = params.input ?? '{}';
    let parsed: Json;
    try { parsed = JSON.parse(input) as Json; } catch { throw new SfnError('InvalidExecutionInput', 'Execution input is not JSON'); }
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      // AWS: the same name and input is the same execution; another input is an error.
      if (existing.input === input) return { executionArn: arn, startDate: existing.startDate };
      throw new SfnError('ExecutionAlreadyExists', `Execution already exists: ${arn}`);
    }
    const execution: Execution = {
      arn, name, stateMachineArn: machine.arn, input, startDate: this.options.clock.now(),
      status: 'RUNNING', epoch: 0, history: new History(), generation: 0, invocations: new Map(), entered: new Map(),
    };
    this.executions.set(arn, execution);
    const durable = this.journal({ t: 'start', arn, name, sm: params.stateMachineArn, input, at: execution.startDate.toISOString() });
    // The input is parsed again when the run starts: a start waiting for its turn holds only the text.
    if (this.mayRunNow(execution)) this.run(execution, undefined, parsed, false);
    else this.whenRunSlot(execution, () => {
      if (execution.status === 'RUNNING' && !execution.run) this.run(execution, undefined, JSON.parse(input) as Json, false);
    });
    this.armExecutionTimeout(execution);
    await durable;
    return { executionArn: arn, startDate: execution.startDate };
  }

  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    const callback = this.liveCallback(taskToken);
    let parsed: unknown;
    try { parsed = JSON.parse(output); } catch { throw new SfnError('InvalidOutput', 'Task output is not JSON'); }
    this.callbacks.delete(taskToken);
    const durable = this.journal({ t: 'done', arn: callback.executionArn, state: callback.stateName, output });
    callback.resolve(parsed);
    await durable;
  }

  async sendTaskFailure(taskToken: string, error = 'TaskFailed', cause = ''): Promise<void> {
    const callback = this.liveCallback(taskToken);
    this.callbacks.delete(taskToken);
    const durable = this.journal({ t: 'done', arn: callback.executionArn, state: callback.stateName, error, cause });
    callback.reject(Object.assign(new Error(cause), { name: error }));
    await durable;
  }

  async sendTaskHeartbeat(taskToken: string): Promise<void> {
    const callback = this.liveCallback(taskToken);
    const policy = this.policyOf(callback);
    if (policy?.heartbeatSeconds) callback.heartbeatDueAt = this.options.clock.now().getTime() + policy.heartbeatSeconds * 1000;
  }

  describeExecution(executionArn: string) {
    const e = this.executions.get(executionArn);
    if (!e) throw new SfnError('ExecutionDoesNotExist', `Execution does not exist: ${executionArn}`);
    return {
      executionArn: e.arn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status,
      startDate: e.startDate, stopDate: e.stopDate, input: e.input, output: e.output, error: e.error, cause: e.cause,
      currentState: e.currentState,
    };
  }

  getExecutionHistory(executionArn: string) {
    const e = this.executions.get(executionArn);
    if (!e) throw new SfnError('ExecutionDoesNotExist', `Execution does not exist: ${executionArn}`);
    return e.history.entries().map((h, i) => ({
      id: i + 1, timestamp: new Date(h.at), type: h.type,
      ...(h.state && h.type.endsWith('StateEntered') ? { stateEnteredEventDetails: { name: h.state } } : {}),
      ...(h.type === 'TaskFailed' ? { taskFailedEventDetails: { resourceType: 'lambda', resource: h.state ?? '', error: h.error ?? '' } } : {}),
      ...(h.type === 'ExecutionFailed' ? { executionFailedEventDetails: { error: h.error ?? '' } } : {}),
    }));
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<{ stopDate: Date }> {
    const e = this.executions.get(executionArn);
    if (!e) throw new SfnError('ExecutionDoesNotExist', `Execution does not exist: ${executionArn}`);
    if (e.status === 'RUNNING') this.end(e, { status: 'ABORTED', error, cause });
    return { stopDate: e.stopDate ?? this.options.clock.now() };
  }

  /** How many running executions are parked: waiting, with no library run in memory (for tests and the bench). */
  parkedExecutions(): number {
    let parked = 0;
    for (const e of this.executions.values()) if (e.status === 'RUNNING' && !e.run) parked++;
    return parked;
  }

  /** Library runs in memory, and executions waiting for a slot to get one (see `maxActiveRuns`; for the bench). */
  runSlots(): { active: number; waiting: number } {
    return { active: this.activeRuns.size, waiting: this.waitingForRun.length };
  }

  /** Names of the executions that are still running. */
  runningExecutions(): string[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING').map((e) => e.arn);
  }

  /**
   * Resolves when no handler is running and none is about to: every execution waits on a callback,
   * a Wait's timer, or has ended. A Task's Retry backoff counts as work to come while the clock runs
   * by itself (it fires in real time, seconds away); while the clock is advancing, or frozen, the
   * advance fires it in its turn, so it is not waited for (the clock's `settle` calls this).
   */
  async waitForIdle(): Promise<void> {
    let quiet = 0;
    while (quiet < 5 && !this.closed) {
      if (this.inflight === 0 && this.waitingForRun.length === 0 && this.awaitingBackoff()) {
        await new Promise<void>((resolve) => this.backoffEnded.push(resolve));
        quiet = 0;
        continue;
      }
      if (this.inflight > 0) {
        // Told when the last invocation ends (or after 50 ms, whichever first): a turn of setImmediate
        // here kept libuv from sleeping in its poll, so every waitForIdle (the clock's settle after each
        // timer, the benches after each batch) spun the runtime's thread while the work it waited for
        // needed it, and dynalite's thread the other CPU.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 50);
          this.idleWaiters.push(() => { clearTimeout(timer); resolve(); });
        });
        quiet = 0;
        continue;
      }
      await new Promise((r) => setImmediate(r));
      quiet = this.inflight === 0 && this.waitingForRun.length === 0 && !this.awaitingBackoff() ? quiet + 1 : 0;
    }
  }

  /** An invocation ended: when it was the last, the `waitForIdle` calls waiting for that look again. */
  private invocationOver(): void {
    this.inflight--;
    if (this.inflight === 0 && this.idleWaiters.length) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Whether a Retry backoff is under way that the clock will fire by itself. */
  private awaitingBackoff(): boolean {
    return this.backoffs > 0 && this.options.clock.runsByItself();
  }

  private backoffOver(): void {
    this.backoffs--;
    for (const resolve of this.backoffEnded.splice(0)) resolve();
  }

  /** Stops running without recording an end: a restart on the same data dir resumes everything. */
  close(): void {
    this.closed = true;
    for (const resolve of this.backoffEnded.splice(0)) resolve();
    for (const wake of this.idleWaiters.splice(0)) wake();
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.yieldTimer) clearTimeout(this.yieldTimer);
    for (const e of this.executions.values()) this.detach(e);
    this.waitingForRun.clear();
    this.admitWaiting();
    for (const c of this.callbacks.values()) c.reject(new SfnError('EngineClosed', 'closed'));
    this.callbacks.clear();
    if (this.journalFd !== undefined) {
      if (this.synced < this.written) fsyncSync(this.journalFd);
      this.synced = this.written;
      this.releaseDurable();
      closeSync(this.journalFd);
    }
    this.journalFd = undefined;
    if (this.readFd !== undefined) closeSync(this.readFd);
    this.readFd = undefined;
  }

  private liveCallback(taskToken: string): Callback {
    if (!TOKEN_PATTERN.test(taskToken)) throw new SfnError('InvalidToken', 'Invalid token: not a task token of this engine');
    if (this.timedOutTokens.has(taskToken)) throw new SfnError('TaskTimedOut', 'Task timed out');
    const callback = this.callbacks.get(taskToken);
    const execution = callback && this.executions.get(callback.executionArn);
    if (!callback || !execution || execution.status !== 'RUNNING' || execution.epoch !== callback.epoch) {
      if (callback) {
        this.callbacks.delete(taskToken);
        callback.reject(new SfnError('TaskDoesNotExist', 'superseded')); // settles what the abandoned task awaited
      }
      throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore (it ended, or its state was re-entered after a restart)');
    }
    return callback;
  }

  private policyOf(callback: Callback): TaskPolicy | undefined {
    const execution = this.executions.get(callback.executionArn);
    const machine = execution && this.machines.get(execution.stateMachineArn);
    return machine?.policies.get(callback.stateName);
  }

  /**
   * Starts a library run of the execution at `startAt` (its StartAt when absent) with `input`. A replay
   * starts at the top-level state the execution was parked in, with the input it entered that state with.
   */
  private run(execution: Execution, startAt: string | undefined, input: Json, replay: boolean): void {
    const machine = this.machines.get(execution.stateMachineArn)!;
    const run: Run = { execution, replay, abort: () => undefined, started: false, invoked: new Map() };
    const own = { [RUN]: { value: run } };
    const definition = { ...machine.definition, StartAt: startAt ?? machine.definition.StartAt, States: Object.create(machine.statesView, own) as object };
    if (!replay) {
      execution.runStartedRealMs = Date.now();
      execution.entered = new Map();
    }
    // Before the library starts: it reaches the first task synchronously.
    execution.run = run;
    if (machine.parkable) this.activeRuns.add(run);
    const stateMachine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    const library = stateMachine.run(input as never, {
      overrides: { taskResourceLocalHandlers: Object.create(machine.handlersView, own) as never },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: execution.arn, Name: execution.name },
        State: { EnteredTime: TIME_PLACEHOLDER },
        Task: { Token: TOKEN_PLACEHOLDER },
        StateMachine: { Id: execution.stateMachineArn, Name: machine.name },
      } as never,
    });
    run.abort = library.abort;
    void this.follow(run, machine, library.eventLogs as AsyncIterable<LibraryEvent>);
    library.result.then(
      (output) => {
        if (this.closed || execution.status !== 'RUNNING' || output === null || execution.run !== run) return this.releaseRun(run);
        this.end(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) });
      },
      (err: unknown) => {
        if (this.closed || execution.status !== 'RUNNING' || execution.run !== run) return this.releaseRun(run);
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
        const name = cause instanceof Error ? cause.name : 'States.Runtime';
        const timedOut = name === 'ExecutionTimeoutError';
        this.end(execution, { status: timedOut ? 'TIMED_OUT' : 'FAILED', error: name, cause: cause instanceof Error ? cause.message : String(cause) });
      },
    );
  }

  /**
   * Records a run's state entries in the history and journals its top-level ones. A replay enters again
   * the states its execution had entered before it was parked: those entries are not new. (A branch's
   * entries reach the log after a delay, possibly after the next top-level one: hence counts per state.)
   */
  private async follow(run: Run, machine: Machine, events: AsyncIterable<LibraryEvent>): Promise<void> {
    const execution = run.execution;
    const replayed = run.replay ? execution.entered : undefined;
    if (replayed) execution.entered = new Map(replayed);
    const seen = new Map<string, number>();
    for await (const event of events) {
      if (event.type !== 'StateEntered' || !event.state) {
        if (event.type === 'ExecutionStarted' && !run.replay) execution.history.push({ at: execution.startDate.getTime(), type: event.type });
        continue;
      }
      const name = event.state.name;
      const before = replayed?.get(name);
      if (before) {
        const nth = (seen.get(name) ?? 0) + 1;
        seen.set(name, nth);
        if (nth <= before) continue;
      }
      const topLevel = machine.topLevel.has(name);
      const current = execution.run === run && !this.closed && execution.status === 'RUNNING';
      if (current && topLevel) execution.entered = new Map();
      if (current && (topLevel || machine.ancestors.get(name) === execution.top?.state)) execution.entered.set(name, (execution.entered.get(name) ?? 0) + 1);
      execution.history.push({ at: this.options.clock.now().getTime(), type: machine.enteredTypes.get(name) ?? `${event.state.type}StateEntered`, state: name });
      if (current && topLevel) {
        execution.currentState = name;
        execution.top = { state: name, input: flatJson(event.state.input) };
        this.journalEntry(execution.arn, execution.top);
      }
    }
  }

  /**
   * The library is about to enter a top-level state: the tasks invoked from here on belong to it. In a
   * replay the first one is the state being replayed, whose invocations the execution already holds.
   * What the previous state left open (the clock branch of a race that ended) nobody awaits any more:
   * ending those waits lets the library's aborted branches go now rather than when their timers fall due.
   */
  private movingToTopLevel(run: Run): void {
    const execution = run.execution;
    if (execution.run !== run) return; // a detached run unwinding
    const replayed = run.replay && !run.started;
    run.started = true;
    if (replayed) return;
    const left = execution.invocations;
    execution.generation++;
    execution.invocations = new Map();
    run.invoked = new Map();
    endWaits(left);
  }

  private end(execution: Execution, result: { status: ExecutionStatus; output?: string; error?: string; cause?: string }): void {
    this.detach(execution);
    Object.assign(execution, result, { stopDate: this.options.clock.now() });
    execution.epoch++;
    execution.history.push({ at: execution.stopDate!.getTime(), type: endEventType(result.status), ...(result.error ? { error: result.error } : {}) });
    execution.history.compact();
    this.journal({ t: 'end', arn: execution.arn, ...result, at: execution.stopDate!.toISOString() });
    // What only a running execution needs.
    execution.top = undefined;
    execution.invocations = new Map();
    execution.entered = new Map();
    this.options.onExecutionEnd?.({ executionArn: execution.arn, status: result.status, error: result.error });
  }

  /** The execution's TimeoutSeconds, on the virtual clock and from its first start (a resume keeps it). */
  private armExecutionTimeout(execution: Execution): void {
    const { timeoutSeconds } = this.machines.get(execution.stateMachineArn)!;
    if (timeoutSeconds === undefined) return;
    this.options.clock.scheduleTarget(execution.startDate.getTime() + timeoutSeconds * 1000, new ExecutionTimeout(this, execution, timeoutSeconds));
  }

  /** @internal An execution's TimeoutSeconds fell due (see ExecutionTimeout). */
  executionTimedOut(execution: Execution, timeoutSeconds: number): void {
    if (execution.status !== 'RUNNING' || this.closed) return;
    this.end(execution, { status: 'TIMED_OUT', error: 'States.Timeout', cause: `The execution ran longer than ${timeoutSeconds} seconds` });
  }

  /** @internal Whether the engine still runs (for its timer objects). */
  isOpen(): boolean {
    return !this.closed;
  }

  /**
   * A Task state of a run: the invocation this state already has in the current top-level state
   * (a replay), or a new one. Invocations are keyed by state name and occurrence, which a replay
   * reproduces: each branch runs its states in the same order from the same input.
   */
  private task(run: Run, name: string, input: unknown): Promise<never> {
    const execution = run.execution;
    if (execution.run !== run) return Promise.reject(runLetGo());
    const machine = this.machines.get(execution.stateMachineArn)!;
    const ancestor = machine.ancestors.get(name) ?? name;
    if (execution.ancestor !== ancestor) {
      execution.ancestor = ancestor;
      execution.epoch++;
    }
    const occurrence = run.invoked.get(name) ?? 0;
    run.invoked.set(name, occurrence + 1);
    const key = occurrence ? `${name}#${occurrence}` : name;
    let invocation = execution.invocations.get(key);
    if (!invocation) {
      invocation = this.invokeTask(execution, machine, name, input);
      execution.invocations.set(key, invocation);
    }
    const { outcome } = invocation;
    if (outcome) return (outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error)) as Promise<never>;
    const waiting = invocation;
    return new Promise<never>((resolve, reject) => { waiting.waiter = { resolve, reject }; });
  }

  /** Starts a Task's work: a Wait's sleep, or the function call with its Retry and timeout (and its callback). */
  private invokeTask(execution: Execution, machine: Machine, name: string, input: unknown): Invocation {
    const invocation: Invocation = { generation: execution.generation, waiting: false };
    const resource = machine.resources.get(name)!;
    if (resource === WAIT_RESOURCE) {
      this.sleep(execution, input, invocation);
      return invocation;
    }
    const policy = machine.policies.get(name) ?? NO_POLICY;
    new TaskWork(this, execution, name, policy, invocation, resource, input).attempt();
    return invocation;
  }

  /**
   * @internal One attempt of a Task's work (see TaskWork): the function call, and for a callback the
   * wait for its answer, which settles `attempt` (its TimeoutSeconds settles it too, whichever first).
   * Called synchronously by the attempt, so that the invocation counts in flight at once.
   */
  attemptTask(work: TaskWork, attempt: TaskAttempt): void {
    const { execution, stateName, resource, input } = work;
    const done = (value: unknown) => attempt.settle(true, value);
    const failed = (error: unknown) => attempt.settle(false, error);
    if (resource === CALLBACK_INVOKE) return void this.callback(execution, stateName, input, attempt, work.invocation).catch(failed);
    if (resource === PLAIN_INVOKE) {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
      return void this.invoke(FunctionName, Payload).then((payload) => done({ Payload: payload }), failed);
    }
    void this.invoke(resource, input).then(done, failed);
  }

  /** @internal Schedules a Task attempt's TimeoutSeconds on the virtual clock. */
  scheduleTaskTimeout(attempt: TaskAttempt, seconds: number): void {
    this.options.clock.scheduleTarget(this.options.clock.now().getTime() + seconds * 1000, attempt);
  }

  /**
   * @internal An attempt of a Task failed: the first retrier whose ErrorEquals matches decides, on the
   * virtual clock; once it is spent (or none matches) the error goes on to Catch, as the States
   * Language says. Returns whether a retry was scheduled.
   */
  retryTask(work: TaskWork, error: unknown): boolean {
    const { execution, stateName, policy, invocation, attempts, epoch } = work;
    const name = error instanceof Error ? error.name : 'Error';
    execution.history.push({ at: this.options.clock.now().getTime(), type: 'TaskFailed', state: stateName, error: name });
    const i = policy.retry.findIndex((r) => r.ErrorEquals.some((pattern) => errorMatches(pattern, name)));
    const retrier = policy.retry[i];
    if (!retrier || attempts[i]! >= (retrier.MaxAttempts ?? 3)) return false;
    let delaySeconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempts[i]!;
    if (retrier.MaxDelaySeconds !== undefined) delaySeconds = Math.min(delaySeconds, retrier.MaxDelaySeconds);
    if (retrier.JitterStrategy === 'FULL') delaySeconds = Math.random() * delaySeconds;
    attempts[i]!++;
    const retryAt = new Date(this.options.clock.now().getTime() + delaySeconds * 1000);
    this.markWaiting(execution, invocation);
    this.backoffs++;
    this.options.clock.sleepUntil(retryAt, () => execution.status === 'RUNNING' && execution.epoch === epoch && !this.closed).then(() => {
      invocation.waiting = false;
      // The next attempt is under way (counted in flight) before the backoff ends: no idle moment between.
      work.attempt();
      this.backoffOver();
    }, (err: unknown) => {
      this.backoffOver();
      this.settle(execution, invocation, { ok: false, error: err });
    });
    return true;
  }

  /** A Task's work is over: the run waiting for it goes on, or a parked execution runs again to take it. */
  /** @internal */
  settle(execution: Execution, invocation: Invocation, outcome: NonNullable<Invocation['outcome']>): void {
    invocation.outcome = outcome;
    invocation.waiting = false;
    const { waiter } = invocation;
    if (waiter) {
      invocation.waiter = undefined;
      if (outcome.ok) waiter.resolve(outcome.value as never);
      else waiter.reject(outcome.error);
    } else if (!execution.run && !execution.waking && invocation.generation === execution.generation && execution.status === 'RUNNING' && !this.closed && execution.top) {
      // Parked: replay its state, now or when a run slot frees (the outcome waits on the invocation).
      execution.waking = true;
      this.whenRunSlot(execution, () => {
        execution.waking = false;
        if (!execution.run && execution.status === 'RUNNING' && execution.top) this.run(execution, execution.top.state, JSON.parse(this.topInput(execution.top)) as Json, true);
      });
    }
    this.parkWhenQuiet(execution);
  }

  /** The invocation now waits on the clock or an answer only. */
  private markWaiting(execution: Execution, invocation: Invocation): void {
    invocation.waiting = true;
    this.parkWhenQuiet(execution);
  }

  /**
   * Parks the execution after this turn of the event loop if by then every open task of its current
   * top-level state waits on the clock or an answer: the library moves on microtasks only, so a run
   * that has not moved by then cannot move before a timer or an answer comes.
   */
  private parkWhenQuiet(execution: Execution): void {
    if (!execution.run || this.closed || !this.machines.get(execution.stateMachineArn)!.parkable) return;
    this.toPark.add(execution);
    if (this.parkingScheduled) return;
    this.parkingScheduled = true;
    setImmediate(() => {
      this.parkingScheduled = false;
      const candidates = [...this.toPark];
      this.toPark.clear();
      for (const e of candidates) if (this.quiet(e)) this.detach(e);
    });
  }

  private quiet(execution: Execution): boolean {
    if (!execution.run || execution.status !== 'RUNNING' || this.closed || !execution.top) return false;
    let waiting = 0;
    for (const invocation of execution.invocations.values()) {
      if (invocation.outcome) continue;
      if (!invocation.waiting) return false;
      waiting++;
    }
    // Something must be waited on, or nothing would ever wake the execution again.
    return waiting > 0;
  }

  /**
   * Lets go of the execution's library run (parked, stopped, ended or restarted): aborts it and ends its
   * waits on the invocations, so that nothing of it stays in memory. The invocations go on.
   */
  private detach(execution: Execution): void {
    const run = execution.run;
    if (!run) return;
    execution.run = undefined;
    execution.history.compact();
    run.abort();
    endWaits(execution.invocations);
    this.releaseRun(run);
  }

  /** Whether a run of this execution may start at once (a free slot and nobody waiting for one, or a machine never parked). */
  private mayRunNow(execution: Execution): boolean {
    if (!this.machines.get(execution.stateMachineArn)!.parkable) return true;
    return this.activeRuns.size < (this.options.maxActiveRuns ?? DEFAULT_ACTIVE_RUNS) && this.waitingForRun.length === 0;
  }

  /** Calls `start` (which starts a run of `execution`, if it still should) now if a run slot is free, else in its turn. */
  private whenRunSlot(execution: Execution, start: () => void): void {
    if (this.closed) return;
    if (this.mayRunNow(execution)) return start();
    this.waitingForRun.push(start);
  }

  /** A run is over in memory (parked, ended, let go of): its slot goes to the next in line, after this turn. */
  private releaseRun(run: Run): void {
    if (!this.activeRuns.delete(run) || this.wakeScheduled || this.waitingForRun.length === 0 || this.closed) return;
    this.wakeScheduled = true;
    // Not from inside the library's or the engine's own callbacks: a new run starts on a clean stack.
    queueMicrotask(() => {
      this.wakeScheduled = false;
      const limit = this.options.maxActiveRuns ?? DEFAULT_ACTIVE_RUNS;
      while (!this.closed && this.activeRuns.size < limit && this.waitingForRun.length) this.waitingForRun.shift()!();
      this.admitWaiting();
    });
  }

  private async invoke(resource: string, payload: unknown): Promise<never> {
    const match = /^\$\{(\w+)\}$/.exec(resource);
    const invoker = match && this.options.invokers[match[1]!];
    if (!invoker) throw new SfnError('States.Runtime', `No local function for resource ${resource}`);
    this.inflight++;
    try {
      // Stamped when its turn comes, not before waiting for it: under load the wait lasts minutes, and
      // the handler's now (an email attempt's lease starts there) must be when it really runs.
      return (await this.inTurn(() => invoker(this.fillContext(payload, undefined)))) as never;
    } catch (err) {
      // Lambda reports a handler's error by its name: keep it, so Retry/Catch match.
      if (err instanceof Error) throw Object.assign(new Error(err.message), { name: err.name || 'Error' });
      throw new Error(String(err));
    } finally {
      this.invocationOver();
    }
  }

  /**
   * Runs `work`, a request of the runtime's HTTP front, in the foreground: while any runs, the
   * workflow's function invocations already running go on but no other starts, save one when none
   * has started for `foregroundYieldMs` (they share the runtime's one thread, and a person waits on
   * the request, nobody on the background). The background never stops for good: that one
   * invocation in each interval, all of them once the front is idle, and the front held by `admit`
   * when the backlog reaches its bound.
   */
  async foreground<T>(work: () => Promise<T>): Promise<T> {
    this.foregroundRequests++;
    try {
      return await work();
    } finally {
      this.foregroundRequests--;
      if (this.foregroundRequests === 0) this.giveTurns();
    }
  }

  /**
   * Back-pressure for requests that start or move executions: resolves at once while the background
   * backlog (executions waiting for a run slot, invocations waiting for a turn) is under `maxBacklog`,
   * else when it falls under it. The front admits such requests through here, so a burst is taken at
   * the front's pace up to the bound and then at the pace the workflow keeps; nothing queues without bound
   * and nothing is refused or lost (the request waits, as on a busy server).
   */
  admit(): Promise<void> {
    if (this.backlog() < (this.options.maxBacklog ?? DEFAULT_MAX_BACKLOG) || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.admissions.push(resolve));
  }

  /** Executions waiting for a run slot and invocations waiting for a turn. */
  backlog(): number {
    return this.waitingForRun.length + this.turns.length;
  }

  private admitWaiting(): void {
    if (!this.admissions.length || (this.backlog() >= (this.options.maxBacklog ?? DEFAULT_MAX_BACKLOG) && !this.closed)) return;
    const admitted = this.admissions;
    this.admissions = [];
    for (const resolve of admitted) resolve();
  }

  /**
   * Whether one more invocation may start now: under `maxConcurrentInvocations` while the front is
   * idle; while it handles a request, only when none runs and none has started for `foregroundYieldMs`.
   */
  private mayStartInvocation(): boolean {
    if (this.running >= (this.options.maxConcurrentInvocations ?? DEFAULT_CONCURRENT_INVOCATIONS)) return false;
    if (this.foregroundRequests === 0) return true;
    return this.running === 0 && performance.now() - this.lastTurnAt >= this.yieldMs();
  }

  private yieldMs(): number {
    return this.options.foregroundYieldMs ?? DEFAULT_FOREGROUND_YIELD_MS;
  }

  /** Runs `call` when an invocation may start, else when its turn comes (first come, first served). */
  private async inTurn<T>(call: () => Promise<T>): Promise<T> {
    if (!this.mayStartInvocation() || this.turns.length) {
      const turn = new Promise<void>((resolve) => this.turns.push(resolve));
      this.yieldLater();
      await turn;
    } else {
      this.running++;
      this.lastTurnAt = performance.now();
    }
    try {
      return await call();
    } finally {
      this.running--;
      this.giveTurns();
    }
  }

  /**
   * Starts waiting invocations while one may start (more once the foreground is over); while the
   * front keeps the background waiting, a timer gives it its next turn after `foregroundYieldMs`.
   */
  private giveTurns(): void {
    while (this.turns.length && this.mayStartInvocation()) {
      this.running++;
      this.lastTurnAt = performance.now();
      this.turns.shift()!();
    }
    this.yieldLater();
    this.admitWaiting();
  }

  /** While invocations wait and none runs (the front is busy), gives the next its turn once the yield interval is over. */
  private yieldLater(): void {
    if (!this.turns.length || this.running > 0 || this.yieldTimer || this.closed) return;
    const wait = Math.max(1, this.lastTurnAt + this.yieldMs() - performance.now());
    this.yieldTimer = setTimeout(() => { this.yieldTimer = undefined; this.giveTurns(); }, wait);
    this.yieldTimer.unref();
  }

  /** @internal A Task's TimeoutSeconds fell due (see TaskAttempt): its callback token, if any, times out too. */
  taskTimedOut(token: string | undefined): void {
    const callback = token ? this.callbacks.get(token) : undefined;
    if (token && callback) {
      this.callbacks.delete(token);
      this.timedOutTokens.add(token);
      callback.reject(statesError('States.Timeout', 'timed out'));
    }
  }

  /**
   * A callback Task's attempt: invokes the function with a fresh token, then leaves the attempt to be
   * settled by SendTaskSuccess/Failure, a heartbeat or task timeout (through the token's Callback).
   * Nothing of this function waits with the execution: once the function has been called, what a
   * parked case keeps is the Callback and the attempt, two small objects, not a chain of promises.
   */
  private async callback(execution: Execution, stateName: string, input: unknown, attempt: TaskAttempt, invocation: Invocation): Promise<void> {
    const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
    const token = `local-${randomBytes(24).toString('base64url')}`;
    attempt.token = token;
    const policy = this.machines.get(execution.stateMachineArn)?.policies.get(stateName);
    const callback = new Callback(execution.arn, stateName, execution.epoch, attempt);
    this.callbacks.set(token, callback);
    const answers = this.replay.get(execution.arn);
    const recorded = answers?.findIndex((a) => a.state === stateName) ?? -1;
    const answer = recorded >= 0 ? answers!.splice(recorded, 1)[0] : undefined;
    if (policy?.heartbeatSeconds && !answer) this.watchHeartbeat(token, callback, policy.heartbeatSeconds);
    const match = /^\$\{(\w+)\}$/.exec(FunctionName);
    const invoker = match && this.options.invokers[match[1]!];
    if (!invoker) {
      this.callbacks.delete(token);
      throw new SfnError('States.Runtime', `No local function for ${FunctionName}`);
    }
    this.inflight++;
    try {
      await this.inTurn(() => invoker(this.fillContext(Payload, token))); // stamped when its turn comes, as above
    } catch (err) {
      this.callbacks.delete(token);
      throw err instanceof Error ? Object.assign(new Error(err.message), { name: err.name || 'Error' }) : new Error(String(err));
    } finally {
      this.invocationOver();
    }
    if (answer) {
      // Answered before the restart: the function has re-bound its task; deliver the answer now.
      this.callbacks.delete(token);
      if (answer.error !== undefined) throw statesError(answer.error, answer.cause ?? '');
      return attempt.settle(true, JSON.parse(answer.output ?? 'null'));
    }
    // An answer that came while the function ran has settled the attempt already.
    if (!attempt.isSettled()) this.markWaiting(execution, invocation);
  }

  /** Fails a callback task with States.HeartbeatTimeout when no heartbeat comes in time (virtual clock). */
  private watchHeartbeat(token: string, callback: Callback, heartbeatSeconds: number): void {
    callback.heartbeatDueAt = this.options.clock.now().getTime() + heartbeatSeconds * 1000;
    const live = () => this.callbacks.get(token) === callback && !this.closed;
    const check = (): void => {
      if (!live()) return;
      if (this.options.clock.now().getTime() < callback.heartbeatDueAt!) {
        void this.options.clock.sleepUntil(new Date(callback.heartbeatDueAt!), live).then(check, () => undefined);
        return;
      }
      this.callbacks.delete(token);
      this.timedOutTokens.add(token);
      callback.reject(statesError('States.HeartbeatTimeout', `No heartbeat within ${heartbeatSeconds} seconds`));
    };
    void this.options.clock.sleepUntil(new Date(callback.heartbeatDueAt), live).then(check, () => undefined);
  }

  /**
   * A Wait: settles its invocation when the clock reaches the instant. A clock callback, not a
   * promise: a parked execution's Wait holds nothing but its timer while it waits (for weeks).
   */
  private sleep(execution: Execution, input: unknown, invocation: Invocation): void {
    const { until, seconds } = input as { until?: string; seconds?: number };
    const at = until ? new Date(until) : new Date(this.options.clock.now().getTime() + (seconds ?? 0) * 1000);
    if (Number.isNaN(at.getTime())) {
      const error = new SfnError('States.Runtime', `Wait: not a timestamp: ${String(until)}`);
      return queueMicrotask(() => this.settle(execution, invocation, { ok: false, error }));
    }
    this.markWaiting(execution, invocation);
    this.options.clock.scheduleTarget(at.getTime(), new WaitTimer(this, execution, invocation));
  }

  /** Replaces the context placeholders with this task's token and the clock's now. */
  private fillContext(payload: unknown, token: string | undefined): unknown {
    const now = this.options.clock.now().toISOString();
    const fill = (v: unknown): unknown => {
      if (v === TOKEN_PLACEHOLDER) return token ?? v;
      if (v === TIME_PLACEHOLDER) return now;
      if (Array.isArray(v)) return v.map(fill);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
      return v;
    };
    return fill(payload);
  }

  /**
   * Journals a top-level entry: from here, a restart resumes at this state. Once written, the entry's
   * input is let go of in memory: `top` says where in the journal it is (see TopState).
   */
  private journalEntry(arn: string, top: TopState): void {
    if (!this.journalFile) return;
    const { state } = top;
    const input = top.input!;
    // Progress past the state a resumed execution restarted at: the answers before it are spent.
    if (this.resumingFrom.get(arn) === state) this.resumingFrom.delete(arn);
    else {
      this.doneSinceEnter.delete(arn);
      this.replay.delete(arn);
      this.resumingFrom.delete(arn);
    }
    const prefix = enterPrefix(arn, state);
    const opening = this.opened;
    this.append(`${prefix}${input}}`, false);
    // A rewrite the append set off has placed every entry already, this one included.
    if (this.opened !== opening) return;
    top.offset = this.lastLineStart + Buffer.byteLength(prefix);
    top.length = Buffer.byteLength(input);
    top.input = undefined;
  }

  /** A top-level state's input: in memory, or read back from where the journal holds it. */
  private topInput(top: TopState): string {
    if (top.input !== undefined) return top.input;
    if (this.readFd === undefined) this.readFd = openSync(this.journalFile!, 'r');
    const bytes = Buffer.allocUnsafe(top.length!);
    const read = readSync(this.readFd, bytes, 0, top.length!, top.offset!);
    if (read !== top.length) throw new Error(`The journal ${this.journalFile} is shorter than its entries say (${read} of ${top.length} bytes at ${top.offset})`);
    return bytes.toString('utf8');
  }

  /** Journals a record; for a start or an answer, resolves once it is on disk (see append). */
  private journal(record: Exclude<JournalRecord, { t: 'enter' }>): Promise<void> | undefined {
    if (!this.journalFile) return undefined;
    if (record.t === 'done') this.doneSinceEnter.set(record.arn, [...(this.doneSinceEnter.get(record.arn) ?? []), record]);
    if (record.t === 'end') {
      this.doneSinceEnter.delete(record.arn);
      this.replay.delete(record.arn);
    }
    return this.append(JSON.stringify(record), record.t === 'start' || record.t === 'done');
  }

  /**
   * Appends a record. Each is written at once, before anything it records happens, so a `kill -9`
   * (which leaves the OS's page cache alone) loses none. A start or an answer is on disk before it is
   * acknowledged: the promise returned for it resolves after an fsync that covers it. fsyncs run in
   * the background, one at a time, each covering every record written before it began, so the
   * starts and answers of many requests share one (group commit) and none holds the runtime's thread
   * (an fsyncSync per StartExecution was 5 % of the intake bench's profile, more on a busy disk). An
   * entry or an end, which nobody is told of, rides along with them; should the machine itself crash
   * before, the execution resumes from an earlier state, which the idempotent handlers allow.
   */
  private append(line: string, acknowledged: boolean): Promise<void> | undefined {
    if (this.journalFd === undefined) {
      this.journalFd = openSync(this.journalFile!, 'a');
      this.journalBytes = fstatSync(this.journalFd).size;
    }
    const text = `${line}\n`;
    writeSync(this.journalFd, text);
    this.lastLineStart = this.journalBytes;
    this.journalBytes += Buffer.byteLength(text);
    const record = ++this.written;
    const durable = acknowledged ? new Promise<void>((resolve, reject) => this.durableWaiters.push({ record, resolve, reject })) : undefined;
    this.syncSoon();
    // A long-running runtime appends an entry per state: rewrite the journal now and then so that it
    // stays proportional to the executions, not to their steps.
    const threshold = this.options.compactAfterRecords ?? COMPACT_AFTER_RECORDS;
    if (++this.appendedSinceCompaction >= threshold && this.executions.size * 2 < this.appendedSinceCompaction) this.compactJournal();
    return durable;
  }

  /** One background fsync at a time, covering every record written before it began. */
  private syncSoon(): void {
    if (this.syncing || this.synced >= this.written || this.journalFd === undefined) return;
    this.syncing = true;
    const covered = this.written;
    const opening = this.opened;
    fsync(this.journalFd, (err) => {
      this.syncing = false;
      // A rewrite meanwhile synced all of it and closed this descriptor.
      if (opening !== this.opened) return this.syncSoon();
      if (err) {
        // Those records may not be on disk: whoever waits to acknowledge one is told (the caller
        // gets an error, as from a failed StartExecution); later records try again.
        this.releaseDurable(covered, err);
      } else {
        this.synced = Math.max(this.synced, covered);
        this.releaseDurable();
      }
      if (!this.closed) this.syncSoon();
    });
  }

  /** Resolves the acknowledgements of the records on disk; with an error, rejects those up to `failedUpTo`. */
  private releaseDurable(failedUpTo?: number, error?: Error): void {
    let kept = 0;
    for (const waiter of this.durableWaiters) {
      if (waiter.record <= this.synced) waiter.resolve();
      else if (failedUpTo !== undefined && waiter.record <= failedUpTo) waiter.reject(error);
      else this.durableWaiters[kept++] = waiter;
    }
    this.durableWaiters.length = kept;
  }

  /**
   * Rewrites the journal (fsync'd temp file, atomic rename) with what a restart needs: every start and
   * end, and the last top-level state of each running execution.
   */
  private compactJournal(): void {
    if (!this.journalFile) return;
    const tmp = `${this.journalFile}.tmp`;
    const fd = openSync(tmp, 'w');
    // Written in chunks as it is built, never as one text: with 10,000 open cases the journal is
    // ~10 MiB, and its lines, their join and the write's buffer held ~3× that at once, in the middle
    // of filing (the memory bench's highest RSS came in such moments).
    let chunk = '';
    let bytes = 0;
    // Where each running execution's entry input will be in the new file, applied once it replaces the old one.
    const placed: [TopState, number, number][] = [];
    const line = (text: string) => {
      bytes += Buffer.byteLength(text) + 1;
      chunk += `${text}\n`;
      if (chunk.length >= JOURNAL_WRITE_CHUNK) {
        writeSync(fd, chunk);
        chunk = '';
      }
    };
    try {
      for (const e of this.executions.values()) {
        line(JSON.stringify({ t: 'start', arn: e.arn, name: e.name, sm: e.stateMachineArn, input: e.input, at: e.startDate.toISOString() }));
        if (e.status !== 'RUNNING') line(JSON.stringify({ t: 'end', arn: e.arn, status: e.status, output: e.output, error: e.error, cause: e.cause, at: (e.stopDate ?? e.startDate).toISOString() }));
        else {
          if (e.top) {
            const prefix = enterPrefix(e.arn, e.top.state);
            const input = this.topInput(e.top);
            placed.push([e.top, bytes + Buffer.byteLength(prefix), Buffer.byteLength(input)]);
            line(`${prefix}${input}}`);
          }
          for (const done of this.doneSinceEnter.get(e.arn) ?? []) line(JSON.stringify(done));
        }
      }
      if (chunk) writeSync(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    renameSync(tmp, this.journalFile);
    this.journalFd = openSync(this.journalFile, 'a');
    this.journalBytes = bytes;
    if (this.readFd !== undefined) closeSync(this.readFd);
    this.readFd = undefined;
    for (const [top, offset, length] of placed) {
      top.offset = offset;
      top.length = length;
      top.input = undefined;
    }
    this.appendedSinceCompaction = 0;
    this.opened++;
    this.synced = this.written; // all of it is in the file just synced
    this.releaseDurable();
  }

  /** How many records the journal holds since it was last rewritten (for tests and the bench). */
  journalRecordsSinceCompaction(): number {
    return this.appendedSinceCompaction;
  }
}

const ignore = () => undefined;

/**
 * JSON text as one flat string. V8's JSON.stringify builds a longer text as a chain of concatenated
 * pieces (a cons string per piece); a parked execution keeps its state's input for weeks, and the
 * chain cost ~200 B more than the text (`npx tsx test/bench/engine-memory.ts`).
 */
function flatJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('utf8');
}

/**
 * The timers a waiting execution keeps for weeks are small objects, their methods on the prototype,
 * not closures: three closures and their context per timer were ~1 KiB of every parked execution's
 * ~7 KiB (`npx tsx test/bench/engine-memory.ts`).
 */

/** An execution's TimeoutSeconds (a year in the generated machines), from its first start. */
class ExecutionTimeout implements TimerTarget {
  constructor(private readonly engine: LocalStepFunctions, private readonly execution: Execution, private readonly seconds: number) {}
  isLive(): boolean {
    return this.execution.status === 'RUNNING' && this.engine.isOpen();
  }
  fire(): void {
    queueMicrotask(() => this.engine.executionTimedOut(this.execution, this.seconds));
  }
  cancel(): void {}
}

/** A Wait state's instant: settles its invocation (an error when the clock stops first). */
class WaitTimer implements TimerTarget {
  private readonly epoch: number;
  constructor(private readonly engine: LocalStepFunctions, private readonly execution: Execution, private readonly invocation: Invocation) {
    this.epoch = execution.epoch;
  }
  isLive(): boolean {
    return this.execution.status === 'RUNNING' && this.execution.epoch === this.epoch && this.engine.isOpen();
  }
  fire(): void {
    queueMicrotask(() => this.engine.settle(this.execution, this.invocation, { ok: true, value: null }));
  }
  cancel(error: Error): void {
    queueMicrotask(() => this.engine.settle(this.execution, this.invocation, { ok: false, error }));
  }
}

/**
 * A Task's work: its attempts under its `Retry`, then its outcome given to its invocation. Plain
 * objects rather than a chain of promises: a callback task waits for weeks, and the chain of
 * `Retry`, `TimeoutSeconds` and the callback's own promise (8 promises, 10 closures, 5 contexts) was
 * ~1.5 of the ~4.9 KiB a parked case cost (`npx tsx test/bench/engine-memory.ts`).
 */
class TaskWork {
  /** Attempts made under each retrier. */
  readonly attempts: number[];
  /** The execution's epoch when the task began: a retry of an ended race is not made. */
  readonly epoch: number;
  constructor(
    private readonly engine: LocalStepFunctions,
    readonly execution: Execution,
    readonly stateName: string,
    readonly policy: TaskPolicy,
    readonly invocation: Invocation,
    readonly resource: string,
    readonly input: unknown,
  ) {
    this.attempts = policy.retry.map(() => 0);
    this.epoch = execution.epoch;
  }

  /** Makes an attempt (synchronously up to the function call), with its TimeoutSeconds on the clock. */
  attempt(): void {
    const attempt = new TaskAttempt(this.engine, this);
    this.engine.attemptTask(this, attempt);
    if (this.policy.timeoutSeconds && !attempt.isSettled()) this.engine.scheduleTaskTimeout(attempt, this.policy.timeoutSeconds);
  }

  /** @internal An attempt is over: its value, or its error retried or given to the invocation (after this turn, as a promise's would). */
  attemptOver(ok: boolean, value: unknown): void {
    queueMicrotask(() => {
      if (!this.engine.isOpen()) return; // closed: nothing is retried or recorded any more
      if (ok || !this.engine.retryTask(this, value)) this.engine.settle(this.execution, this.invocation, ok ? { ok: true, value } : { ok: false, error: value });
    });
  }
}

/**
 * One attempt of a Task: whichever settles it first — the function's result, the callback's answer,
 * or its TimeoutSeconds on the clock (it is that timer's target) — decides; the others are ignored.
 * Dropped by the clock (stale, or the clock stopped), it fails with the reason.
 */
class TaskAttempt implements TimerTarget {
  /** The callback token it waits on, if any (timed out with it). */
  token?: string;
  private settled = false;
  private readonly epoch: number;
  constructor(private readonly engine: LocalStepFunctions, private readonly work: TaskWork) {
    this.epoch = work.execution.epoch;
  }
  isSettled(): boolean {
    return this.settled;
  }
  settle(ok: boolean, value: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.work.attemptOver(ok, value);
  }
  isLive(): boolean {
    const { execution } = this.work;
    return !this.settled && execution.status === 'RUNNING' && execution.epoch === this.epoch && this.engine.isOpen();
  }
  fire(): void {
    // As the sleep it once was: its continuation ran on a microtask after the clock fired it.
    queueMicrotask(() => {
      if (this.settled) return;
      this.engine.taskTimedOut(this.token);
      this.settle(false, statesError('States.Timeout', `Task timed out after ${this.work.policy.timeoutSeconds} seconds`));
    });
  }
  cancel(reason: Error): void {
    queueMicrotask(() => this.settle(false, reason));
  }
}

/** The most entries an execution's history keeps (the oldest go first). */
const HISTORY_LIMIT = 2000;

/**
 * An execution's history as JSON lines in one string rather than an array of entry objects: a parked
 * case keeps its ~8 entries for weeks, and as objects (each with its timestamp a heap number, in an
 * array with room to grow) they were ~0.6 KiB of the ~3 KiB it cost (`test/bench/engine-memory.ts`).
 * Entries are appended as they come and the text made one flat string when the execution parks or
 * ends (`compact`); GetExecutionHistory parses it.
 */
class History {
  private text = '';
  private count = 0;
  constructor(first?: HistoryEntry) {
    if (first) this.push(first);
  }
  get length(): number {
    return this.count;
  }
  push(entry: HistoryEntry): void {
    this.text += `${JSON.stringify([entry.at, entry.type, entry.state ?? null, entry.error ?? null])}\n`;
    if (++this.count > HISTORY_LIMIT) {
      this.text = this.text.slice(this.text.indexOf('\n') + 1);
      this.count--;
    }
  }
  entries(): HistoryEntry[] {
    return this.text.split('\n').filter(Boolean).map((line) => {
      const [at, type, state, error] = JSON.parse(line) as [number, string, string | null, string | null];
      return { at, type, ...(state !== null ? { state } : {}), ...(error !== null ? { error } : {}) };
    });
  }
  /** Makes the text one flat string (appends leave a chain of pieces, a slice keeps its parent). */
  compact(): void {
    this.text = Buffer.from(this.text, 'utf8').toString('utf8');
  }
}

/** A first-in first-out queue that stays O(1) per item with thousands waiting (Array#shift is O(n)). */
class RunQueue {
  private items: (() => void)[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: () => void): void {
    this.items.push(item);
  }
  shift(): (() => void) | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** What the engine reads of the library's event log. */
interface LibraryEvent {
  type: string;
  state?: { name: string; type: string; input: unknown };
}

/**
 * Whether a run of the definition from a state's input, given the same task results, goes through the
 * same states with the same data: what parking relies on. Random intrinsics would not, nor
 * `$$.Execution.Input` (the library sets it to the input of the run, which a replay starts later).
 */
function replaysAlike(aslText: string): boolean {
  return !/States\.(UUID|MathRandom)\b/.test(aslText) && !/\$\$(?!\.(Execution\.(Id|Name)|State|Task|StateMachine)\b)/.test(aslText);
}

/**
 * Refuses what this engine would run differently from AWS rather than run it wrongly: the context
 * values it injects exist only in Task parameters; the library fills `$$.Execution.StartTime` with
 * real time, not the virtual clock's; Map states are outside the engine's liveness tracking; the
 * library would sleep a non-Task state's Retry intervals in real time.
 */
function refuseUnsupported(name: string, state: State): void {
  const { Branches: _branches, ...own } = state;
  const text = JSON.stringify(own);
  const refuse = (why: string) => { throw new SfnError('InvalidDefinition', `State ${name}: ${why} is not supported by the local engine`); };
  if (state.Type === 'Map') refuse('a Map state');
  if (state.Type !== 'Task' && 'Retry' in state) refuse(`Retry on a ${state.Type} state (its intervals would run in real time)`);
  if (text.includes('$$.Execution.StartTime')) refuse('$$.Execution.StartTime (use $$.State.EnteredTime of the first Task)');
  if (state.Type !== 'Task' && (text.includes('$$.State.EnteredTime') || text.includes('$$.Task.Token'))) refuse(`$$.State.EnteredTime or $$.Task.Token in a ${state.Type} state`);
}

function endEventType(status: ExecutionStatus): string {
  return { RUNNING: 'ExecutionStarted', SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', ABORTED: 'ExecutionAborted', TIMED_OUT: 'ExecutionTimedOut' }[status];
}

/**
 * Prepares a definition for the local engine: Wait states become tasks on the virtual clock; each
 * Task's Retry, TimeoutSeconds and HeartbeatSeconds are taken out (the engine applies them on the
 * virtual clock) and replaced by a backstop timeout the library can arm without overflowing; the
 * execution timeout (one year on AWS) is not armed as a real timer.
 */
function prepare(definition: Definition): Prepared {
  // A JSON copy, not structuredClone: the library recognises templates as plain objects of this realm.
  const copy = JSON.parse(JSON.stringify(definition)) as Definition;
  delete copy.TimeoutSeconds;
  const types = new Map<string, string>();
  const policies = new Map<string, TaskPolicy>();
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      types.set(name, state.Type);
      refuseUnsupported(name, state);
      for (const branch of (state.Branches as unknown as Definition[] | undefined) ?? []) visit(branch.States);
      if (state.Type === 'Task') {
        for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath']) {
          if (field in state) throw new SfnError('InvalidDefinition', `State ${name}: ${field} is not supported by the local engine (use ${field.replace('Path', '')})`);
        }
        policies.set(name, {
          retry: (state.Retry as unknown as Retrier[] | undefined) ?? [],
          timeoutSeconds: typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined,
          heartbeatSeconds: typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds : undefined,
        });
        delete state.Retry;
        delete state.HeartbeatSeconds;
        state.TimeoutSeconds = LOCAL_TASK_TIMEOUT_SECONDS;
      } else if (state.Type === 'Wait') {
        const parameters: Record<string, Json> =
          typeof state.TimestampPath === 'string' ? { 'until.$': state.TimestampPath }
          : typeof state.Timestamp === 'string' ? { until: state.Timestamp }
          : typeof state.SecondsPath === 'string' ? { 'seconds.$': state.SecondsPath }
          : { seconds: (state.Seconds as number) ?? 0 };
        const { TimestampPath: _a, Timestamp: _b, SecondsPath: _c, Seconds: _d, ...rest } = state;
        states[name] = { ...rest, Type: 'Task', Resource: WAIT_RESOURCE, Parameters: parameters, ResultPath: null, TimeoutSeconds: LOCAL_TASK_TIMEOUT_SECONDS };
      }
    }
  };
  visit(copy.States);
  return { definition: copy, types, policies };
}

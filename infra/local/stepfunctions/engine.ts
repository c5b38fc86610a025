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
 * - durability: every execution's entry into a top-level state is appended (fsync'd) to a journal;
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
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { VirtualClock } from '../clock';

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

interface Prepared {
  definition: Definition;
  /** The type each state had in the ASL (Wait states become tasks locally). */
  types: Map<string, string>;
  policies: Map<string, TaskPolicy>;
}
const ACCOUNT = '000000000000';

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
  history: HistoryEntry[];
  abort?: () => void;
  /** Which run of this execution is current (a refresh or resume starts another), and since when (real ms). */
  run?: number;
  runStartedRealMs?: number;
}

interface HistoryEntry {
  timestamp: Date;
  type: string;
  state?: string;
  error?: string;
}

interface Callback {
  executionArn: string;
  stateName: string;
  epoch: number;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  /** With `HeartbeatSeconds`: the virtual instant by which the next heartbeat must come. */
  heartbeatDueAt?: number;
}

/** An error with a States Language name (`States.Timeout`, a handler's error name, …). */
function statesError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
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
  /** Told about failures of executions (for the runtime's log); never given payloads. */
  onExecutionEnd?: (summary: { executionArn: string; status: ExecutionStatus; error?: string }) => void;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, { name: string; definition: Definition; topLevel: Set<string>; ancestors: Map<string, string>; types: Map<string, string>; policies: Map<string, TaskPolicy>; timeoutSeconds?: number }>();
  private readonly executions = new Map<string, Execution>();
  private readonly callbacks = new Map<string, Callback>();
  /** Tokens of callback tasks that timed out (SendTaskSuccess on them answers TaskTimedOut, as on AWS). */
  private readonly timedOutTokens = new Set<string>();
  private readonly journalFile?: string;
  private journalFd?: number;
  /** The last top-level state each running execution entered (what a restart resumes from). */
  private readonly lastEntered = new Map<string, { state: string; input: Json }>();
  private appendedSinceCompaction = 0;
  /** Callback answers journalled since each running execution's last top-level entry. */
  private readonly doneSinceEnter = new Map<string, DoneRecord[]>();
  /** Answers to deliver again when a resumed execution reaches the same callback (consumed in order). */
  private readonly replay = new Map<string, DoneRecord[]>();
  /** The state each resumed execution restarts at: its first entry there keeps the answers journalled before. */
  private readonly resumingFrom = new Map<string, string>();
  private inflight = 0;
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
    const mark = (states: Record<string, State>, top: string | undefined) => {
      for (const [n, state] of Object.entries(states)) {
        ancestors.set(n, top ?? n);
        for (const branch of (state.Branches as unknown as Definition[] | undefined) ?? []) mark(branch.States, top ?? n);
      }
    };
    mark(definition.States, undefined);
    this.machines.set(arn, { name, definition, topLevel: new Set(Object.keys(definition.States)), ancestors, types, policies, timeoutSeconds });
    return arn;
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
    const last = new Map<string, { state: string; input: Json }>();
    for (const r of records) {
      if (r.t === 'start') {
        this.executions.set(r.arn, {
          arn: r.arn, name: r.name, stateMachineArn: r.sm, input: r.input, startDate: new Date(r.at),
          status: 'RUNNING', epoch: 0, history: [{ timestamp: new Date(r.at), type: 'ExecutionStarted' }],
        });
      } else if (r.t === 'enter') {
        last.set(r.arn, { state: r.state, input: r.input });
        this.doneSinceEnter.delete(r.arn);
      } else if (r.t === 'done') {
        this.doneSinceEnter.set(r.arn, [...(this.doneSinceEnter.get(r.arn) ?? []), r]);
      } else {
        const e = this.executions.get(r.arn);
        if (e) {
          Object.assign(e, { status: r.status, output: r.output, error: r.error, cause: r.cause, stopDate: new Date(r.at) });
          e.history.push({ timestamp: new Date(r.at), type: endEventType(r.status), ...(r.error ? { error: r.error } : {}) });
        }
        last.delete(r.arn);
        this.doneSinceEnter.delete(r.arn);
      }
    }
    for (const [arn, from] of last) this.lastEntered.set(arn, from);
    this.compactJournal();
    let resumed = 0;
    for (const e of this.executions.values()) {
      if (e.status !== 'RUNNING' || !this.machines.has(e.stateMachineArn)) continue;
      this.restartFromJournal(e, 'ExecutionResumed');
      resumed++;
    }
    this.refreshTimer = setInterval(() => this.refreshLongRuns(), Math.min(this.refreshAfterRealMs / 2, 24 * 3600_000));
    this.refreshTimer.unref();
    return { resumed };
  }

  /** Runs an execution again from its last journalled top-level state, replaying the answers given since. */
  private restartFromJournal(e: Execution, reason: 'ExecutionResumed' | 'ExecutionRefreshed'): void {
    const from = this.lastEntered.get(e.arn);
    e.history.push({ timestamp: this.options.clock.now(), type: reason, ...(from ? { state: from.state } : {}) });
    const answers = this.doneSinceEnter.get(e.arn);
    if (answers?.length) this.replay.set(e.arn, [...answers]);
    if (from) this.resumingFrom.set(e.arn, from.state);
    this.run(e, from?.state, from ? from.input : (JSON.parse(e.input) as Json));
  }

  /**
   * The library arms a real timer per task (see LOCAL_TASK_TIMEOUT_SECONDS). An execution whose run has
   * lasted this long in real time is restarted in-process from its journal — exactly what a restart of
   * the runtime does — so a waiting task never meets that timer however long the runtime stays up.
   */
  private refreshLongRuns(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const e of this.executions.values()) {
      if (e.status !== 'RUNNING' || !this.journalFile || now - (e.runStartedRealMs ?? now) < this.refreshAfterRealMs) continue;
      e.abort?.();
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
      arn, name, stateMachineArn: params.stateMachineArn, input, startDate: this.options.clock.now(),
      status: 'RUNNING', epoch: 0, history: [],
    };
    this.executions.set(arn, execution);
    this.journal({ t: 'start', arn, name, sm: params.stateMachineArn, input, at: execution.startDate.toISOString() });
    this.run(execution, undefined, parsed);
    return { executionArn: arn, startDate: execution.startDate };
  }

  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    const callback = this.liveCallback(taskToken);
    let parsed: unknown;
    try { parsed = JSON.parse(output); } catch { throw new SfnError('InvalidOutput', 'Task output is not JSON'); }
    this.callbacks.delete(taskToken);
    this.journal({ t: 'done', arn: callback.executionArn, state: callback.stateName, output });
    callback.resolve(parsed);
  }

  async sendTaskFailure(taskToken: string, error = 'TaskFailed', cause = ''): Promise<void> {
    const callback = this.liveCallback(taskToken);
    this.callbacks.delete(taskToken);
    this.journal({ t: 'done', arn: callback.executionArn, state: callback.stateName, error, cause });
    callback.reject(Object.assign(new Error(cause), { name: error }));
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
    return e.history.map((h, i) => ({
      id: i + 1, timestamp: h.timestamp, type: h.type,
      ...(h.state && h.type.endsWith('StateEntered') ? { stateEnteredEventDetails: { name: h.state } } : {}),
      ...(h.type === 'TaskFailed' ? { taskFailedEventDetails: { resourceType: 'lambda', resource: h.state ?? '', error: h.error ?? '' } } : {}),
      ...(h.type === 'ExecutionFailed' ? { executionFailedEventDetails: { error: h.error ?? '' } } : {}),
    }));
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<{ stopDate: Date }> {
    const e = this.executions.get(executionArn);
    if (!e) throw new SfnError('ExecutionDoesNotExist', `Execution does not exist: ${executionArn}`);
    if (e.status === 'RUNNING') {
      this.end(e, { status: 'ABORTED', error, cause });
      e.abort?.();
    }
    return { stopDate: e.stopDate ?? this.options.clock.now() };
  }

  /** Names of the executions that are still running. */
  runningExecutions(): string[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING').map((e) => e.arn);
  }

  /** Resolves when no handler is running: every execution waits on a callback, a timer, or has ended. */
  async waitForIdle(): Promise<void> {
    let quiet = 0;
    while (quiet < 5) {
      await new Promise((r) => setImmediate(r));
      quiet = this.inflight === 0 ? quiet + 1 : 0;
    }
  }

  /** Stops running without recording an end: a restart on the same data dir resumes everything. */
  close(): void {
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    for (const e of this.executions.values()) e.abort?.();
    for (const c of this.callbacks.values()) c.reject(new SfnError('EngineClosed', 'closed'));
    this.callbacks.clear();
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    this.journalFd = undefined;
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

  private run(execution: Execution, startAt: string | undefined, input: Json): void {
    const machine = this.machines.get(execution.stateMachineArn)!;
    const definition = startAt ? { ...machine.definition, StartAt: startAt } : machine.definition;
    const stateMachine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    const overrides = this.overridesFor(execution, definition, machine.ancestors, machine.policies);
    const runId = (execution.run ?? 0) + 1;
    execution.run = runId;
    execution.runStartedRealMs = Date.now();
    const run = stateMachine.run(input as never, {
      overrides: { taskResourceLocalHandlers: overrides as never },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: execution.arn, Name: execution.name },
        State: { EnteredTime: TIME_PLACEHOLDER },
        Task: { Token: TOKEN_PLACEHOLDER },
        StateMachine: { Id: execution.stateMachineArn, Name: machine.name },
      } as never,
    });
    execution.abort = run.abort;
    if (machine.timeoutSeconds !== undefined) {
      // The execution's TimeoutSeconds, on the virtual clock and from its first start (a resume keeps it).
      const timeoutAt = new Date(execution.startDate.getTime() + machine.timeoutSeconds * 1000);
      this.options.clock.sleepUntil(timeoutAt, () => execution.status === 'RUNNING' && !this.closed).then(() => {
        if (execution.status !== 'RUNNING' || this.closed) return;
        this.end(execution, { status: 'TIMED_OUT', error: 'States.Timeout', cause: `The execution ran longer than ${machine.timeoutSeconds} seconds` });
        run.abort();
      }, () => undefined);
    }
    void (async () => {
      for await (const event of run.eventLogs) {
        if (event.type !== 'StateEntered') {
          if (event.type === 'ExecutionStarted') execution.history.push({ timestamp: execution.startDate, type: event.type });
          continue;
        }
        const name = event.state.name;
        execution.history.push({ timestamp: this.options.clock.now(), type: `${machine.types.get(name) ?? event.state.type}StateEntered`, state: name });
        if (execution.history.length > 2000) execution.history.splice(0, execution.history.length - 2000);
        if (machine.topLevel.has(name) && !this.closed && execution.status === 'RUNNING' && execution.run === runId) {
          execution.currentState = name;
          this.journal({ t: 'enter', arn: execution.arn, state: name, input: event.state.input as Json });
        }
      }
    })();
    run.result.then(
      (output) => {
        if (this.closed || execution.status !== 'RUNNING' || output === null || execution.run !== runId) return;
        this.end(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) });
      },
      (err: unknown) => {
        if (this.closed || execution.status !== 'RUNNING' || execution.run !== runId) return;
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
        const name = cause instanceof Error ? cause.name : 'States.Runtime';
        const timedOut = name === 'ExecutionTimeoutError';
        this.end(execution, { status: timedOut ? 'TIMED_OUT' : 'FAILED', error: name, cause: cause instanceof Error ? cause.message : String(cause) });
      },
    );
  }

  private end(execution: Execution, result: { status: ExecutionStatus; output?: string; error?: string; cause?: string }): void {
    Object.assign(execution, result, { stopDate: this.options.clock.now() });
    execution.epoch++;
    execution.history.push({ timestamp: execution.stopDate!, type: endEventType(result.status), ...(result.error ? { error: result.error } : {}) });
    this.journal({ t: 'end', arn: execution.arn, ...result, at: execution.stopDate!.toISOString() });
    this.options.onExecutionEnd?.({ executionArn: execution.arn, status: result.status, error: result.error });
  }

  /** One local handler per Task state (Wait states were rewritten into tasks), by state name. */
  private overridesFor(execution: Execution, definition: Definition, ancestors: Map<string, string>, policies: Map<string, TaskPolicy>): Record<string, (input: never) => Promise<never>> {
    const handlers: Record<string, (input: never) => Promise<never>> = {};
    const visit = (states: Record<string, State>) => {
      for (const [name, state] of Object.entries(states)) {
        for (const branch of (state.Branches as unknown as Definition[] | undefined) ?? []) visit(branch.States);
        if (state.Type !== 'Task') continue;
        const resource = String(state.Resource);
        const ancestor = ancestors.get(name) ?? name;
        handlers[name] = (async (input: unknown) => {
          if (execution.ancestor !== ancestor) {
            execution.ancestor = ancestor;
            execution.epoch++;
          }
          if (resource === WAIT_RESOURCE) return this.sleep(execution, input);
          const policy = policies.get(name) ?? { retry: [] };
          return this.withRetry(execution, name, policy, () => this.withTimeout(execution, policy, async (registerToken) => {
            if (resource === CALLBACK_INVOKE) return this.callback(execution, name, input, registerToken);
            if (resource === PLAIN_INVOKE) {
              const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
              return { Payload: await this.invoke(FunctionName, Payload) } as never;
            }
            return this.invoke(resource, input);
          }));
        }) as never;
      }
    };
    visit(definition.States);
    return handlers;
  }

  private async invoke(resource: string, payload: unknown): Promise<never> {
    const match = /^\$\{(\w+)\}$/.exec(resource);
    const invoker = match && this.options.invokers[match[1]!];
    if (!invoker) throw new SfnError('States.Runtime', `No local function for resource ${resource}`);
    this.inflight++;
    try {
      return (await invoker(this.fillContext(payload, undefined))) as never;
    } catch (err) {
      // Lambda reports a handler's error by its name: keep it, so Retry/Catch match.
      if (err instanceof Error) throw Object.assign(new Error(err.message), { name: err.name || 'Error' });
      throw new Error(String(err));
    } finally {
      this.inflight--;
    }
  }

  /**
   * Applies a Task's `Retry` on the virtual clock: the first retrier whose ErrorEquals matches decides;
   * once it is spent the error goes on to Catch, as the States Language says.
   */
  private async withRetry(execution: Execution, stateName: string, policy: TaskPolicy, attempt: () => Promise<never>): Promise<never> {
    const attempts = policy.retry.map(() => 0);
    const epoch = execution.epoch;
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        const name = err instanceof Error ? err.name : 'Error';
        execution.history.push({ timestamp: this.options.clock.now(), type: 'TaskFailed', state: stateName, error: name });
        const i = policy.retry.findIndex((r) => r.ErrorEquals.some((pattern) => errorMatches(pattern, name)));
        const retrier = policy.retry[i];
        if (!retrier || attempts[i]! >= (retrier.MaxAttempts ?? 3)) throw err;
        let delaySeconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempts[i]!;
        if (retrier.MaxDelaySeconds !== undefined) delaySeconds = Math.min(delaySeconds, retrier.MaxDelaySeconds);
        if (retrier.JitterStrategy === 'FULL') delaySeconds = Math.random() * delaySeconds;
        attempts[i]!++;
        await this.options.clock.sleepUntil(
          new Date(this.options.clock.now().getTime() + delaySeconds * 1000),
          () => execution.status === 'RUNNING' && execution.epoch === epoch && !this.closed,
        );
      }
    }
  }

  /** Applies a Task's `TimeoutSeconds` on the virtual clock (the whole task, callback wait included). */
  private async withTimeout(execution: Execution, policy: TaskPolicy, run: (registerToken: (token: string) => void) => Promise<never>): Promise<never> {
    let token: string | undefined;
    const work = run((t) => { token = t; });
    if (!policy.timeoutSeconds) return work;
    work.catch(() => undefined); // when the timeout wins, the abandoned work may still reject
    let settled = false;
    const epoch = execution.epoch;
    const timeout = this.options.clock
      .sleepUntil(new Date(this.options.clock.now().getTime() + policy.timeoutSeconds * 1000), () => !settled && execution.status === 'RUNNING' && execution.epoch === epoch && !this.closed)
      .then(() => {
        const callback = token ? this.callbacks.get(token) : undefined;
        if (token && callback) {
          this.callbacks.delete(token);
          this.timedOutTokens.add(token);
          callback.reject(statesError('States.Timeout', 'timed out'));
        }
        throw statesError('States.Timeout', `Task timed out after ${policy.timeoutSeconds} seconds`);
      });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      settled = true;
    }
  }

  private async callback(execution: Execution, stateName: string, input: unknown, registerToken: (token: string) => void): Promise<never> {
    const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
    const token = `local-${randomBytes(24).toString('base64url')}`;
    registerToken(token);
    const policy = this.machines.get(execution.stateMachineArn)?.policies.get(stateName);
    let callback!: Callback;
    const result = new Promise<never>((resolve, reject) => {
      callback = { executionArn: execution.arn, epoch: execution.epoch, resolve: resolve as (o: unknown) => void, reject, stateName };
      this.callbacks.set(token, callback);
    });
    // close() rejects every waiting callback, including those of executions it aborted, which no
    // longer await them: that rejection is expected, never an unhandled one.
    result.catch(() => undefined);
    const answers = this.replay.get(execution.arn);
    const recorded = answers?.findIndex((a) => a.state === stateName) ?? -1;
    const answer = recorded >= 0 ? answers!.splice(recorded, 1)[0] : undefined;
    if (policy?.heartbeatSeconds && !answer) this.watchHeartbeat(token, callback, policy.heartbeatSeconds);
    const match = /^\$\{(\w+)\}$/.exec(FunctionName);
    const invoker = match && this.options.invokers[match[1]!];
    if (!invoker) throw new SfnError('States.Runtime', `No local function for ${FunctionName}`);
    this.inflight++;
    try {
      await invoker(this.fillContext(Payload, token));
    } catch (err) {
      this.callbacks.delete(token);
      throw err instanceof Error ? Object.assign(new Error(err.message), { name: err.name || 'Error' }) : new Error(String(err));
    } finally {
      this.inflight--;
    }
    if (answer) {
      // Answered before the restart: the function has re-bound its task; deliver the answer now.
      this.callbacks.delete(token);
      if (answer.error !== undefined) throw statesError(answer.error, answer.cause ?? '');
      return JSON.parse(answer.output ?? 'null') as never;
    }
    return result;
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

  private async sleep(execution: Execution, input: unknown): Promise<never> {
    const { until, seconds } = input as { until?: string; seconds?: number };
    const at = until ? new Date(until) : new Date(this.options.clock.now().getTime() + (seconds ?? 0) * 1000);
    if (Number.isNaN(at.getTime())) throw new SfnError('States.Runtime', `Wait: not a timestamp: ${String(until)}`);
    const epoch = execution.epoch;
    await this.options.clock.sleepUntil(at, () => execution.status === 'RUNNING' && execution.epoch === epoch && !this.closed);
    return null as never;
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

  private journal(record: JournalRecord): void {
    if (!this.journalFile) return;
    if (record.t === 'enter') {
      this.lastEntered.set(record.arn, { state: record.state, input: record.input });
      // Progress past the state a resumed execution restarted at: the answers before it are spent.
      if (this.resumingFrom.get(record.arn) === record.state) this.resumingFrom.delete(record.arn);
      else {
        this.doneSinceEnter.delete(record.arn);
        this.replay.delete(record.arn);
        this.resumingFrom.delete(record.arn);
      }
    }
    if (record.t === 'done') this.doneSinceEnter.set(record.arn, [...(this.doneSinceEnter.get(record.arn) ?? []), record]);
    if (record.t === 'end') {
      this.lastEntered.delete(record.arn);
      this.doneSinceEnter.delete(record.arn);
      this.replay.delete(record.arn);
    }
    if (this.journalFd === undefined) this.journalFd = openSync(this.journalFile, 'a');
    writeSync(this.journalFd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.journalFd);
    // A long-running runtime appends an entry per state: rewrite the journal now and then so that it
    // stays proportional to the executions, not to their steps.
    const threshold = this.options.compactAfterRecords ?? COMPACT_AFTER_RECORDS;
    if (++this.appendedSinceCompaction >= threshold && this.executions.size * 2 < this.appendedSinceCompaction) this.compactJournal();
  }

  /**
   * Rewrites the journal (fsync'd temp file, atomic rename) with what a restart needs: every start and
   * end, and the last top-level state of each running execution.
   */
  private compactJournal(): void {
    if (!this.journalFile) return;
    const kept: JournalRecord[] = [];
    for (const e of this.executions.values()) {
      kept.push({ t: 'start', arn: e.arn, name: e.name, sm: e.stateMachineArn, input: e.input, at: e.startDate.toISOString() });
      if (e.status !== 'RUNNING') kept.push({ t: 'end', arn: e.arn, status: e.status, output: e.output, error: e.error, cause: e.cause, at: (e.stopDate ?? e.startDate).toISOString() });
      else {
        const from = this.lastEntered.get(e.arn);
        if (from) kept.push({ t: 'enter', arn: e.arn, state: from.state, input: from.input });
        kept.push(...(this.doneSinceEnter.get(e.arn) ?? []));
      }
    }
    const tmp = `${this.journalFile}.tmp`;
    writeFileSync(tmp, kept.map((r) => JSON.stringify(r)).join('\n') + (kept.length ? '\n' : ''));
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    if (this.journalFd !== undefined) closeSync(this.journalFd);
    renameSync(tmp, this.journalFile);
    this.journalFd = openSync(this.journalFile, 'a');
    this.appendedSinceCompaction = 0;
  }

  /** How many records the journal holds since it was last rewritten (for tests and the bench). */
  journalRecordsSinceCompaction(): number {
    return this.appendedSinceCompaction;
  }
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

/**
 * The local Step Functions engine on small hand-written machines: the race of work and SLA clock,
 * Wait states on the virtual clock, idempotent StartExecution, task tokens, Retry/Catch by error name,
 * task timeouts and heartbeats on the virtual clock, StopExecution and the history, and parking (a
 * waiting execution holds no library run; a timer or an answer takes it on from where it was).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../infra/local/clock';
import { errorMatches, LocalStepFunctions, type Invoker } from '../../infra/local/stepfunctions/engine';
import { longWaitMachine, raceMachine, retryMachine, tickingMachine, waitingMachine } from './stepfunctions-machines';

const START = new Date('2026-11-23T02:00:00.000Z');
const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000).toISOString();

interface Harness {
  clock: VirtualClock;
  engine: LocalStepFunctions;
  tasks: { caseId: string; token: string; enteredAt?: string }[];
  notices: { template: string; level: number; caseId: string; enteredAt: string }[];
  arn(machine: object): string;
}

let dir: string;
let h: Harness;

function harness(overrides: Record<string, Invoker> = {}): Harness {
  const clock = new VirtualClock({ file: join(dir, 'clock.json'), startAt: START, frozen: true });
  const tasks: Harness['tasks'] = [];
  const notices: Harness['notices'] = [];
  const invokers: Record<string, Invoker> = {
    // Deadlines relative to the step's start: remind after 60 min, due after 90, second rung after a day, close after 3 days.
    DeadlinesFunctionArn: async () => ({ remindAt: at(60), dueAt: at(90), rung2At: at(24 * 60), closeAt: at(3 * 24 * 60) }),
    TaskFunctionArn: async (p) => { const { taskToken, ...rest } = p as { taskToken: string; caseId: string }; tasks.push({ ...rest, token: taskToken }); return {}; },
    NotifyFunctionArn: async (p) => { notices.push(p as Harness['notices'][number]); return {}; },
    ...overrides,
  };
  const engine = new LocalStepFunctions({ clock, invokers, dataDir: join(dir, 'sfn') });
  clock.settle = () => engine.waitForIdle();
  let n = 0;
  return { clock, engine, tasks, notices, arn: (machine) => engine.createStateMachine(`machine-${++n}`, JSON.stringify(machine)) };
}

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tanggap-sfn-')); });
afterEach(() => {
  h?.engine.close();
  h?.clock.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(machine: object, input: object = { caseId: 'c1' }, name = 'case-1') {
  const stateMachineArn = h.arn(machine);
  h.engine.resume();
  const { executionArn } = await h.engine.startExecution({ stateMachineArn, name, input: JSON.stringify(input) });
  await h.engine.waitForIdle();
  return executionArn;
}

describe('the race of work and SLA clock', () => {
  test('deciding before the reminder ends the clock: no reminder, no escalation, the decision flows on', async () => {
    h = harness();
    const arn = await start(raceMachine);
    expect(h.tasks).toEqual([expect.objectContaining({ caseId: 'c1', enteredAt: START.toISOString() })]);

    await h.clock.advance('PT30M');
    await h.engine.sendTaskSuccess(h.tasks[0]!.token, JSON.stringify({ action: 'registered' }));
    await h.engine.waitForIdle();
    await h.clock.advance('P2D');

    expect(h.notices).toEqual([]);
    expect(h.engine.describeExecution(arn).status).toBe('RUNNING'); // waiting for the close instant
    await h.clock.advance('P1D');
    expect(h.notices.map((n) => [n.template, n.enteredAt])).toEqual([['closed', at(3 * 24 * 60)]]);
    const done = h.engine.describeExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ decision: { action: 'registered' } });
    expect(h.clock.pendingTimers()).toEqual([]);
  });

  test('a step left alone is reminded, then escalated rung by rung, each at its instant; acting after that still completes it', async () => {
    h = harness();
    const arn = await start(raceMachine);

    await h.clock.advance('PT59M');
    expect(h.notices).toEqual([]);
    await h.clock.advance('P1D');
    expect(h.notices.map((n) => [n.template, n.level, n.enteredAt])).toEqual([
      ['reminder', 0, at(60)],
      ['escalation', 1, at(90)],
      ['escalation', 2, at(24 * 60)],
    ]);

    await h.engine.sendTaskSuccess(h.tasks[0]!.token, JSON.stringify({ action: 'late' }));
    await h.clock.advance('P3D');
    expect(h.notices.map((n) => n.template)).toEqual(['reminder', 'escalation', 'escalation', 'closed']);
    expect(h.engine.describeExecution(arn).status).toBe('SUCCEEDED');
  });

  test('advancing in one jump fires every due timer in order, at its own instant, and lands on the target', async () => {
    h = harness();
    await start(raceMachine);
    const landed = await h.clock.advance('P2D');
    expect(landed.toISOString()).toBe(at(2 * 24 * 60));
    expect(h.notices.map((n) => n.enteredAt)).toEqual([at(60), at(90), at(24 * 60)]);
  });
});

describe('parking: a waiting execution holds no library run, and goes on from where it was', () => {
  const enteredNames = (arn: string) => h.engine.getExecutionHistory(arn).filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name);
  const journalled = () => readFileSync(join(dir, 'sfn', 'executions.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { t: string; state?: string }).filter((r) => r.t === 'enter').map((r) => r.state);

  test('each timer and the answer wake it: the task is invoked once, every notice sent once at its instant, every state entered once', async () => {
    h = harness();
    const arn = await start(raceMachine);
    expect(h.engine.parkedExecutions()).toBe(1);

    await h.clock.advance('P1D');
    expect(h.notices.map((n) => [n.template, n.level, n.enteredAt])).toEqual([
      ['reminder', 0, at(60)], ['escalation', 1, at(90)], ['escalation', 2, at(24 * 60)],
    ]);
    expect(h.engine.parkedExecutions()).toBe(1);
    expect(journalled()).toEqual(['Deadlines', 'Race']); // the wakes replayed Race: nothing new to resume from

    await h.engine.sendTaskSuccess(h.tasks[0]!.token, JSON.stringify({ action: 'late' })); // the first token: never re-bound
    await h.engine.waitForIdle();
    expect(h.engine.parkedExecutions()).toBe(1); // now on the close Wait
    await h.clock.advance('P3D');

    expect(h.tasks).toHaveLength(1);
    expect(h.notices.map((n) => n.template)).toEqual(['reminder', 'escalation', 'escalation', 'closed']);
    expect(h.engine.describeExecution(arn).status).toBe('SUCCEEDED');
    expect(h.engine.parkedExecutions()).toBe(0);
    const entered = enteredNames(arn);
    expect(entered).toEqual(expect.arrayContaining(['Race', 'Work', 'Until remind', 'Remind', 'Escalate 2', 'Stringify', 'Decode', 'Close']));
    expect(new Set(entered).size).toBe(entered.length);
    expect(h.engine.getExecutionHistory(arn).filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(journalled()).toEqual(['Deadlines', 'Race', 'Decode', 'Until close', 'Close']);
  });

  test('a loop inside a branch goes on visit by visit: each Wait counts from its own entry, each notice once', async () => {
    h = harness();
    const arn = await start(tickingMachine);
    expect(h.engine.parkedExecutions()).toBe(1);

    await h.clock.advance('PT1H');
    expect(h.notices.map((n) => [n.level, n.enteredAt])).toEqual([[0, at(10)], [1, at(20)], [2, at(30)]]);
    await h.engine.sendTaskSuccess(h.tasks[0]!.token, '{"ok":true}');
    await h.engine.waitForIdle();

    expect(h.tasks).toHaveLength(1);
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toEqual([{ ok: true }, { caseId: 'c1', n: 3 }]);
    const entered = enteredNames(arn);
    expect(entered.filter((name) => name === 'Tick')).toHaveLength(3);
    expect(entered.filter((name) => name === 'Note')).toHaveLength(3);
    expect(entered.filter((name) => name === 'Both' || name === 'Work' || name === 'Count')).toEqual(['Both', 'Work', 'Count']);
  });

  test('a machine whose states would not replay alike (States.UUID) is never parked, and runs as before', async () => {
    h = harness();
    const arn = await start({
      StartAt: 'Name',
      States: {
        Name: { Type: 'Pass', Parameters: { 'caseId.$': '$.caseId', 'ref.$': 'States.UUID()' }, Next: 'Ask' },
        Ask: waitingMachine({}).States.Ask,
        Lapsed: { Type: 'Pass', End: true },
      },
    });
    expect(h.engine.parkedExecutions()).toBe(0);
    await h.engine.sendTaskSuccess(h.tasks[0]!.token, '{"ok":true}');
    await h.engine.waitForIdle();
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toMatchObject({ caseId: 'c1', ref: expect.stringMatching(/^[0-9a-f-]{36}$/), answer: { ok: true } });
  });
});

test('a sixty-day Wait (and a Wait on an instant from the input) completes in milliseconds of real time', async () => {
  h = harness();
  const until = at(61 * 24 * 60);
  const arn = await start(longWaitMachine, { until });
  expect(h.clock.pendingTimers()).toEqual([new Date(at(60 * 24 * 60))]);

  const began = performance.now();
  await h.clock.advance('P59DT23H');
  expect(h.engine.describeExecution(arn).status).toBe('RUNNING');
  await h.clock.advance('P1D');
  expect(h.clock.pendingTimers()).toEqual([new Date(until)]);
  await h.clock.advance('P1D');
  expect(h.engine.describeExecution(arn).status).toBe('SUCCEEDED');
  expect(performance.now() - began).toBeLessThan(5_000);
});

describe('StartExecution', () => {
  test('the same name and input is the same execution (nothing runs twice); another input is refused', async () => {
    h = harness();
    const stateMachineArn = h.arn(raceMachine);
    h.engine.resume();
    const input = JSON.stringify({ caseId: 'c1' });
    const first = await h.engine.startExecution({ stateMachineArn, name: 'case-1', input });
    const again = await h.engine.startExecution({ stateMachineArn, name: 'case-1', input });
    await h.engine.waitForIdle();

    expect(again).toEqual(first);
    expect(first.executionArn).toMatch(/^arn:aws:states:[a-z0-9-]+:\d{12}:execution:machine-1:case-1$/);
    expect(h.tasks).toHaveLength(1);
    await expect(h.engine.startExecution({ stateMachineArn, name: 'case-1', input: JSON.stringify({ caseId: 'c2' }) })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  test.each([
    ['an unknown state machine', { stateMachineArn: 'arn:aws:states:ap-southeast-3:000000000000:stateMachine:nope', name: 'x' }, 'StateMachineDoesNotExist'],
    ['a name with spaces', { name: 'case 1' }, 'InvalidName'],
    ['input that is not JSON', { name: 'case-2', input: '{nope' }, 'InvalidExecutionInput'],
  ])('refuses %s', async (_what, params, error) => {
    h = harness();
    const stateMachineArn = h.arn(raceMachine);
    await expect(h.engine.startExecution({ stateMachineArn, ...params })).rejects.toMatchObject({ name: error });
  });

  test('the execution id handed to the functions is the execution ARN', async () => {
    const seen: unknown[] = [];
    h = harness({ DeadlinesFunctionArn: async (p) => { seen.push(p); return { remindAt: at(60), dueAt: at(90), rung2At: at(1440), closeAt: at(4320) }; } });
    const arn = await start(raceMachine);
    expect(seen).toEqual([{ caseId: 'c1', executionId: arn, enteredAt: START.toISOString() }]);
  });
});

describe('task tokens', () => {
  test('each callback gets its own token; a used, unknown or malformed token is refused with the AWS error', async () => {
    h = harness();
    await start(raceMachine, { caseId: 'a' }, 'case-a');
    await h.engine.startExecution({ stateMachineArn: h.engine.describeExecution(h.engine.runningExecutions()[0]!).stateMachineArn, name: 'case-b', input: JSON.stringify({ caseId: 'b' }) });
    await h.engine.waitForIdle();
    const [a, b] = h.tasks.map((t) => t.token);
    expect(a).not.toBe(b);

    await h.engine.sendTaskSuccess(a!, '{"action":"ok"}');
    await expect(h.engine.sendTaskSuccess(a!, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(h.engine.sendTaskSuccess(`local-${'A'.repeat(32)}`, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(h.engine.sendTaskSuccess('not-a-token', '{}')).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(h.engine.sendTaskSuccess(b!, 'not json')).rejects.toMatchObject({ name: 'InvalidOutput' });
    await expect(h.engine.sendTaskHeartbeat(b!)).resolves.toBeUndefined();
  });

  test('SendTaskFailure fails the task with the given error name, which Catch matches', async () => {
    h = harness();
    const arn = await start(waitingMachine({ TimeoutSeconds: 3600 }));
    await h.engine.sendTaskFailure(h.tasks[0]!.token, 'States.Timeout', 'gave up');
    await h.engine.waitForIdle();
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toMatchObject({ error: { Error: 'States.Timeout', Cause: 'gave up' } });
  });

  test('an uncaught SendTaskFailure fails the execution with that error', async () => {
    h = harness();
    const arn = await start(raceMachine);
    await h.engine.sendTaskFailure(h.tasks[0]!.token, 'Refused', 'no');
    await h.engine.waitForIdle();
    expect(h.engine.describeExecution(arn)).toMatchObject({ status: 'FAILED', error: 'Refused' });
  });
});

describe('Retry and Catch by error name, on the virtual clock', () => {
  test('a named error is retried at IntervalSeconds × BackoffRate^n of virtual time, then succeeds', async () => {
    let calls = 0;
    h = harness({ NotifyFunctionArn: async () => { calls++; if (calls < 3) throw Object.assign(new Error('SES said no'), { name: 'MailDeliveryFailed' }); return { messageId: 'm1' }; } });
    const arn = await start(retryMachine);
    expect(calls).toBe(1);
    await h.clock.advance('PT9S');
    expect(calls).toBe(1);
    await h.clock.advance('PT1S'); // 10 s after the first failure
    expect(calls).toBe(2);
    await h.clock.advance('PT19S');
    expect(calls).toBe(2);
    await h.clock.advance('PT1S'); // 20 s after the second failure
    expect(calls).toBe(3);
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toEqual({ caseId: 'c1', sent: { messageId: 'm1' } });
    expect(h.engine.getExecutionHistory(arn).filter((e) => e.type === 'TaskFailed')).toHaveLength(2);
  });

  test('when the matching retrier is spent the error goes to Catch (later retriers are not tried)', async () => {
    let calls = 0;
    h = harness({ NotifyFunctionArn: async () => { calls++; throw Object.assign(new Error('SES said no'), { name: 'MailDeliveryFailed' }); } });
    const arn = await start(retryMachine);
    await h.clock.advance('PT1H');
    expect(calls).toBe(3); // the first try and MaxAttempts 2
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toMatchObject({ error: { Error: 'MailDeliveryFailed', Cause: 'SES said no' } });
  });

  test('another error is retried by the States.ALL retrier', async () => {
    let calls = 0;
    h = harness({ NotifyFunctionArn: async () => { calls++; if (calls === 1) throw new TypeError('boom'); return {}; } });
    const arn = await start(retryMachine);
    await h.clock.advance('PT1S');
    expect(calls).toBe(2);
    expect(h.engine.describeExecution(arn).status).toBe('SUCCEEDED');
  });

  test.each([
    ['MailDeliveryFailed', 'MailDeliveryFailed', true],
    ['States.ALL', 'MailDeliveryFailed', true],
    ['States.ALL', 'States.Runtime', false],
    ['States.TaskFailed', 'Lambda.ServiceException', true],
    ['States.TaskFailed', 'States.Timeout', false],
    ['States.Timeout', 'States.HeartbeatTimeout', false],
    ['StepDone', 'PhaseDone', false],
  ])('ErrorEquals %s matches %s: %s', (pattern, name, expected) => {
    expect(errorMatches(pattern, name)).toBe(expected);
  });
});

describe('task timeouts on the virtual clock', () => {
  test('TimeoutSeconds ends a callback task when virtual time passes it, and its token then answers TaskTimedOut', async () => {
    h = harness();
    const arn = await start(waitingMachine({ TimeoutSeconds: 3600 }));
    await h.clock.advance('PT59M');
    expect(h.engine.describeExecution(arn).status).toBe('RUNNING');
    await h.clock.advance('PT1M');
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toMatchObject({ error: { Error: 'States.Timeout' } });
    await expect(h.engine.sendTaskSuccess(h.tasks[0]!.token, '{}')).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  test('a callback waits as long as the ASL says (a year), not the library default of 60 seconds', async () => {
    h = harness();
    const arn = await start(waitingMachine({ TimeoutSeconds: 31536000 }));
    await h.clock.advance('P364D');
    expect(h.engine.describeExecution(arn).status).toBe('RUNNING');
    await h.engine.sendTaskSuccess(h.tasks[0]!.token, '{"late":true}');
    await h.engine.waitForIdle();
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toMatchObject({ answer: { late: true } });
  });

  test('HeartbeatSeconds: heartbeats keep the task alive; silence past the interval ends it', async () => {
    h = harness();
    const arn = await start(waitingMachine({ HeartbeatSeconds: 600 }));
    await h.clock.advance('PT9M');
    await h.engine.sendTaskHeartbeat(h.tasks[0]!.token);
    await h.clock.advance('PT9M'); // 18 min after the start, 9 after the heartbeat
    expect(h.engine.describeExecution(arn).status).toBe('RUNNING');
    await h.clock.advance('PT1M');
    expect(JSON.parse(h.engine.describeExecution(arn).output!)).toMatchObject({ error: { Error: 'States.HeartbeatTimeout' } });
  });
});

test('StopExecution aborts: its tokens are refused and its timers never fire', async () => {
  h = harness();
  const arn = await start(raceMachine);
  await h.engine.stopExecution(arn, 'Withdrawn', 'the reporter withdrew');
  expect(h.engine.describeExecution(arn)).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
  await expect(h.engine.sendTaskSuccess(h.tasks[0]!.token, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  await h.clock.advance('P5D');
  expect(h.notices).toEqual([]);
  await expect(h.engine.stopExecution('arn:aws:states:ap-southeast-3:000000000000:execution:x:y')).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
});

test('the history names the states as the ASL does (Wait states included) and the execution events', async () => {
  h = harness();
  const arn = await start(raceMachine);
  await h.engine.sendTaskSuccess(h.tasks[0]!.token, '{}');
  await h.clock.advance('P3D');
  const history = h.engine.getExecutionHistory(arn);
  expect(history[0]).toMatchObject({ id: 1, type: 'ExecutionStarted' });
  expect(history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded' });
  const entered = history.filter((e) => e.type.endsWith('StateEntered')).map((e) => [e.type, e.stateEnteredEventDetails?.name]);
  expect(entered).toEqual(expect.arrayContaining([
    ['TaskStateEntered', 'Deadlines'], ['ParallelStateEntered', 'Race'], ['WaitStateEntered', 'Until remind'],
    ['PassStateEntered', 'Decode'], ['WaitStateEntered', 'Until close'], ['TaskStateEntered', 'Close'],
  ]));
  expect(entered.map(([, name]) => name)).not.toContain('Remind');
});

test.each([
  ['a timeout taken from the input', { Type: 'Task', Resource: '${TaskFunctionArn}', TimeoutSecondsPath: '$.t', End: true }],
  ['a heartbeat taken from the input', { Type: 'Task', Resource: '${TaskFunctionArn}', HeartbeatSecondsPath: '$.t', End: true }],
  ['the entered time in a Pass state', { Type: 'Pass', Parameters: { 'at.$': '$$.State.EnteredTime' }, End: true }],
  ['the execution start time', { Type: 'Task', Resource: '${TaskFunctionArn}', Parameters: { 'at.$': '$$.Execution.StartTime' }, End: true }],
  ['Retry on a Parallel state', { Type: 'Parallel', Branches: [{ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }], Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }],
  ['a Map state', { Type: 'Map', ItemsPath: '$.xs', Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true }],
])('a definition the engine could not run as AWS does is refused when created: %s', (_what, state) => {
  h = harness();
  expect(() => h.arn({ StartAt: 'S', States: { S: state } })).toThrow(expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringContaining('State S') }));
});

test('the journal is rewritten while running, and a new engine resumes from the rewritten journal', async () => {
  // A top-level loop of 40 visits, then a callback: many journal records for one execution.
  const loop = {
    StartAt: 'Count',
    States: {
      Count: { Type: 'Pass', Parameters: { 'caseId.$': '$.caseId', 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again?' },
      'Again?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 40, Next: 'Count' }], Default: 'Ask' },
      Ask: {
        Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${TaskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'caseId.$': '$.caseId', 'n.$': '$.n' } },
        ResultPath: '$.answer', End: true,
      },
    },
  };
  const journal = join(dir, 'sfn', 'executions.jsonl');
  const lines = () => readFileSync(journal, 'utf8').split('\n').filter(Boolean).length;
  const clock = new VirtualClock({ startAt: START, frozen: true });
  const seen: { n: number; taskToken: string }[] = [];
  const options = { clock, dataDir: join(dir, 'sfn'), compactAfterRecords: 20, invokers: { TaskFunctionArn: async (p: unknown) => { seen.push(p as { n: number; taskToken: string }); return {}; } } };
  const first = new LocalStepFunctions(options);
  const arn = first.createStateMachine('loop', JSON.stringify(loop));
  first.resume();
  await first.startExecution({ stateMachineArn: arn, name: 'looping', input: JSON.stringify({ caseId: 'c', n: 0 }) });
  await first.waitForIdle();
  expect(first.describeExecution(`arn:aws:states:ap-southeast-3:000000000000:execution:loop:looping`)).toMatchObject({ status: 'RUNNING' });
  expect(seen.map((s) => s.n)).toEqual([40]);
  expect(lines()).toBeLessThan(25); // 80+ state entries were journalled
  first.close();

  h = { ...harness(), clock };
  h.engine.close();
  const second = new LocalStepFunctions(options);
  h.engine = second;
  second.createStateMachine('loop', JSON.stringify(loop));
  expect(second.resume()).toEqual({ resumed: 1 });
  await second.waitForIdle();
  expect(seen.map((s) => s.n)).toEqual([40, 40]);
  expect(lines()).toBe(3); // start, the entry it resumed from, and that state entered again
  await second.sendTaskSuccess(seen[1]!.taskToken, '{"ok":true}');
  await second.waitForIdle();
  expect(JSON.parse(second.describeExecution(`arn:aws:states:ap-southeast-3:000000000000:execution:loop:looping`).output!)).toEqual({ caseId: 'c', n: 40, answer: { ok: true } });
});

test('a parked execution wakes with its state input exactly as entered, read back from the journal before and after a rewrite', async () => {
  // The input of the state a parked execution waits in is kept only in the journal (by byte offset):
  // text with multi-byte characters, quotes, backslashes, line breaks, tabs and `<` must come back whole.
  const ask = {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Parameters: { 'text.$': '$.text', 'n.$': '$.n', extra: 'Dinas Perpustakaan — ruang baca "anak" ✓' }, Next: 'Ask' },
      Ask: {
        Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${TaskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'caseId.$': '$.text' } },
        ResultPath: '$.answer', End: true,
      },
    },
  };
  const clock = new VirtualClock({ startAt: START, frozen: true });
  const tokens = new Map<string, string>();
  const engine = new LocalStepFunctions({
    clock, dataDir: join(dir, 'sfn'), compactAfterRecords: 4,
    invokers: { TaskFunctionArn: async (p: unknown) => { const { taskToken, caseId } = p as { taskToken: string; caseId: string }; tokens.set(caseId, taskToken); return {}; } },
  });
  h = { ...harness(), clock };
  h.engine.close();
  h.engine = engine;
  const arn = engine.createStateMachine('ask', JSON.stringify(ask));
  engine.resume();
  const text = (n: number) => `Lampu jalan mati 😀 "di depan" C:\\jalan\\${n}\nbaris dua\t<b>tab</b> ñ ${'é'.repeat(n)}`;
  let rewrites = 0;
  for (let n = 0; n < 6; n++) {
    const before = engine.journalRecordsSinceCompaction();
    await engine.startExecution({ stateMachineArn: arn, name: `case-${n}`, input: JSON.stringify({ text: text(n), n }) });
    await engine.waitForIdle();
    if (engine.journalRecordsSinceCompaction() < before) rewrites++;
  }
  expect(engine.parkedExecutions()).toBe(6);
  expect(rewrites).toBeGreaterThan(0); // some inputs were placed by a rewrite, the last ones by their append
  for (let n = 0; n < 6; n++) {
    await engine.sendTaskSuccess(tokens.get(text(n))!, JSON.stringify({ reply: `ok ${n} 👍` }));
    await engine.waitForIdle();
    const done = engine.describeExecution(`arn:aws:states:ap-southeast-3:000000000000:execution:ask:case-${n}`);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ text: text(n), n, extra: 'Dinas Perpustakaan — ruang baca "anak" ✓', answer: { reply: `ok ${n} 👍` } });
  }
});

test('an answer acknowledged just before a crash is not lost: the resumed execution delivers it at once', async () => {
  const clock = new VirtualClock({ startAt: START, frozen: true });
  const tasks: string[] = [];
  const notices: string[] = [];
  const options = {
    clock,
    dataDir: join(dir, 'sfn'),
    invokers: {
      DeadlinesFunctionArn: async () => ({ remindAt: at(60), dueAt: at(90), rung2At: at(24 * 60), closeAt: at(3 * 24 * 60) }),
      TaskFunctionArn: async (p: unknown) => { tasks.push((p as { taskToken: string }).taskToken); return {}; },
      NotifyFunctionArn: async (p: unknown) => { notices.push((p as { template: string }).template); return {}; },
    },
  };
  const engineOn = () => {
    const engine = new LocalStepFunctions(options);
    const arn = engine.createStateMachine('race', JSON.stringify(raceMachine));
    clock.settle = () => engine.waitForIdle();
    return { engine, arn, resumed: engine.resume().resumed };
  };
  const first = engineOn();
  const { executionArn } = await first.engine.startExecution({ stateMachineArn: first.arn, name: 'case-1', input: JSON.stringify({ caseId: 'c1' }) });
  await first.engine.waitForIdle();

  // Acknowledged, then the process dies before the execution records any progress.
  const acknowledged = first.engine.sendTaskSuccess(tasks[0]!, JSON.stringify({ action: 'registered' }));
  first.engine.close();
  await acknowledged;

  const second = engineOn();
  h = { ...harness(), clock, engine: second.engine };
  expect(second.resumed).toBe(1);
  await second.engine.waitForIdle();
  expect(tasks).toHaveLength(2); // the task function re-bound its task…
  await expect(second.engine.sendTaskSuccess(tasks[1]!, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' }); // …and nobody needs to answer again
  await clock.advance('P3D');
  expect(notices).toEqual(['closed']);
  const done = second.engine.describeExecution(executionArn);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!)).toMatchObject({ decision: { action: 'registered' } });
});

test('an answer is delivered again only to the visit it answered: after progress the next visit waits for its own', async () => {
  const loop = {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${TaskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token' } },
        ResultPath: '$.answer', Next: 'Again?',
      },
      'Again?': { Type: 'Choice', Choices: [{ Variable: '$.answer.again', BooleanEquals: true, Next: 'Ask' }], Default: 'Finish' },
      Finish: { Type: 'Pass', End: true },
    },
  };
  const clock = new VirtualClock({ startAt: START, frozen: true });
  const tokens: string[] = [];
  const options = { clock, dataDir: join(dir, 'sfn'), invokers: { TaskFunctionArn: async (p: unknown) => { tokens.push((p as { taskToken: string }).taskToken); return {}; } } };
  const first = new LocalStepFunctions(options);
  const arn = first.createStateMachine('loop', JSON.stringify(loop));
  first.resume();
  const { executionArn } = await first.startExecution({ stateMachineArn: arn, name: 'l', input: '{}' });
  await first.waitForIdle();
  await first.sendTaskSuccess(tokens[0]!, '{"again":true}');
  await first.waitForIdle();
  expect(tokens).toHaveLength(2); // the second visit waits
  first.close();

  const second = new LocalStepFunctions(options);
  h = { ...harness(), clock, engine: second };
  second.createStateMachine('loop', JSON.stringify(loop));
  second.resume();
  await second.waitForIdle();
  expect(tokens).toHaveLength(3);
  expect(second.describeExecution(executionArn).status).toBe('RUNNING');
  await second.sendTaskSuccess(tokens[2]!, '{"again":false}');
  await second.waitForIdle();
  expect(second.describeExecution(executionArn).status).toBe('SUCCEEDED');
});

test("the execution's TimeoutSeconds runs on the virtual clock from its first start, across a restart", async () => {
  const machine = { ...waitingMachine({}), TimeoutSeconds: 7 * 24 * 3600 };
  const clock = new VirtualClock({ startAt: START, frozen: true });
  const tokens: string[] = [];
  const options = { clock, dataDir: join(dir, 'sfn'), invokers: { TaskFunctionArn: async (p: unknown) => { tokens.push((p as { taskToken: string }).taskToken); return {}; } } };
  const first = new LocalStepFunctions(options);
  const arn = first.createStateMachine('slow', JSON.stringify(machine));
  first.resume();
  const { executionArn } = await first.startExecution({ stateMachineArn: arn, name: 'slow-1', input: '{"caseId":"c"}' });
  await first.waitForIdle();
  clock.settle = () => first.waitForIdle();
  await clock.advance('P4D');
  first.close();

  const second = new LocalStepFunctions(options);
  h = { ...harness(), clock, engine: second };
  second.createStateMachine('slow', JSON.stringify(machine));
  second.resume();
  clock.settle = () => second.waitForIdle();
  await second.waitForIdle();
  await clock.advance('P2DT23H');
  expect(second.describeExecution(executionArn).status).toBe('RUNNING');
  await clock.advance('PT1H'); // seven days after the start, three after the restart
  expect(second.describeExecution(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', stopDate: new Date(START.getTime() + 7 * 24 * 3600_000) });
  await expect(second.sendTaskSuccess(tokens.at(-1)!, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
});

test('the journal is read once: a StartExecution before resume() reads it first, and a later resume() runs nothing twice', async () => {
  h = harness();
  const stateMachineArn = h.arn(raceMachine);
  await h.engine.startExecution({ stateMachineArn, name: 'case-1', input: '{"caseId":"c1"}' });
  await h.engine.waitForIdle();
  h.engine.close();

  h = { ...harness(), clock: h.clock };
  const again = h.arn(raceMachine);
  await expect(h.engine.startExecution({ stateMachineArn: again, name: 'case-1', input: '{"caseId":"other"}' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  expect(h.engine.resume()).toEqual({ resumed: 0 });
  await h.engine.waitForIdle();
  expect(h.tasks).toHaveLength(1); // the execution resumed by the first call, once
});

test('a run that waits long in real time is restarted from the journal in-process: tokens re-bound, answers and timers intact', async () => {
  const clock = new VirtualClock({ startAt: START, frozen: true });
  const tokens: string[] = [];
  const notices: string[] = [];
  const engine = new LocalStepFunctions({
    clock,
    dataDir: join(dir, 'sfn'),
    refreshAfterRealMs: 60,
    invokers: {
      DeadlinesFunctionArn: async () => ({ remindAt: at(60), dueAt: at(90), rung2At: at(24 * 60), closeAt: at(3 * 24 * 60) }),
      TaskFunctionArn: async (p: unknown) => { tokens.push((p as { taskToken: string }).taskToken); return {}; },
      NotifyFunctionArn: async (p: unknown) => { notices.push(`${(p as { template: string }).template}@${(p as { enteredAt: string }).enteredAt}`); return {}; },
    },
  });
  h = { ...harness(), clock, engine };
  clock.settle = () => engine.waitForIdle();
  const stateMachineArn = engine.createStateMachine('race', JSON.stringify(raceMachine));
  engine.resume();
  const { executionArn } = await engine.startExecution({ stateMachineArn, name: 'case-1', input: '{"caseId":"c1"}' });
  await engine.waitForIdle();
  await new Promise((r) => setTimeout(r, 250));
  await engine.waitForIdle();

  expect(tokens.length).toBeGreaterThanOrEqual(2);
  expect(engine.getExecutionHistory(executionArn).map((e) => e.type)).toContain('ExecutionRefreshed');
  await expect(engine.sendTaskSuccess(tokens[0]!, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  let answered = false;
  for (let i = 0; i < 10 && !answered; i++) {
    answered = await engine.sendTaskSuccess(tokens.at(-1)!, '{"action":"registered"}').then(() => true, () => false);
  }
  expect(answered).toBe(true);
  await engine.waitForIdle();
  await clock.advance('P3D');
  const done = engine.describeExecution(executionArn);
  expect(done.status).toBe('SUCCEEDED');
  expect(JSON.parse(done.output!)).toMatchObject({ decision: { action: 'registered' } });
  expect(new Set(notices)).toEqual(new Set([`closed@${at(3 * 24 * 60)}`]));
});

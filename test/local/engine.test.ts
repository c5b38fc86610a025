import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../infra/local/clock';
import { LocalStepFunctions } from '../../infra/local/stepfunctions/engine';
import { continueBy } from '../../shared/workflow/executions';
import { answerBeginning, OutcomeRequest, outcomeAnswer } from '../../shared/workflow/contract';

const asl = (id: string) => readFileSync(join(__dirname, '../../statemachines', `${id}.asl.json`), 'utf8');

/** Stub workflow functions that record what the machine asked, with deadlines relative to the clock. */
function stubs(clock: VirtualClock) {
  const calls = { notify: [] as Record<string, unknown>[], outcome: [] as Record<string, unknown>[], tasks: [] as { stepId: string; visit: number; token: string; kind: string }[] };
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
  const deadlines = async (p: unknown) => ({ startedAt: at(0), remindAt: at(30), dueAt: at(40), rungs: [{ level: 1, at: at(40) }, { level: 2, at: at(100) }, { level: 3, at: at(24 * 60) }], calendarVersion: 'test', visit: (p as { visit: number }).visit });
  return {
    calls,
    invokers: {
      // The deadlines go back with the visit they were asked for, as the deadlines handler answers.
      DeadlinesFunctionArn: deadlines,
      TaskFunctionArn: async (p: unknown) => { const x = p as { stepId: string; visit: number; taskToken: string; kind: string }; calls.tasks.push({ stepId: x.stepId, visit: x.visit, token: x.taskToken, kind: x.kind }); return {}; },
      // What the outcome handler answers besides recording (when the execution hands over, a reply's verdict, a phase's run).
      OutcomeFunctionArn: async (p: unknown) => {
        calls.outcome.push(p as Record<string, unknown>);
        const req = OutcomeRequest.parse(p);
        // A record that begins the next visit computes its deadlines as the deadlines handler does.
        const answer = outcomeAnswer(req, req.kind === 'started' ? { continueBy: continueBy(clock.now()).toISOString() } : {});
        return (await answerBeginning(req, answer, async (ask) => deadlines(ask))) ?? {};
      },
      NotifyFunctionArn: async (p: unknown) => { calls.notify.push(p as Record<string, unknown>); return {}; },
    },
  };
}

describe('local Step Functions engine on a generated machine (Health Office)', () => {
  let dir: string;
  let clock: VirtualClock;
  let engine: LocalStepFunctions;
  let s: ReturnType<typeof stubs>;
  let arn: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tanggap-engine-'));
    clock = new VirtualClock({ file: join(dir, 'clock.json'), startAt: new Date('2026-11-23T02:00:00Z') });
    s = stubs(clock);
    engine = new LocalStepFunctions({ clock, invokers: s.invokers, dataDir: dir });
    clock.settle = () => engine.waitForIdle();
    arn = engine.createStateMachine('dinkes-muba', asl('dinkes-muba'));
    engine.resume();
  });
  afterEach(() => { engine.close(); clock.stop(); rmSync(dir, { recursive: true, force: true }); });

  const decide = async (action: string, fields: Record<string, string> = {}) => {
    const task = s.calls.tasks.at(-1)!;
    await engine.sendTaskSuccess(task.token, JSON.stringify({ action, fields, actor: { personId: 'x', role: 'y' }, decidedAt: clock.now().toISOString() }));
    await engine.waitForIdle();
  };

  test('acting before the deadline: no reminder, no escalation, and the next step opens at once', async () => {
    await engine.startExecution({ stateMachineArn: arn, name: 'case-1', input: JSON.stringify({ caseId: 'c1', sopId: 'dinkes-muba' }) });
    await engine.waitForIdle();
    expect(s.calls.notify.map((n) => n.template)).toEqual(['acknowledgement']);
    expect(s.calls.tasks).toEqual([expect.objectContaining({ stepId: 'registrasi', visit: 1, kind: 'official' })]);
    await decide('registered');
    expect(s.calls.tasks.map((t) => t.stepId)).toEqual(['registrasi', 'telaah']);
    await clock.advance('P3D');
    // The registrasi clock died with its race; telaah's clock ran (nobody acted on it).
    expect(s.calls.notify.filter((n) => n.stepId === 'registrasi')).toEqual([]);
    expect(s.calls.notify.filter((n) => n.stepId === 'telaah').map((n) => [n.template, n.level])).toEqual([
      ['reminder', undefined], ['escalation', 1], ['escalation', 2], ['escalation', 3],
    ]);
  });

  test('the head returns the draft: the analysis opens again as visit 2', async () => {
    await engine.startExecution({ stateMachineArn: arn, name: 'case-2', input: JSON.stringify({ caseId: 'c2', sopId: 'dinkes-muba' }) });
    await engine.waitForIdle();
    for (const a of ['registered', 'reviewed', 'handedOver', 'submitDraft']) await decide(a);
    expect(s.calls.tasks.at(-1)).toMatchObject({ stepId: 'persetujuan', visit: 1 });
    await decide('return', { notes: 'perbaiki' });
    expect(s.calls.tasks.at(-1)).toMatchObject({ stepId: 'analisa', visit: 2 });
  });

  test('idle waits for a Task\'s Retry backoff, which the clock fires by itself (a notice refused once is retried 2 s later)', async () => {
    // Prepare: the acknowledgement's first attempt fails as Lambda's service would (retried after 2 s).
    const notifyOk = s.invokers.NotifyFunctionArn;
    let failures = 1;
    s.invokers.NotifyFunctionArn = async (p: unknown) => {
      if (failures-- > 0) throw Object.assign(new Error('service hiccup'), { name: 'Lambda.ServiceException' });
      return notifyOk(p);
    };
    // Act
    await engine.startExecution({ stateMachineArn: arn, name: 'case-r', input: JSON.stringify({ caseId: 'cr', sopId: 'dinkes-muba' }) });
    await engine.waitForIdle();
    // Assess: idle came after the retry and what followed it (the first task open), not in the backoff.
    expect(s.calls.notify.map((n) => n.template)).toEqual(['acknowledgement']);
    expect(s.calls.tasks.map((t) => t.stepId)).toEqual(['registrasi']);
    expect(engine.getExecutionHistory(`${arn.replace(':stateMachine:', ':execution:')}:case-r`).filter((h) => h.type === 'TaskFailed')).toHaveLength(1);
  });

  test('while the clock is advanced, a Retry backoff is fired by the advance in its turn, not waited for in real time', async () => {
    const notifyOk = s.invokers.NotifyFunctionArn;
    let failures = 1;
    s.invokers.NotifyFunctionArn = async (p: unknown) => {
      if (failures-- > 0) throw Object.assign(new Error('refused'), { name: 'MailDeliveryFailed' });
      return notifyOk(p);
    };
    await engine.startExecution({ stateMachineArn: arn, name: 'case-a', input: JSON.stringify({ caseId: 'ca', sopId: 'dinkes-muba' }) });
    // The retry is due in 10 s of clock time; the advance (whose settle is waitForIdle) takes it in order.
    const started = Date.now();
    await clock.advance('PT1M');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(s.calls.notify.map((n) => n.template)).toEqual(['acknowledgement']);
    expect(s.calls.tasks.map((t) => t.stepId)).toEqual(['registrasi']);
  });

  test('a task\'s entered time is when its invocation\'s turn comes, not when it began to wait for one', async () => {
    // Prepare: one invocation at a time (as while the HTTP front handles a request); the first holds its turn.
    engine.close();
    engine = new LocalStepFunctions({ clock, invokers: s.invokers, dataDir: dir, maxConcurrentInvocations: 1 });
    arn = engine.createStateMachine('dinkes-muba', asl('dinkes-muba'));
    engine.resume();
    const outcomeOk = s.invokers.OutcomeFunctionArn;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let first = true;
    s.invokers.OutcomeFunctionArn = async (p: unknown) => {
      if (first) { first = false; await held; }
      return outcomeOk(p);
    };
    // Act: the second execution's first task waits 300 ms for its turn.
    await engine.startExecution({ stateMachineArn: arn, name: 'case-t1', input: JSON.stringify({ caseId: 't1', sopId: 'dinkes-muba' }) });
    await engine.startExecution({ stateMachineArn: arn, name: 'case-t2', input: JSON.stringify({ caseId: 't2', sopId: 'dinkes-muba' }) });
    await new Promise((r) => setTimeout(r, 300));
    const released = clock.now().getTime();
    release();
    await engine.waitForIdle();
    // Assess: its handler was told the instant its turn came.
    const started = s.calls.outcome.find((o) => o.caseId === 't2' && o.kind === 'started')!;
    expect(Date.parse(started.enteredAt as string)).toBeGreaterThanOrEqual(released);
  });

  test('a stale token is refused; the same name and input starts nothing new', async () => {
    const first = await engine.startExecution({ stateMachineArn: arn, name: 'case-3', input: JSON.stringify({ caseId: 'c3', sopId: 'dinkes-muba' }) });
    const again = await engine.startExecution({ stateMachineArn: arn, name: 'case-3', input: JSON.stringify({ caseId: 'c3', sopId: 'dinkes-muba' }) });
    expect(again.executionArn).toBe(first.executionArn);
    await expect(engine.startExecution({ stateMachineArn: arn, name: 'case-3', input: '{"caseId":"other"}' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await engine.waitForIdle();
    const token = s.calls.tasks.at(-1)!.token;
    await decide('registered');
    await expect(engine.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });
});

describe('run slots: a burst of executions waking at once keeps at most maxActiveRuns library runs in memory', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /**
   * 40 Health Office cases wait on their first task; the engine is closed and another opens the same
   * journal (a restart): every execution resumes at once, as after a `kill -9` with 40 open cases.
   * Returns the most library runs seen in memory while a handler ran, and what the handlers saw.
   */
  async function restartWith(maxActiveRuns: number) {
    const dir = mkdtempSync(join(tmpdir(), 'tanggap-slots-'));
    dirs.push(dir);
    const clock = new VirtualClock({ file: join(dir, 'clock.json'), startAt: new Date('2026-11-23T02:00:00Z') });
    const first = stubs(clock);
    const before = new LocalStepFunctions({ clock, invokers: first.invokers, dataDir: dir });
    const arn = before.createStateMachine('dinkes-muba', asl('dinkes-muba'));
    before.resume();
    for (let i = 0; i < 40; i++) await before.startExecution({ stateMachineArn: arn, name: `case-${i}`, input: JSON.stringify({ caseId: `c${i}`, sopId: 'dinkes-muba' }) });
    await before.waitForIdle();
    expect(before.parkedExecutions()).toBe(40);
    before.close();

    const again = stubs(clock);
    let peak = 0;
    const sampled = Object.fromEntries(Object.entries(again.invokers).map(([name, invoke]) => [name, async (payload: unknown) => {
      peak = Math.max(peak, after.runSlots().active);
      return invoke(payload);
    }]));
    const after: LocalStepFunctions = new LocalStepFunctions({ clock, invokers: sampled, dataDir: dir, maxActiveRuns });
    after.createStateMachine('dinkes-muba', asl('dinkes-muba'));
    const { resumed } = after.resume();
    await after.waitForIdle();
    const result = { resumed, peak, rebound: new Set(again.calls.tasks.map((t) => t.stepId + t.visit)).size, tasks: again.calls.tasks.length, parked: after.parkedExecutions(), slots: after.runSlots() };
    after.close();
    clock.stop();
    return result;
  }

  test('40 resumed executions, 3 slots: never more than 3 runs at once, and every one re-binds its task and parks again', async () => {
    const bounded = await restartWith(3);
    expect(bounded).toMatchObject({ resumed: 40, tasks: 40, rebound: 1, parked: 40, slots: { active: 0, waiting: 0 } });
    expect(bounded.peak).toBeLessThanOrEqual(3);
    // The same restart with room for all: they all wake together (what the bound prevents).
    const unbounded = await restartWith(1000);
    expect(unbounded).toMatchObject({ resumed: 40, tasks: 40, parked: 40 });
    expect(unbounded.peak).toBeGreaterThan(10);
  });
});

describe('the foreground first: requests of the HTTP front before background invocations, with a bounded backlog', () => {
  let dir: string;
  let clock: VirtualClock;
  afterEach(() => { clock.stop(); rmSync(dir, { recursive: true, force: true }); });

  /** An engine whose handlers each take a few turns of the event loop (as I/O does), counting how many run at once. */
  function engineWith(options: { maxActiveRuns?: number; maxBacklog?: number; foregroundYieldMs?: number }) {
    dir = mkdtempSync(join(tmpdir(), 'tanggap-foreground-'));
    clock = new VirtualClock({ file: join(dir, 'clock.json'), startAt: new Date('2026-11-23T02:00:00Z') });
    const s = stubs(clock);
    const concurrency = { now: 0, peak: 0, startedAt: [] as number[] };
    const io = () => new Promise((r) => setTimeout(r, 2));
    const invokers = Object.fromEntries(Object.entries(s.invokers).map(([name, invoke]) => [name, async (payload: unknown) => {
      concurrency.startedAt.push(performance.now());
      concurrency.now++;
      concurrency.peak = Math.max(concurrency.peak, concurrency.now);
      try { await io(); return await invoke(payload); } finally { concurrency.now--; }
    }]));
    const engine = new LocalStepFunctions({ clock, invokers, dataDir: dir, ...options });
    const arn = engine.createStateMachine('dinkes-muba', asl('dinkes-muba'));
    engine.resume();
    const start = (i: number) => engine.startExecution({ stateMachineArn: arn, name: `case-${i}`, input: JSON.stringify({ caseId: `c${i}`, sopId: 'dinkes-muba' }) });
    return { engine, concurrency, start };
  }

  test('while a request is handled, the background waits, save one invocation each foregroundYieldMs; after it, up to four at once', async () => {
    const { engine, concurrency, start } = engineWith({ foregroundYieldMs: 60 });
    const duringRequest = await engine.foreground(async () => {
      for (let i = 0; i < 12; i++) await start(i);
      // The background is not stopped for good: wait (within the request) until it has had a few turns.
      const until = performance.now() + 10_000;
      while (concurrency.startedAt.length < 3 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
      return { peak: concurrency.peak, started: [...concurrency.startedAt] };
    });
    expect(duringRequest.peak).toBe(1);
    expect(duringRequest.started.length).toBeGreaterThanOrEqual(3);
    // Each turn given during the request came at least the yield interval after the one before.
    const gaps = duringRequest.started.slice(1).map((t, i) => t - duringRequest.started[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(59);
    // Once the request is over, the rest runs at once, several at a time.
    await engine.waitForIdle();
    expect(concurrency.peak).toBeGreaterThan(1);
    expect(concurrency.peak).toBeLessThanOrEqual(4);
    expect(engine.parkedExecutions()).toBe(12); // every one reached its first task
    engine.close();
  });

  test('admit holds a request while the backlog is at its bound, and lets it in once the backlog drains', async () => {
    const { engine, start } = engineWith({ maxActiveRuns: 1, maxBacklog: 3 });
    await expect(engine.admit()).resolves.toBeUndefined();
    // Eight StartExecution calls at once (as eight requests would make): one runs, the others wait for the slot.
    const started = Promise.all(Array.from({ length: 8 }, (_, i) => start(i)));
    expect(engine.backlog()).toBe(7);
    let admitted = false;
    const admission = engine.admit().then(() => { admitted = true; });
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(false);
    await admission;
    expect(engine.backlog()).toBeLessThan(3);
    await started;
    await engine.waitForIdle();
    expect(engine.parkedExecutions()).toBe(8);
    engine.close();
  });
});

describe('the journal: starts acknowledged after a background fsync that covers them (group commit)', () => {
  let dir: string;
  let clock: VirtualClock;
  afterEach(() => { jest.restoreAllMocks(); clock.stop(); rmSync(dir, { recursive: true, force: true }); });

  test('20 starts at once: none acknowledged before an fsync covering it has completed, far fewer fsyncs than starts, none synchronous', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tanggap-group-commit-'));
    clock = new VirtualClock({ file: join(dir, 'clock.json'), startAt: new Date('2026-11-23T02:00:00Z') });
    const engine = new LocalStepFunctions({ clock, invokers: stubs(clock).invokers, dataDir: dir });
    const arn = engine.createStateMachine('dinkes-muba', asl('dinkes-muba'));
    engine.resume(); // rewrites the journal (synchronously, once) before anything is appended
    const journal = join(dir, 'executions.jsonl');
    // Each fsync completes 30 ms after it is asked for; what was in the file when it began is then durable.
    const durable = new Set<string>();
    // The module object itself (an `import * as` gets a copy that the engine's calls never reach).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    const realFsync = fs.fsync;
    const fsync = jest.spyOn(fs, 'fsync').mockImplementation(((fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => {
      const covered = readFileSync(journal, 'utf8');
      realFsync(fd, (err) => setTimeout(() => {
        for (const line of covered.split('\n')) if (line.includes('"t":"start"')) durable.add((JSON.parse(line) as { name: string }).name);
        callback(err);
      }, 30));
    }) as typeof fs.fsync);
    const fsyncSync = jest.spyOn(fs, 'fsyncSync');
    const acknowledgedEarly: string[] = [];
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      await engine.startExecution({ stateMachineArn: arn, name: `case-${i}`, input: JSON.stringify({ caseId: `c${i}`, sopId: 'dinkes-muba' }) });
      if (!durable.has(`case-${i}`)) acknowledgedEarly.push(`case-${i}`);
    }));
    expect(acknowledgedEarly).toEqual([]);
    expect(fsyncSync).not.toHaveBeenCalled();
    expect(fsync.mock.calls.length).toBeGreaterThan(0);
    expect(fsync.mock.calls.length).toBeLessThan(10);
    await engine.waitForIdle();
    engine.close();
  });
});

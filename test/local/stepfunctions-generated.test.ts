/**
 * Every generated state machine (statemachines/<sopId>.asl.json, unchanged) runs on the local engine:
 * stub workflow functions parse each payload with the contract's schemas — so the context the engine
 * injects (`$$.Execution.Id`, `$$.State.EnteredTime`, `$$.Task.Token`) is what the handlers expect —
 * and a driver takes each SOP's normal path (`actions[0]`) to closure, with the reporter's rating;
 * and each machine's first wait, left alone for a year, continues as a new execution.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sops } from '../../shared/sops';
import { demoDirectory } from '../../shared/directory';
import { answerBeginning, DeadlinesRequest, NotifyRequest, outcomeAnswer, OpenTaskRequest, OutcomeRequest, StartedResult, TaskFunctionRequest, WorkflowFunction, type ExecutionInput, type OpenTaskRequest as OpenTask, type ParkRequest } from '../../shared/workflow/contract';
import { VirtualClock } from '../../infra/local/clock';
import { LocalStepFunctions } from '../../infra/local/stepfunctions/engine';
import type { Sop } from '../../shared/sop/schema';
import { continueBy, successorName } from '../../shared/workflow/executions';

const START = new Date('2026-11-23T02:00:00.000Z');

/** Loads the SOP's generated machine into the engine, starts `case-1` on it and lets it settle. */
async function startCase(engine: LocalStepFunctions, clock: VirtualClock, sop: Sop): Promise<{ stateMachineArn: string; executionArn: string }> {
  clock.settle = () => engine.waitForIdle();
  const stateMachineArn = engine.createStateMachine(sop.id, readFileSync(join(__dirname, '../../statemachines', `${sop.id}.asl.json`), 'utf8'));
  engine.resume();
  const { executionArn } = await engine.startExecution({ stateMachineArn, name: 'case-1', input: JSON.stringify({ caseId: 'case-1', sopId: sop.id }) });
  await engine.waitForIdle();
  return { stateMachineArn, executionArn };
}

function fieldsFor(sop: Sop, stepId: string): Record<string, string> {
  const action = sop.steps.find((s) => s.id === stepId)!.actions[0]!;
  const fields: Record<string, string> = {};
  for (const f of action.fields) {
    if (!f.required) continue;
    fields[f.name] = f.type === 'select' ? f.options![0]!.value : f.type === 'agency' ? demoDirectory.agencies[0]!.id : 'isi';
  }
  return fields;
}

/**
 * What outcome answers besides recording, checked against the contract: when the execution hands over
 * (`started`), the reporter's verdict, a phase's carried run (the contract's own `outcomeAnswer`), and
 * the visit a record begins, its deadlines asked of the test's deadlines stub as the handler computes
 * them (the contract's own `answerBeginning`).
 */
const lifetimeIfStarted = async (p: unknown, deadlines: (p: unknown) => Promise<object>) => {
  const req = OutcomeRequest.parse(p);
  const answer = outcomeAnswer(req, req.kind === 'started' ? StartedResult.parse({ continueBy: continueBy(clock.now()).toISOString() }) : {});
  return (await answerBeginning(req, answer, async (ask) => (await deadlines({ caseId: req.caseId, executionId: req.executionId, enteredAt: req.enteredAt, ...ask })) as never)) ?? {};
};
/** What the deadlines handler answers: the deadlines, with the visit they were asked for. */
const withVisit = (p: unknown, deadlines: object) => ({ ...deadlines, visit: DeadlinesRequest.parse(p).visit });

let dir: string;
let clock: VirtualClock;
let engine: LocalStepFunctions;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tanggap-sfn-gen-'));
  clock = new VirtualClock({ startAt: START, frozen: true });
});
afterEach(() => {
  engine.close();
  clock.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Answers every task from `from` on, an hour after it opened (before any reminder), with actions[0] or the reporter's rating. */
async function answerAlongNormalPath(sop: Sop, tasks: OpenTask[], from: number, executionArn: string): Promise<void> {
  for (let answered = from; answered < tasks.length && answered < from + 40; answered++) {
    const task = tasks[answered]!;
    expect(task).toMatchObject({ caseId: 'case-1', executionId: executionArn, enteredAt: clock.now().toISOString() });
    await clock.advance('PT1H');
    const output = task.kind === 'official'
      ? { action: sop.steps.find((s) => s.id === task.stepId)!.actions[0]!.id, fields: fieldsFor(sop, task.stepId), actor: { personId: 'p', role: 'r' }, decidedAt: clock.now().toISOString() }
      : { satisfied: true, rating: 5, at: clock.now().toISOString() };
    await engine.sendTaskSuccess(task.taskToken, JSON.stringify(output));
    await engine.waitForIdle();
  }
}

test.each(sops.map((s) => [s.id, s] as const))('%s: the generated machine runs unchanged to closure along actions[0]', async (_id, sop) => {
  const tasks: OpenTask[] = [];
  const outcomes: OutcomeRequest[] = [];
  const notices: NotifyRequest[] = [];
  const later = (hours: number) => new Date(clock.now().getTime() + hours * 3600_000).toISOString();
  const deadlines = async (p: unknown) => withVisit(p, { startedAt: later(0), remindAt: later(6), dueAt: later(8), rungs: [1, 2, 3].map((level) => ({ level, at: later(8 + 24 * level) })), calendarVersion: 'test' });
  engine = new LocalStepFunctions({
    clock,
    dataDir: dir,
    invokers: {
      [WorkflowFunction.deadlines]: deadlines,
      [WorkflowFunction.task]: async (p) => { tasks.push(OpenTaskRequest.parse(p)); return {}; },
      [WorkflowFunction.outcome]: async (p) => { outcomes.push(OutcomeRequest.parse(p)); return lifetimeIfStarted(p, deadlines); },
      [WorkflowFunction.notify]: async (p) => { notices.push(NotifyRequest.parse(p)); return {}; },
    },
  });
  const { executionArn } = await startCase(engine, clock, sop);

  await answerAlongNormalPath(sop, tasks, 0, executionArn);

  expect(engine.describeExecution(executionArn).status).toBe('SUCCEEDED');
  expect(outcomes.at(-1)).toMatchObject({ kind: 'reporterFeedback', feedback: { satisfied: true }, closeWhenSatisfied: true });
  expect(tasks.at(-1)!.kind).toBe('reporterReply');
  expect(notices.filter((n) => n.template === 'reminder' || n.template === 'escalation')).toEqual([]);
  expect(new Set(tasks.map((t) => t.taskToken)).size).toBe(tasks.length);
});

test.each(sops.map((s) => [s.id, s] as const))('%s: a first step left alone climbs its ladder in order, each rung at the instant the deadlines gave', async (_id, sop) => {
  const given: { remindAt: string; rungs: { level: number; at: string }[] }[] = [];
  const notices: NotifyRequest[] = [];
  const deadlines = async (p: unknown) => {
    const from = clock.now().getTime();
    const h = (hours: number) => new Date(from + hours * 3600_000).toISOString();
    const d = { startedAt: h(0), remindAt: h(6), dueAt: h(8), rungs: [1, 2, 3].map((level) => ({ level, at: h(8 + 24 * level) })), calendarVersion: 'test' };
    given.push(d);
    return withVisit(p, d);
  };
  engine = new LocalStepFunctions({
    clock,
    dataDir: dir,
    invokers: {
      [WorkflowFunction.deadlines]: deadlines,
      [WorkflowFunction.task]: async () => ({}),
      [WorkflowFunction.outcome]: async (p) => lifetimeIfStarted(p, deadlines),
      [WorkflowFunction.notify]: async (p) => { notices.push(NotifyRequest.parse(p)); return {}; },
    },
  });
  await startCase(engine, clock, sop);
  await clock.advance('P5D');

  const clockNotices = notices.filter((n) => n.template === 'reminder' || n.template === 'escalation');
  expect(clockNotices.length).toBeGreaterThan(0);
  const expected = new Set(given.flatMap((d) => [d.remindAt, ...d.rungs.map((r) => r.at)]));
  for (const n of clockNotices) expect(expected).toContain(n.enteredAt);
  const instants = clockNotices.map((n) => n.enteredAt);
  expect([...instants].sort()).toEqual(instants);
  const first = clockNotices.filter((n) => (n.stepId ?? n.phaseId) === (clockNotices[0]!.stepId ?? clockNotices[0]!.phaseId));
  expect(first.map((n) => [n.template, n.level])).toEqual(expect.arrayContaining([['reminder', undefined], ['escalation', 1]]));
});

test.each(sops.map((s) => [s.id, s] as const))('%s: a wait left alone for 360 days is handed over to a successor execution, which takes up the same visit and runs on to closure', async (_id, sop) => {
  // Prepare: stubs as the handlers behave — deadlines remembered per visit, the hand-over starting the successor.
  const tasks: OpenTask[] = [];
  const outcomes: OutcomeRequest[] = [];
  const notices: NotifyRequest[] = [];
  const remembered = new Map<string, unknown>();
  let stateMachineArn = '';
  const deadlines = async (p: unknown) => {
    const req = DeadlinesRequest.parse(p);
    const key = `${req.scope}#${req.id}#${req.visit}`;
    const h = (hours: number) => new Date(clock.now().getTime() + hours * 3600_000).toISOString();
    if (!remembered.has(key)) remembered.set(key, { startedAt: h(0), remindAt: h(6), dueAt: h(8), rungs: [1, 2, 3].map((level) => ({ level, at: h(8 + 24 * level) })), calendarVersion: 'test' });
    return withVisit(p, remembered.get(key)!);
  };
  engine = new LocalStepFunctions({
    clock,
    dataDir: dir,
    invokers: {
      [WorkflowFunction.deadlines]: deadlines,
      [WorkflowFunction.task]: async (p) => { tasks.push(OpenTaskRequest.parse(p)); return {}; },
      [WorkflowFunction.outcome]: async (p) => {
        const req = OutcomeRequest.parse(p);
        outcomes.push(req);
        if (req.kind === 'continueAsNew') {
          const input: ExecutionInput = { caseId: req.caseId, sopId: sop.id, resume: req.resume };
          await engine.startExecution({ stateMachineArn, name: successorName(req.caseId, req.executionId), input: JSON.stringify(input) });
        }
        return lifetimeIfStarted(p, deadlines);
      },
      [WorkflowFunction.notify]: async (p) => { notices.push(NotifyRequest.parse(p)); return {}; },
    },
  });
  const started = await startCase(engine, clock, sop);
  stateMachineArn = started.stateMachineArn;
  const { executionArn } = started;
  const first = tasks[0]!;

  // Act: nobody acts for 360 days, up to the hand-over instant.
  await clock.advance('P360D');

  // Assess: the first execution ended well, and its successor opened the same task slot (same visit).
  const successorArn = executionArn.replace(/case-1$/, 'case-1-c2');
  expect(engine.describeExecution(executionArn).status).toBe('SUCCEEDED');
  expect(engine.describeExecution(successorArn).status).toBe('RUNNING');
  expect(outcomes.filter((o) => o.kind === 'continueAsNew')).toEqual([expect.objectContaining({ task: { kind: first.kind, stepId: first.stepId, visit: first.visit } })]);
  expect(tasks.map((t) => [t.executionId, t.kind, t.stepId, t.visit])).toEqual([
    [executionArn, first.kind, first.stepId, first.visit],
    [successorArn, first.kind, first.stepId, first.visit],
  ]);
  expect(notices.filter((n) => n.template === 'acknowledgement')).toHaveLength(1);

  // Act, then assess: the successor runs on to closure.
  await answerAlongNormalPath(sop, tasks, 1, successorArn);
  expect(engine.describeExecution(successorArn).status).toBe('SUCCEEDED');
  expect(outcomes.at(-1)).toMatchObject({ kind: 'reporterFeedback', feedback: { satisfied: true }, closeWhenSatisfied: true });
});

test.each(sops.map((s) => [s.id, s] as const))('%s: a workflow function failing after its retries parks the case instead of failing the execution; resumed once mended, the failed state runs again and the case closes', async (_id, sop) => {
  // Prepare: the outcome function cannot record a decision (a broken deployment) until the test mends it.
  const tasks: OpenTask[] = [];
  const parked: ParkRequest[] = [];
  const outcomes: OutcomeRequest[] = [];
  let broken = true;
  let recordCalls = 0;
  const later = (hours: number) => new Date(clock.now().getTime() + hours * 3600_000).toISOString();
  const deadlines = async (p: unknown) => withVisit(p, { startedAt: later(0), remindAt: later(6), dueAt: later(8), rungs: [1, 2, 3].map((level) => ({ level, at: later(8 + 24 * level) })), calendarVersion: 'test' });
  engine = new LocalStepFunctions({
    clock,
    dataDir: dir,
    invokers: {
      [WorkflowFunction.deadlines]: deadlines,
      [WorkflowFunction.task]: async (p) => {
        const req = TaskFunctionRequest.parse(p);
        if (req.kind === 'park') parked.push(req);
        else tasks.push(req);
        return {};
      },
      [WorkflowFunction.outcome]: async (p) => {
        const req = OutcomeRequest.parse(p);
        if (req.kind === 'stepDone') {
          recordCalls++;
          if (broken) throw Object.assign(new Error('cannot write'), { name: 'AccessDeniedException' });
        }
        outcomes.push(req);
        return lifetimeIfStarted(p, deadlines);
      },
      [WorkflowFunction.notify]: async () => ({}),
    },
  });
  const { executionArn } = await startCase(engine, clock, sop);

  // Act: the first step is decided; recording it fails, on every retry (their backoff runs on the virtual clock).
  await answerAlongNormalPath(sop, tasks, 0, executionArn);
  await clock.advance('PT5M');

  // Assess: parked at the first step's record, with the error's name; the execution still runs.
  const first = tasks[0]!.stepId;
  expect(recordCalls).toBe(4);
  expect(parked).toEqual([expect.objectContaining({ kind: 'park', state: `${first}: record`, error: 'AccessDeniedException', caseId: 'case-1', executionId: executionArn })]);
  expect(engine.describeExecution(executionArn).status).toBe('RUNNING');

  // Act: mended; the operator resumes the parked state; the case then goes its normal way.
  broken = false;
  await engine.sendTaskSuccess(parked[0]!.taskToken, JSON.stringify({ resumedAt: clock.now().toISOString() }));
  await engine.waitForIdle();
  await answerAlongNormalPath(sop, tasks, 1, executionArn);

  // Assess: the record ran again and every later step too, to the reporter's rating.
  expect(recordCalls).toBeGreaterThan(4);
  expect(outcomes.find((o) => o.kind === 'stepDone')).toMatchObject({ stepId: first, visit: 1 });
  expect(engine.describeExecution(executionArn).status).toBe('SUCCEEDED');
  expect(outcomes.at(-1)).toMatchObject({ kind: 'reporterFeedback', feedback: { satisfied: true }, closeWhenSatisfied: true });
});

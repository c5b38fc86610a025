import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// asl-validator is CommonJS with a default-exported function.
import aslValidator from 'asl-validator';
import { sops, getSop } from '../../shared/sops';
import { monitoringSteps, Sop as SopSchema, type Sop } from '../../shared/sop/schema';
import { compileSop, renderAsl, type AslMachine, type AslState } from '../../statemachines/compile';
import { WorkflowFunction } from '../../shared/workflow/contract';
import { CONTINUE_AS_NEW_AFTER_SECONDS, EXECUTION_TIMEOUT_SECONDS } from '../../shared/workflow/executions';
import { fixtures, getFixture } from './fixtures';
import { allStates, chain, scopes, unreachable, type Scope } from './asl';

const committed = (id: string) => readFileSync(join(__dirname, '../../statemachines', `${id}.asl.json`), 'utf8');
const ONE_YEAR = 365 * 24 * 3600;
/** A handler's own failure: tried a few more times, after the named errors' retriers. */
const HANDLER_ERRORS = ['Lambda.Unknown', 'States.TaskFailed'];
const LAMBDA_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
/** A parking state: the callback that holds a failed state until an operator resumes it. */
const isParking = (s: AslState) => (s.Parameters as { Payload?: { kind?: string } } | undefined)?.Payload?.kind === 'park';
const placeholder = (name: keyof typeof WorkflowFunction) => `\${${WorkflowFunction[name]}}`;
/** A limited step whose ladder opens no monitoring path: its SLA clock hands over after its last rung (no hand-over branch of its own). */
const clockHandsOver = (sop: Sop, step: Sop['steps'][number]) => !!step.limit && !(step.escalation ?? sop.escalation).rungs.some((r) => r.kind === 'monitor');
type Choice = { Variable: string; StringEquals?: string; BooleanEquals?: boolean; Next: string };
/** What a recording task is asked to begin (`NextVisit`), by the task: Record start's `first`, a step record's `next` per action, a phase record's `next`. */
type Begun = { counter: string; deadlines?: { scope: string; id?: string; handsOver?: boolean }; entry?: string };
const begunBy = (st: AslState): Begun[] => {
  const p = (st.Parameters ?? {}) as { first?: Begun; next?: Begun | Record<string, Begun> };
  const next = p.next === undefined ? [] : 'counter' in p.next ? [p.next as Begun] : Object.values(p.next as Record<string, Begun>);
  return [...(p.first ? [p.first] : []), ...next];
};

describe.each([
  ...sops.map((s) => ['SOP', s.id, s] as const),
  ...fixtures.map((s) => ['fixture', s.id, s] as const),
])('compiled %s %s', (kind, sopId, sop: Sop) => {
  const machine: AslMachine = compileSop(sop);
  const states = allStates(machine);
  const tasks = [...states.entries()].filter(([, s]) => s.Type === 'Task');
  // The steps of a monitoring path run inside their late step's clock, in a shape of their own (tested below).
  const monitoring = monitoringSteps(sop);
  const mainSteps = sop.steps.filter((st) => !monitoring.has(st.id));

  test('is valid Amazon States Language', () => {
    const result = aslValidator(structuredClone(machine)); // it annotates its input
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  if (kind === 'SOP') {
    test('the committed .asl.json is not stale (run `npm run compile-sops`)', () => {
      expect(committed(sopId)).toBe(renderAsl(machine));
    });
  }

  test('compiles to the same text every time', () => {
    expect(renderAsl(compileSop(sop))).toBe(renderAsl(machine));
    expect(renderAsl(machine).endsWith('}\n')).toBe(true);
  });

  test('state names are unique in the whole machine and at most 80 characters; every state is reachable in its scope', () => {
    const names = scopes(machine).flatMap((s) => Object.keys(s.States));
    expect(names.length).toBe(new Set(names).size);
    expect(names.filter((n) => [...n].length > 80)).toEqual([]);
    for (const scope of scopes(machine)) expect(unreachable(scope)).toEqual([]);
  });

  test('Record start sets a visit counter at 0 for every step beside the hand-over instant, and every visit path points to one', () => {
    expect(machine.StartAt).toBe('Record start');
    expect(machine.States['Record start']).toMatchObject({ Resource: placeholder('outcome'), Parameters: { kind: 'started' }, ResultPath: '$.run', Next: 'Resuming?' });
    const selector = machine.States['Record start']!.ResultSelector as { 'continueBy.$': string; visits: Record<string, { n: number }> };
    expect(selector['continueBy.$']).toBe('$.continueBy');
    // The first visit is begun by Record start itself (`first`): its counter is what the task answers, the others 0.
    const first = (machine.States['Record start']!.Parameters as { first: Begun }).first.counter;
    const counters = selector.visits as Record<string, unknown>;
    expect(counters[`${first}.$`]).toBe('$.first');
    expect(counters[first]).toBeUndefined();
    /** What Record start sets a counter to: the first visit's answer, or 0. */
    const initial = (id: string) => (id === first ? counters[`${id}.$`] : counters[id]);
    for (const step of sop.steps) {
      const k = step.id.replace(/-/g, '_');
      expect(initial(k)).toEqual(k === first ? '$.first' : { n: 0 });
    }
    const paths = [...renderAsl(machine).matchAll(/\$\.run\.visits\.(\w+)\.n\b/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(initial(p)).toEqual(p === first ? '$.first' : { n: 0 });
  });

  test('each human step is a callback task of the task function, with its step id, visit and a one-year timeout', () => {
    for (const step of mainSteps) {
      const k = step.id.replace(/-/g, '_');
      expect(states.get(`${step.id}: open task`)).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: ONE_YEAR,
        Parameters: {
          FunctionName: placeholder('task'),
          Payload: {
            'caseId.$': '$.caseId', 'executionId.$': '$$.Execution.Id', 'enteredAt.$': '$$.State.EnteredTime',
            'taskToken.$': '$$.Task.Token', kind: 'official', stepId: step.id, 'visit.$': `$.run.visits.${k}.n`,
          },
        },
      });
      // The visit is counted before the task opens: by the deadlines task of a limited step, by a Pass otherwise,
      // or by the task before it (which begins it: counter and deadlines), in which case a Pass no path reaches is left out.
      if (step.limit) {
        expect(states.get(`${step.id}: visit`)).toBeUndefined();
        expect(states.get(`${step.id}: deadlines`)).toMatchObject({
          Parameters: { 'visit.$': `States.MathAdd($.run.visits.${k}.n, 1)` }, ResultSelector: { 'n.$': '$.visit', 'sla.$': '$' }, ResultPath: `$.run.visits.${k}`,
        });
      } else if (states.has(`${step.id}: visit`)) {
        expect(states.get(`${step.id}: visit`)).toMatchObject({ Type: 'Pass', Parameters: { 'n.$': `States.MathAdd($.run.visits.${k}.n, 1)` }, ResultPath: `$.run.visits.${k}`, Next: step.id });
      } else {
        expect([...states.values()].flatMap(begunBy)).toContainEqual({ counter: k });
      }
    }
    for (const [, s] of states) {
      if (s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') expect(s.TimeoutSeconds).toBe(ONE_YEAR);
    }
  });

  test('each limited step computes its deadlines, then races its work against Wait states on absolute instants, ending on StepDone', () => {
    for (const step of mainSteps.filter((s) => s.limit)) {
      const sla = `$.run.visits.${step.id.replace(/-/g, '_')}.sla`;
      expect(states.get(`${step.id}: deadlines`)).toMatchObject({
        Resource: placeholder('deadlines'), Next: step.id,
        Parameters: { scope: 'step', id: step.id, 'visit.$': expect.stringMatching(/^States\.MathAdd\(\$\.run\.visits\./) },
      });
      const handsOver = clockHandsOver(sop, step);
      // The hand-over instant goes with the deadlines of a step whose clock hands over: a ladder outlasting it hands the visit over first.
      expect((states.get(`${step.id}: deadlines`)!.Parameters as Record<string, unknown>)['continueBy.$']).toBe(handsOver ? '$.run.continueBy' : undefined);
      const race = states.get(step.id)!;
      expect(race.Type).toBe('Parallel');
      expect((race.Catch as Scope[])[0]).toEqual(expect.objectContaining({ ErrorEquals: ['StepDone'], ResultPath: '$.decision', Next: `${step.id}: record` }));
      const [work, clock] = race.Branches as Scope[];
      expect(chain(work!, work!.StartAt)).toEqual([`${step.id}: open task`, `${step.id}: finish`]);
      // Only the action id travels out of the race, as the error's cause: cut by the task's ResultSelector, no intrinsic on the way.
      expect(work!.States[`${step.id}: open task`]).toMatchObject({ ResultSelector: { 'cause.$': '$.action' }, ResultPath: '$.decision' });
      expect(work!.States[`${step.id}: finish`]).toEqual({ Type: 'Fail', Error: 'StepDone', CausePath: '$.decision.cause' });
      const ladder = step.escalation ?? sop.escalation;
      const waits = chain(clock!, clock!.StartAt).map((n) => clock!.States[n]!).filter((s) => s.Type === 'Wait');
      expect(waits.map((s) => s.TimestampPath)).toEqual([`${sla}.remindAt`, `${sla}.dueAt`, ...ladder.rungs.map((_, i) => `${sla}.rungs[${i}].at`), ...(handsOver ? ['$.run.continueBy'] : [])]);
      expect((race.Branches as Scope[]).length).toBe(handsOver ? 2 : 3);
      expect(race.Next).toBe(`${step.id}: record`);
      expect(states.get(`${step.id}: record`)).toMatchObject({ Parameters: { kind: 'stepDone', stepId: step.id, decision: { 'action.$': '$.decision.Cause' }, 'sla.$': sla } });
    }
  });

  test('once a decision is recorded, the route reads its action id from the race\'s cause; a step with one action goes straight on', () => {
    for (const step of mainSteps) {
      const record = states.get(`${step.id}: record`)!;
      if (step.actions.length === 1) {
        expect(states.get(`${step.id}: route`)).toBeUndefined();
        expect(record.Next).not.toBe(`${step.id}: route`);
      } else {
        expect(record.Next).toBe(`${step.id}: route`);
        for (const c of states.get(`${step.id}: route`)!.Choices as Choice[]) expect(c.Variable).toBe('$.decision.Cause');
      }
      // A record answers `$.run` back when it begins a visit or notes that this step may answer the reporter
      // (the step the reply window is about); otherwise nothing.
      const answering = step.actions.some((a) => a.goto === '@reporter');
      const params = record.Parameters as { next?: Record<string, Begun>; answering?: boolean; 'run.$'?: string };
      expect(params.answering).toBe(answering || undefined);
      if (answering || params.next) expect(record).toMatchObject({ Parameters: { 'run.$': '$.run' }, ResultPath: '$.run' });
      else expect(record.ResultPath).toBeNull();
      expect(record.ResultSelector).toBeUndefined();
      // Each action whose visit the record begins goes straight into that race; the others to their own first state.
      for (const [action, begun] of Object.entries(params.next ?? {})) {
        expect(step.actions.map((a) => a.id)).toContain(action);
        const into = step.actions.length === 1 ? record.Next : (states.get(`${step.id}: route`)!.Choices as Choice[]).find((c) => c.StringEquals === action)!.Next;
        expect(states.get(into as string)).toMatchObject({ Type: 'Parallel' });
        expect(JSON.stringify(states.get(into as string))).toContain(`$.run.visits.${begun.counter}.`);
      }
    }
  });

  test('steps without a limit have no deadlines and no SLA clock: their task races only the hand-over clock', () => {
    for (const step of mainSteps.filter((s) => !s.limit)) {
      expect(states.has(`${step.id}: deadlines`)).toBe(false);
      if (states.has(`${step.id}: visit`)) expect(states.get(`${step.id}: visit`)!.Next).toBe(step.id);
      const race = states.get(step.id)!;
      const [work, ...others] = race.Branches as Scope[];
      expect(chain(work!, work!.StartAt)).toEqual([`${step.id}: open task`, `${step.id}: finish`]);
      expect(others.map((b) => b.StartAt)).toEqual([`${step.id}: wait to continue`]);
      expect(states.get(`${step.id}: record`)!.Parameters).not.toHaveProperty('sla.$');
    }
  });

  test('every wait for a person also waits for the hand-over instant, then hands over the task it waits for and ends with ContinueAsNew', () => {
    const callbacks = [...states.entries()].filter(([, st]) => st.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' && !isParking(st));
    expect(callbacks.length).toBeGreaterThanOrEqual(sop.steps.length);
    // A monitoring path's tasks hand over with their late step's race (the successor re-enters the path through its clock).
    for (const [name] of callbacks.filter(([, st]) => !monitoring.has(String((st.Parameters as { Payload: { stepId?: string } }).Payload.stepId)))) {
      // The race whose work branch holds this callback task.
      const race = [...states.values()].find((st) => (st.Branches as Scope[] | undefined)?.[0]?.States[name])!;
      expect({ name, type: race?.Type }).toEqual({ name, type: 'Parallel' });
      const payload = (states.get(name)!.Parameters as { Payload: Record<string, unknown> }).Payload;
      const slot = Object.fromEntries(Object.entries(payload).filter(([k]) => ['kind', 'stepId', 'stepId.$', 'visit.$'].includes(k)));
      // The counting deadlines task that began this visit, in the race's scope.
      const counting = [...states.values()].find((st) => st.Next && states.get(st.Next as string) === race && st.Resource === placeholder('deadlines'));
      const handOver = (race.Branches as Scope[]).at(-1)!;
      const waitName = chain(handOver, handOver.StartAt).find((n) => handOver.States[n]!.TimestampPath === '$.run.continueBy');
      if (!waitName) {
        // A reply window ends its race itself: its deadlines hand the visit over before it begins, when the window would outlast the execution.
        expect({ name, continueBy: (counting!.Parameters as Record<string, unknown>)['continueBy.$'] }).toEqual({ name, continueBy: '$.run.continueBy' });
        const first = states.get((counting!.Catch as { ErrorEquals: string[]; Next: string }[]).find((c) => c.ErrorEquals.includes('ContinueDue'))!.Next)!;
        const visitOfSlot = Object.fromEntries(Object.entries(slot).map(([k, v]) => [k, k === 'visit.$' ? `States.MathAdd(${String(v)}, 1)` : v]));
        expect(first).toMatchObject({ Type: 'Task', Resource: placeholder('outcome'), Next: 'Continued as new', Parameters: { kind: 'continueAsNew', beforeVisit: true, task: visitOfSlot, resume: expect.objectContaining({ 'visits.$': '$.run.visits' }) } });
        continue;
      }
      // Its own hand-over branch, or, for a step whose clock hands over, the clock's end (after its last rung).
      const wait = handOver.States[waitName]!;
      expect(wait).toMatchObject({ Type: 'Wait', TimestampPath: '$.run.continueBy' });
      if (waitName !== handOver.StartAt) expect(chain(handOver, handOver.StartAt).filter((n) => handOver.States[n]!.Type === 'Wait').at(-1)).toBe(waitName);
      const task = handOver.States[wait.Next as string]!;
      // The task it hands over is the slot this callback opened: same kind, step and visit.
      expect(task).toMatchObject({
        Type: 'Task', Resource: placeholder('outcome'), ResultPath: null,
        Parameters: {
          kind: 'continueAsNew', 'caseId.$': '$.caseId', 'executionId.$': '$$.Execution.Id',
          task: slot,
          resume: expect.objectContaining({ at: expect.any(String), 'visits.$': '$.run.visits' }),
        },
      });
      const retry = task.Retry as { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }[];
      expect(retry.map((r) => r.ErrorEquals)).toEqual([LAMBDA_ERRORS, ['ContinuePending'], HANDLER_ERRORS]);
      // A pending hand-over is retried for days, but all of it before the execution's year is up.
      const pending = retry[1]!;
      const span = Array.from({ length: pending.MaxAttempts }, (_, i) => pending.IntervalSeconds * pending.BackoffRate ** i).reduce((a, b) => a + b, 0);
      expect(span).toBeGreaterThan(24 * 3600);
      expect(span).toBeLessThan(EXECUTION_TIMEOUT_SECONDS - CONTINUE_AS_NEW_AFTER_SECONDS);
      expect(handOver.States[task.Next as string]).toEqual({ Type: 'Fail', Error: 'ContinueAsNew', Cause: expect.any(String) });
    }
  });

  test('ContinueAsNew is caught only at the top level, into a Succeed; a race inside a phase lets it go up to the phase', () => {
    const raises = (st: AslState): boolean => ((st.Branches as Scope[] | undefined) ?? []).some((b) => Object.values(b.States).some((x) => x.Error === 'ContinueAsNew' || raises(x)));
    const catches = (st: AslState) => ((st.Catch as { ErrorEquals: string[]; Next: string }[] | undefined) ?? []).filter((c) => c.ErrorEquals.includes('ContinueAsNew'));
    const topRaces = Object.entries(machine.States).filter(([, st]) => raises(st));
    expect(topRaces.length).toBeGreaterThan(0);
    for (const [name, st] of topRaces) expect({ name, catches: catches(st).map((c) => c.Next) }).toEqual({ name, catches: ['Continued as new'] });
    expect(machine.States['Continued as new']).toMatchObject({ Type: 'Succeed' });
    for (const [name, st] of states) if (!(name in machine.States)) expect({ name, catches: catches(st) }).toEqual({ name, catches: [] });
  });

  test('a successor execution goes back to the wait its predecessor handed over, without counting a visit', () => {
    expect(machine.States['Record start']).toMatchObject({ Parameters: { kind: 'started' }, ResultPath: '$.run', Next: 'Resuming?' });
    expect(machine.States['Resuming?']).toEqual(expect.objectContaining({
      Type: 'Choice', Choices: [{ Variable: '$.resume', IsPresent: true, Next: 'Resume' }], Default: 'Acknowledge',
    }));
    // Counters of the predecessor over fresh ones: a step added to the SOP since still has its own.
    expect(machine.States['Resume']).toMatchObject({
      Parameters: { 'continueBy.$': '$.run.continueBy', 'visits.$': 'States.JsonMerge($.run.visits, $.resume.visits, false)' }, ResultPath: '$.run',
    });
    expect(chain(machine, 'Resume')).toEqual(['Resume', 'Resume: route']);
    const route = machine.States['Resume: route']!.Choices as Choice[];
    const handedOver = [...states.values()].filter((st) => st.Parameters && (st.Parameters as { kind?: string }).kind === 'continueAsNew')
      .map((st) => (st.Parameters as { resume: { at: string } }).resume.at);
    expect(route.map((c) => c.StringEquals).sort()).toEqual([...new Set(handedOver)].sort());
    for (const c of route) {
      // Passes only until the wait's deadlines or race: never a visit counted. A task that counts the
      // visit it begins (a limited step's or a window's deadlines) comes after a Pass that uncounts it first.
      const path = chain(machine, c.Next);
      const entered = path.findIndex((n) => machine.States[n]!.Type !== 'Pass');
      const passes = path.slice(0, entered).map((n) => machine.States[n]!);
      const adds = (x: unknown) => [...JSON.stringify(x).matchAll(/States\.MathAdd\((\$\.run\.visits\.\w+\.n), (-?1)\)/g)].map((m) => [m[1], m[2]]);
      expect({ at: c.StringEquals, counted: passes.flatMap(adds).filter(([, by]) => by === '1') }).toEqual({ at: c.StringEquals, counted: [] });
      const task = machine.States[path[entered]!]!;
      expect({ at: c.StringEquals, entered: task.Type }).toEqual({ at: c.StringEquals, entered: expect.stringMatching(/^(Task|Parallel)$/) });
      for (const [counter] of adds(task.Parameters ?? {})) expect(passes.flatMap(adds)).toContainEqual([counter, '-1']);
    }
    expect(machine.States['Resume: route']!.Default).toBe('Unknown resume point');
  });

  test('every action of every step is routed, and nothing else', () => {
    for (const step of mainSteps.filter((st) => st.actions.length > 1)) {
      const route = states.get(`${step.id}: route`)!;
      const choices = route.Choices as Choice[];
      expect(choices.map((c) => [c.Variable, c.StringEquals])).toEqual(step.actions.map((a) => ['$.decision.Cause', a.id]));
      for (const c of choices) expect(states.has(c.Next)).toBe(true);
      expect(states.has(route.Default as string)).toBe(true);
    }
  });

  test('every Wait waits for an absolute instant (TimestampPath), never a fixed duration', () => {
    const waits = [...states.values()].filter((s) => s.Type === 'Wait');
    expect(waits.length).toBeGreaterThan(0);
    for (const w of waits) {
      expect(w.TimestampPath).toMatch(/^\$\.run\.(visits\.\w+\.sla\.(remindAt|dueAt|rungs\[\d+\]\.at)|continueBy)$/);
      expect([w.Seconds, w.SecondsPath, w.Timestamp]).toEqual([undefined, undefined, undefined]);
    }
  });

  test('Lambda tasks call workflow placeholders only, retry Lambda errors, and notify never stops the workflow', () => {
    for (const [name, s] of tasks) {
      const resource = s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' ? (s.Parameters as { FunctionName: string }).FunctionName : s.Resource;
      expect(Object.values(WorkflowFunction).map((f) => `\${${f}}`)).toContain(resource);
      const retry = s.Retry as { ErrorEquals: string[]; BackoffRate: number; MaxAttempts: number }[];
      const lambdaRetrier = retry.find((r) => r.ErrorEquals.includes('Lambda.ServiceException'))!;
      expect({ name, errors: lambdaRetrier.ErrorEquals }).toEqual({ name, errors: LAMBDA_ERRORS });
      expect(lambdaRetrier.BackoffRate).toBeGreaterThan(1);
      expect(retry.at(-1)).toMatchObject({ ErrorEquals: HANDLER_ERRORS, MaxAttempts: 3 });
      if (resource === placeholder('notify')) {
        expect(retry[1]).toMatchObject({ ErrorEquals: ['MailDeliveryFailed'], MaxAttempts: 5, IntervalSeconds: 10, BackoffRate: 2 });
        // It goes on to its next state, or, the last email of a case, ends the execution (a refused one goes on to the closing Succeed).
        const onwards = s.End === true ? (s.Catch as { Next: string }[])[0]!.Next : (s.Next as string);
        expect(s.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.deliveryError', Next: onwards }]);
        if (s.End === true) expect(states.get(onwards)).toMatchObject({ Type: 'Succeed' });
        expect(s.ResultPath).toBeNull();
      } else if ((s.Parameters as Record<string, unknown>)['continueBy.$']) {
        // ContinueDue is never retried and hands the visit over before it begins; any other failure parks.
        expect(s.Resource).toBe(placeholder('deadlines'));
        expect(retry[0]).toEqual({ ErrorEquals: ['ContinueDue'], MaxAttempts: 0 });
        expect(retry[1]!.ErrorEquals).toEqual(LAMBDA_ERRORS);
        expect(s.Catch).toEqual([
          { ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: expect.stringMatching(/: hand over first$/) },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: `${name}: parked` },
        ]);
      } else if (retry[0]!.ErrorEquals.includes('ContinueDue')) {
        // A record that begins a visit which may hand over: ContinueDue is never retried, and goes (the record
        // done) to that visit's own first state, by a note of who answered or a route when the target depends on the decision.
        expect(s.Resource).toBe(placeholder('outcome'));
        expect(begunBy(s).some((b) => b.deadlines?.handsOver)).toBe(true);
        expect(retry[0]).toEqual({ ErrorEquals: ['ContinueDue'], MaxAttempts: 0 });
        expect(s.Catch).toEqual([
          { ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: expect.stringMatching(/(: deadline|: deadlines|: window|: route to hand over|: answered, handing over|: record, handing over)$/) },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: `${name}: parked` },
        ]);
      } else if (isParking(s)) {
        // A parking state waits for an operator, then runs the failed state again; it does not park itself.
        expect(name).toBe(`${s.Next as string}: parked`);
        expect(s.Catch).toBeUndefined();
        expect((s.Parameters as { Payload: Record<string, unknown> }).Payload).toMatchObject({ kind: 'park', state: s.Next, 'error.$': '$.failure.Error', 'taskToken.$': '$$.Task.Token' });
      } else {
        // Every other Lambda task, its retries spent, parks the case instead of failing the execution.
        expect({ name, catch: s.Catch }).toEqual({ name, catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: `${name}: parked` }] });
        expect(states.get(`${name}: parked`)).toBeDefined();
      }
    }
    const text = renderAsl(machine);
    const names = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...names].every((p) => Object.values(WorkflowFunction).includes(p as never))).toBe(true);
  });

  test('JSONPath only: no JSONata anywhere', () => {
    const text = renderAsl(machine);
    expect(text).not.toMatch(/JSONata|QueryLanguage|\{%|"Arguments"|"Output"/);
  });

  test('the whole machine has a one-year limit, the longest a Standard execution lives', () => {
    expect(machine.TimeoutSeconds).toBe(ONE_YEAR);
  });
});

describe('the fixture shapes', () => {
  const machineOf = (id: string) => compileSop(getFixture(id));
  const statesOf = (id: string) => allStates(machineOf(id));
  const routeOf = (s: Map<string, AslState>, step: string) => s.get(`${step}: route`)!.Choices as Choice[];
  const nextOf = (s: Map<string, AslState>, step: string, action: string) => routeOf(s, step).find((c) => c.StringEquals === action)!.Next;

  test('a case starts: record, acknowledge the reporter, then the first step', () => {
    const m = machineOf('fixture-desk');
    expect(chain(m, 'Record start')).toEqual(['Record start', 'Resuming?']);
    expect(m.States['Resuming?']!.Default).toBe('Acknowledge');
    // A limited step's visit: four states at the top level (the race's branches aside), each doing work.
    // Record start begins the first visit (counter and deadlines): Acknowledge goes straight into its race.
    expect(chain(m, 'Acknowledge')).toEqual(['Acknowledge', 'terima', 'terima: record', 'terima: route']);
    expect(m.States['Record start']).toMatchObject({
      Resource: placeholder('outcome'),
      Parameters: { kind: 'started', 'input.$': '$', first: { counter: 'terima', deadlines: { scope: 'step', id: 'terima', handsOver: true } } },
      ResultSelector: { visits: { 'terima.$': '$.first', telaah: { n: 0 } } },
    });
    expect(m.States['Acknowledge']).toMatchObject({ Resource: placeholder('notify'), Parameters: { template: 'acknowledgement' } });
  });

  test('a linear path goes from step to step by the default action', () => {
    const s = statesOf('fixture-desk');
    // Each record begins the next visit (counted, with its deadlines): the route goes straight into its race.
    expect(nextOf(s, 'terima', 'forward')).toBe('telaah');
    expect(nextOf(s, 'telaah', 'draft')).toBe('setuju');
    expect(nextOf(s, 'setuju', 'approve')).toBe('kirim');
    expect(s.get('terima: record')).toMatchObject({ Parameters: { 'run.$': '$.run', next: { forward: { counter: 'telaah', deadlines: { scope: 'step', id: 'telaah', handsOver: true } } } }, ResultPath: '$.run' });
    // A step without a limit: only counted.
    expect((s.get('setuju: record')!.Parameters as { next: Record<string, Begun> }).next.approve).toEqual({ counter: 'kirim' });
    // A visit that would outlast the hand-over instant goes, the decision recorded, to its own deadlines task.
    expect(s.get('terima: record')!.Catch).toContainEqual({ ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: 'terima: route to hand over' });
    expect(nextOf(s, 'terima', 'forward')).toBe('telaah');
    expect((s.get('terima: route to hand over')!.Choices as Choice[]).find((c) => c.StringEquals === 'forward')!.Next).toBe('telaah: deadlines');
  });

  test('the loop: returning the draft enters the drafting step again, whose visit counter increments', () => {
    const s = statesOf('fixture-desk');
    expect(nextOf(s, 'setuju', 'return')).toBe('telaah');
    expect((s.get('setuju: record')!.Parameters as { next: Record<string, Begun> }).next.return).toEqual({ counter: 'telaah', deadlines: { scope: 'step', id: 'telaah', handsOver: true } });
    // Its own deadlines task stays, for a successor's resume and a visit handed over first.
    expect(s.get('telaah: deadlines')).toMatchObject({
      Parameters: { scope: 'step', id: 'telaah', 'visit.$': 'States.MathAdd($.run.visits.telaah.n, 1)' },
      ResultSelector: { 'n.$': '$.visit', 'sla.$': '$' }, ResultPath: '$.run.visits.telaah', Next: 'telaah',
    });
  });

  test('the optional step is reached only by its non-default action and returns', () => {
    const s = statesOf('fixture-desk');
    const into = [...s.entries()].flatMap(([name, st]) => ((st.Choices as Choice[] | undefined) ?? []).filter((c) => c.Next === 'koordinasi').map((c) => `${name} ${c.StringEquals}`));
    expect(into).toEqual(['telaah: route coordinate']);
    // One action: no route, its record goes back itself (into the race, the visit begun; or, handing over first, to its deadlines task).
    expect(s.get('koordinasi: route')).toBeUndefined();
    expect(s.get('koordinasi: record')!.Next).toBe('telaah');
    expect(s.get('koordinasi: record')!.Catch).toContainEqual({ ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: 'telaah: deadlines' });
  });

  test('the clock climbs the step\'s own ladder in order, the reprimand rung asking notify for a reprimand', () => {
    const m = machineOf('fixture-desk');
    const clock = (m.States['telaah']!.Branches as Scope[])[1]!;
    const steps = chain(clock, clock.StartAt);
    expect(steps).toEqual([
      'telaah: wait to remind', 'telaah: remind', 'telaah: wait until due',
      'telaah: wait for rung 1', 'telaah: rung 1: escalate to superior', 'telaah: wait for rung 2', 'telaah: rung 2: recommend reprimand',
      // Its last rung sent, the clock waits for the hand-over instant: the race has no third branch for it.
      'telaah: wait to continue', 'telaah: continue as new', 'telaah: continued',
    ]);
    expect((m.States['telaah']!.Branches as Scope[]).length).toBe(2);
    expect(clock.States['telaah: remind']).toMatchObject({ Parameters: { template: 'reminder', stepId: 'telaah', 'visit.$': '$.run.visits.telaah.n' } });
    expect(clock.States['telaah: rung 1: escalate to superior']).toMatchObject({ Parameters: { template: 'escalation', level: 1, stepId: 'telaah' } });
    expect(clock.States['telaah: rung 2: recommend reprimand']).toMatchObject({ Parameters: { template: 'reprimand', level: 2, stepId: 'telaah' } });
    expect(clock.States['telaah: continued']).toEqual({ Type: 'Fail', Error: 'ContinueAsNew', Cause: expect.any(String) });
  });

  test('a visit whose ladder would outlast the hand-over instant is handed over before it begins, with no task to hold', () => {
    const m = machineOf('fixture-desk');
    const s = allStates(m);
    expect(s.get('telaah: deadlines')!.Catch).toContainEqual({ ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: 'telaah: hand over first' });
    expect(s.get('telaah: hand over first')).toMatchObject({
      Type: 'Task', Resource: placeholder('outcome'), ResultPath: null, Next: 'Continued as new',
      Parameters: {
        kind: 'continueAsNew', beforeVisit: true,
        task: { kind: 'official', stepId: 'telaah', 'visit.$': 'States.MathAdd($.run.visits.telaah.n, 1)' },
        resume: { at: 'telaah', 'visits.$': '$.run.visits' },
      },
    });
    expect((s.get('telaah: hand over first')!.Retry as { ErrorEquals: string[] }[]).map((r) => r.ErrorEquals)).toEqual([LAMBDA_ERRORS, ['ContinuePending'], HANDLER_ERRORS]);
    // Inside a phase, the ContinueAsNew goes up through the phase's race.
    const work = (machineOf('fixture-routed').States['pengawasan']!.Branches as Scope[])[0]!;
    expect(work.States['apip-periksa: hand over first']!.Next).toBe('apip-periksa: handed over');
    expect(work.States['apip-periksa: handed over']).toEqual({ Type: 'Fail', Error: 'ContinueAsNew', Cause: expect.any(String) });
  });

  test('@askReporter: the question races the reply window, and either way the same step resumes with a new visit', () => {
    const m = machineOf('fixture-desk');
    const s = allStates(m);
    expect(nextOf(s, 'terima', 'ask')).toBe('terima: ask reporter');
    expect((s.get('terima: record')!.Parameters as { next: Record<string, Begun> }).next.ask).toEqual({ counter: 'terima_ask', deadlines: { scope: 'replyWindow', id: 'terima', handsOver: true } });
    expect(chain(m, 'terima: ask reporter: window').slice(0, 3)).toEqual(['terima: ask reporter: window', 'terima: ask reporter', 'terima: deadlines']);
    // The window's deadlines task counts the question's visit too.
    expect(s.get('terima: ask reporter: window')).toMatchObject({
      Resource: placeholder('deadlines'), ResultPath: '$.run.visits.terima_ask',
      Parameters: { scope: 'replyWindow', id: 'terima', 'visit.$': 'States.MathAdd($.run.visits.terima_ask.n, 1)' },
    });
    const race = s.get('terima: ask reporter')!;
    expect((race.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['StepDone'], 'terima: ask reporter: record answer'],
      [['ReplyWindowElapsed'], 'terima: deadlines'],
    ]);
    // The window ends the race: no hand-over branch; a window that would outlast the execution is handed over before it opens.
    expect((race.Branches as Scope[]).length).toBe(2);
    expect(s.get('terima: ask reporter: window')!.Catch).toContainEqual({ ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: 'terima: ask reporter: hand over first' });
    expect(s.get('terima: ask reporter: hand over first')).toMatchObject({
      Next: 'Continued as new', Parameters: { beforeVisit: true, task: { kind: 'reporterAnswer', stepId: 'terima', 'visit.$': 'States.MathAdd($.run.visits.terima_ask.n, 1)' }, resume: { at: 'terima-ask' } },
    });
    const [work, clock] = race.Branches as Scope[];
    // The answer never enters the execution: the feedback use case stored it on the task, and outcome
    // `reporterAnswered` records it on the case (read from the task) before the step resumes.
    expect(work!.States[work!.StartAt]).toMatchObject({ ResultPath: null, Parameters: { Payload: { kind: 'reporterAnswer', stepId: 'terima' } } });
    expect(s.get('terima: ask reporter: record answer')).toMatchObject({
      Resource: placeholder('outcome'), ResultPath: null, Next: 'terima: deadlines',
      Parameters: { kind: 'reporterAnswered', stepId: 'terima', 'visit.$': '$.run.visits.terima_ask.n' },
    });
    expect(work!.States['terima: ask reporter: wait for answer: finish']).toEqual({ Type: 'Fail', Error: 'StepDone', Cause: 'answered' });
    expect(chain(clock!, clock!.StartAt).map((n) => clock!.States[n])).toEqual([
      expect.objectContaining({ Type: 'Wait', TimestampPath: '$.run.visits.terima_ask.sla.dueAt' }),
      expect.objectContaining({ Type: 'Fail', Error: 'ReplyWindowElapsed' }),
    ]);
  });

  test('@reject records the closing, tells the reporter, and ends', () => {
    const m = machineOf('fixture-desk');
    expect(nextOf(allStates(m), 'terima', 'reject')).toBe('Rejected: record');
    // The email ends the execution; a refused one goes on to the Succeed.
    expect(chain(m, 'Rejected: record')).toEqual(['Rejected: record', 'Rejected: record: notify']);
    expect(m.States['Rejected: record']).toMatchObject({ Resource: placeholder('outcome'), Parameters: { kind: 'closed', reason: 'rejected' } });
    expect(m.States['Rejected: record: notify']).toMatchObject({ Parameters: { template: 'rejection' }, End: true, Catch: [expect.objectContaining({ Next: 'Rejected' })] });
    expect(m.States['Rejected']).toEqual({ Type: 'Succeed' });
  });

  test('@close records the closing by the official, tells the reporter, and ends', () => {
    const m = machineOf('fixture-desk');
    expect(nextOf(allStates(m), 'kirim', 'close')).toBe('Closed by official');
    expect(chain(m, 'Closed by official')).toEqual(['Closed by official', 'Closed by official: notify']);
    expect(m.States['Closed by official']).toMatchObject({ Parameters: { kind: 'closed', reason: 'closed_by_official' } });
    expect(m.States['Closed by official: notify']).toMatchObject({ Parameters: { template: 'closing' }, End: true, Catch: [expect.objectContaining({ Next: 'Closed' })] });
  });

  test('@reporter: the answer opens the reply window; satisfied closes as rated, a reply goes to the follow-up step, silence closes', () => {
    const m = machineOf('fixture-desk');
    const s = allStates(m);
    expect(nextOf(s, 'kirim', 'send')).toBe('Reporter window');
    // The answering step's record notes it, for the window to open the reply task of that step, and begins the window.
    expect(s.get('kirim: record')).toMatchObject({
      Parameters: { answering: true, 'run.$': '$.run', next: { send: { counter: 'reporter', deadlines: { scope: 'replyWindow', handsOver: true } } } }, ResultPath: '$.run', Next: 'kirim: route',
    });
    // Its error loses the answer, so the way to the window's own deadlines task notes the step in a Pass.
    expect(s.get('kirim: record')!.Catch).toContainEqual({ ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: 'kirim: answered, handing over' });
    expect(s.get('kirim: answered, handing over')).toEqual({ Type: 'Pass', Result: { stepId: 'kirim' }, ResultPath: '$.run.answered', Next: 'kirim: route to hand over' });
    expect(chain(m, 'Reporter window: deadline')).toEqual(['Reporter window: deadline', 'Reporter window', 'Reporter window: record', 'Reporter window: route']);
    expect(s.get('Reporter window: deadline')).toMatchObject({
      Parameters: { scope: 'replyWindow', 'id.$': '$.run.answered.stepId', 'visit.$': 'States.MathAdd($.run.visits.reporter.n, 1)' }, ResultPath: '$.run.visits.reporter',
    });
    const race = s.get('Reporter window')!;
    const [work] = race.Branches as Scope[];
    // The flags leave the race as its cause: the JSON of booleans and a number.
    expect(work!.States[work!.StartAt]).toMatchObject({
      ResultSelector: { 'cause.$': 'States.JsonToString($)' }, ResultPath: '$.feedback', Parameters: { Payload: { kind: 'reporterReply', 'stepId.$': '$.run.answered.stepId' } },
    });
    expect((race.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['StepDone'], 'Reporter window: record'],
      [['ReplyWindowElapsed'], 'Closed: window elapsed'],
    ]);
    expect((race.Branches as Scope[]).length).toBe(2);
    expect(s.get('Reporter window: hand over first')).toMatchObject({
      Next: 'Continued as new',
      Parameters: { beforeVisit: true, task: { kind: 'reporterReply', 'stepId.$': '$.run.answered.stepId', 'visit.$': 'States.MathAdd($.run.visits.reporter.n, 1)' }, resume: { at: 'reporter', 'answeredBy.$': '$.run.answered.stepId' } },
    });
    // A successor goes back into the window of the step that answered, the same visit.
    const back = (m.States['Resume: route']!.Choices as Choice[]).find((c) => c.StringEquals === 'reporter')!;
    expect(chain(m, back.Next)).toEqual(['Reporter window: resume', 'reporter: resume', 'Reporter window: deadline', 'Reporter window', 'Reporter window: record', 'Reporter window: route']);
    expect(s.get('Reporter window: resume')).toMatchObject({ Parameters: { 'stepId.$': '$.resume.answeredBy' }, ResultPath: '$.run.answered' });
    expect(s.get('reporter: resume')).toMatchObject({ Parameters: { 'n.$': 'States.MathAdd($.run.visits.reporter.n, -1)' }, ResultPath: '$.run.visits.reporter' });
    // The record decodes the flags itself and answers only the verdict: the rating and comment stay out of the execution.
    expect(s.get('Reporter window: record')).toMatchObject({
      Parameters: { kind: 'reporterFeedback', 'stepId.$': '$.run.answered.stepId', 'feedback.$': 'States.StringToJson($.feedback.Cause)' }, ResultPath: '$.feedback',
    });
    expect(s.get('Reporter window: route')).toEqual({
      Type: 'Choice', Choices: [{ Variable: '$.feedback.satisfied', BooleanEquals: true, Next: 'Closed: rated: notify' }], Default: 'telaah: deadlines',
    });
    // A satisfied reply is closed by the feedback's own record (closeWhenSatisfied): only the closing email follows.
    expect(s.get('Reporter window: record')).toMatchObject({ Parameters: { closeWhenSatisfied: true } });
    expect(s.get('Closed: rated')).toBeUndefined();
    expect(s.get('Closed: rated: notify')).toMatchObject({ Parameters: { template: 'closing' }, End: true });
    expect(s.get('Closed: window elapsed')).toMatchObject({ Parameters: { kind: 'closed', reason: 'reply_window_elapsed' } });
  });

  test('the branch: the agency, or the inspectorate\'s 60-day phase entered at its first step', () => {
    const m = machineOf('fixture-routed');
    const s = allStates(m);
    expect(routeOf(s, 'verifikasi').map((c) => [c.StringEquals, c.Next])).toEqual([
      ['toAgency', 'tindak'], ['toInspectorate', 'pengawasan'], ['reject', 'Rejected: record'],
    ]);
    // Entering a phase from a step's record: the phase's visit begun there, with its entry step and its deadlines.
    expect((s.get('verifikasi: record')!.Parameters as { next: Record<string, Begun> }).next.toInspectorate).toEqual({ counter: 'pengawasan', entry: 'apip-terima', deadlines: { scope: 'phase', id: 'pengawasan' } });
    expect(chain(m, 'pengawasan: enter at apip-terima')).toEqual([
      'pengawasan: enter at apip-terima', 'pengawasan: deadlines', 'pengawasan', 'pengawasan: record', 'pengawasan: leave',
    ]);
    // Entering counts the phase's visit and notes the entry step, in one Pass.
    expect(s.get('pengawasan: enter at apip-terima')).toEqual({
      Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.run.visits.pengawasan.n, 1)', entry: 'apip-terima' }, ResultPath: '$.run.visits.pengawasan', Next: 'pengawasan: deadlines',
    });
    expect(s.get('pengawasan: deadlines')).toMatchObject({ Parameters: { scope: 'phase', id: 'pengawasan', 'visit.$': '$.run.visits.pengawasan.n' }, ResultPath: '$.run.visits.pengawasan.sla' });
    expect(s.get('pengawasan: record')).toMatchObject({ Parameters: { kind: 'phaseDone', phaseId: 'pengawasan', 'sla.$': '$.run.visits.pengawasan.sla' } });
    const phase = s.get('pengawasan')!;
    expect(phase.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['PhaseDone'] }), expect.objectContaining({ ErrorEquals: ['ContinueAsNew'], Next: 'Continued as new' })]);
    const [work, clock] = phase.Branches as Scope[];
    expect(work!.States[work!.StartAt]).toMatchObject({ Type: 'Choice', Choices: expect.arrayContaining([{ Variable: '$.run.visits.pengawasan.entry', StringEquals: 'apip-terima', Next: 'apip-terima: visit' }]) });
    expect(chain(clock!, clock!.StartAt).map((n) => clock!.States[n]!.TimestampPath).filter(Boolean)).toEqual([
      '$.run.visits.pengawasan.sla.remindAt', '$.run.visits.pengawasan.sla.dueAt', '$.run.visits.pengawasan.sla.rungs[0].at', '$.run.visits.pengawasan.sla.rungs[1].at',
    ]);
    expect(clock!.States['pengawasan: remind']).toMatchObject({ Parameters: { template: 'reminder', phaseId: 'pengawasan', 'visit.$': '$.run.visits.pengawasan.n' } });
  });

  test('a step with its own limit inside a phase races its own clock inside the phase\'s work branch', () => {
    const m = machineOf('fixture-routed');
    const work = (m.States['pengawasan']!.Branches as Scope[])[0]!;
    expect(work.States['apip-periksa']).toMatchObject({ Type: 'Parallel', Catch: [expect.objectContaining({ ErrorEquals: ['StepDone'] })] });
    expect((work.States['apip-periksa']!.Branches as Scope[]).map((b) => b.StartAt)).toEqual(['apip-periksa: open task', 'apip-periksa: wait to remind']);
    // Without a limit of its own, a step of the phase races only the hand-over clock.
    expect((work.States['apip-terima']!.Branches as Scope[]).map((b) => b.StartAt)).toEqual(['apip-terima: open task', 'apip-terima: wait to continue']);
  });

  test('a successor takes a phase\'s step up again inside the same phase visit, whichever step it was', () => {
    const m = machineOf('fixture-routed');
    const work = (m.States['pengawasan']!.Branches as Scope[])[0]!;
    const route = m.States['Resume: route']!.Choices as Choice[];
    expect(route.find((c) => c.StringEquals === 'apip-jawab')!.Next).toBe('pengawasan: resume at apip-jawab');
    // The same phase visit, not a new one: the phase's deadlines of that visit are remembered, so its clock goes on.
    expect(m.States['pengawasan: resume at apip-jawab']).toEqual({
      Type: 'Pass', Parameters: { 'n.$': '$.run.visits.pengawasan.n', entry: 'resume:apip-jawab' }, ResultPath: '$.run.visits.pengawasan', Next: 'pengawasan: deadlines',
    });
    const entry = work.States[work.StartAt]!.Choices as Choice[];
    // A limited step is uncounted first, for its deadlines task to count the same visit again.
    expect(entry).toContainEqual({ Variable: '$.run.visits.pengawasan.entry', StringEquals: 'resume:apip-periksa', Next: 'apip-periksa: resume' });
    expect(work.States['apip-periksa: resume']).toEqual({
      Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.run.visits.apip_periksa.n, -1)' }, ResultPath: '$.run.visits.apip_periksa', Next: 'apip-periksa: deadlines',
    });
    expect(entry).toContainEqual({ Variable: '$.run.visits.pengawasan.entry', StringEquals: 'resume:apip-jawab', Next: 'apip-jawab' });
  });

  test('leaving a phase carries the target out through PhaseDone; a question to the reporter leaves it and comes back to the same step', () => {
    const m = machineOf('fixture-routed');
    const work = (m.States['pengawasan']!.Branches as Scope[])[0]!;
    const route = work.States['apip-periksa: route']!.Choices as Choice[];
    expect(route.map((c) => [c.StringEquals, c.Next])).toEqual([['done', 'apip-jawab'], ['ask', 'pengawasan: leave to apip-periksa: ask reporter: window']]);
    expect(chain(work, 'pengawasan: leave to apip-periksa: ask reporter: window')).toEqual([
      'pengawasan: leave to apip-periksa: ask reporter: window', 'pengawasan: pack', 'pengawasan: finish',
    ]);
    // Only `$.run` (visit counters, who answered, the way out) travels out of the phase, as the error's cause;
    // the phase's record hands it back decoded, into its place.
    expect(work.States['pengawasan: leave to apip-periksa: ask reporter: window']).toMatchObject({ Result: 'apip-periksa: ask reporter: window', ResultPath: '$.run.exit' });
    expect(work.States['pengawasan: pack']).toMatchObject({ Parameters: { 'cause.$': 'States.JsonToString($.run)' } });
    expect(work.States['pengawasan: finish']).toEqual({ Type: 'Fail', Error: 'PhaseDone', CausePath: '$.cause' });
    expect(m.States['pengawasan: record']).toMatchObject({ Parameters: { 'run.$': 'States.StringToJson($.done.Cause)' }, ResultPath: '$.run', Next: 'pengawasan: leave' });
    expect((m.States['pengawasan: leave']!.Choices as Choice[]).map((c) => [c.Variable, c.Next]).sort()).toEqual([
      ['$.run.exit', 'Closed by official'], ['$.run.exit', 'Reporter window: deadline'], ['$.run.exit', 'apip-periksa: ask reporter: window'],
    ]);
    const back = chain(m, 'apip-periksa: ask reporter: window');
    expect(back.slice(0, 3)).toEqual(['apip-periksa: ask reporter: window', 'apip-periksa: ask reporter', 'pengawasan: enter at apip-periksa']);
    expect(work.States[work.StartAt]!.Choices).toContainEqual({ Variable: '$.run.visits.pengawasan.entry', StringEquals: 'apip-periksa', Next: 'apip-periksa: deadlines' });
  });

  test('a reply from the reporter re-enters the phase at the follow-up step', () => {
    const s = statesOf('fixture-routed');
    expect(s.get('Reporter window: route')!.Default).toBe('pengawasan: enter at apip-jawab');
  });

  test('one limit over the whole procedure (Musi Rawas shape): the phase starts the case, its steps have no clock of their own', () => {
    const m = machineOf('fixture-whole-phase');
    // Record start begins the phase's first visit (its entry step and deadlines): Acknowledge goes into the phase's race.
    expect(m.States['Acknowledge']!.Next).toBe('penanganan');
    expect((m.States['Record start']!.Parameters as { first: Begun }).first).toEqual({ counter: 'penanganan', entry: 'terima', deadlines: { scope: 'phase', id: 'penanganan' } });
    const work = (m.States['penanganan']!.Branches as Scope[])[0]!;
    for (const step of ['terima', 'tangani', 'koordinasi', 'sampaikan']) {
      expect(allStates(work).get(`${step}: open task`)).toBeDefined();
      expect(work.States[`${step}: deadlines`]).toBeUndefined();
      expect((work.States[step]!.Branches as Scope[]).map((b) => b.StartAt)).toEqual([`${step}: open task`, `${step}: wait to continue`]);
    }
    expect((work.States['tangani: route']!.Choices as Choice[]).map((c) => c.Next)).toEqual(['sampaikan', 'koordinasi']);
    // One way out: no note of it and no Choice after the phase; the answering step's record packs at once.
    expect(work.States['sampaikan: record']).toMatchObject({ Parameters: { answering: true }, ResultPath: '$.run', Next: 'penanganan: pack' });
    // The phase's record begins the reply window; handing over first, it records the phase again and goes to the window's deadlines task.
    expect(m.States['penanganan: record']).toMatchObject({ Next: 'Reporter window', Parameters: { next: { counter: 'reporter', deadlines: { scope: 'replyWindow', handsOver: true } } } });
    expect(m.States['penanganan: record']!.Catch).toContainEqual({ ErrorEquals: ['ContinueDue'], ResultPath: '$.handOver', Next: 'penanganan: record, handing over' });
    expect(m.States['penanganan: record, handing over']).toMatchObject({ Parameters: { kind: 'phaseDone' }, ResultPath: '$.run', Next: 'Reporter window: deadline' });
    expect(m.States['penanganan: leave']).toBeUndefined();
  });
});

describe('SOPs the compiler refuses, with a message that says what to fix', () => {
  const base = getFixture('fixture-whole-phase');

  test('a phase named like a step', () => {
    const clash: Sop = { ...base, phases: [{ ...base.phases[0]!, id: 'tangani' }] };
    expect(() => compileSop(clash)).toThrow(/Two states would be named "tangani.*rename a step or phase/);
  });

  test('ids so long that a state name passes 80 characters', () => {
    const long = 'sampaikan-jawaban-kepada-pelapor-melalui-surat-resmi-dinas';
    const sop: Sop = {
      ...base,
      steps: base.steps.map((st) => (st.id === 'sampaikan' ? { ...st, id: long } : { ...st, actions: st.actions.map((a) => (a.goto === 'sampaikan' ? { ...a, goto: long } : a)) })),
      phases: [{ ...base.phases[0]!, steps: ['terima', 'tangani', 'koordinasi', long] }],
    };
    expect(() => compileSop(sop)).toThrow(/longer than 80 characters: shorten/);
  });

  test('an action, step or phase id that could carry a quote or a backslash through an intrinsic function', () => {
    const desk = getFixture('fixture-desk');
    const withAction = (id: string): Sop => ({
      ...desk,
      steps: desk.steps.map((st) => (st.id !== 'telaah' ? st : { ...st, actions: st.actions.map((a) => (a.id !== 'draft' ? a : { ...a, id })) })),
    });
    const rule = /use letters, digits and dashes, starting with a lowercase letter \(no quotes, backslashes or spaces\): it travels through the state machine's intrinsic functions/;
    for (const id of ['dra"ft', 'draft\\n', 'draft now', 'Draft']) {
      expect(() => compileSop(withAction(id))).toThrow(`Step "telaah", action id ${JSON.stringify(id)}: `);
      expect(() => compileSop(withAction(id))).toThrow(rule);
    }
    expect(() => compileSop(withAction('draftAgain'))).not.toThrow();
    const withStep = { ...desk, steps: desk.steps.map((st) => (st.id !== 'telaah' ? st : { ...st, id: 'tel"aah' })) } as Sop;
    expect(() => compileSop(withStep)).toThrow(/Step id "tel\\"aah": use letters, digits and dashes/);
    // The schema refuses such an action id before the compiler sees it, saying why.
    const parsed = SopSchema.safeParse({ ...desk, steps: withAction('dra"ft').steps });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message)).toContain('an action id is letters and digits, starting with a lowercase letter (no spaces, quotes or backslashes): it travels through the state machine');
  });

  test('the only texts that pass through an intrinsic function are ids and the compiler\'s own state names', () => {
    for (const sop of [...sops, ...fixtures]) {
      const text = renderAsl(compileSop(sop));
      const intrinsic = [...text.matchAll(/"(States\.[A-Za-z]+)\(([^)]*)\)"/g)].map((m) => `${m[1]}(${m[2]})`);
      expect(new Set(intrinsic)).toEqual(new Set(intrinsic.filter((x) => [
        /^States\.JsonToString\(\$\)$/, /^States\.JsonToString\(\$\.run\)$/, /^States\.StringToJson\(\$\.(feedback|done)\.Cause\)$/,
        /^States\.MathAdd\(\$\.run\.visits\.[a-z0-9_]+\.n, -?1\)$/, /^States\.JsonMerge\(\$\.run\.visits, \$\.resume\.visits, false\)$/,
      ].some((r) => r.test(x)))));
      // A step's decision leaves its race as the action id itself, no intrinsic on the way.
      for (const step of sop.steps) for (const a of step.actions) expect(a.id).toMatch(/^[a-z][a-zA-Z0-9-]*$/);
    }
  });
});

describe('the four SOPs', () => {
  const states = (id: string) => allStates(compileSop(getSop(id)));

  test('SP4N-LAPOR!: the admin routes to the agency, to the inspectorate (a 60-day phase), asks the reporter or rejects', () => {
    const s = states('sp4n-lapor-muara-enim');
    const route = s.get('verifikasi: route')!.Choices as Choice[];
    expect(route.map((c) => [c.StringEquals, c.Next])).toEqual([
      ['routeAgency', 'verifikasi-instansi'],
      ['routeInspectorate', 'pengawasan'],
      ['askReporter', 'verifikasi: ask reporter'],
      ['reject', 'Rejected: record'],
    ]);
    expect(s.get('pengawasan')).toMatchObject({ Type: 'Parallel', Catch: [expect.objectContaining({ ErrorEquals: ['PhaseDone'] }), expect.objectContaining({ ErrorEquals: ['ContinueAsNew'] })] });
    expect(s.get('pengawasan: wait until due')).toMatchObject({ TimestampPath: '$.run.visits.pengawasan.sla.dueAt' });
  });

  test('SP4N-LAPOR!: the last rung of the executing official\'s ladder opens the inspectorate\'s monitoring path inside the clock; the official\'s task stays open', () => {
    const s = states('sp4n-lapor-muara-enim');
    expect(s.get('tindak-lanjut: wait for rung 2')!.Next).toBe('tindak-lanjut: rung 2: monitoring');
    const rung = s.get('tindak-lanjut: rung 2: monitoring')!;
    expect(rung).toMatchObject({ Type: 'Parallel', ResultPath: null, Next: 'tindak-lanjut: ladder climbed' });
    const path = (rung.Branches as { StartAt: string; States: Record<string, AslState> }[])[0]!;
    expect(path.StartAt).toBe('pantau-apip: visit');
    // The monitoring visit is the late step's visit, copied (the clock's state does not outlive the race), with its deadlines, in one task.
    expect(path.States['pantau-apip: visit']).toMatchObject({
      Type: 'Task', Parameters: { scope: 'step', id: 'pantau-apip', 'visit.$': '$.run.visits.tindak_lanjut.n' },
      ResultSelector: { 'n.$': '$.visit', 'sla.$': '$' }, ResultPath: '$.run.visits.pantau_apip', Next: 'pantau-apip',
    });
    expect(path.States['pantau-apip: record']!.Next).toBe('pantau-apip: route');
    expect(path.States['pantau-apip: route']!.Choices).toEqual([
      { Variable: '$.decision.Cause', StringEquals: 'recommendReprimand', Next: 'teguran-bupati: visit' },
      { Variable: '$.decision.Cause', StringEquals: 'declineReprimand', Next: 'tindak-lanjut: monitoring ended' },
    ]);
    // The Bupati's task has no limit: no deadlines, a race of the task alone; one action, so no route.
    expect(path.States['teguran-bupati: visit']!.Next).toBe('teguran-bupati');
    expect((path.States['teguran-bupati']!.Branches as unknown[]).length).toBe(1);
    expect(path.States['teguran-bupati: route']).toBeUndefined();
    expect(path.States['teguran-bupati: record']!.Next).toBe('tindak-lanjut: monitoring ended');
    // Nothing mails the Bupati a reprimand recommendation any more; the monitoring steps are not top-level steps.
    expect([...s.values()].some((st) => (st.Parameters as { template?: string } | undefined)?.template === 'reprimand')).toBe(false);
    expect(compileSop(getSop('sp4n-lapor-muara-enim')).States['pantau-apip: visit']).toBeUndefined();
  });

  test('a monitor rung must be the last of a step\'s own ladder, and @end belongs to monitoring paths only', () => {
    const sop = getSop('sp4n-lapor-muara-enim');
    const late = sop.steps.find((x) => x.id === 'tindak-lanjut')!;
    const notLast = { ...sop, steps: sop.steps.map((x) => (x.id !== late.id ? x : { ...x, escalation: { ...x.escalation!, rungs: [...x.escalation!.rungs].reverse() } })) } as Sop;
    expect(() => compileSop(notLast)).toThrow(/must be the last of its ladder/);
    const stray = { ...sop, steps: sop.steps.map((x) => (x.id !== 'verifikasi-instansi' ? x : { ...x, actions: [{ ...x.actions[0]!, goto: '@end' }, ...x.actions.slice(1)] })) } as Sop;
    expect(() => compileSop(stray)).toThrow(/@end ends a monitoring path/);
  });

  test('Health Office: returning the draft goes back to the analysis with a new visit', () => {
    const s = states('dinkes-muba');
    const route = s.get('persetujuan: route')!.Choices as Choice[];
    expect(route.find((c) => c.StringEquals === 'return')?.Next).toBe('analisa');
    expect((s.get('persetujuan: record')!.Parameters as { next: Record<string, Begun> }).next.return).toEqual({ counter: 'analisa', deadlines: { scope: 'step', id: 'analisa', handsOver: true } });
    expect(s.get('analisa: deadlines')).toMatchObject({ Parameters: { 'visit.$': 'States.MathAdd($.run.visits.analisa.n, 1)' }, ResultPath: '$.run.visits.analisa' });
  });

  test('Musi Rawas: one 5-working-day phase holds every step; coordination is reachable and returns to the team', () => {
    const m = compileSop(getSop('dukcapil-mura'));
    const inner = allStates((m.States['penanganan']!.Branches as Scope[])[0]!);
    expect(['terima: open task', 'tangani: open task', 'koordinasi: open task', 'sampaikan: open task'].every((n) => inner.has(n))).toBe(true);
    const route = inner.get('tangani: route')!.Choices as Choice[];
    expect(route).toContainEqual({ Variable: '$.decision.Cause', StringEquals: 'coordinate', Next: 'koordinasi' });
    expect(inner.get('tangani: deadlines')).toBeUndefined();
    expect(inner.get('koordinasi: record')!.Next).toBe('tangani');
    expect(m.States['penanganan: record']!.Next).toBe('Reporter window');
  });

  test('SP4N-LAPOR!: the reply window closes the case when it elapses and loops to the follow-up step on an unsatisfied reply', () => {
    const s = states('sp4n-lapor-muara-enim');
    expect(s.get('Reporter window')!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['StepDone'], Next: 'Reporter window: record' }),
      expect.objectContaining({ ErrorEquals: ['ReplyWindowElapsed'], Next: 'Closed: window elapsed' }),
    ]);
    expect(s.get('Reporter window: route')).toMatchObject({ Default: 'tindak-lanjut-balasan: deadlines' });
  });
});

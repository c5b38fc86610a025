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
type Choice = { Variable: string; StringEquals?: string; BooleanEquals?: boolean; Next: string };

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

  test('a first Pass starts a visit counter at 0 for every step, and every visit path points to one', () => {
    expect(machine.StartAt).toBe('Start');
    const counters = machine.States['Start']!.Result as Record<string, { n: number }>;
    for (const step of sop.steps) expect(counters[step.id.replace(/-/g, '_')]).toEqual({ n: 0 });
    const paths = [...renderAsl(machine).matchAll(/"\$\.visits\.(\w+)\.n"/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(counters[p]).toEqual({ n: 0 });
  });

  test('each human step is a callback task of the task function, with its step id, visit and a one-year timeout', () => {
    for (const step of mainSteps) {
      expect(states.get(`${step.id}: open task`)).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: ONE_YEAR,
        Parameters: {
          FunctionName: placeholder('task'),
          Payload: {
            'caseId.$': '$.caseId', 'executionId.$': '$$.Execution.Id', 'enteredAt.$': '$$.State.EnteredTime',
            'taskToken.$': '$$.Task.Token', kind: 'official', stepId: step.id, 'visit.$': `$.visits.${step.id.replace(/-/g, '_')}.n`,
          },
        },
      });
      // The visit counter goes up before the task opens.
      expect(states.get(`${step.id}: visit`)).toMatchObject({ Type: 'Pass', Parameters: { 'n.$': `States.MathAdd($.visits.${step.id.replace(/-/g, '_')}.n, 1)` } });
    }
    for (const [, s] of states) {
      if (s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') expect(s.TimeoutSeconds).toBe(ONE_YEAR);
    }
  });

  test('each limited step computes its deadlines, then races its work against Wait states on absolute instants, ending on StepDone', () => {
    for (const step of mainSteps.filter((s) => s.limit)) {
      expect(states.get(`${step.id}: visit`)!.Next).toBe(`${step.id}: deadlines`);
      expect(states.get(`${step.id}: deadlines`)).toMatchObject({
        Resource: placeholder('deadlines'), ResultPath: '$.sla', Next: step.id,
        Parameters: { scope: 'step', id: step.id, 'visit.$': expect.stringMatching(/^\$\.visits\./) },
      });
      const race = states.get(step.id)!;
      expect(race.Type).toBe('Parallel');
      expect((race.Catch as Scope[])[0]).toEqual(expect.objectContaining({ ErrorEquals: ['StepDone'], ResultPath: '$.decision' }));
      const [work, clock] = race.Branches as Scope[];
      expect(chain(work!, work!.StartAt)).toEqual([`${step.id}: open task`, `${step.id}: step done`, `${step.id}: finish`]);
      // Only the decision travels out of the race, as the error's cause (AWS keeps a cause to 32,768 characters).
      expect(work!.States[`${step.id}: step done`]).toMatchObject({ Parameters: { 'cause.$': 'States.JsonToString($.decision)' } });
      expect(work!.States[`${step.id}: finish`]).toEqual({ Type: 'Fail', Error: 'StepDone', CausePath: '$.cause' });
      const ladder = step.escalation ?? sop.escalation;
      const waits = chain(clock!, clock!.StartAt).map((n) => clock!.States[n]!).filter((s) => s.Type === 'Wait');
      expect(waits.map((s) => s.TimestampPath)).toEqual(['$.sla.remindAt', '$.sla.dueAt', ...ladder.rungs.map((_, i) => `$.sla.rungs[${i}].at`)]);
      expect(race.Next).toBe(`${step.id}: decision`);
      expect(states.get(`${step.id}: decision`)).toMatchObject({ Parameters: { 'value.$': 'States.StringToJson($.decision.Cause)' }, ResultPath: '$.decision', Next: `${step.id}: decision: restore` });
      expect(states.get(`${step.id}: decision: restore`)).toMatchObject({ InputPath: '$.decision.value', ResultPath: '$.decision', Next: `${step.id}: record` });
      expect(states.get(`${step.id}: record`)).toMatchObject({ Parameters: { kind: 'stepDone', stepId: step.id, 'decision.$': '$.decision', 'sla.$': '$.sla' } });
    }
  });

  test('once a decision is recorded, only its action travels on to the route', () => {
    for (const step of mainSteps) {
      expect(states.get(`${step.id}: record`)!.Next).toBe(`${step.id}: keep action`);
      expect(states.get(`${step.id}: keep action`)).toEqual({
        Type: 'Pass', Parameters: { 'action.$': '$.decision.action' }, ResultPath: '$.decision', Next: `${step.id}: route`,
      });
    }
  });

  test('steps without a limit have no deadlines and no SLA clock: their task races only the hand-over clock', () => {
    for (const step of mainSteps.filter((s) => !s.limit)) {
      expect(states.has(`${step.id}: deadlines`)).toBe(false);
      expect(states.get(`${step.id}: visit`)!.Next).toBe(step.id);
      const race = states.get(step.id)!;
      const [work, ...others] = race.Branches as Scope[];
      expect(chain(work!, work!.StartAt)).toEqual([`${step.id}: open task`, `${step.id}: step done`, `${step.id}: finish`]);
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
      const handOver = (race.Branches as Scope[]).at(-1)!;
      const wait = handOver.States[handOver.StartAt]!;
      expect(wait).toMatchObject({ Type: 'Wait', TimestampPath: '$.lifetime.continueBy' });
      const task = handOver.States[wait.Next as string]!;
      const payload = (states.get(name)!.Parameters as { Payload: Record<string, unknown> }).Payload;
      // The task it hands over is the slot this callback opened: same kind, step and visit.
      expect(task).toMatchObject({
        Type: 'Task', Resource: placeholder('outcome'), ResultPath: null,
        Parameters: {
          kind: 'continueAsNew', 'caseId.$': '$.caseId', 'executionId.$': '$$.Execution.Id',
          task: Object.fromEntries(Object.entries(payload).filter(([k]) => ['kind', 'stepId', 'stepId.$', 'visit.$'].includes(k))),
          resume: expect.objectContaining({ at: expect.any(String), 'visits.$': '$.visits' }),
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
    expect(machine.States['Record start']).toMatchObject({ Parameters: { kind: 'started' }, ResultPath: '$.lifetime', Next: 'Resuming?' });
    expect(machine.States['Resuming?']).toEqual(expect.objectContaining({
      Type: 'Choice', Choices: [{ Variable: '$.resume', IsPresent: true, Next: 'Resume' }], Default: 'Acknowledge',
    }));
    // Counters of the predecessor over fresh ones: a step added to the SOP since still has its own.
    expect(machine.States['Resume']).toMatchObject({ Parameters: { 'visits.$': 'States.JsonMerge($.visits, $.resume.visits, false)' } });
    expect(chain(machine, 'Resume')).toEqual(['Resume', 'Resume: visits', 'Resume: route']);
    const route = machine.States['Resume: route']!.Choices as Choice[];
    const handedOver = [...states.values()].filter((st) => st.Parameters && (st.Parameters as { kind?: string }).kind === 'continueAsNew')
      .map((st) => (st.Parameters as { resume: { at: string } }).resume.at);
    expect(route.map((c) => c.StringEquals).sort()).toEqual([...new Set(handedOver)].sort());
    for (const c of route) {
      // Passes only until the wait's deadlines or race: never a visit counter.
      const path = chain(machine, c.Next);
      const entered = path.findIndex((n) => machine.States[n]!.Type !== 'Pass');
      expect({ at: c.StringEquals, passes: path.slice(0, entered).filter((n) => n.endsWith(': visit')) }).toEqual({ at: c.StringEquals, passes: [] });
      expect({ at: c.StringEquals, entered: machine.States[path[entered]!]!.Type }).toEqual({ at: c.StringEquals, entered: expect.stringMatching(/^(Task|Parallel)$/) });
    }
    expect(machine.States['Resume: route']!.Default).toBe('Unknown resume point');
  });

  test('every action of every step is routed, and nothing else', () => {
    for (const step of mainSteps) {
      const route = states.get(`${step.id}: route`)!;
      const choices = route.Choices as Choice[];
      expect(choices.map((c) => [c.Variable, c.StringEquals])).toEqual(step.actions.map((a) => ['$.decision.action', a.id]));
      for (const c of choices) expect(states.has(c.Next)).toBe(true);
      expect(states.has(route.Default as string)).toBe(true);
    }
  });

  test('every Wait waits for an absolute instant (TimestampPath), never a fixed duration', () => {
    const waits = [...states.values()].filter((s) => s.Type === 'Wait');
    expect(waits.length).toBeGreaterThan(0);
    for (const w of waits) {
      expect(w.TimestampPath).toMatch(/^\$\.((sla|phaseSla\.\w+|monitorSla\.\w+|replySla)\.(remindAt|dueAt|rungs\[\d+\]\.at)|lifetime\.continueBy)$/);
      expect([w.Seconds, w.SecondsPath, w.Timestamp]).toEqual([undefined, undefined, undefined]);
    }
  });

  test('Lambda tasks call workflow placeholders only, retry Lambda errors, and notify never stops the workflow', () => {
    for (const [name, s] of tasks) {
      const resource = s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' ? (s.Parameters as { FunctionName: string }).FunctionName : s.Resource;
      expect(Object.values(WorkflowFunction).map((f) => `\${${f}}`)).toContain(resource);
      const retry = s.Retry as { ErrorEquals: string[]; BackoffRate: number; MaxAttempts: number }[];
      expect({ name, errors: retry[0]!.ErrorEquals }).toEqual({ name, errors: LAMBDA_ERRORS });
      expect(retry[0]!.BackoffRate).toBeGreaterThan(1);
      expect(retry.at(-1)).toMatchObject({ ErrorEquals: HANDLER_ERRORS, MaxAttempts: 3 });
      if (resource === placeholder('notify')) {
        expect(retry[1]).toMatchObject({ ErrorEquals: ['MailDeliveryFailed'], MaxAttempts: 5, IntervalSeconds: 10, BackoffRate: 2 });
        expect(s.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.deliveryError', Next: s.Next }]);
        expect(s.ResultPath).toBeNull();
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
    expect(chain(m, 'Start')).toEqual(['Start', 'Record start', 'Resuming?']);
    expect(m.States['Resuming?']!.Default).toBe('Acknowledge');
    expect(chain(m, 'Acknowledge')).toEqual(['Acknowledge', 'terima: visit', 'terima: deadlines', 'terima', 'terima: decision', 'terima: decision: restore', 'terima: record', 'terima: keep action', 'terima: route']);
    expect(m.States['Record start']).toMatchObject({ Resource: placeholder('outcome'), Parameters: { kind: 'started' } });
    expect(m.States['Acknowledge']).toMatchObject({ Resource: placeholder('notify'), Parameters: { template: 'acknowledgement' } });
  });

  test('a linear path goes from step to step by the default action', () => {
    const s = statesOf('fixture-desk');
    expect(nextOf(s, 'terima', 'forward')).toBe('telaah: visit');
    expect(nextOf(s, 'telaah', 'draft')).toBe('setuju: visit');
    expect(nextOf(s, 'setuju', 'approve')).toBe('kirim: visit');
  });

  test('the loop: returning the draft enters the drafting step again, whose visit counter increments', () => {
    const s = statesOf('fixture-desk');
    expect(nextOf(s, 'setuju', 'return')).toBe('telaah: visit');
    expect(s.get('telaah: visit')).toEqual({
      Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.visits.telaah.n, 1)' }, ResultPath: '$.visits.telaah', Next: 'telaah: deadlines',
    });
  });

  test('the optional step is reached only by its non-default action and returns', () => {
    const s = statesOf('fixture-desk');
    const into = [...s.entries()].flatMap(([name, st]) => ((st.Choices as Choice[] | undefined) ?? []).filter((c) => c.Next === 'koordinasi: visit').map((c) => `${name} ${c.StringEquals}`));
    expect(into).toEqual(['telaah: route coordinate']);
    expect(nextOf(s, 'koordinasi', 'reply')).toBe('telaah: visit');
  });

  test('the clock climbs the step\'s own ladder in order, the reprimand rung asking notify for a reprimand', () => {
    const m = machineOf('fixture-desk');
    const clock = (m.States['telaah']!.Branches as Scope[])[1]!;
    const steps = chain(clock, clock.StartAt);
    expect(steps).toEqual([
      'telaah: wait to remind', 'telaah: remind', 'telaah: wait until due',
      'telaah: wait for rung 1', 'telaah: rung 1: escalate to superior', 'telaah: wait for rung 2', 'telaah: rung 2: recommend reprimand', 'telaah: ladder climbed',
    ]);
    expect(clock.States['telaah: remind']).toMatchObject({ Parameters: { template: 'reminder', stepId: 'telaah', 'visit.$': '$.visits.telaah.n' } });
    expect(clock.States['telaah: rung 1: escalate to superior']).toMatchObject({ Parameters: { template: 'escalation', level: 1, stepId: 'telaah' } });
    expect(clock.States['telaah: rung 2: recommend reprimand']).toMatchObject({ Parameters: { template: 'reprimand', level: 2, stepId: 'telaah' } });
    expect(clock.States['telaah: ladder climbed']).toEqual({ Type: 'Succeed' });
  });

  test('@askReporter: the question races the reply window, and either way the same step resumes with a new visit', () => {
    const m = machineOf('fixture-desk');
    const s = allStates(m);
    expect(nextOf(s, 'terima', 'ask')).toBe('terima-ask: visit');
    expect(chain(m, 'terima-ask: visit').slice(0, 5)).toEqual(['terima-ask: visit', 'terima: ask reporter: window', 'terima: ask reporter', 'terima: ask reporter: answered', 'terima: visit']);
    expect(s.get('terima: ask reporter: window')).toMatchObject({ Resource: placeholder('deadlines'), ResultPath: '$.replySla', Parameters: { scope: 'replyWindow', id: 'terima' } });
    const race = s.get('terima: ask reporter')!;
    expect((race.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['StepDone'], 'terima: ask reporter: record answer'],
      [['ReplyWindowElapsed'], 'terima: ask reporter: answered'],
      [['ContinueAsNew'], 'Continued as new'],
    ]);
    const [work, clock] = race.Branches as Scope[];
    // The answer never enters the execution: the feedback use case stored it on the task, and outcome
    // `reporterAnswered` records it on the case (read from the task) before the step resumes.
    expect(work!.States[work!.StartAt]).toMatchObject({ ResultPath: null, Parameters: { Payload: { kind: 'reporterAnswer', stepId: 'terima' } } });
    expect(s.get('terima: ask reporter: record answer')).toMatchObject({
      Resource: placeholder('outcome'), ResultPath: null, Next: 'terima: ask reporter: answered',
      Parameters: { kind: 'reporterAnswered', stepId: 'terima', 'visit.$': '$.visits.terima_ask.n' },
    });
    expect(work!.States['terima: ask reporter: wait for answer: finish']).toEqual({ Type: 'Fail', Error: 'StepDone', Cause: 'answered' });
    expect(chain(clock!, clock!.StartAt).map((n) => clock!.States[n])).toEqual([
      expect.objectContaining({ Type: 'Wait', TimestampPath: '$.replySla.dueAt' }),
      expect.objectContaining({ Type: 'Fail', Error: 'ReplyWindowElapsed' }),
    ]);
  });

  test('@reject records the closing, tells the reporter, and ends', () => {
    const m = machineOf('fixture-desk');
    expect(nextOf(allStates(m), 'terima', 'reject')).toBe('Rejected: record');
    expect(chain(m, 'Rejected: record')).toEqual(['Rejected: record', 'Rejected: record: notify', 'Rejected']);
    expect(m.States['Rejected: record']).toMatchObject({ Resource: placeholder('outcome'), Parameters: { kind: 'closed', reason: 'rejected' } });
    expect(m.States['Rejected: record: notify']).toMatchObject({ Parameters: { template: 'rejection' } });
    expect(m.States['Rejected']).toEqual({ Type: 'Succeed' });
  });

  test('@close records the closing by the official, tells the reporter, and ends', () => {
    const m = machineOf('fixture-desk');
    expect(nextOf(allStates(m), 'kirim', 'close')).toBe('Closed by official');
    expect(chain(m, 'Closed by official')).toEqual(['Closed by official', 'Closed by official: notify', 'Closed']);
    expect(m.States['Closed by official']).toMatchObject({ Parameters: { kind: 'closed', reason: 'closed_by_official' } });
    expect(m.States['Closed by official: notify']).toMatchObject({ Parameters: { template: 'closing' } });
  });

  test('@reporter: the answer opens the reply window; satisfied closes as rated, a reply goes to the follow-up step, silence closes', () => {
    const m = machineOf('fixture-desk');
    const s = allStates(m);
    expect(nextOf(s, 'kirim', 'send')).toBe('kirim: answer to reporter');
    expect(chain(m, 'kirim: answer to reporter')).toEqual([
      'kirim: answer to reporter', 'reporter: visit', 'Reporter window: deadline', 'Reporter window', 'Reporter window: feedback', 'Reporter window: feedback: restore', 'Reporter window: record', 'Reporter window: keep verdict', 'Reporter window: route',
    ]);
    expect(s.get('kirim: answer to reporter')).toMatchObject({ Result: 'kirim', ResultPath: '$.answeredBy' });
    expect(s.get('Reporter window: deadline')).toMatchObject({ Parameters: { scope: 'replyWindow', 'id.$': '$.answeredBy' }, ResultPath: '$.replySla' });
    const race = s.get('Reporter window')!;
    const [work] = race.Branches as Scope[];
    expect(work!.States[work!.StartAt]).toMatchObject({ ResultPath: '$.feedback', Parameters: { Payload: { kind: 'reporterReply', 'stepId.$': '$.answeredBy' } } });
    expect((race.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['StepDone'], 'Reporter window: feedback'],
      [['ReplyWindowElapsed'], 'Closed: window elapsed'],
      [['ContinueAsNew'], 'Continued as new'],
    ]);
    // A successor goes back into the window of the step that answered.
    const back = (m.States['Resume: route']!.Choices as Choice[]).find((c) => c.StringEquals === 'reporter')!;
    expect(chain(m, back.Next)).toEqual(['Reporter window: resume', 'Reporter window: deadline', 'Reporter window', 'Reporter window: feedback', 'Reporter window: feedback: restore', 'Reporter window: record', 'Reporter window: keep verdict', 'Reporter window: route']);
    expect(s.get('Reporter window: resume')).toMatchObject({ InputPath: '$.resume.answeredBy', ResultPath: '$.answeredBy' });
    expect(s.get('Reporter window: feedback')).toMatchObject({ Parameters: { 'value.$': 'States.StringToJson($.feedback.Cause)' }, ResultPath: '$.feedback' });
    expect(s.get('Reporter window: feedback: restore')).toMatchObject({ InputPath: '$.feedback.value', ResultPath: '$.feedback' });
    expect(s.get('Reporter window: record')).toMatchObject({ Parameters: { kind: 'reporterFeedback', 'stepId.$': '$.answeredBy', 'feedback.$': '$.feedback' } });
    // Once recorded, only the verdict travels on: the rating and comment stay out of the execution.
    expect(s.get('Reporter window: keep verdict')).toMatchObject({ Parameters: { 'satisfied.$': '$.feedback.satisfied' }, ResultPath: '$.feedback' });
    expect(s.get('Reporter window: route')).toEqual({
      Type: 'Choice', Choices: [{ Variable: '$.feedback.satisfied', BooleanEquals: true, Next: 'Closed: rated' }], Default: 'telaah: visit',
    });
    expect(s.get('Closed: rated')).toMatchObject({ Parameters: { kind: 'closed', reason: 'rated' } });
    expect(s.get('Closed: window elapsed')).toMatchObject({ Parameters: { kind: 'closed', reason: 'reply_window_elapsed' } });
  });

  test('the branch: the agency, or the inspectorate\'s 60-day phase entered at its first step', () => {
    const m = machineOf('fixture-routed');
    const s = allStates(m);
    expect(routeOf(s, 'verifikasi').map((c) => [c.StringEquals, c.Next])).toEqual([
      ['toAgency', 'tindak: visit'], ['toInspectorate', 'pengawasan: enter at apip-terima'], ['reject', 'Rejected: record'],
    ]);
    expect(chain(m, 'pengawasan: enter at apip-terima')).toEqual([
      'pengawasan: enter at apip-terima', 'pengawasan: visit', 'pengawasan: deadlines', 'pengawasan', 'pengawasan: decision', 'pengawasan: restore', 'pengawasan: record', 'pengawasan: leave',
    ]);
    expect(s.get('pengawasan: deadlines')).toMatchObject({ Parameters: { scope: 'phase', id: 'pengawasan' }, ResultPath: '$.phaseSla.pengawasan' });
    expect(s.get('pengawasan: record')).toMatchObject({ Parameters: { kind: 'phaseDone', phaseId: 'pengawasan', 'sla.$': '$.phaseSla.pengawasan' } });
    const phase = s.get('pengawasan')!;
    expect(phase.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['PhaseDone'] }), expect.objectContaining({ ErrorEquals: ['ContinueAsNew'], Next: 'Continued as new' })]);
    const [work, clock] = phase.Branches as Scope[];
    expect(work!.States[work!.StartAt]).toMatchObject({ Type: 'Choice', Choices: expect.arrayContaining([{ Variable: '$.phaseEntry', StringEquals: 'apip-terima', Next: 'apip-terima: visit' }]) });
    expect(chain(clock!, clock!.StartAt).map((n) => clock!.States[n]!.TimestampPath).filter(Boolean)).toEqual([
      '$.phaseSla.pengawasan.remindAt', '$.phaseSla.pengawasan.dueAt', '$.phaseSla.pengawasan.rungs[0].at', '$.phaseSla.pengawasan.rungs[1].at',
    ]);
    expect(clock!.States['pengawasan: remind']).toMatchObject({ Parameters: { template: 'reminder', phaseId: 'pengawasan', 'visit.$': '$.visits.pengawasan.n' } });
  });

  test('a step with its own limit inside a phase races its own clock inside the phase\'s work branch', () => {
    const m = machineOf('fixture-routed');
    const work = (m.States['pengawasan']!.Branches as Scope[])[0]!;
    expect(work.States['apip-periksa']).toMatchObject({ Type: 'Parallel', Catch: [expect.objectContaining({ ErrorEquals: ['StepDone'] })] });
    expect((work.States['apip-periksa']!.Branches as Scope[]).map((b) => b.StartAt)).toEqual(['apip-periksa: open task', 'apip-periksa: wait to remind', 'apip-periksa: wait to continue']);
    // Without a limit of its own, a step of the phase races only the hand-over clock.
    expect((work.States['apip-terima']!.Branches as Scope[]).map((b) => b.StartAt)).toEqual(['apip-terima: open task', 'apip-terima: wait to continue']);
  });

  test('a successor takes a phase\'s step up again inside the same phase visit, whichever step it was', () => {
    const m = machineOf('fixture-routed');
    const work = (m.States['pengawasan']!.Branches as Scope[])[0]!;
    const route = m.States['Resume: route']!.Choices as Choice[];
    expect(route.find((c) => c.StringEquals === 'apip-jawab')!.Next).toBe('pengawasan: resume at apip-jawab');
    // Not `pengawasan: visit`: the phase's deadlines of that visit are remembered, so its clock goes on.
    expect(m.States['pengawasan: resume at apip-jawab']).toEqual({ Type: 'Pass', Result: 'resume:apip-jawab', ResultPath: '$.phaseEntry', Next: 'pengawasan: deadlines' });
    const entry = work.States[work.StartAt]!.Choices as Choice[];
    expect(entry).toContainEqual({ Variable: '$.phaseEntry', StringEquals: 'resume:apip-periksa', Next: 'apip-periksa: deadlines' });
    expect(entry).toContainEqual({ Variable: '$.phaseEntry', StringEquals: 'resume:apip-jawab', Next: 'apip-jawab' });
  });

  test('leaving a phase carries the target out through PhaseDone; a question to the reporter leaves it and comes back to the same step', () => {
    const m = machineOf('fixture-routed');
    const work = (m.States['pengawasan']!.Branches as Scope[])[0]!;
    const route = work.States['apip-periksa: route']!.Choices as Choice[];
    expect(route.map((c) => [c.StringEquals, c.Next])).toEqual([['done', 'apip-jawab: visit'], ['ask', 'pengawasan: leave to apip-periksa-ask: visit']]);
    expect(chain(work, 'pengawasan: leave to apip-periksa-ask: visit')).toEqual([
      'pengawasan: leave to apip-periksa-ask: visit', 'pengawasan: work done', 'pengawasan: pack', 'pengawasan: finish',
    ]);
    // Only the visit counters and the way out travel out of the phase, as the error's cause.
    expect(work.States['pengawasan: work done']).toMatchObject({ Parameters: { 'visits.$': '$.visits', 'exit.$': '$.phaseExit' } });
    expect(work.States['pengawasan: pack']).toMatchObject({ Parameters: { 'cause.$': 'States.JsonToString($)' } });
    expect(m.States['pengawasan: decision']).toMatchObject({ Parameters: { 'carry.$': 'States.StringToJson($.done.Cause)' }, ResultPath: '$.done' });
    expect(m.States['pengawasan: restore']).toMatchObject({ InputPath: '$.done.carry.visits', ResultPath: '$.visits' });
    expect(work.States['pengawasan: leave to apip-periksa-ask: visit']).toMatchObject({ Result: 'apip-periksa-ask: visit', ResultPath: '$.phaseExit' });
    expect(work.States['pengawasan: finish']).toEqual({ Type: 'Fail', Error: 'PhaseDone', CausePath: '$.cause' });
    expect((m.States['pengawasan: leave']!.Choices as Choice[]).map((c) => c.Next).sort()).toEqual([
      'Closed by official', 'apip-jawab: answer to reporter', 'apip-periksa-ask: visit',
    ]);
    const back = chain(m, 'apip-periksa-ask: visit');
    expect(back.slice(back.indexOf('apip-periksa: ask reporter: answered'), back.indexOf('pengawasan: enter at apip-periksa') + 1)).toEqual([
      'apip-periksa: ask reporter: answered', 'pengawasan: enter at apip-periksa',
    ]);
    expect(work.States[work.StartAt]!.Choices).toContainEqual({ Variable: '$.phaseEntry', StringEquals: 'apip-periksa', Next: 'apip-periksa: visit' });
  });

  test('a reply from the reporter re-enters the phase at the follow-up step', () => {
    const s = statesOf('fixture-routed');
    expect(s.get('Reporter window: route')!.Default).toBe('pengawasan: enter at apip-jawab');
  });

  test('one limit over the whole procedure (Musi Rawas shape): the phase starts the case, its steps have no clock of their own', () => {
    const m = machineOf('fixture-whole-phase');
    expect(m.States['Acknowledge']!.Next).toBe('penanganan: enter at terima');
    const work = (m.States['penanganan']!.Branches as Scope[])[0]!;
    for (const step of ['terima', 'tangani', 'koordinasi', 'sampaikan']) {
      expect(allStates(work).get(`${step}: open task`)).toBeDefined();
      expect(work.States[`${step}: deadlines`]).toBeUndefined();
      expect((work.States[step]!.Branches as Scope[]).map((b) => b.StartAt)).toEqual([`${step}: open task`, `${step}: wait to continue`]);
    }
    expect((work.States['tangani: route']!.Choices as Choice[]).map((c) => c.Next)).toEqual(['sampaikan: visit', 'koordinasi: visit']);
    expect(m.States['penanganan: leave']!.Choices).toEqual([{ Variable: '$.done.carry.exit', StringEquals: 'sampaikan: answer to reporter', Next: 'sampaikan: answer to reporter' }]);
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
        /^States\.JsonToString\(\$\.(decision|feedback)\)$/, /^States\.JsonToString\(\$\)$/, /^States\.StringToJson\(\$\.(decision|feedback|done)\.Cause\)$/,
        /^States\.MathAdd\(\$\.visits\.[a-z0-9_]+\.n, 1\)$/, /^States\.JsonMerge\(\$\.visits, \$\.resume\.visits, false\)$/,
      ].some((r) => r.test(x)))));
      // What the work branch of a step puts in `$.decision` is what the task use case sends: `{action}`.
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
      ['routeAgency', 'verifikasi-instansi: visit'],
      ['routeInspectorate', 'pengawasan: enter at terima-apip'],
      ['askReporter', 'verifikasi-ask: visit'],
      ['reject', 'Rejected: record'],
    ]);
    expect(s.get('pengawasan')).toMatchObject({ Type: 'Parallel', Catch: [expect.objectContaining({ ErrorEquals: ['PhaseDone'] }), expect.objectContaining({ ErrorEquals: ['ContinueAsNew'] })] });
    expect(s.get('pengawasan: wait until due')).toMatchObject({ TimestampPath: '$.phaseSla.pengawasan.dueAt' });
  });

  test('SP4N-LAPOR!: the last rung of the executing official\'s ladder opens the inspectorate\'s monitoring path inside the clock; the official\'s task stays open', () => {
    const s = states('sp4n-lapor-muara-enim');
    expect(s.get('tindak-lanjut: wait for rung 2')!.Next).toBe('tindak-lanjut: rung 2: monitoring');
    const rung = s.get('tindak-lanjut: rung 2: monitoring')!;
    expect(rung).toMatchObject({ Type: 'Parallel', ResultPath: null, Next: 'tindak-lanjut: ladder climbed' });
    const path = (rung.Branches as { StartAt: string; States: Record<string, AslState> }[])[0]!;
    expect(path.StartAt).toBe('pantau-apip: visit');
    // The monitoring visit is the late step's visit, copied (the clock's state does not outlive the race).
    expect(path.States['pantau-apip: visit']).toMatchObject({ Type: 'Pass', Parameters: { 'n.$': '$.visits.tindak_lanjut.n' }, ResultPath: '$.visits.pantau_apip', Next: 'pantau-apip: deadlines' });
    expect(path.States['pantau-apip: deadlines']).toMatchObject({ Parameters: { scope: 'step', id: 'pantau-apip', 'visit.$': '$.visits.pantau_apip.n' }, ResultPath: '$.monitorSla.pantau_apip' });
    expect(path.States['pantau-apip: route']!.Choices).toEqual([
      { Variable: '$.decision.action', StringEquals: 'recommendReprimand', Next: 'teguran-bupati: visit' },
      { Variable: '$.decision.action', StringEquals: 'declineReprimand', Next: 'tindak-lanjut: monitoring ended' },
    ]);
    // The Bupati's task has no limit: no deadlines, a race of the task alone.
    expect(path.States['teguran-bupati: visit']!.Next).toBe('teguran-bupati');
    expect((path.States['teguran-bupati']!.Branches as unknown[]).length).toBe(1);
    expect(path.States['teguran-bupati: route']!.Choices).toEqual([{ Variable: '$.decision.action', StringEquals: 'reprimandIssued', Next: 'tindak-lanjut: monitoring ended' }]);
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
    expect(route.find((c) => c.StringEquals === 'return')?.Next).toBe('analisa: visit');
    expect(s.get('analisa: visit')).toMatchObject({ Parameters: { 'n.$': 'States.MathAdd($.visits.analisa.n, 1)' }, ResultPath: '$.visits.analisa' });
  });

  test('Musi Rawas: one 5-working-day phase holds every step; coordination is reachable and returns to the team', () => {
    const m = compileSop(getSop('dukcapil-mura'));
    const inner = allStates((m.States['penanganan']!.Branches as Scope[])[0]!);
    expect(['terima: open task', 'tangani: open task', 'koordinasi: open task', 'sampaikan: open task'].every((n) => inner.has(n))).toBe(true);
    const route = inner.get('tangani: route')!.Choices as Choice[];
    expect(route).toContainEqual({ Variable: '$.decision.action', StringEquals: 'coordinate', Next: 'koordinasi: visit' });
    expect(inner.get('tangani: deadlines')).toBeUndefined();
    expect(m.States['penanganan: leave']!.Choices).toEqual([{ Variable: '$.done.carry.exit', StringEquals: 'sampaikan: answer to reporter', Next: 'sampaikan: answer to reporter' }]);
  });

  test('SP4N-LAPOR!: the reply window closes the case when it elapses and loops to the follow-up step on an unsatisfied reply', () => {
    const s = states('sp4n-lapor-muara-enim');
    expect(s.get('Reporter window')!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['StepDone'], Next: 'Reporter window: feedback' }),
      expect.objectContaining({ ErrorEquals: ['ReplyWindowElapsed'], Next: 'Closed: window elapsed' }),
      expect.objectContaining({ ErrorEquals: ['ContinueAsNew'], Next: 'Continued as new' }),
    ]);
    expect(s.get('Reporter window: route')).toMatchObject({ Default: 'tindak-lanjut-balasan: visit' });
  });
});

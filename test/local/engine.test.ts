import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../infra/local/clock';
import { LocalStepFunctions } from '../../infra/local/stepfunctions/engine';
import { continueBy } from '../../shared/workflow/executions';
import { OutcomeRequest, outcomeAnswer } from '../../shared/workflow/contract';

const asl = (id: string) => readFileSync(join(__dirname, '../../statemachines', `${id}.asl.json`), 'utf8');

/** Stub workflow functions that record what the machine asked, with deadlines relative to the clock. */
function stubs(clock: VirtualClock) {
  const calls = { notify: [] as Record<string, unknown>[], outcome: [] as Record<string, unknown>[], tasks: [] as { stepId: string; visit: number; token: string; kind: string }[] };
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
  return {
    calls,
    invokers: {
      // The deadlines go back with the visit they were asked for, as the deadlines handler answers.
      DeadlinesFunctionArn: async (p: unknown) => ({ startedAt: at(0), remindAt: at(30), dueAt: at(40), rungs: [{ level: 1, at: at(40) }, { level: 2, at: at(100) }, { level: 3, at: at(24 * 60) }], calendarVersion: 'test', visit: (p as { visit: number }).visit }),
      TaskFunctionArn: async (p: unknown) => { const x = p as { stepId: string; visit: number; taskToken: string; kind: string }; calls.tasks.push({ stepId: x.stepId, visit: x.visit, token: x.taskToken, kind: x.kind }); return {}; },
      // What the outcome handler answers besides recording (when the execution hands over, a reply's verdict, a phase's run).
      OutcomeFunctionArn: async (p: unknown) => {
        calls.outcome.push(p as Record<string, unknown>);
        const req = OutcomeRequest.parse(p);
        return outcomeAnswer(req, req.kind === 'started' ? { continueBy: continueBy(clock.now()).toISOString() } : {}) ?? {};
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

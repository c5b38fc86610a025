import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// asl-validator is CommonJS with a default-exported function.
import aslValidator from 'asl-validator';
import { sops, getSop } from '../../shared/sops';
import { compileSop, renderAsl, type AslMachine, type AslState } from '../../statemachines/compile';
import { WorkflowFunction } from '../../shared/workflow/contract';

const committed = (id: string) => readFileSync(join(__dirname, '../../statemachines', `${id}.asl.json`), 'utf8');

/** Every state of a machine, branches included, by name. */
function allStates(machine: { States: Record<string, AslState> }): Map<string, AslState> {
  const found = new Map<string, AslState>();
  const walk = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      found.set(name, state);
      for (const branch of (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []) walk(branch.States);
    }
  };
  walk(machine.States);
  return found;
}

describe.each(sops.map((s) => [s.id]))('compiled SOP %s', (sopId) => {
  const sop = getSop(sopId);
  const machine: AslMachine = compileSop(sop);
  const states = allStates(machine);

  test('is valid Amazon States Language', () => {
    const result = aslValidator(structuredClone(machine)); // it annotates its input
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  test('the committed .asl.json is not stale (run `npm run compile-sops`)', () => {
    expect(committed(sopId)).toBe(renderAsl(machine));
  });

  test('each human step is a callback task of the task function, with its step id and visit', () => {
    for (const step of sop.steps) {
      const open = states.get(`${step.id}: open task`);
      expect(open).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: `\${${WorkflowFunction.task}}`, Payload: { 'taskToken.$': '$$.Task.Token', kind: 'official', stepId: step.id } },
      });
    }
  });

  test('each limited step races its work against Wait states on absolute instants, ending the race on StepDone', () => {
    for (const step of sop.steps.filter((s) => s.limit)) {
      const race = states.get(step.id)!;
      expect(race.Type).toBe('Parallel');
      expect(race.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['StepDone'] })]);
      const waits = [...states.entries()].filter(([n, s]) => n.startsWith(`${step.id}: wait`) && s.Type === 'Wait');
      const ladder = step.escalation ?? sop.escalation;
      expect(waits.map(([, s]) => s.TimestampPath)).toEqual(['$.sla.remindAt', '$.sla.dueAt', ...ladder.rungs.map((_, i) => `$.sla.rungs[${i}].at`)]);
      expect(waits.every(([, s]) => s.Seconds === undefined)).toBe(true);
    }
  });

  test('every action of every step is routed, and nothing else', () => {
    for (const step of sop.steps) {
      const route = states.get(`${step.id}: route`)!;
      const choices = route.Choices as { StringEquals: string; Next: string }[];
      expect(choices.map((c) => c.StringEquals)).toEqual(step.actions.map((a) => a.id));
      for (const c of choices) expect(states.has(c.Next)).toBe(true);
    }
  });

  test('every Lambda resource is one of the workflow placeholders; no JSONata anywhere', () => {
    const text = renderAsl(machine);
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...placeholders].every((p) => Object.values(WorkflowFunction).includes(p as never))).toBe(true);
    expect(text).not.toMatch(/JSONata|\{%/);
  });
});

describe('branches and loops', () => {
  const states = (id: string) => allStates(compileSop(getSop(id)));

  test('SP4N-LAPOR!: the admin routes to the agency, to the inspectorate (a 60-day phase), asks the reporter or rejects', () => {
    const s = states('sp4n-lapor-muara-enim');
    const route = s.get('verifikasi: route')!.Choices as { StringEquals: string; Next: string }[];
    expect(route.map((c) => [c.StringEquals, c.Next])).toEqual([
      ['routeAgency', 'verifikasi-instansi: visit'],
      ['routeInspectorate', 'pengawasan: enter at terima-apip'],
      ['askReporter', 'verifikasi-ask: visit'],
      ['reject', 'Rejected: record'],
    ]);
    expect(s.get('pengawasan')).toMatchObject({ Type: 'Parallel', Catch: [expect.objectContaining({ ErrorEquals: ['PhaseDone'] })] });
    expect(s.get('pengawasan: wait until due')).toMatchObject({ TimestampPath: '$.phaseSla.pengawasan.dueAt' });
  });

  test('SP4N-LAPOR!: the last rung of the executing official\'s ladder recommends a reprimand to the Bupati', () => {
    const s = states('sp4n-lapor-muara-enim');
    expect(s.get('tindak-lanjut: recommend reprimand')).toMatchObject({ Parameters: expect.objectContaining({ template: 'reprimand', level: 3, stepId: 'tindak-lanjut' }) });
  });

  test('Health Office: returning the draft goes back to the analysis with a new visit', () => {
    const s = states('dinkes-muba');
    const route = s.get('persetujuan: route')!.Choices as { StringEquals: string; Next: string }[];
    expect(route.find((c) => c.StringEquals === 'return')?.Next).toBe('analisa: visit');
    expect(s.get('analisa: visit')).toMatchObject({ Parameters: { 'n.$': 'States.MathAdd($.visits.analisa.n, 1)' }, ResultPath: '$.visits.analisa' });
  });

  test('Musi Rawas: one 5-working-day phase holds every step; coordination is reachable and returns to the team', () => {
    const m = compileSop(getSop('dukcapil-mura'));
    const phase = m.States['penanganan']!;
    const inner = allStates((phase.Branches as AslMachine[])[0]!);
    expect(['terima: open task', 'tangani: open task', 'koordinasi: open task', 'sampaikan: open task'].every((n) => inner.has(n))).toBe(true);
    const route = inner.get('tangani: route')!.Choices as { StringEquals: string; Next: string }[];
    expect(route).toContainEqual({ Variable: '$.decision.action', StringEquals: 'coordinate', Next: 'koordinasi: visit' });
    // Steps inside the phase have no clock of their own: only the phase's.
    expect(inner.get('tangani')).toBeUndefined();
    expect(m.States['penanganan: leave']!.Choices).toEqual([{ Variable: '$.phaseExit', StringEquals: 'sampaikan: answer to reporter', Next: 'sampaikan: answer to reporter' }]);
  });

  test('the reply window closes the case when it elapses and loops to the follow-up step on an unsatisfied reply', () => {
    const s = states('sp4n-lapor-muara-enim');
    expect(s.get('Reporter window')!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['StepDone'], Next: 'Reporter window: feedback' }),
      expect.objectContaining({ ErrorEquals: ['ReplyWindowElapsed'], Next: 'Closed: window elapsed' }),
    ]);
    expect(s.get('Reporter window: route')).toMatchObject({ Default: 'tindak-lanjut-balasan: visit' });
  });
});

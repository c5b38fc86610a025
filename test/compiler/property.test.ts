/**
 * The compiler on SOPs it has never seen: fast-check builds valid SOPs of every shape the schema
 * allows (limits or none, branches, loops, questions, rejections, phases anywhere, own ladders with
 * reprimand rungs) and each must compile to valid, fully reachable ASL whose routes cover every
 * action. A new agency's SOP is a new file, never a change to the compiler.
 */
import fc from 'fast-check';
import aslValidator from 'asl-validator';
import type { SopInput } from '../../shared/sop/schema';
import { parseSop } from '../../shared/sop/validate';
import { compileSop, type AslMachine, type AslState } from '../../statemachines/compile';
import type { OpenTaskRequest, OutcomeRequest } from '../../shared/workflow/contract';
import { allStates, scopes, unreachable, type Scope } from './asl';
import { deadlinesAt, runMachine } from './run-machine';

const text = (s: string) => ({ id: s, en: s });
const units = ['minutes', 'hours', 'days', 'workingDays'] as const;
const arbLimit = fc.record({ amount: fc.integer({ min: 1, max: 30 }), unit: fc.constantFrom(...units) });
const arbLadder = fc.record({
  reminderAt: fc.constantFrom(0.5, 0.75, 0.9),
  rungs: fc.array(
    fc.record({
      notify: fc.constantFrom('superior', 'head', 'bupati', 'inspectorate') as fc.Arbitrary<'superior' | 'head' | 'bupati' | 'inspectorate'>,
      after: fc.record({ amount: fc.integer({ min: 0, max: 5 }), unit: fc.constantFrom(...units) }),
      kind: fc.constantFrom('escalation', 'reprimand') as fc.Arbitrary<'escalation' | 'reprimand'>,
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

/** A valid SOP: the normal path (actions[0]) runs s0 → s1 → … → @reporter; other actions go anywhere. */
const arbSop: fc.Arbitrary<SopInput> = fc.integer({ min: 1, max: 6 }).chain((n) => {
  const ids = Array.from({ length: n }, (_, i) => `langkah-${i}`);
  const target = fc.oneof(fc.constantFrom(...ids), fc.constantFrom('@reporter', '@askReporter', '@reject', '@close'));
  const arbPhases = fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }).map((cuts) => [...cuts].sort((a, b) => a - b));
  return fc.record({
    steps: fc.tuple(...ids.map(() => fc.record({
      limit: fc.option(arbLimit, { nil: undefined }),
      extra: fc.array(target, { maxLength: 2 }),
      escalation: fc.option(arbLadder, { nil: undefined }),
    }))),
    // Phases: contiguous runs of steps between cut points; every other run is a phase.
    cuts: arbPhases,
    phaseLimit: arbLimit,
    followUp: fc.constantFrom(...ids),
    ladder: arbLadder,
  }).map(({ steps, cuts, phaseLimit, followUp, ladder }): SopInput => {
    const runs: string[][] = [];
    let from = 0;
    for (const cut of [...cuts, n - 1]) {
      if (cut >= from) runs.push(ids.slice(from, cut + 1));
      from = cut + 1;
    }
    return {
      id: 'acak',
      title: text('Acak'),
      source: { number: 'ACAK/1', office: 'Dinas Acak', regency: 'Kabupaten Acak', seedFile: '(generated)' },
      channels: ['web'],
      roles: [{ id: 'petugas', name: text('Petugas'), unit: 'agency', directoryRole: 'petugas' }],
      headRole: 'petugas',
      steps: steps.map((st, i) => ({
        id: ids[i]!,
        sopNumber: String(i + 1),
        name: text(`Langkah ${i + 1}`),
        expects: text('Kerjakan'),
        role: 'petugas',
        ...(st.limit ? { limit: st.limit } : {}),
        ...(st.escalation ? { escalation: st.escalation } : {}),
        actions: [i + 1 < n ? ids[i + 1]! : '@reporter', ...st.extra].map((goto, k) => ({
          id: `aksi${k}`,
          label: text(`Aksi ${k}`),
          goto,
          fields: [{ name: 'catatan', label: text('Catatan'), type: 'textarea' as const, required: false }],
        })),
      })),
      phases: runs.filter((_, k) => k % 2 === 1 || runs.length === 1).map((run, k) => ({ id: `fase-${k}`, name: text(`Fase ${k}`), steps: run, limit: phaseLimit })),
      escalation: ladder,
      reporterReply: { window: { amount: 10, unit: 'days' }, followUpStep: followUp },
    };
  });
});

// asl-validator takes about a quarter of a second per machine: few runs by default; PROPERTY_RUNS=600 to hunt.
test('every valid SOP compiles to valid ASL: unique names, every state reachable, every action routed, every step a callback task', () => {
  fc.assert(
    fc.property(arbSop, (input) => {
      const sop = parseSop(input);
      const machine: AslMachine = compileSop(sop);
      const result = aslValidator(structuredClone(machine));
      expect(result.errors).toEqual([]);
      const names = scopes(machine).flatMap((s) => Object.keys(s.States));
      expect(names.length).toBe(new Set(names).size);
      for (const scope of scopes(machine)) expect(unreachable(scope)).toEqual([]);
      const states = allStates(machine);
      for (const step of sop.steps) {
        expect(states.get(`${step.id}: open task`)?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
        // Several actions: a route on the action id (the race's cause), one choice each; one action: no route, the record goes on.
        if (step.actions.length > 1) {
          const choices = states.get(`${step.id}: route`)!.Choices as { Variable: string; StringEquals: string }[];
          expect(choices.map((c) => [c.Variable, c.StringEquals])).toEqual(step.actions.map((a) => ['$.decision.Cause', a.id]));
        } else {
          expect(states.get(`${step.id}: route`)).toBeUndefined();
          expect(states.get(`${step.id}: record`)!.Next).toEqual(expect.any(String));
        }
        // Every step races: its work, and its SLA clock when it has a limit, which hands over after its
        // last rung (the deadlines task is told the hand-over instant); without a limit, the hand-over clock.
        expect((states.get(step.id)!.Branches as Scope[]).map((b) => b.StartAt)).toEqual([
          `${step.id}: open task`, step.limit ? `${step.id}: wait to remind` : `${step.id}: wait to continue`,
        ]);
        if (step.limit) {
          const clock = (states.get(step.id)!.Branches as Scope[])[1]!;
          expect(clock.States[`${step.id}: wait to continue`]).toMatchObject({ Type: 'Wait', TimestampPath: '$.run.continueBy', Next: `${step.id}: continue as new` });
          expect((states.get(`${step.id}: deadlines`)!.Parameters as Record<string, unknown>)['continueBy.$']).toBe('$.run.continueBy');
        }
      }
      // A phase's steps live in its work branch, and nowhere else.
      for (const phase of sop.phases) {
        const work = allStates((machine.States[phase.id]!.Branches as Scope[])[0]!);
        for (const id of phase.steps) {
          expect(work.get(`${id}: open task`)).toBeDefined();
          expect(machine.States[`${id}: open task`]).toBeUndefined();
        }
      }
      for (const s of states.values() as IterableIterator<AslState>) if (s.Type === 'Wait') expect(typeof s.TimestampPath).toBe('string');
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 20) },
  );
});

test('every valid SOP runs its normal path to closure: each step opened once, in order, and nobody reminded', async () => {
  await fc.assert(
    fc.asyncProperty(arbSop, async (input) => {
      const sop = parseSop(input);
      const opened: string[] = [];
      const outcomes: OutcomeRequest[] = [];
      const notices: string[] = [];
      const inAnHour = (i: number) => new Date(Date.now() + 3_600_000 + i * 60_000);
      await runMachine(compileSop(sop), { caseId: 'case-1', sopId: sop.id }, {
        deadlines: (req) => deadlinesAt(4, inAnHour),
        task: async (req: OpenTaskRequest) => {
          opened.push(`${req.kind} ${req.stepId}#${req.visit}`);
          if (req.kind === 'reporterReply') return { satisfied: true, rating: 5, at: new Date().toISOString() };
          const step = sop.steps.find((st) => st.id === req.stepId)!;
          return { action: step.actions[0]!.id, fields: {}, actor: { personId: 'p', role: step.role }, decidedAt: new Date().toISOString() };
        },
        notify: (req) => { notices.push(req.template); },
        outcome: (req) => { outcomes.push(req); },
      });
      const last = sop.steps.at(-1)!.id;
      expect(opened).toEqual([...sop.steps.map((st) => `official ${st.id}#1`), `reporterReply ${last}#1`]);
      expect(notices).toEqual(['acknowledgement', 'closing']);
      expect(outcomes.at(-1)).toMatchObject({ kind: 'reporterFeedback', feedback: { satisfied: true }, closeWhenSatisfied: true });
      expect(outcomes.filter((o) => o.kind === 'phaseDone').map((o) => o.kind === 'phaseDone' && o.phaseId)).toEqual(sop.phases.map((p) => p.id));
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 10) },
  );
});

test('random walks: the machine opens exactly the tasks the SOP says, in order, with each visit counted', async () => {
  const MOVES = 12;
  await fc.assert(
    fc.asyncProperty(arbSop, fc.array(fc.nat(), { minLength: MOVES + 4, maxLength: MOVES + 4 }), async (input, picks) => {
      // Prepare: a model of the SOP says which task opens next; the stubs pick actions at random.
      const sop = parseSop(input);
      const counted = new Map<string, number>();
      const visit = (key: string) => { const n = (counted.get(key) ?? 0) + 1; counted.set(key, n); return n; };
      const start = sop.startAt ?? sop.steps[0]!.id;
      const expected = [`official ${start}#${visit(start)}`];
      const opened: string[] = [];
      let ending = '';
      let moves = 0;
      const outcomes: OutcomeRequest[] = [];
      const now = () => new Date().toISOString();
      // Act
      await runMachine(compileSop(sop), { caseId: 'case-1', sopId: sop.id }, {
        deadlines: () => deadlinesAt(4, (i) => new Date(Date.now() + 3_600_000 + i * 60_000)),
        task: async (req: OpenTaskRequest) => {
          opened.push(`${req.kind} ${req.stepId}#${req.visit}`);
          const pick = picks[moves % picks.length]!;
          moves += 1;
          if (req.kind === 'reporterAnswer') {
            expected.push(`official ${req.stepId}#${visit(req.stepId)}`);
            return { satisfied: false, comment: 'jawaban', at: now() };
          }
          if (req.kind === 'reporterReply') {
            const satisfied = moves > MOVES || pick % 2 === 0;
            const followUp = sop.reporterReply.followUpStep;
            if (satisfied) ending = 'rated';
            else expected.push(`official ${followUp}#${visit(followUp)}`);
            return { satisfied, at: now() };
          }
          const step = sop.steps.find((st) => st.id === req.stepId)!;
          const action = moves > MOVES ? step.actions[0]! : step.actions[pick % step.actions.length]!;
          switch (action.goto) {
            case '@reporter': expected.push(`reporterReply ${step.id}#${visit('@reporter')}`); break;
            case '@askReporter': expected.push(`reporterAnswer ${step.id}#${visit(`${step.id}-ask`)}`); break;
            case '@reject': ending = 'rejected'; break;
            case '@close': ending = 'closed_by_official'; break;
            default: expected.push(`official ${action.goto}#${visit(action.goto)}`);
          }
          return { action: action.id, fields: {}, actor: { personId: 'p', role: step.role }, decidedAt: now() };
        },
        outcome: (req) => { outcomes.push(req); },
      });
      // Assess
      expect(opened).toEqual(expected);
      // A satisfied reply is closed by the feedback's own record; every other ending by an outcome `closed`.
      expect(outcomes.at(-1)).toMatchObject(ending === 'rated'
        ? { kind: 'reporterFeedback', feedback: { satisfied: true }, closeWhenSatisfied: true }
        : { kind: 'closed', reason: ending });
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 10) },
  );
});

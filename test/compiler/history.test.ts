/**
 * The 25,000-event history of one execution, as arithmetic over the compiled machines. Step
 * Functions writes a fixed number of history events per state (entered, scheduled, started,
 * succeeded, exited, …); a loop only turns when people act, so what matters is how many turns fit.
 * Each visit is counted at its worst without retries: every reminder and rung of its ladder sent.
 * The figures are quoted in statemachines/README.md ("Limits kept in mind").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitoringSteps } from '../../shared/sop/monitoring';
import { sops, getSop } from '../../shared/sops';
import { compileSop, type AslMachine, type AslState } from '../../statemachines/compile';
import { chain, type Scope } from './asl';

const HISTORY_LIMIT = 25_000;

/** History events Step Functions records for one state, its branches aside. */
function ownEvents(state: AslState): number {
  switch (state.Type) {
    case 'Task': return state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' ? 6 : 5; // entered, scheduled, started, (submitted,) succeeded, exited
    case 'Parallel': return 4; // entered, started, succeeded or failed, exited
    case 'Fail': return 1; // entered
    default: return 2; // Pass, Choice, Wait, Succeed: entered, exited
  }
}

/**
 * One branch of a race, at its worst: the work and SLA clocks run to their end; the hand-over clock
 * is left at its Wait (entered, aborted); a phase's work branch costs its entry and one way out
 * (its steps are visits of their own).
 */
function branchEvents(branch: Scope): number {
  const first = branch.States[branch.StartAt]!;
  if (first.Type === 'Wait' && first.TimestampPath === '$.run.continueBy') return 2;
  // A step's clock that hands over after its last rung: at its worst every rung is sent, then it is
  // left at the hand-over Wait (entered, aborted) like a hand-over branch of its own.
  const handOver = chain(branch, branch.StartAt).find((n) => branch.States[n]!.TimestampPath === '$.run.continueBy');
  if (handOver) return eventsAlong(branch, branch.StartAt, handOver);
  if (first.Type === 'Choice') {
    // A phase's way out: noted (`leave to …`, when it has several), packed, finished.
    const exit = Object.keys(branch.States).find((n) => n.includes(': leave to ')) ?? Object.keys(branch.States).find((n) => n.endsWith(': pack'))!;
    return ownEvents(first) + eventsAlong(branch, exit);
  }
  return eventsAlong(branch, branch.StartAt);
}

/** Events of the states from `from` along Next, up to and including `to` (or the chain's end). */
function eventsAlong(scope: Scope, from: string, to?: string): number {
  const names = chain(scope, from);
  const upTo = to ? names.slice(0, names.indexOf(to) + 1) : names;
  return upTo.reduce((n, name) => {
    const state = scope.States[name]!;
    return n + ownEvents(state) + ((state.Branches as Scope[] | undefined) ?? []).reduce((b, branch) => b + branchEvents(branch), 0);
  }, 0);
}

/** The scope a state lives in (the machine, or a phase's work branch). */
function scopeOf(machine: AslMachine, name: string): Scope {
  if (name in machine.States) return machine;
  for (const state of Object.values(machine.States)) {
    for (const branch of (state.Branches as Scope[] | undefined) ?? []) if (name in branch.States) return branch;
  }
  throw new Error(`no state ${name}`);
}

const exists = (m: AslMachine, name: string) => { try { return !!scopeOf(m, name); } catch { return false; } };

/**
 * A step visit, to its route, or to its record when it has one action. `begun`: entered straight into
 * its race, the task before it (the previous step's record, Record start) having counted it and
 * computed its deadlines, as on the normal path; otherwise from the state that counts it itself (its
 * deadlines task, or its visit Pass: a successor's resume, the reply loop's follow-up step, a visit
 * handed over first), 5 events more for a limited step, 2 for one without a limit.
 */
function stepVisit(m: AslMachine, id: string, begun = false): number {
  const start = (begun ? [] : [`${id}: deadlines`, `${id}: visit`]).find((n) => exists(m, n)) ?? id;
  const scope = scopeOf(m, start);
  return eventsAlong(scope, start, `${id}: route` in scope.States ? `${id}: route` : `${id}: record`);
}

/**
 * One turn of the reporter's reply loop: the follow-up step and every step after it on the normal
 * path to the answer, their phases, the answer and the reply window.
 */
function replyLoop(m: AslMachine, sopId: string): number {
  const sop = getSop(sopId);
  let events = 0;
  const phases = new Set<string>();
  // The reply window's route goes to the follow-up step's own first state; each later visit is begun by the record before it.
  for (let id = sop.reporterReply.followUpStep, begun = false; ; begun = true) {
    const step = sop.steps.find((s) => s.id === id)!;
    events += stepVisit(m, id, begun);
    const phase = sop.phases.find((p) => p.steps.includes(id));
    if (phase && !phases.has(phase.id)) {
      phases.add(phase.id);
      events += eventsAlong(m, `${phase.id}: enter at ${id}`, `${phase.id}: leave` in m.States ? `${phase.id}: leave` : `${phase.id}: record`);
    }
    const next = step.actions[0]!.goto;
    if (next === '@reporter') return events + eventsAlong(m, 'Reporter window', 'Reporter window: route');
    id = next;
  }
}

describe.each(sops.map((s) => [s.id] as const))('%s: how many turns of a loop fit in one execution', (sopId) => {
  const machine = compileSop(getSop(sopId));

  test('a step visit, every rung of its ladder sent, stays under 80 events: over 300 visits fit in one execution', () => {
    const monitoring = monitoringSteps(getSop(sopId));
    for (const step of getSop(sopId).steps) {
      // A monitoring path runs inside its late step's visit (counted there, below).
      if (monitoring.has(step.id)) continue;
      const events = stepVisit(machine, step.id);
      // Entered by its own counting state, when it has one (the worst way in): never fewer than begun.
      expect(stepVisit(machine, step.id, true)).toBeLessThanOrEqual(events);
      // A late step whose ladder opens a monitoring path carries that path in its clock: the
      // inspectorate's step and the Bupati's, each with its own race (SP4N-LAPOR!: the follow-up,
      // visited once per case, as no action leads back to it).
      const bound = step.escalation?.rungs.some((r) => r.kind === 'monitor') ? 200 : 80;
      expect({ step: step.id, events: events < bound }).toEqual({ step: step.id, events: true });
    }
  });

  test('the reporter may reply unsatisfied 50 times, every step answering late each time, within the limit', () => {
    expect(replyLoop(machine, sopId) * 50).toBeLessThan(HISTORY_LIMIT);
  });
});

test('the Health Office draft may be returned 150 times, both steps answering late each time', () => {
  const m = compileSop(getSop('dinkes-muba'));
  // Each visit begun by the other's record (the return, the draft submitted).
  expect((stepVisit(m, 'analisa', true) + stepVisit(m, 'persetujuan', true)) * 150).toBeLessThan(HISTORY_LIMIT);
});

/** A limited step's visit decided before its reminder: its clock branch only entered its first Wait (and was abandoned). */
function onTime(m: AslMachine, id: string): number {
  const race = scopeOf(m, id).States[id]!;
  const clock = (race.Branches as Scope[])[1]!;
  return stepVisit(m, id, true) - branchEvents(clock) + 2;
}

test('the figures statemachines/README.md quotes are the compiled machines\' own', () => {
  const readme = readFileSync(join(__dirname, '../../statemachines/README.md'), 'utf8').replace(/\s+/g, ' ');
  const lib = compileSop(getSop('perpustakaan-muba'));
  const musi = compileSop(getSop('dukcapil-mura'));
  const dinkes = compileSop(getSop('dinkes-muba'));
  // The worst ordinary step visit (a late step that carries a monitoring path is bounded on its own, above).
  const ordinary = (s: (typeof sops)[number]) => s.steps.filter((st) => !monitoringSteps(s).has(st.id) && !st.escalation?.rungs.some((r) => r.kind === 'monitor'));
  const worst = Math.max(...sops.flatMap((s) => ordinary(s).map((st) => stepVisit(compileSop(s), st.id, true))));
  const own = Math.max(...sops.flatMap((s) => ordinary(s).map((st) => stepVisit(compileSop(s), st.id) - stepVisit(compileSop(s), st.id, true))));
  const returns = stepVisit(dinkes, 'analisa', true) + stepVisit(dinkes, 'persetujuan', true);
  const dinkesLoop = replyLoop(dinkes, 'dinkes-muba');
  const quoted = [
    `a limited step visit begun by the task before it is ${onTime(lib, 'periksa')} events when decided before the reminder and **${worst}** with its whole ladder`,
    `${own} more when a visit counts itself`,
    `a step without a limit of its own ${stepVisit(musi, 'tangani', true)}, its phase ${eventsAlong(musi, 'penanganan', 'penanganan: record')} per phase visit`,
    `the reply window ${eventsAlong(lib, 'Reporter window', 'Reporter window: route')}.`,
    `is ${replyLoop(lib, 'perpustakaan-muba')} events for the library and SP4N-LAPOR!, ${replyLoop(musi, 'dukcapil-mura')} for Musi Rawas, **${dinkesLoop}** for the Health Office`,
    `(analysis + approval) ${returns}.`,
    `**${Math.floor(HISTORY_LIMIT / dinkesLoop)} unsatisfied replies**`,
    `**${Math.floor(HISTORY_LIMIT / returns)} returned drafts**`,
  ];
  expect(replyLoop(compileSop(getSop('sp4n-lapor-muara-enim')), 'sp4n-lapor-muara-enim')).toBe(replyLoop(lib, 'perpustakaan-muba'));
  for (const text of quoted) expect({ quoted: readme.includes(text), text }).toEqual({ quoted: true, text });
});

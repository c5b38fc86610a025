/**
 * What an outcome task answers the machine, apart from the contract's schemas (so that a function that
 * only records outcomes through the use cases need not build them at cold start).
 */
import type { Deadlines, DeadlinesRequest, NextVisit, OutcomeRequest, OutcomeResult, Run } from './contract';

/** What outcome answers for a request, besides what it records: the part of the answer that needs no store. */
export function outcomeAnswer(req: OutcomeRequest, facts: { continueBy?: string; satisfied?: boolean } = {}): OutcomeResult {
  switch (req.kind) {
    case 'started': return facts.continueBy === undefined ? undefined : { continueBy: facts.continueBy };
    case 'phaseDone': return req.run;
    case 'reporterFeedback': return { satisfied: facts.satisfied ?? req.feedback.satisfied };
    default: return undefined;
  }
}

/** The deadlines of a visit, as its deadlines task would compute them (and raise ContinueDue, given `continueBy`). */
export type DeadlinesOf = (ask: Pick<DeadlinesRequest, 'scope' | 'id' | 'visit' | 'continueBy'>) => Promise<Deadlines>;

/**
 * `run` with the visit `next` begun, as its own counting task would have: its counter counted
 * (`n + 1`), with its deadlines (and a phase's entry step). A reply window's step is the one that
 * answered (`run.answered.stepId`) unless named.
 */
export async function beginVisit(run: Run, next: NextVisit, deadlinesOf: DeadlinesOf): Promise<Run> {
  const visit = (run.visits[next.counter]?.n ?? 0) + 1;
  const d = next.deadlines;
  const answered = (run as { answered?: { stepId?: unknown } }).answered?.stepId;
  const id = d?.id ?? (d?.scope === 'replyWindow' && typeof answered === 'string' ? answered : undefined);
  if (d && !id) throw new Error(`No step has answered the reporter before its reply window (${next.counter})`);
  const sla = d ? await deadlinesOf({ scope: d.scope, id: id!, visit, ...(d.handsOver ? { continueBy: run.continueBy } : {}) }) : undefined;
  return { ...run, visits: { ...run.visits, [next.counter]: { n: visit, ...(next.entry ? { entry: next.entry } : {}), ...(sla ? { sla } : {}) } } };
}

/**
 * The answer of an outcome task that begins the next visit (machines compiled with `first`, `run` and
 * `next`), built on `answer` (`outcomeAnswer`'s): `started` adds `first` (`{n: 0}` for a successor,
 * whose counters come from its `resume`); `stepDone` answers `run`, noting the step as the one that
 * answered when `answering`, with the visit its decision's action begins; `phaseDone` the carried run
 * with its way out's visit. Call it once everything else is recorded: a ContinueDue raised by
 * `deadlinesOf` then leaves nothing half-done.
 */
export async function answerBeginning(req: OutcomeRequest, answer: OutcomeResult, deadlinesOf: DeadlinesOf): Promise<OutcomeResult> {
  switch (req.kind) {
    case 'started': {
      if (!req.first || !answer || !('continueBy' in answer) || typeof answer.continueBy !== 'string') return answer;
      const counter = req.first.counter;
      if (req.input?.resume !== undefined) return { ...answer, first: { n: 0 } };
      const run = await beginVisit({ continueBy: answer.continueBy, visits: { [counter]: { n: 0 } } }, req.first, deadlinesOf);
      return { ...answer, first: run.visits[counter]! };
    }
    case 'stepDone': {
      if (!req.run) return answer;
      const run = req.answering ? { ...req.run, answered: { stepId: req.stepId } } : req.run;
      const next = req.next?.[req.decision.action];
      return next ? beginVisit(run, next, deadlinesOf) : run;
    }
    case 'phaseDone': return req.run && req.next ? beginVisit(req.run, req.next, deadlinesOf) : answer;
    default: return answer;
  }
}

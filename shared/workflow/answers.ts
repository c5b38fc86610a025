/**
 * What an outcome task answers the machine, apart from the contract's schemas (so that a function that
 * only records outcomes through the use cases need not build them at cold start).
 */
import type { OutcomeRequest, OutcomeResult } from './contract';

/** What outcome answers for a request, besides what it records: the part of the answer that needs no store. */
export function outcomeAnswer(req: OutcomeRequest, facts: { continueBy?: string; satisfied?: boolean } = {}): OutcomeResult {
  switch (req.kind) {
    case 'started': return facts.continueBy === undefined ? undefined : { continueBy: facts.continueBy };
    case 'phaseDone': return req.run;
    case 'reporterFeedback': return { satisfied: facts.satisfied ?? req.feedback.satisfied };
    default: return undefined;
  }
}

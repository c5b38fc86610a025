/**
 * The contract between a report's review machine (statemachines/report-review.ts) and the report
 * function, which runs its workflow side. The execution carries ids, the turn number and instants
 * only: the notes and letters the reviewers write stay on their task records.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';
import { Deadlines } from './contract';

/** The one placeholder of a review machine: the report function (CDK substitution, or the local runtime's in-process handler). */
export const REVIEW_FUNCTION_PLACEHOLDER = 'ReportFunctionArn';

/** Raised (Fail state) by a turn's work branch once the reviewer has acted; caught on the turn's race. */
export const REVIEW_TURN_DONE = 'ReviewTurnDone';

/** The key of a report's review machine (STATE_MACHINES) and the stem of its ASL file. */
export const reviewMachineKey = (sopId: string, reportId: string) => `${sopId}.${reportId}.review`;

/** The execution's name: one per report and period, so a repeated schedule run starts nothing twice. */
export const reviewExecutionName = (sopId: string, reportId: string, periodId: string) => `${sopId}-${reportId}-${periodId}`.slice(0, 80);

/** The execution's input. */
export const ReviewInput = /* @__PURE__ */ lazy(() => z.object({
  sopId: z.string().check(z.minLength(1)),
  reportId: z.string().check(z.minLength(1)),
  periodId: z.string().check(z.minLength(1)),
  /** The schedule's instant: the first turn's deadlines count from it (a fact of the input, so a re-entered state computes the same). */
  startedAt: z.string().check(z.minLength(1)),
}));
export type ReviewInput = z.infer<typeof ReviewInput>;

/** The fields every request has (a function, so that it builds nothing at import). */
const base = () => ({
  ...ReviewInput.shape,
  executionId: z.string().check(z.minLength(1)),
  /** `$$.State.EnteredTime`: the handler's "now". */
  enteredAt: z.string().check(z.minLength(1)),
  /** 1-based turn of `report.review`. */
  turn: z.int().check(z.gte(1)),
});

/**
 * What the review machine invokes the report function with:
 * - `reviewDeadlines` → `$.sla` (the turn's reminder, due and escalation instants);
 * - `reviewOpen` (.waitForTaskToken): open the turn's task and mail its link; the callback says only that it was done;
 * - `reviewNotice`: the reminder to the reviewer, or the escalation to their superior, once each;
 * - `reviewDeliver`: the approved report to the schedule's recipients (`turn` = the number of turns).
 */
export const ReviewRequest = /* @__PURE__ */ lazy(() => z.discriminatedUnion('kind', [
  z.object({ ...base(), kind: z.literal('reviewDeadlines') }),
  z.object({ ...base(), kind: z.literal('reviewOpen'), taskToken: z.string().check(z.minLength(1)) }),
  z.object({ ...base(), kind: z.literal('reviewNotice'), notice: z.enum(['reminder', 'escalation']) }),
  z.object({ ...base(), kind: z.literal('reviewDeliver') }),
]));
export type ReviewRequest = z.infer<typeof ReviewRequest>;

export { Deadlines };

/**
 * How long one execution of a case lives, and how its successors are named.
 *
 * A Standard execution lives at most a year, but a case may wait for a person longer than that:
 * the ladder reaches the Bupati within days, and afterwards the case just stays open with working
 * links. So well before its year is up an execution *continues as new*: it hands its position
 * over to a successor execution of the same state machine and ends (statemachines/README.md).
 * The first execution is named after the case; its successors `<caseId>-c2`, `<caseId>-c3`, …
 */

/** The most a Standard execution may run (the machine's `TimeoutSeconds`): one year. */
export const EXECUTION_TIMEOUT_SECONDS = 365 * 24 * 3600;

/**
 * Age at which an execution hands over to its successor: 360 days, leaving five days before the
 * year runs out for a hand-over that has to wait (a decision on its way, Step Functions throttling).
 */
export const CONTINUE_AS_NEW_AFTER_SECONDS = 360 * 24 * 3600;

/** Step Functions refuses execution names longer than this. */
const MAX_EXECUTION_NAME = 80;

/** The name of a case's execution of generation `n` (1: the one intake starts). */
export function executionName(caseId: string, generation: number): string {
  const name = generation === 1 ? caseId : `${caseId}-c${generation}`;
  if (name.length > MAX_EXECUTION_NAME) throw new Error(`Execution name ${name} is longer than ${MAX_EXECUTION_NAME} characters`);
  return name;
}

/**
 * The generation of one of the case's executions, from its ARN (`…:execution:<machine>:<name>`);
 * undefined for an execution that is not named as the case's are.
 */
export function generationOf(caseId: string, executionArn: string): number | undefined {
  const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
  if (name === caseId) return 1;
  const match = name.startsWith(`${caseId}-c`) ? /^(\d+)$/.exec(name.slice(caseId.length + 2)) : null;
  const n = match ? Number(match[1]) : NaN;
  return n >= 2 ? n : undefined;
}

/** Whether `executionArn` continues (directly or not) the case's execution `than`. */
export function isLaterExecution(caseId: string, executionArn: string, than: string): boolean {
  const [a, b] = [generationOf(caseId, executionArn), generationOf(caseId, than)];
  return a !== undefined && b !== undefined && a > b;
}

/** The name of the execution that continues `executionArn` (of case `caseId`). */
export function successorName(caseId: string, executionArn: string): string {
  const n = generationOf(caseId, executionArn);
  if (n === undefined) throw new Error(`Execution ${executionArn} is not one of case ${caseId}'s: it cannot be continued`);
  return executionName(caseId, n + 1);
}

/** The instant by which an execution that started at `startedAt` hands over to its successor. */
export function continueBy(startedAt: Date): Date {
  return new Date(startedAt.getTime() + CONTINUE_AS_NEW_AFTER_SECONDS * 1000);
}

/**
 * The key of a visit counter in `$.run.visits` and in a successor's `resume.visits`: the step,
 * phase or window id made JSONPath-safe (step ids carry dashes). The compiler names them so.
 */
export function visitKey(id: string): string {
  return id.replace(/-/g, '_');
}

/**
 * The compiler of a report's review chain (`reports[].review` of an SOP) → one Standard state
 * machine, JSONPath only: `statemachines/<sopId>.<reportId>.review.asl.json`.
 *
 * Per turn T (1-based) of the chain:
 *
 *   Turn T: deadlines   Task      report function {reviewDeadlines} → $.sla
 *   Turn T              Parallel  race:
 *                         work:  Turn T: open task (.waitForTaskToken, result dropped) → Turn T: done (Fail ReviewTurnDone)
 *                         clock: Wait $.sla.remindAt → remind → Wait $.sla.dueAt → escalate → Succeed
 *                       Catch ReviewTurnDone → the next turn
 *   Deliver             Task      report function {reviewDeliver}: the approved report to the recipients
 *
 * The callback's output is dropped (`ResultPath: null`): the reviewer's notes and letters stay on
 * the task record, and the chain has no branch, so the execution needs nothing of the decision.
 * Finishing the work fails its branch, which ends the race at once: no reminder after the decision.
 */
import type { ReportSchedule, Sop } from '../shared/sop/schema';
import { EXECUTION_TIMEOUT_SECONDS } from '../shared/workflow/executions';
import { REVIEW_FUNCTION_PLACEHOLDER, REVIEW_TURN_DONE } from '../shared/workflow/review-contract';
import type { AslMachine, AslState } from './compile';

const lambdaErrors = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
const retry = [
  { ErrorEquals: lambdaErrors, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
  { ErrorEquals: ['Lambda.Unknown', 'States.TaskFailed'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 },
];
const resource = 'arn:aws:states:::lambda:invoke';
const fn = `\${${REVIEW_FUNCTION_PLACEHOLDER}}`;

const base = {
  'sopId.$': '$.sopId',
  'reportId.$': '$.reportId',
  'periodId.$': '$.periodId',
  'startedAt.$': '$.startedAt',
  'executionId.$': '$$.Execution.Id',
  'enteredAt.$': '$$.State.EnteredTime',
};

const names = {
  deadlines: (t: number) => `Turn ${t}: deadlines`,
  race: (t: number) => `Turn ${t}`,
  open: (t: number) => `Turn ${t}: open task`,
  done: (t: number) => `Turn ${t}: done`,
  waitRemind: (t: number) => `Turn ${t}: wait to remind`,
  remind: (t: number) => `Turn ${t}: remind`,
  waitDue: (t: number) => `Turn ${t}: wait for deadline`,
  escalate: (t: number) => `Turn ${t}: escalate`,
  clockDone: (t: number) => `Turn ${t}: clock done`,
  deliver: 'Deliver',
  delivered: 'Delivered',
};

const invoke = (payload: Record<string, unknown>, next: string | undefined, extra: Record<string, unknown> = {}): AslState => ({
  Type: 'Task',
  Resource: resource,
  Parameters: { FunctionName: fn, Payload: { ...base, ...payload } },
  ...extra,
  Retry: retry,
  ...(next ? { Next: next } : { End: true }),
});

/** The review machine of one report; throws when the report has no review chain. */
export function compileReportReview(sop: Sop, report: ReportSchedule): AslMachine {
  if (!report.review.length) throw new Error(`Report ${report.id} of SOP ${sop.id} has no review chain`);
  const states: Record<string, AslState> = {};
  const turns = report.review.length;
  for (let t = 1; t <= turns; t++) {
    const next = t < turns ? names.deadlines(t + 1) : names.deliver;
    states[names.deadlines(t)] = invoke({ kind: 'reviewDeadlines', turn: t }, names.race(t), { ResultSelector: { 'remindAt.$': '$.Payload.remindAt', 'dueAt.$': '$.Payload.dueAt' }, ResultPath: '$.sla' });
    states[names.race(t)] = {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: names.open(t),
          States: {
            [names.open(t)]: {
              Type: 'Task',
              Resource: `${resource}.waitForTaskToken`,
              Parameters: { FunctionName: fn, Payload: { ...base, kind: 'reviewOpen', turn: t, 'taskToken.$': '$$.Task.Token' } },
              TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
              ResultPath: null,
              Retry: retry,
              Next: names.done(t),
            },
            [names.done(t)]: { Type: 'Fail', Error: REVIEW_TURN_DONE, Cause: `turn ${t} done` },
          },
        },
        {
          StartAt: names.waitRemind(t),
          States: {
            [names.waitRemind(t)]: { Type: 'Wait', TimestampPath: '$.sla.remindAt', Next: names.remind(t) },
            [names.remind(t)]: invoke({ kind: 'reviewNotice', notice: 'reminder', turn: t }, names.waitDue(t), { ResultPath: null }),
            [names.waitDue(t)]: { Type: 'Wait', TimestampPath: '$.sla.dueAt', Next: names.escalate(t) },
            [names.escalate(t)]: invoke({ kind: 'reviewNotice', notice: 'escalation', turn: t }, names.clockDone(t), { ResultPath: null }),
            [names.clockDone(t)]: { Type: 'Succeed' },
          },
        },
      ],
      ResultPath: null,
      Catch: [{ ErrorEquals: [REVIEW_TURN_DONE], ResultPath: null, Next: next }],
      Next: next,
    };
  }
  states[names.deliver] = invoke({ kind: 'reviewDeliver', turn: turns }, names.delivered, { ResultPath: null });
  states[names.delivered] = { Type: 'Succeed' };
  return {
    Comment: `Review chain of report ${report.id} of SOP ${sop.id} (${report.review.map((r) => r.role).join(' -> ')}), then delivery to ${report.recipients.join(', ')}. Generated by statemachines/report-review.ts; do not edit.`,
    StartAt: names.deadlines(1),
    States: states,
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
  };
}

/** Every report with a review chain, with the file stem of its machine. */
export function reviewedReports(sops: readonly Sop[]): { sop: Sop; report: ReportSchedule; stem: string }[] {
  return sops.flatMap((sop) => sop.reports.filter((r) => r.review.length).map((report) => ({ sop, report, stem: `${sop.id}.${report.id}.review` })));
}

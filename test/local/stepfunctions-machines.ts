/**
 * Small hand-written state machines for the local engine's tests, in the shapes the compiler emits:
 * the race of a callback task and an SLA clock of Wait states (architecture.md), retries on a named
 * error, task timeouts and heartbeats, and a plain long Wait.
 */

const lambdaRetry = [{ ErrorEquals: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }];

/** One step: deadlines, then the work (callback) races the clock (remind → escalate 1 → escalate 2); a final Wait closes. */
export const raceMachine = {
  Comment: 'One step as a race of work and clock',
  StartAt: 'Deadlines',
  States: {
    Deadlines: {
      Type: 'Task',
      Resource: '${DeadlinesFunctionArn}',
      Parameters: { 'caseId.$': '$.caseId', 'executionId.$': '$$.Execution.Id', 'enteredAt.$': '$$.State.EnteredTime' },
      ResultPath: '$.sla',
      Retry: lambdaRetry,
      Next: 'Race',
    },
    Race: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: '${TaskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'caseId.$': '$.caseId', 'enteredAt.$': '$$.State.EnteredTime' } },
              TimeoutSeconds: 31536000,
              Retry: lambdaRetry,
              ResultPath: '$.result',
              Next: 'Stringify',
            },
            Stringify: { Type: 'Pass', Parameters: { 'cause.$': 'States.JsonToString($.result)' }, Next: 'Done' },
            Done: { Type: 'Fail', Error: 'StepDone', CausePath: '$.cause' },
          },
        },
        {
          StartAt: 'Until remind',
          States: {
            'Until remind': { Type: 'Wait', TimestampPath: '$.sla.remindAt', Next: 'Remind' },
            Remind: notify('reminder', 0, 'Until due'),
            'Until due': { Type: 'Wait', TimestampPath: '$.sla.dueAt', Next: 'Escalate 1' },
            'Escalate 1': notify('escalation', 1, 'Until rung 2'),
            'Until rung 2': { Type: 'Wait', TimestampPath: '$.sla.rung2At', Next: 'Escalate 2' },
            'Escalate 2': notify('escalation', 2, undefined),
          },
        },
      ],
      Catch: [{ ErrorEquals: ['StepDone'], ResultPath: '$.done', Next: 'Decode' }],
      End: true,
    },
    Decode: { Type: 'Pass', Parameters: { 'caseId.$': '$.caseId', 'sla.$': '$.sla', 'decision.$': 'States.StringToJson($.done.Cause)' }, Next: 'Until close' },
    'Until close': { Type: 'Wait', TimestampPath: '$.sla.closeAt', Next: 'Close' },
    Close: notify('closed', 0, undefined),
  },
};

function notify(template: string, level: number, next: string | undefined) {
  return {
    Type: 'Task',
    Resource: '${NotifyFunctionArn}',
    Parameters: { template, level, 'caseId.$': '$.caseId', 'enteredAt.$': '$$.State.EnteredTime' },
    Retry: [...lambdaRetry, { ErrorEquals: ['MailDeliveryFailed'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2 }],
    ResultPath: null,
    ...(next ? { Next: next } : { End: true }),
  };
}

/** A notice whose delivery may fail by name: retried on the clock, then caught. */
export const retryMachine = {
  StartAt: 'Send',
  States: {
    Send: {
      Type: 'Task',
      Resource: '${NotifyFunctionArn}',
      Parameters: { 'caseId.$': '$.caseId', 'enteredAt.$': '$$.State.EnteredTime' },
      Retry: [
        { ErrorEquals: ['MailDeliveryFailed'], IntervalSeconds: 10, MaxAttempts: 2, BackoffRate: 2 },
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 1 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Refused' }],
      ResultPath: '$.sent',
      End: true,
    },
    Refused: { Type: 'Pass', End: true },
  },
};

/** A callback task with a one-hour timeout, or (heartbeat variant) a ten-minute heartbeat. */
export function waitingMachine(limits: { TimeoutSeconds?: number; HeartbeatSeconds?: number }) {
  return {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${TaskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'caseId.$': '$.caseId' } },
        ...limits,
        Catch: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Lapsed' }],
        ResultPath: '$.answer',
        End: true,
      },
      Lapsed: { Type: 'Pass', End: true },
    },
  };
}

/** Two long Waits: sixty days by `Seconds`, then an instant taken from the input by `TimestampPath`. */
export const longWaitMachine = {
  StartAt: 'Sixty days',
  States: {
    'Sixty days': { Type: 'Wait', Seconds: 60 * 24 * 3600, Next: 'Until' },
    Until: { Type: 'Wait', TimestampPath: '$.until', End: true },
  },
};

/**
 * A callback beside a loop of three ten-minute Waits, each followed by a notice: the same states are
 * entered again and again inside one branch, and each Wait counts from when it is entered.
 */
export const tickingMachine = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: '${TaskFunctionArn}', Payload: { 'taskToken.$': '$$.Task.Token', 'caseId.$': '$.caseId' } },
              End: true,
            },
          },
        },
        {
          StartAt: 'Count',
          States: {
            Count: { Type: 'Pass', Parameters: { 'caseId.$': '$.caseId', n: 0 }, Next: 'Tick' },
            Tick: { Type: 'Wait', Seconds: 600, Next: 'Note' },
            Note: {
              Type: 'Task',
              Resource: '${NotifyFunctionArn}',
              Parameters: { template: 'tick', 'level.$': '$.n', 'caseId.$': '$.caseId', 'enteredAt.$': '$$.State.EnteredTime' },
              ResultPath: null,
              Next: 'Inc',
            },
            Inc: { Type: 'Pass', Parameters: { 'caseId.$': '$.caseId', 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'More?' },
            'More?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 3, Next: 'Tick' }], Default: 'Ticked' },
            Ticked: { Type: 'Succeed' },
          },
        },
      ],
      End: true,
    },
  },
};

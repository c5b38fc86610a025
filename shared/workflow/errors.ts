/**
 * The errors the state machines know by name, on their own: the use cases that raise them run in
 * HTTP and scheduled functions too, which have no use for the payload schemas of contract.ts, and
 * every zod schema a module defines is built when the module is loaded, at cold start.
 */

/** Errors the state machines know by name. */
export const WorkflowError = {
  /** Raised (Fail state) by the work branch of a step's race when the step is done. */
  stepDone: 'StepDone',
  phaseDone: 'PhaseDone',
  /** Raised by the clock branch of the reporter's window when it elapses. */
  replyWindowElapsed: 'ReplyWindowElapsed',
  /** Raised by notify when SES refuses a message after its own retries. */
  deliveryFailed: 'MailDeliveryFailed',
  /**
   * Raised (Fail state) by a race's hand-over branch once a successor execution has taken the
   * case over (continue-as-new, shared/workflow/executions.ts); caught by the top-level races.
   */
  continueAsNew: 'ContinueAsNew',
  /** Raised by outcome `continueAsNew` when it cannot hand over yet; the state machine retries it. */
  continuePending: 'ContinuePending',
  /**
   * Raised by a step's deadlines when its ladder would outlast the execution's hand-over instant
   * (`DeadlinesRequest.continueBy`): the visit is handed over before it begins (the clock of a step
   * hands over only after its last rung), never retried.
   */
  continueDue: 'ContinueDue',
} as const;

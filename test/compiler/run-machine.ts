/**
 * Runs a compiled machine on aws-local-stepfunctions with stub workflow handlers, for the compiler's
 * execution tests. Kept small and local to test/compiler: the local runtime has its own engine.
 *
 * What the library leaves out, and how this fills it in:
 * - it provides no `$$.Task.Token` and a fixed context: the context carries placeholders, and each
 *   stub replaces them (a fresh token per callback task; the real time for `$$.State.EnteredTime`);
 * - it arms a real setTimeout for every Task and for the execution: one year overflows Node's timer
 *   (~24.8 days) and would fire at once, so the copy run here drops the execution timeout and caps
 *   task timeouts; the committed machine is not changed;
 * - Wait states keep their TimestampPath: the stub deadlines handler decides whether an instant is
 *   already past (fires at once) or an hour away (never reached by a test); so does `continueBy`
 *   for the hand-over clock (an hour away unless a scenario says otherwise).
 */
import { StateMachine } from 'aws-local-stepfunctions';
import type { AslMachine, AslState } from '../../statemachines/compile';
import { answerBeginning, outcomeAnswer, WorkflowFunction } from '../../shared/workflow/contract';
import type { Deadlines, DeadlinesRequest, ExecutionInput, NotifyRequest, OpenTaskRequest, OutcomeRequest } from '../../shared/workflow/contract';

const TOKEN = '__token__';
const ENTERED = '__entered__';
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** The Lambda ARN a placeholder stands for here, as CDK's definitionSubstitutions would put it. */
const fn = (name: keyof typeof WorkflowFunction) => `arn:aws:lambda:ap-southeast-3:000000000000:function:${WorkflowFunction[name]}`;

/** What a scenario answers for each kind of workflow call. */
export interface Stubs {
  deadlines(req: DeadlinesRequest): Deadlines;
  /** Resolves with what SendTaskSuccess would deliver: a decision, an answer or the reporter's feedback. */
  task(req: OpenTaskRequest): Promise<unknown>;
  notify?(req: NotifyRequest): void;
  /** May throw a named error (ContinuePending) as the handler would, or take its time (a promise). */
  outcome?(req: OutcomeRequest): void | Promise<void>;
  /** When the execution hands over (outcome `started`); an hour away by default, which no test reaches. */
  continueBy?(): Date;
}

/** Deadlines whose every instant is `at(i)` (i = 0 remind, 1 due, 2… rungs). */
export function deadlinesAt(rungs: number, at: (i: number) => Date): Deadlines {
  return {
    startedAt: new Date().toISOString(),
    remindAt: at(0).toISOString(),
    dueAt: at(1).toISOString(),
    rungs: Array.from({ length: rungs }, (_, i) => ({ level: i + 1, at: at(i + 2).toISOString() })),
    calendarVersion: 'test',
  };
}

/** Every Task state of a machine, branches included. */
function tasks(states: Record<string, AslState>, out = new Map<string, AslState>()): Map<string, AslState> {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') out.set(name, state);
    for (const b of (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []) tasks(b.States, out);
  }
  return out;
}

function capTimeouts(states: Record<string, AslState>): void {
  for (const state of Object.values(states)) {
    if (state.Type === 'Task') state.TimeoutSeconds = 600;
    for (const b of (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []) capTimeouts(b.States);
  }
}

/** Runs one execution to its end; resolves with its output, rejects with the execution's error. */
export async function runMachine(machine: AslMachine, input: ExecutionInput, stubs: Stubs, executionName = input.caseId): Promise<unknown> {
  // Substituted as on AWS, so the library's own validation (asl-validator) sees real ARNs.
  const text = JSON.stringify(machine).replace(/\$\{(\w+)\}/g, (_, name: string) => `arn:aws:lambda:ap-southeast-3:000000000000:function:${name}`);
  const definition = JSON.parse(text) as AslMachine;
  delete definition.TimeoutSeconds;
  capTimeouts(definition.States);
  let tokens = 0;
  const fill = (v: unknown, token: string): unknown => {
    if (v === TOKEN) return token;
    if (v === ENTERED) return new Date().toISOString();
    if (Array.isArray(v)) return v.map((x) => fill(x, token));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, token)]));
    return v;
  };
  const handlers: Record<string, (input: never) => Promise<never>> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [name, state] of tasks(definition.States)) {
    retryIntervalOverrides[name] = 0;
    if (state.Resource === CALLBACK) {
      if ((state.Parameters as { FunctionName: string }).FunctionName !== fn('task')) throw new Error(`Callback task "${name}" does not call the task function`);
      handlers[name] = (async (params: { Payload: OpenTaskRequest }) => stubs.task(fill(params.Payload, `token-${++tokens}`) as OpenTaskRequest)) as never;
    } else if (state.Resource === fn('deadlines')) {
      // As the handler does: the deadlines go back with the visit they were asked for.
      handlers[name] = (async (req: DeadlinesRequest) => { const filled = fill(req, '') as DeadlinesRequest; return { ...stubs.deadlines(filled), visit: filled.visit }; }) as never;
    } else if (state.Resource === fn('notify')) {
      handlers[name] = (async (req: NotifyRequest) => { stubs.notify?.(fill(req, '') as NotifyRequest); return {}; }) as never;
    } else if (state.Resource === fn('outcome')) {
      handlers[name] = (async (req: OutcomeRequest) => {
        const filled = fill(req, '') as OutcomeRequest;
        await stubs.outcome?.(filled);
        // What the handler answers besides recording (the contract's own function): when it hands over, the verdict, the carried run.
        const continueBy = filled.kind === 'started' ? (stubs.continueBy?.() ?? new Date(Date.now() + 3_600_000)).toISOString() : undefined;
        // A record that begins the next visit asks the deadlines stub for it, as the handler computes it.
        const deadlinesOf = async (ask: Pick<DeadlinesRequest, 'scope' | 'id' | 'visit' | 'continueBy'>) => ({
          ...stubs.deadlines({ caseId: filled.caseId, executionId: filled.executionId, enteredAt: filled.enteredAt, ...ask }), visit: ask.visit,
        });
        return (await answerBeginning(filled, outcomeAnswer(filled, { continueBy }), deadlinesOf)) ?? {};
      }) as never;
    } else {
      throw new Error(`Task "${name}" calls ${String(state.Resource)}, which no stub answers`);
    }
  }
  const run = new StateMachine(definition as never).run(input, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
    context: {
      Execution: { Id: `arn:aws:states:ap-southeast-3:000000000000:execution:${input.sopId}:${executionName}`, Name: executionName },
      State: { EnteredTime: ENTERED },
      Task: { Token: TOKEN },
    } as never,
  });
  return run.result;
}

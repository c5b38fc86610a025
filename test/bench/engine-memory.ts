/**
 * The engine alone with `n` open cases of the library's SOP, parked on their first step (stub
 * workflow functions answering as the contract says): live heap per parked execution, in seconds
 * rather than the memory section's minutes. `npx tsx test/bench/engine-memory.ts [n]` prints it
 * (`test/local/engine-memory.test.ts` holds it under a bound).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VirtualClock } from '../../infra/local/clock';
import { LocalStepFunctions } from '../../infra/local/stepfunctions/engine';
import { answerBeginning, DeadlinesRequest, OutcomeRequest, outcomeAnswer, StartedResult, WorkflowFunction } from '../../shared/workflow/contract';
import { continueBy } from '../../shared/workflow/executions';

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'tanggap-engine-memory-'));
  const clock = new VirtualClock({ startAt: new Date('2026-11-23T02:00:00Z'), frozen: true });
  const later = (hours: number) => new Date(clock.now().getTime() + hours * 3600_000).toISOString();
  const deadlines = async (p: unknown) => ({ startedAt: later(0), remindAt: later(6), dueAt: later(8), rungs: [1, 2, 3].map((level) => ({ level, at: later(8 + 24 * level) })), calendarVersion: 'test', visit: DeadlinesRequest.parse(p).visit });
  // Record start asks for the first visit's deadlines with the step's fields only; the handler adds the
  // request's own (caseId, executionId, enteredAt) as the deadlines use case does. Without them every
  // case's first task failed validation and waited in its Retry: what was measured was not a parked case.
  const deadlinesOf = (req: OutcomeRequest) => async (ask: object) => deadlines({ caseId: req.caseId, executionId: req.executionId, enteredAt: req.enteredAt, ...ask }) as never;
  const engine = new LocalStepFunctions({
    clock, dataDir: dir,
    invokers: {
      [WorkflowFunction.deadlines]: deadlines,
      [WorkflowFunction.task]: async () => ({}),
      [WorkflowFunction.outcome]: async (p) => {
        const req = OutcomeRequest.parse(p);
        // Record start begins the first visit, its deadlines as the deadlines handler computes them.
        const answer = outcomeAnswer(req, req.kind === 'started' ? StartedResult.parse({ continueBy: continueBy(clock.now()).toISOString() }) : {});
        return (await answerBeginning(req, answer, deadlinesOf(req))) ?? {};
      },
      [WorkflowFunction.notify]: async () => ({}),
    },
  });
  clock.settle = () => engine.waitForIdle();
  const sm = engine.createStateMachine('perpustakaan-muba', readFileSync(join(__dirname, '../../statemachines/perpustakaan-muba.asl.json'), 'utf8'));
  engine.resume();
  const start = (i: number) => engine.startExecution({ stateMachineArn: sm, name: `case-${i}`, input: JSON.stringify({ caseId: `case-${i}`, sopId: 'perpustakaan-muba' }) });
  for (let i = 0; i < 20; i++) await start(-1 - i);
  await engine.waitForIdle();
  gc();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < n; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => start(i + k)));
    await engine.waitForIdle();
  }
  await new Promise((r) => setTimeout(r, 50));
  await engine.waitForIdle();
  gc();
  const after = process.memoryUsage().heapUsed;
  const perExecutionKiB = (after - before) / n / 1024;
  if (process.env.ENGINE_MEMORY_JSON) console.log(JSON.stringify({ parked: engine.parkedExecutions(), perExecutionKiB }));
  else console.log(`heap committed ${(process.memoryUsage().heapTotal / 1048576).toFixed(1)} MiB, RSS ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB; ${n} executions started in ${((performance.now() - t0) / 1000).toFixed(1)} s; parked ${engine.parkedExecutions()}, ${clock.pendingTimers().length} timers; live heap +${((after - before) / 1048576).toFixed(1)} MiB, ${((after - before) / n / 1024).toFixed(2)} KiB per parked execution`);
  if (process.env.SNAP) (await import('node:v8')).writeHeapSnapshot(process.env.SNAP);
  engine.close();
  clock.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

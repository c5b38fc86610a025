/**
 * The repair sweep on the local runtime: the stand-in for the EventBridge rule that invokes the
 * sweep function every 5 minutes on AWS (infra/aws/stack.ts). It runs once at start — after a
 * `kill -9`, what the dead process left pending is picked up — and then every `intervalMs` of real
 * time, with the runtime's clock as the event's time (so after `POST /_local/clock`, emails pending
 * for longer than the sweep's grace in clock time are finished at the next run). Real time, not the
 * virtual clock's timers: the sweep is housekeeping, and a day's advance must not run it 288 times.
 * Runs never overlap.
 */
import type { VirtualClock } from './clock';

export type SweepInvoker = (event: { time: string }) => Promise<unknown>;

export class LocalSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: { clock: VirtualClock; invoke: SweepInvoker; intervalMs: number; log: (line: string) => void }) {}

  start(): void {
    void this.runNow();
    if (this.options.intervalMs > 0) {
      this.timer = setInterval(() => { void this.runNow(); }, this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Runs the sweep now (or waits for the run in progress, then runs again); resolves with its answer. */
  async runNow(): Promise<unknown> {
    while (this.running) await this.running.catch(() => undefined);
    if (this.stopped) return undefined;
    const run = this.options.invoke({ time: this.options.clock.now().toISOString() }).catch((err: unknown) => {
      // EventBridge would retry and alarm; locally the notice is printed and the next run tries again.
      this.options.log(`Sweep failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

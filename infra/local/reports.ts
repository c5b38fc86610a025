/**
 * The SOPs' report schedules on the runtime's clock: the local stand-in for EventBridge Scheduler
 * (infra/aws/constructs/reports.ts). Monthly on `dayOfMonth` at `hour` in the regency's time zone,
 * quarterly in January, April, July and October, half-yearly in January and July, with the payload Scheduler sends:
 * `{ sopId, reportId, scheduledTime }`.
 *
 * The last instant each job ran for is kept in DATA_DIR/reports.json, so a run that fell due while
 * the runtime was stopped (or killed) is made up at the next start. The report handler claims each
 * period once, so a run repeated after a crash sends nothing twice.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ReportSchedule, Sop } from '../../shared/sop/schema';
import type { VirtualClock } from './clock';

/** The months a report runs in (0-based), as the CDK schedule's cron expression names them. */
const runMonths = (period: ReportSchedule['period']): readonly number[] => (period === 'monthly' ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] : period === 'quarterly' ? [0, 3, 6, 9] : [0, 6]);

/** The first scheduled instant of `report` strictly after `after`, for a zone `offsetMinutes` east of UTC. */
export function nextReportRun(report: Pick<ReportSchedule, 'period' | 'dayOfMonth' | 'hour'>, after: Date, offsetMinutes: number): Date {
  const local = new Date(after.getTime() + offsetMinutes * 60_000);
  const months = runMonths(report.period);
  for (let i = 0; i < 24; i++) {
    const year = local.getUTCFullYear() + Math.floor((local.getUTCMonth() + i) / 12);
    const month = (local.getUTCMonth() + i) % 12;
    if (!months.includes(month)) continue;
    const at = new Date(Date.UTC(year, month, report.dayOfMonth, report.hour) - offsetMinutes * 60_000);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error('unreachable: a report runs at least once a half-year');
}

export interface ReportJob {
  sopId: string;
  reportId: string;
  period: ReportSchedule['period'];
  nextRunAt: string;
  lastRunAt?: string;
  lastResult?: 'sent' | 'already-sent' | 'failed';
}

export type ReportInvoker = (payload: { sopId: string; reportId: string; scheduledTime: string }) => Promise<unknown>;

export interface ReportSchedulerOptions {
  sops: readonly Sop[];
  clock: VirtualClock;
  offsetMinutes: number;
  /** DATA_DIR/reports.json. */
  file: string;
  /** The report handler, or why it could not be loaded (then nothing is scheduled and `jobs()` says so). */
  invoke: ReportInvoker | { unavailable: string };
  log: (line: string) => void;
}

export class ReportScheduler {
  private readonly lastRun: Record<string, string>;
  private readonly coveredFrom: Record<string, string>;
  private readonly jobList: ReportJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: ReportSchedulerOptions) {
    const state = readState(options.file);
    this.lastRun = state.lastRun;
    this.coveredFrom = state.coveredFrom;
  }

  /** Why reports are not scheduled, when the report handler could not be loaded. */
  get unavailable(): string | undefined {
    return 'unavailable' in this.options.invoke ? this.options.invoke.unavailable : undefined;
  }

  /** Arms one timer per SOP report on the clock. */
  start(): void {
    if (this.unavailable) {
      this.options.log(`Reports are not scheduled: ${this.unavailable}`);
      return;
    }
    for (const sop of this.options.sops) {
      for (const report of sop.reports) {
        const key = `${sop.id}/${report.id}`;
        const ran = this.lastRun[key];
        // The first start is the baseline: a run that falls due after it is made up even after a kill.
        if (!ran) this.coveredFrom[key] ??= this.options.clock.now().toISOString();
        const from = new Date(ran ?? this.coveredFrom[key]!);
        const job: ReportJob = { sopId: sop.id, reportId: report.id, period: report.period, nextRunAt: '', lastRunAt: ran };
        this.jobList.push(job);
        this.arm(job, report, nextReportRun(report, from, this.options.offsetMinutes));
      }
    }
    this.save();
  }

  jobs(): readonly ReportJob[] {
    return this.jobList;
  }

  /** Resolves when no report run is in flight (the clock waits on it after each timer). */
  async idle(): Promise<void> {
    // A timer that just fired starts its run in a promise callback: let it register first.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.running.size) await Promise.all([...this.running]);
  }

  stop(): void {
    this.stopped = true;
  }

  private arm(job: ReportJob, report: ReportSchedule, at: Date): void {
    job.nextRunAt = at.toISOString();
    this.options.clock.sleepUntil(at, () => !this.stopped).then(
      () => {
        const run = this.run(job, at).finally(() => this.running.delete(run));
        this.running.add(run);
        void run.then(() => { if (!this.stopped) this.arm(job, report, nextReportRun(report, at, this.options.offsetMinutes)); });
      },
      () => undefined, // the clock stopped: the runtime is shutting down
    );
  }

  private async run(job: ReportJob, at: Date): Promise<void> {
    const invoke = this.options.invoke as ReportInvoker;
    try {
      const result = (await invoke({ sopId: job.sopId, reportId: job.reportId, scheduledTime: at.toISOString() })) as { sent?: boolean } | undefined;
      job.lastResult = result?.sent === false ? 'already-sent' : 'sent';
    } catch (err) {
      // Scheduler would retry and then dead-letter; locally the run is reported and the schedule goes on.
      job.lastResult = 'failed';
      this.options.log(`Report ${job.sopId}/${job.reportId} for ${at.toISOString()} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    job.lastRunAt = at.toISOString();
    this.lastRun[`${job.sopId}/${job.reportId}`] = job.lastRunAt;
    this.save();
  }

  private save(): void {
    const file = this.options.file;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify({ lastRun: this.lastRun, coveredFrom: this.coveredFrom }));
    renameSync(`${file}.tmp`, file);
  }
}

interface SchedulerState {
  /** The scheduled instant each job last ran for. */
  lastRun: Record<string, string>;
  /** When each job that has not run yet was first scheduled. */
  coveredFrom: Record<string, string>;
}

function readState(file: string): SchedulerState {
  const strings = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string> : {});
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return { lastRun: strings(parsed.lastRun), coveredFrom: strings(parsed.coveredFrom) };
  } catch {
    // First start: no report has run yet.
    return { lastRun: {}, coveredFrom: {} };
  }
}

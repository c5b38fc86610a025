/**
 * The local runtime's clock: real time plus a persisted offset, so that `advance("P60D")` can show a
 * 60-day deadline in a second. Timers are absolute instants; advancing fires every timer that falls
 * due in order, letting the system settle after each, as it would have in real time.
 *
 * Real-time timers are re-armed in chunks, so no timer ever overflows Node's ~24.8-day limit.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Node's setTimeout limit is 2^31-1 ms; stay well below it. */
const MAX_REAL_DELAY_MS = 24 * 3600 * 1000;

interface Timer {
  id: number;
  at: number;
  fire: () => void;
  cancel: (reason: Error) => void;
  /** False once the timer's owner no longer needs it (e.g. its race ended). */
  isLive: () => boolean;
}

export interface VirtualClockOptions {
  /** Where the offset is persisted; in memory only when absent. */
  file?: string;
  /** Start the clock at this instant (only when no offset is persisted yet). */
  startAt?: Date;
  /** Resolves when the system has settled after a timer fired. */
  settle?: () => Promise<void>;
  /**
   * Time moves only by `advance` (tests and scripted demos: instants are exact). Default: the clock
   * follows real time from its persisted offset.
   */
  frozen?: boolean;
}

export class VirtualClock {
  private offsetMs = 0;
  /** The instant a frozen clock shows. */
  private frozenAtMs: number | undefined;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  private realTimer: NodeJS.Timeout | undefined;
  private advancing = false;
  settle: () => Promise<void>;

  constructor(private readonly options: VirtualClockOptions = {}) {
    this.settle = options.settle ?? (async () => undefined);
    const saved = options.file ? readSaved(options.file) : undefined;
    if (saved !== undefined) this.offsetMs = saved.offsetMs;
    else if (options.startAt) this.offsetMs = options.startAt.getTime() - Date.now();
    if (options.frozen) this.frozenAtMs = saved?.at ?? Date.now() + this.offsetMs;
    this.persist();
  }

  now(): Date {
    return new Date(this.frozenAtMs ?? Date.now() + this.offsetMs);
  }

  /** Resolves when the clock reaches `at` (at once if it has). `isLive` lets a stale timer be dropped. */
  sleepUntil(at: Date, isLive: () => boolean = () => true): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.timers.set(id, { id, at: at.getTime(), fire: resolve, cancel: reject, isLive });
      this.arm();
    });
  }

  /** Instants of the live timers, earliest first. */
  pendingTimers(): Date[] {
    this.dropStale();
    return [...this.timers.values()].sort((a, b) => a.at - b.at).map((t) => new Date(t.at));
  }

  /**
   * Moves the clock forward by an ISO 8601 duration (e.g. "P3D", "PT4H30M") and fires every timer
   * that falls due, in order, waiting for the system to settle after each.
   */
  async advance(duration: string): Promise<Date> {
    const ms = parseIsoDuration(duration);
    return this.advanceTo(new Date(this.now().getTime() + ms));
  }

  async advanceTo(target: Date): Promise<Date> {
    if (this.advancing) throw new Error('The clock is already advancing');
    this.advancing = true;
    try {
      await this.settle();
      for (;;) {
        this.dropStale();
        const next = [...this.timers.values()].sort((a, b) => a.at - b.at)[0];
        if (!next || next.at > target.getTime()) break;
        if (next.at > this.now().getTime()) this.setNow(next.at);
        this.timers.delete(next.id);
        next.fire();
        await this.settle();
      }
      if (target.getTime() > this.now().getTime()) this.setNow(target.getTime());
      this.arm();
      await this.settle();
      return this.now();
    } finally {
      this.advancing = false;
    }
  }

  /** Stops the real-time timer; pending sleeps are cancelled (rejected) so that nothing waits on them. */
  stop(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    for (const t of this.timers.values()) t.cancel(new Error('The clock was stopped'));
    this.timers.clear();
  }

  private setNow(ms: number): void {
    this.offsetMs = ms - Date.now();
    if (this.frozenAtMs !== undefined) this.frozenAtMs = ms;
    this.persist();
  }

  /**
   * Forgets the timers nobody needs any more, rejecting their sleeps: a sleep that never settles would
   * keep whatever raced it (e.g. the Step Functions library's own task timer) alive.
   */
  private dropStale(): void {
    for (const t of this.timers.values()) if (!t.isLive()) this.drop(t);
  }

  private drop(t: Timer): void {
    this.timers.delete(t.id);
    t.cancel(new Error('The timer is no longer needed'));
  }

  /** Arms one real timer for the earliest pending instant (in chunks), firing everything due. */
  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    if (this.advancing) return;
    const now = this.now().getTime();
    for (const t of [...this.timers.values()].sort((a, b) => a.at - b.at)) {
      if (t.at > now) break;
      if (!t.isLive()) {
        this.drop(t);
        continue;
      }
      this.timers.delete(t.id);
      t.fire();
    }
    const earliest = Math.min(...[...this.timers.values()].map((t) => t.at));
    if (!Number.isFinite(earliest)) return;
    if (this.frozenAtMs !== undefined) return; // a frozen clock's timers fire on advance only
    this.realTimer = setTimeout(() => this.arm(), Math.min(Math.max(earliest - now, 0), MAX_REAL_DELAY_MS));
    this.realTimer.unref();
  }

  private persist(): void {
    if (!this.options.file) return;
    mkdirSync(dirname(this.options.file), { recursive: true });
    const tmp = `${this.options.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ offsetMs: this.offsetMs, at: this.now().getTime() }));
    renameSync(tmp, this.options.file);
  }
}

function readSaved(file: string): { offsetMs: number; at?: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'offsetMs' in parsed && typeof parsed.offsetMs === 'number') {
      return { offsetMs: parsed.offsetMs, at: 'at' in parsed && typeof parsed.at === 'number' ? parsed.at : undefined };
    }
  } catch {
    // No clock yet: real time.
  }
  return undefined;
}

/** Parses an ISO 8601 duration of days, hours, minutes and seconds (weeks too), into milliseconds. */
export function parseIsoDuration(text: string): number {
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) throw new RangeError(`"${text}" is not an ISO 8601 duration such as P3D or PT4H30M`);
  const [, w, d, h, min, s] = m.map((x) => Number(x ?? 0));
  return ((((w! * 7 + d!) * 24 + h!) * 60 + min!) * 60 + s!) * 1000;
}

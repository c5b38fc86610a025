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

/**
 * What a timer does when it falls due. An owner that keeps thousands of timers for weeks implements
 * it with a small class (its methods on the prototype) rather than three closures and their context:
 * a parked execution's timers were ~1 KiB of closures each (`npm run bench -- memory`).
 */
export interface TimerTarget {
  fire(): void;
  /** With the reason, when the timer is dropped: stale (`isLive` false) or the clock stopped. */
  cancel(reason: Error): void;
  /** False once the timer's owner no longer needs it (e.g. its race ended). */
  isLive(): boolean;
}

interface Timer {
  id: number;
  at: number;
  target: TimerTarget;
}

/** A timer given as closures (`schedule`). */
class ClosureTarget implements TimerTarget {
  constructor(readonly fire: () => void, readonly isLive: () => boolean, readonly cancel: (reason: Error) => void) {}
}

const alwaysLive = () => true;
const ignore = () => undefined;

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
  /** Pending timers, earliest first (a binary heap: 10,000 waiting cases cost a log, not a sort). */
  private readonly timers = new TimerHeap();
  private nextId = 1;
  private realTimer: NodeJS.Timeout | undefined;
  /** The instant the real timer is armed for (it fires at most a day ahead and re-arms). */
  private armedFor: number | undefined;
  private advancing = false;
  settle: () => Promise<void>;

  constructor(private readonly options: VirtualClockOptions = {}) {
    this.settle = options.settle ?? (async () => undefined);
    const saved = options.file ? readSaved(options.file) : undefined;
    // One reading of real time: a millisecond ticking between two would start a frozen clock off its start.
    const realNow = Date.now();
    if (saved !== undefined) this.offsetMs = saved.offsetMs;
    else if (options.startAt) this.offsetMs = options.startAt.getTime() - realNow;
    if (options.frozen) this.frozenAtMs = saved?.at ?? realNow + this.offsetMs;
    this.persist();
  }

  now(): Date {
    return new Date(this.frozenAtMs ?? Date.now() + this.offsetMs);
  }

  /**
   * Whether timers fall due by themselves, in real time: not while `advance` moves the clock (it fires
   * them itself, in order), nor on a frozen clock (only `advance` moves it).
   */
  runsByItself(): boolean {
    return !this.advancing && this.frozenAtMs === undefined;
  }

  /** Resolves when the clock reaches `at` (at once if it has). `isLive` lets a stale timer be dropped. */
  sleepUntil(at: Date, isLive: () => boolean = alwaysLive): Promise<void> {
    return new Promise((resolve, reject) => this.schedule(at, resolve, isLive, reject));
  }

  /**
   * Calls `fire` when the clock reaches `at` (at once if it has), or `drop` with the reason when the
   * timer is stale (`isLive` false) or the clock stops. sleepUntil without a promise: for whoever keeps
   * thousands of timers waiting for weeks.
   */
  schedule(at: Date, fire: () => void, isLive: () => boolean = alwaysLive, drop: (reason: Error) => void = ignore): void {
    this.scheduleTarget(at.getTime(), new ClosureTarget(fire, isLive, drop));
  }

  /** `schedule` with a timer object: calls `target.fire()` when the clock reaches `atMs` (epoch ms), or `target.cancel`. */
  scheduleTarget(atMs: number, target: TimerTarget): void {
    const timer = { id: this.nextId++, at: atMs, target };
    this.timers.push(timer);
    // Re-arm only when this timer comes before the one armed for (or is due already).
    if (!this.advancing && (this.armedFor === undefined || timer.at < this.armedFor || timer.at <= this.now().getTime())) this.arm();
  }

  /** Instants of the live timers, earliest first. */
  pendingTimers(): Date[] {
    this.dropStale();
    return this.timers.values().map((t) => t.at).sort((a, b) => a - b).map((at) => new Date(at));
  }

  /**
   * Moves the clock forward by an ISO 8601 duration (e.g. "P3D", "PT4H30M") and fires every timer
   * that falls due, in order, waiting for the system to settle after each.
   */
  async advance(duration: string): Promise<Date> {
    const ms = parseIsoDuration(duration);
    return this.advanceTo(new Date(this.now().getTime() + ms));
  }

  /**
   * Moves the clock forward to `target`: takes the earliest due timer, sets the clock to its instant,
   * fires it, waits for the system to settle (its effects may set new timers), and repeats; finally
   * sets the clock to the target.
   */
  async advanceTo(target: Date): Promise<Date> {
    if (this.advancing) throw new Error('The clock is already advancing');
    this.advancing = true;
    this.disarm();
    try {
      await this.settle();
      for (;;) {
        const next = this.timers.peek();
        if (!next || next.at > target.getTime()) break;
        this.timers.pop();
        if (!next.target.isLive()) {
          next.target.cancel(new Error('The timer is no longer needed'));
          continue;
        }
        if (next.at > this.now().getTime()) this.setNow(next.at);
        next.target.fire();
        await this.settle();
      }
      if (target.getTime() > this.now().getTime()) this.setNow(target.getTime());
    } finally {
      this.advancing = false;
    }
    this.arm();
    await this.settle();
    return this.now();
  }

  /** Stops the real-time timer; pending sleeps are cancelled (rejected) so that nothing waits on them. */
  stop(): void {
    this.disarm();
    for (const t of this.timers.drain()) t.target.cancel(new Error('The clock was stopped'));
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
    for (const t of this.timers.removeWhere((x) => !x.target.isLive())) t.target.cancel(new Error('The timer is no longer needed'));
  }

  private disarm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    this.armedFor = undefined;
  }

  /** Fires everything due, then arms one real timer for the earliest pending instant (in chunks). */
  private arm(): void {
    this.disarm();
    if (this.advancing) return;
    const now = this.now().getTime();
    for (let t = this.timers.peek(); t && t.at <= now; t = this.timers.peek()) {
      this.timers.pop();
      if (t.target.isLive()) t.target.fire();
      else t.target.cancel(new Error('The timer is no longer needed'));
    }
    const next = this.timers.peek();
    if (!next || this.frozenAtMs !== undefined) return; // a frozen clock's timers fire on advance only
    this.armedFor = next.at;
    this.realTimer = setTimeout(() => this.arm(), Math.min(Math.max(next.at - now, 0), MAX_REAL_DELAY_MS));
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

/** A binary min-heap of timers by instant, then by creation (equal instants fire in the order set). */
class TimerHeap {
  private items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  values(): Timer[] {
    return [...this.items];
  }

  push(timer: Timer): void {
    this.items.push(timer);
    this.up(this.items.length - 1);
  }

  pop(): Timer | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (top && last && top !== last) {
      this.items[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Removes (and returns) every timer matching `predicate`. */
  removeWhere(predicate: (t: Timer) => boolean): Timer[] {
    const removed: Timer[] = [];
    const kept: Timer[] = [];
    for (const t of this.items) (predicate(t) ? removed : kept).push(t);
    if (removed.length) {
      this.items = kept;
      for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.down(i);
    }
    return removed;
  }

  drain(): Timer[] {
    const all = this.items;
    this.items = [];
    return all;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }

  private up(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i]!, items[parent]!)) return;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < items.length && this.less(items[l]!, items[least]!)) least = l;
      if (r < items.length && this.less(items[r]!, items[least]!)) least = r;
      if (least === i) return;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
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

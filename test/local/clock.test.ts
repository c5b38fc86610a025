/**
 * The runtime's virtual clock: ISO 8601 durations, timers fired in order at their own instants
 * (including timers scheduled by what a timer set off), as promises or callbacks, a persisted offset,
 * real-time firing without overflow, stale timers dropped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseIsoDuration, VirtualClock } from '../../infra/local/clock';

const START = new Date('2026-11-23T02:00:00.000Z');
const plus = (ms: number) => new Date(START.getTime() + ms);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let dir: string;
const clocks: VirtualClock[] = [];
const clockAt = (options: ConstructorParameters<typeof VirtualClock>[0] = {}) => {
  const clock = new VirtualClock({ startAt: START, frozen: true, ...options });
  clocks.push(clock);
  return clock;
};

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tanggap-clock-')); });
afterEach(() => {
  for (const c of clocks.splice(0)) c.stop();
  rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

describe('parseIsoDuration', () => {
  test.each([
    ['P3D', 3 * DAY],
    ['PT4H', 4 * HOUR],
    ['PT4H30M', 4.5 * HOUR],
    ['PT90S', 90_000],
    ['P1W', 7 * DAY],
    ['P60D', 60 * DAY],
    ['P1DT12H', 36 * HOUR],
    ['PT0.5S', 500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  test.each(['', 'P', 'PT', '3D', 'P3', 'P1M', 'P1Y', '-P1D', 'PT1H5', 'P1DT'])('%j is refused with an example of what is meant', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(/ISO 8601 duration such as P3D/);
  });
});

describe('advance', () => {
  test('fires every due timer in order, each with the clock at its own instant, and lands on the target', async () => {
    const clock = clockAt();
    const seen: [string, string][] = [];
    for (const [label, ms] of [['third', 3 * DAY], ['first', HOUR], ['later', 10 * DAY], ['second', DAY]] as const) {
      clock.sleepUntil(plus(ms)).then(() => { seen.push([label, clock.now().toISOString()]); }, () => undefined);
    }
    const landed = await clock.advance('P5D');
    expect(seen).toEqual([['first', plus(HOUR).toISOString()], ['second', plus(DAY).toISOString()], ['third', plus(3 * DAY).toISOString()]]);
    expect(landed).toEqual(plus(5 * DAY));
    expect(clock.pendingTimers()).toEqual([plus(10 * DAY)]);
  });

  test('a timer set by what a fired timer started also fires, in its place, when it falls in the window', async () => {
    const clock = clockAt();
    const seen: string[] = [];
    clock.settle = async () => { await new Promise((r) => setImmediate(r)); };
    void clock.sleepUntil(plus(HOUR)).then(() => {
      seen.push('reminder');
      void clock.sleepUntil(plus(2 * HOUR)).then(() => seen.push('escalation'));
    });
    void clock.sleepUntil(plus(3 * HOUR)).then(() => seen.push('head'));
    await clock.advance('PT4H');
    expect(seen).toEqual(['reminder', 'escalation', 'head']);
  });

  test('a timer already due fires at once; a stale one never fires and its sleeper is released', async () => {
    const clock = clockAt();
    await expect(clock.sleepUntil(plus(-HOUR))).resolves.toBeUndefined();
    let live = true;
    const stale = clock.sleepUntil(plus(HOUR), () => live);
    live = false;
    expect(clock.pendingTimers()).toEqual([]);
    await expect(stale).rejects.toThrow(/no longer needed/);
  });

  test('timers at the same instant fire in the order they were set, among thousands', async () => {
    const clock = clockAt();
    const fired: number[] = [];
    const instants = Array.from({ length: 5_000 }, (_, i) => ((i * 7919) % 1_000) * 60_000);
    instants.forEach((ms, i) => { clock.sleepUntil(plus(ms)).then(() => { fired.push(i); }, () => undefined); });
    await clock.advance('P1D');
    const expected = instants.map((ms, i) => [ms, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
    expect(fired).toEqual(expected);
  });

  test('schedule calls back at the instant, in its place among sleepers; a stale or stopped one is dropped, told why', async () => {
    const clock = clockAt();
    const seen: string[] = [];
    void clock.sleepUntil(plus(2 * HOUR)).then(() => seen.push(`sleeper at ${clock.now().toISOString()}`));
    clock.schedule(plus(HOUR), () => seen.push(`callback at ${clock.now().toISOString()}`));
    let live = true;
    clock.schedule(plus(3 * HOUR), () => seen.push('stale fired'), () => live, (reason) => seen.push(`stale dropped: ${reason.message}`));
    clock.schedule(plus(DAY), () => seen.push('late fired'), () => true, (reason) => seen.push(`late dropped: ${reason.message}`));
    live = false;
    await clock.advance('PT4H');
    clock.stop();
    expect(seen).toEqual([
      `callback at ${plus(HOUR).toISOString()}`, `sleeper at ${plus(2 * HOUR).toISOString()}`,
      'stale dropped: The timer is no longer needed', 'late dropped: The clock was stopped',
    ]);
  });

  test('only one advance at a time', async () => {
    const clock = clockAt();
    clock.settle = () => new Promise((r) => setTimeout(r, 20));
    const first = clock.advance('PT1H');
    await expect(clock.advance('PT1H')).rejects.toThrow(/already advancing/);
    await first;
  });

  test('stop releases every sleeper', async () => {
    const clock = clockAt();
    const sleeping = clock.sleepUntil(plus(DAY));
    clock.stop();
    await expect(sleeping).rejects.toThrow(/stopped/);
  });

  test('property: whatever the timers and the steps, each fires once, in order, at its instant, and only when reached', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 90 * 24 * 60 }), { maxLength: 25 }),
        fc.array(fc.integer({ min: 0, max: 40 * 24 * 60 }), { minLength: 1, maxLength: 5 }),
        async (timerMinutes, stepMinutes) => {
          const clock = new VirtualClock({ startAt: START, frozen: true });
          const fired: { at: number; now: number }[] = [];
          for (const m of timerMinutes) clock.sleepUntil(plus(m * 60_000)).then(() => { fired.push({ at: m * 60_000, now: clock.now().getTime() - START.getTime() }); }, () => undefined);
          let reached = 0;
          for (const step of stepMinutes) {
            await clock.advance(`PT${step}M`);
            reached += step * 60_000;
            await new Promise((r) => setImmediate(r));
            const due = timerMinutes.map((m) => m * 60_000).filter((ms) => ms <= reached).sort((a, b) => a - b);
            expect(fired.map((f) => f.at)).toEqual(due);
          }
          for (const f of fired) expect(f.now).toBe(f.at);
          expect(clock.now()).toEqual(plus(reached));
          clock.stop();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('persistence and real time', () => {
  test('the offset survives a restart; a start instant is only the first start', async () => {
    const file = join(dir, 'clock.json');
    const first = clockAt({ file });
    await first.advance('P3D');
    first.stop();
    const again = clockAt({ file, startAt: new Date('2030-01-01T00:00:00Z') });
    expect(again.now()).toEqual(plus(3 * DAY));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ at: plus(3 * DAY).getTime() });
  });

  test('a real-time clock keeps its offset from real time across a restart', () => {
    const file = join(dir, 'clock.json');
    const first = clockAt({ file, frozen: false });
    const again = clockAt({ file, frozen: false });
    expect(Math.abs(again.now().getTime() - first.now().getTime())).toBeLessThan(1_000);
    expect(Math.abs(again.now().getTime() - START.getTime())).toBeLessThan(5_000);
  });

  test('on real time a timer fires by itself when its instant comes', async () => {
    const clock = clockAt({ frozen: false, startAt: undefined });
    const began = Date.now();
    await clock.sleepUntil(new Date(clock.now().getTime() + 50));
    expect(Date.now() - began).toBeGreaterThanOrEqual(45);
  });

  test('a timer 60 days away arms no real timer past a day (Node overflows past ~24.8 days)', () => {
    const armed: number[] = [];
    const real = global.setTimeout;
    jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => { armed.push(ms ?? 0); return real(fn, ms); }) as typeof setTimeout);
    const clock = clockAt({ frozen: false, startAt: undefined });
    void clock.sleepUntil(new Date(Date.now() + 60 * DAY)).catch(() => undefined);
    expect(armed.length).toBeGreaterThan(0);
    expect(Math.max(...armed)).toBeLessThanOrEqual(DAY);
  });
});

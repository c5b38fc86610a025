/**
 * Recap figures for a report period, computed in one pass over the cases that were open at some
 * point of the period (shared/usecases/reports.ts reads them through the month indexes), with
 * memory bounded by the number of SOP steps, agencies, categories and weeks — never by the number
 * of cases: percentiles come from a fixed histogram.
 *
 * Every figure is taken **as of the end of the period**, from the instants recorded on the case
 * (submittedAt, closedAt, verdicts' endedAt, escalations' at, the rating's at, repliedAt), so a
 * report re-run a month later gives the same numbers. An event belongs to the period it happened in.
 */
import type { OfficeCalendar } from '../calendar';
import type { ReportCase } from './report-case';
import type { Period, ReportWeek } from './period';

/** Age of the cases still open at the end of the period, in whole working days. */
export const AGE_BANDS = ['0-5', '6-10', '11-20', '>20'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export interface StepFigure {
  /** The SOP the step belongs to (a regency-wide report spans several). */
  sopId: string;
  scope: 'step' | 'phase';
  id: string;
  /** Verdicts recorded in the period (a step visit that ended in it). */
  verdicts: number;
  onTime: number;
  /** Sum of the late verdicts' lateness (office minutes for office-time limits, else minutes). */
  lateMinutes: number;
}

export interface Figures {
  /** Complaints received in the period, by category and channel. */
  received: number;
  byCategory: Record<string, number>;
  byChannel: Record<string, number>;
  /** Of the complaints received, how many SP4N-LAPOR! routed to the inspectorate (berkadar pengawasan). */
  supervisory: number;
  /** Cases that ended in the period, whenever they were received. */
  closed: number;
  rejected: number;
  /** Cases ended in the period whose every step (and phase) verdict was on time. */
  endedWithinLimits: number;
  /** Cases received by the end of the period and not ended by then, by age. */
  openAtEnd: number;
  openByAge: Record<AgeBand, number>;
  oldestOpenWorkingDays: number | null;
  /** SLA verdicts recorded in the period: overall and per step or phase. */
  verdicts: number;
  onTime: number;
  steps: StepFigure[];
  /**
   * Handling time (receipt to the first answer, or to the rejection) of cases whose handling ended in
   * the period, in working days: nearest-rank percentiles over 0.1-working-day buckets.
   */
  handling: { count: number; medianWorkingDays: number | null; p90WorkingDays: number | null };
  /** Escalations sent in the period by rung (1 = the superior …), and reprimand recommendations. */
  escalationsByLevel: Record<string, number>;
  reprimands: number;
  /** Reporters' ratings given in the period, and their replies (not satisfied: the case reopens). */
  ratings: { count: number; average: number | null; byStars: [number, number, number, number, number]; satisfied: number; notSatisfied: number };
  replies: number;
  /** Coordinations done in the period (SP4N-LAPOR! row 4), and how many within their service level (SLG ≤ 5 hari). */
  coordination: { count: number; withinSlg: number };
  /** Cases whose deadlines were computed for a year with no holiday list (weekdays only). */
  calendarGaps: { cases: number; years: number[] };
}

export interface WeekFigure {
  label: string;
  received: number;
  ended: number;
  verdicts: number;
  onTime: number;
}

export interface Recap {
  periodId: string;
  start: string;
  end: string;
  totals: Figures;
  /** Per responsible agency (where SP4N-LAPOR! routed the case, else the agency that received it). */
  byAgency: Record<string, Figures>;
  weekly: WeekFigure[];
}

/** The office minutes of a regular working day (the first weekday with hours): a "working day" of handling time. */
export function workingDayMinutes(calendar: OfficeCalendar): number {
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const) {
    const hours = calendar.config.weeklyHours[day];
    if (hours) {
      const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
      if (m(hours.close) > m(hours.open)) return m(hours.close) - m(hours.open);
    }
  }
  throw new Error('The office calendar has no working day');
}

/** Buckets of 0.1 working day up to this many; longer handling times fall in the last one (and are rare). */
const HISTOGRAM_BUCKETS = 2_000;

class Histogram {
  private readonly counts = new Uint32Array(HISTOGRAM_BUCKETS + 1);
  count = 0;

  add(workingDays: number): void {
    this.counts[Math.min(HISTOGRAM_BUCKETS, Math.max(0, Math.ceil(workingDays * 10 - 1e-9)))]!++;
    this.count++;
  }

  /** Nearest rank: the smallest bucket at or below which `p` of the values lie (0.1 day resolution). */
  percentile(p: number): number | null {
    if (!this.count) return null;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let b = 0; b <= HISTOGRAM_BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return b / 10;
    }
    return HISTOGRAM_BUCKETS / 10;
  }
}

class FiguresBuilder {
  private readonly f: Omit<Figures, 'steps' | 'handling' | 'calendarGaps' | 'ratings'> & { ratingSum: number; ratingCount: number; byStars: [number, number, number, number, number]; satisfied: number; notSatisfied: number; gapCases: number };
  private readonly steps = new Map<string, StepFigure>();
  private readonly gapYears = new Set<number>();
  private readonly handling = new Histogram();

  constructor() {
    this.f = {
      received: 0, byCategory: {}, byChannel: {}, supervisory: 0, closed: 0, rejected: 0, endedWithinLimits: 0,
      openAtEnd: 0, openByAge: { '0-5': 0, '6-10': 0, '11-20': 0, '>20': 0 }, oldestOpenWorkingDays: null,
      verdicts: 0, onTime: 0, escalationsByLevel: {}, reprimands: 0, coordination: { count: 0, withinSlg: 0 },
      ratingSum: 0, ratingCount: 0, byStars: [0, 0, 0, 0, 0], satisfied: 0, notSatisfied: 0, replies: 0, gapCases: 0,
    };
  }

  add(c: ReportCase, ctx: { within: (iso: string | undefined) => boolean; end: Date; ageWorkingDays: (from: string) => number; handlingWorkingDays: (from: string, to: string) => number }): void {
    const f = this.f;
    const received = ctx.within(c.submittedAt);
    const endedAt = c.closedAt ? new Date(c.closedAt) : undefined;
    const endedInPeriod = ctx.within(c.closedAt);
    const openAtEnd = Date.parse(c.submittedAt) < ctx.end.getTime() && !(endedAt && endedAt < ctx.end);
    if (!received && !endedInPeriod && !openAtEnd) return;

    if (received) {
      f.received++;
      f.byCategory[c.category] = (f.byCategory[c.category] ?? 0) + 1;
      f.byChannel[c.channel] = (f.byChannel[c.channel] ?? 0) + 1;
      if (c.routedAgencyId === 'inspectorate') f.supervisory++;
    }
    if (endedInPeriod) {
      if (c.status === 'rejected') f.rejected++;
      else f.closed++;
      if (c.verdicts.every((v) => v.onTime)) f.endedWithinLimits++;
    }
    if (openAtEnd) {
      f.openAtEnd++;
      const age = ctx.ageWorkingDays(c.submittedAt);
      const whole = Math.floor(age);
      f.openByAge[whole <= 5 ? '0-5' : whole <= 10 ? '6-10' : whole <= 20 ? '11-20' : '>20']++;
      f.oldestOpenWorkingDays = Math.max(f.oldestOpenWorkingDays ?? 0, whole);
    }
    for (const v of c.verdicts) {
      if (!ctx.within(v.endedAt)) continue;
      f.verdicts++;
      if (v.onTime) f.onTime++;
      const key = `${c.sopId}:${v.scope}:${v.id}`;
      const s = this.steps.get(key) ?? { sopId: c.sopId, scope: v.scope, id: v.id, verdicts: 0, onTime: 0, lateMinutes: 0 };
      s.verdicts++;
      if (v.onTime) s.onTime++;
      else s.lateMinutes += v.lateByMinutes;
      this.steps.set(key, s);
    }
    const handlingEnd = c.firstAnsweredAt ?? (c.status === 'rejected' || c.status === 'closed' ? c.closedAt : undefined);
    if (handlingEnd && ctx.within(handlingEnd)) this.handling.add(ctx.handlingWorkingDays(c.submittedAt, handlingEnd));
    for (const e of c.escalations) {
      if (!ctx.within(e.at)) continue;
      if (e.kind === 'reprimand') f.reprimands++;
      else f.escalationsByLevel[String(e.level)] = (f.escalationsByLevel[String(e.level)] ?? 0) + 1;
    }
    if (c.rating && ctx.within(c.rating.at)) {
      if (c.rating.rating) {
        f.ratingCount++;
        f.ratingSum += c.rating.rating;
        f.byStars[c.rating.rating - 1]!++;
      }
      if (c.rating.satisfied) f.satisfied++;
      else f.notSatisfied++;
    }
    f.replies += (c.repliedAt ?? []).filter((at) => ctx.within(at)).length;
    for (const k of c.coordinations ?? []) {
      if (!ctx.within(k.at)) continue;
      f.coordination.count++;
      if (k.onTime) f.coordination.withinSlg++;
    }
    if (c.calendarGaps?.length) {
      f.gapCases++;
      for (const y of c.calendarGaps) this.gapYears.add(y);
    }
  }

  result(): Figures {
    const { ratingSum, ratingCount, byStars, satisfied, notSatisfied, gapCases, ...f } = this.f;
    return {
      ...f,
      // In the order first seen per SOP, steps before phases: the SOP's own order for cases that ran it.
      steps: [...this.steps.values()].sort((a, b) => a.sopId.localeCompare(b.sopId) || (a.scope === b.scope ? 0 : a.scope === 'step' ? -1 : 1)),
      handling: { count: this.handling.count, medianWorkingDays: this.handling.percentile(0.5), p90WorkingDays: this.handling.percentile(0.9) },
      ratings: { count: ratingCount, average: ratingCount ? Math.round((ratingSum / ratingCount) * 100) / 100 : null, byStars, satisfied, notSatisfied },
      calendarGaps: { cases: gapCases, years: [...this.gapYears].sort() },
    };
  }
}

/**
 * Builds the recap of one period (and scope) from cases added one at a time. Each case must be
 * added at most once; cases that were not open at any point of the period add nothing.
 */
export class RecapBuilder {
  private readonly totals = new FiguresBuilder();
  private readonly agencies = new Map<string, FiguresBuilder>();
  private readonly weekly: WeekFigure[];
  private readonly dayMinutes: number;
  /** The weeks as instants (ms), compared with each case's instants without a Date per comparison. */
  private readonly weekBounds: [number, number][];
  /**
   * What the totals and the case's agency share while one case is added (made once, not per case: a
   * recap adds 100,000 cases and more): its working-day spans, each computed once per case.
   */
  private readonly ctx: { within: (iso: string | undefined) => boolean; end: Date; ageWorkingDays: (from: string) => number; handlingWorkingDays: (from: string, to: string) => number };
  private age: number | undefined;
  private handlingTo: string | undefined;
  private handling = 0;

  constructor(private readonly opts: { calendar: OfficeCalendar; period: Period; weeks: ReportWeek[] }) {
    this.weekly = opts.weeks.map((w) => ({ label: w.label, received: 0, ended: 0, verdicts: 0, onTime: 0 }));
    this.weekBounds = opts.weeks.map((w) => [w.start.getTime(), w.end.getTime()]);
    this.dayMinutes = workingDayMinutes(opts.calendar);
    const { calendar, period } = opts;
    const start = period.start.getTime();
    const end = period.end.getTime();
    // `from` is the case's submittedAt in both: the spans are reset by `add` for each case.
    this.ctx = {
      within: (iso) => {
        if (!iso) return false;
        const at = Date.parse(iso);
        return at >= start && at < end;
      },
      end: period.end,
      ageWorkingDays: (from) => (this.age ??= calendar.officeMinutesBetween(new Date(from), period.end) / this.dayMinutes),
      handlingWorkingDays: (from, to) => {
        if (this.handlingTo !== to) {
          this.handling = calendar.officeMinutesBetween(new Date(from), new Date(to)) / this.dayMinutes;
          this.handlingTo = to;
        }
        return this.handling;
      },
    };
  }

  add(c: ReportCase): void {
    // The totals and the case's agency ask the same working-day spans: each is counted once per case.
    this.age = undefined;
    this.handlingTo = undefined;
    const ctx = this.ctx;
    this.totals.add(c, ctx);
    const agencyId = c.routedAgencyId ?? c.agencyId;
    let agency = this.agencies.get(agencyId);
    if (!agency) this.agencies.set(agencyId, (agency = new FiguresBuilder()));
    agency.add(c, ctx);
    const receivedWeek = this.week(c.submittedAt);
    if (receivedWeek) receivedWeek.received++;
    const endedWeek = this.week(c.closedAt);
    if (endedWeek) endedWeek.ended++;
    for (const v of c.verdicts) {
      const w = this.week(v.endedAt);
      if (!w) continue;
      w.verdicts++;
      if (v.onTime) w.onTime++;
    }
  }

  /** The week an instant falls in, if in the period. */
  private week(iso: string | undefined): WeekFigure | undefined {
    if (!iso) return undefined;
    const at = Date.parse(iso);
    const bounds = this.weekBounds;
    for (let i = 0; i < bounds.length; i++) if (at >= bounds[i]![0] && at < bounds[i]![1]) return this.weekly[i];
    return undefined;
  }

  result(): Recap {
    const byAgency: Record<string, Figures> = {};
    for (const [id, builder] of [...this.agencies.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const figures = builder.result();
      // A case added to the totals but inactive in the period added nothing to its agency either.
      if (figures.received || figures.closed || figures.rejected || figures.openAtEnd || figures.verdicts) byAgency[id] = figures;
    }
    return { periodId: this.opts.period.id, start: this.opts.period.start.toISOString(), end: this.opts.period.end.toISOString(), totals: this.totals.result(), byAgency, weekly: this.weekly };
  }
}

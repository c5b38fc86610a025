/**
 * SLA deadlines and verdicts: computed from an SOP limit, its escalation ladder and the office
 * calendar when a step (or phase, or the reporter's window) starts; the verdict recorded once.
 */
import type { EscalationLadder, TimeLimit } from '../sop/schema';
import type { OfficeCalendar } from '../calendar';
import type { Deadlines } from '../workflow/contract';
import type { SlaVerdict } from '../case/model';

export interface DeadlineInput {
  calendar: OfficeCalendar;
  limit: TimeLimit;
  /** Absent for the reporter's window, which has no ladder: reminder and rungs fall on the due time. */
  ladder?: EscalationLadder;
  startedAt: Date;
}

/** Deadlines plus the years without a holiday list that they depend on (to flag). */
export interface ComputedDeadlines extends Deadlines {
  gaps: number[];
}

const officeTime = (unit: TimeLimit['unit']) => unit !== 'days';

/**
 * Computes when to remind, when the step is due, and when each rung of the ladder is told.
 * The reminder falls at `reminderAt` of the limit, measured the way the limit is: office minutes
 * for office-time and working-day limits, wall-clock time for calendar days.
 *
 * One reading of days for the whole product (see `OfficeCalendar.addLimit`): a calendar-day limit
 * is due n × 24 h after the start, moved to the close of the next working day when that instant
 * falls outside office hours. The reminder and every rung are emails: an instant outside office
 * hours moves to the next opening (`sendInOffice`), never past the deadline (which is in office hours).
 */
export function computeDeadlines({ calendar, limit, ladder, startedAt }: DeadlineInput): ComputedDeadlines {
  const gaps = new Set<number>();
  const take = (r: { at: Date; gaps: number[] }) => {
    r.gaps.forEach((g) => gaps.add(g));
    return r.at;
  };
  const start = officeTime(limit.unit) ? take(calendar.nextOfficeMinute(startedAt)) : startedAt;
  const due = take(calendar.addLimit(start, limit));
  const share = ladder?.reminderAt ?? 1;
  const remind = take(calendar.sendInOffice(officeTime(limit.unit)
    ? take(calendar.addOfficeMinutes(start, Math.floor(calendar.officeMinutesBetween(start, due) * share)))
    : new Date(start.getTime() + Math.floor((due.getTime() - start.getTime()) * share))));
  const rungs: Deadlines['rungs'] = [];
  let previous = due;
  for (const [i, rung] of (ladder?.rungs ?? []).entries()) {
    // Each grace runs from when the previous rung was actually told, and every email goes out in office hours.
    previous = take(calendar.sendInOffice(rung.after.amount === 0 ? previous : take(calendar.addLimit(previous, rung.after))));
    rungs.push({ level: i + 1, at: calendar.format(previous) });
  }
  return {
    startedAt: calendar.format(startedAt),
    remindAt: calendar.format(remind),
    dueAt: calendar.format(due),
    rungs,
    calendarVersion: calendar.version,
    gaps: [...gaps].sort(),
  };
}

export interface VerdictInput {
  calendar: OfficeCalendar;
  scope: SlaVerdict['scope'];
  id: string;
  visit: number;
  unit: TimeLimit['unit'];
  deadlines: Pick<Deadlines, 'startedAt' | 'dueAt'>;
  endedAt: Date;
  escalatedTo: string[];
}

/**
 * The verdict of one step visit: on time, or late by how much — in office minutes for
 * office-time limits (a step due Friday 16:30 and done Monday 08:00 is 30 minutes late), in
 * wall-clock minutes for calendar days.
 */
export function slaVerdict(input: VerdictInput): SlaVerdict {
  const due = new Date(input.deadlines.dueAt);
  const onTime = input.endedAt.getTime() <= due.getTime();
  const lateByMinutes = onTime
    ? 0
    : officeTime(input.unit)
      ? input.calendar.officeMinutesBetween(due, input.endedAt)
      : Math.ceil((input.endedAt.getTime() - due.getTime()) / 60_000);
  return {
    scope: input.scope,
    id: input.id,
    visit: input.visit,
    startedAt: input.deadlines.startedAt,
    dueAt: input.deadlines.dueAt,
    endedAt: input.calendar.format(input.endedAt),
    onTime,
    lateByMinutes,
    escalationLevel: input.escalatedTo.length,
    escalatedTo: input.escalatedTo,
  };
}

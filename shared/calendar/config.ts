/**
 * The office calendar as data: time zone, office hours per weekday, dated overrides (a Ramadan
 * schedule) and dated holidays (national holidays and cuti bersama from the yearly decree).
 * Holidays are never computed: an admin adds each year's list. See `calendar/` for arithmetic.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';

// Each schema is built at first use (shared/lazy.ts), and pure: a function reads the directory as it
// was validated at import (shared/directory/store.ts, CurrentDirectory) and builds none of them.

const HhMm = /* @__PURE__ */ lazy(() => z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')));
const IsoDate = /* @__PURE__ */ lazy(() => z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')));

/** Office hours of one weekday; absent or null = closed. */
export const OfficeHours = /* @__PURE__ */ lazy(() => z.object({ open: HhMm, close: HhMm }));
export type OfficeHours = z.infer<typeof OfficeHours>;

/** Weekday keys, Monday first (ISO). */
export const Weekday = /* @__PURE__ */ lazy(() => z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']));
export type Weekday = z.infer<typeof Weekday>;

export const WeeklyHours = /* @__PURE__ */ lazy(() => z.record(Weekday, z.nullable(OfficeHours)));
export type WeeklyHours = z.infer<typeof WeeklyHours>;

export const Holiday = /* @__PURE__ */ lazy(() => z.object({
  date: IsoDate,
  kind: z.enum(['national', 'cuti_bersama', 'regional']),
  name: z.string().check(z.minLength(1)),
}));
export type Holiday = z.infer<typeof Holiday>;

export const OfficeCalendarConfig = /* @__PURE__ */ lazy(() => z.object({
  /** IANA zone: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT). */
  timeZone: z.enum(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']),
  weeklyHours: WeeklyHours,
  /** Dated schedules that replace weeklyHours between two dates (inclusive), e.g. Ramadan. */
  overrides: z._default(z.array(z.object({ name: z.string(), from: IsoDate, to: IsoDate, weeklyHours: WeeklyHours })), []),
  /** Years whose holiday list is complete (the decree is in). Other years are flagged. */
  holidayYears: z.array(z.int()).check(z.minLength(1)),
  holidays: z.array(Holiday),
}));
export type OfficeCalendarConfig = z.infer<typeof OfficeCalendarConfig>;

/**
 * Validating a deployment directory before anyone relies on it: the zod schema, then the checks
 * that tie it to the SOPs (every role an agency's SOP needs has a holder), the ids and emails that
 * must be unique, and the office calendar (real dates, holidays within the years they complete,
 * office hours that open before they close).
 *
 * Every problem is collected, not just the first: an operator fixing a file of 2,000 officials
 * must see the whole list at once. The checks after the schema read the raw input defensively,
 * so a file with a malformed email AND a vacant role reports both.
 */
import '../zod-locale';
import { Directory } from './schema';
import { sops } from '../sops';
import type { Sop } from '../sop/schema';

export class InvalidDirectory extends Error {
  constructor(readonly problems: string[]) {
    super(`Directory: ${problems.join('; ')}`);
    this.name = 'InvalidDirectory';
  }
}

export type DirectoryValidation = { ok: true; directory: Directory } | { ok: false; problems: string[] };

type Loose = Record<string, unknown>;
const obj = (x: unknown): Loose => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Loose) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/**
 * Validates a directory against the schema and the SOPs it names; returns the parsed directory
 * (defaults applied) or every problem found, in plain words, each naming where it is.
 */
export function validateDirectory(input: unknown, knownSops: readonly Sop[] = sops): DirectoryValidation {
  const problems: string[] = [];
  const parsed = Directory.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${describePath(input, issue.path)}: ${issue.message}`);
  }
  problems.push(...unitProblems(input, knownSops), ...peopleProblems(input), ...calendarProblems(obj(input).calendar));
  const unique = [...new Set(problems)];
  if (unique.length > 0 || !parsed.success) return { ok: false, problems: unique };
  return { ok: true, directory: parsed.data };
}

/** Parses a directory and checks it against the SOPs it names; throws InvalidDirectory with every problem. */
export function parseDirectory(input: unknown, knownSops: readonly Sop[] = sops): Directory {
  const result = validateDirectory(input, knownSops);
  if (!result.ok) throw new InvalidDirectory(result.problems);
  return result.directory;
}

/** `agencies[2] "dinkes-muba" › officials[5] "kasi-x" › email`: the path, with the ids met on the way. */
function describePath(input: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the whole file)';
  const parts: string[] = [];
  let at: unknown = input;
  for (const key of path) {
    const next = at && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      const id = str(obj(next).id) ?? str(obj(next).date);
      parts[parts.length - 1] = `${parts.at(-1) ?? ''}[${key}]${id ? ` "${id}"` : ''}`;
    } else {
      parts.push(String(key));
    }
    at = next;
  }
  return parts.join(' › ');
}

const isRegular = (o: unknown) => obj(o).acting !== true;

function unitProblems(input: unknown, knownSops: readonly Sop[]): string[] {
  const problems: string[] = [];
  const directory = obj(input);
  const inspectorate = obj(directory.inspectorate);
  const inspectorateId = str(inspectorate.id);
  const agencies = arr(directory.agencies).map(obj);
  const agencyIds = new Set<string>();
  for (const [i, agency] of agencies.entries()) {
    const id = str(agency.id);
    const where = `agencies[${i}]${id ? ` "${id}"` : ''}`;
    if (id && (agencyIds.has(id) || id === inspectorateId || id === 'inspectorate')) problems.push(`${where}: the id "${id}" is used by another unit`);
    if (id) agencyIds.add(id);
    const categoryIds = new Set<string>();
    for (const category of arr(agency.categories).map(obj)) {
      const cid = str(category.id);
      if (cid && categoryIds.has(cid)) problems.push(`${where}: the category id "${cid}" is listed twice`);
      if (cid) categoryIds.add(cid);
    }
    const sopId = str(agency.sopId);
    if (sopId === undefined) continue;
    const sop = knownSops.find((s) => s.id === sopId);
    if (!sop) {
      problems.push(`${where}: SOP "${sopId}" does not exist (known: ${knownSops.map((s) => s.id).join(', ')})`);
      continue;
    }
    for (const role of sop.roles.filter((r) => r.unit === 'agency')) {
      if (!arr(agency.officials).some((o) => obj(o).role === role.directoryRole && isRegular(o))) {
        problems.push(`${where}: nobody holds role "${role.directoryRole}" that SOP "${sop.id}" needs (an acting Plt/Plh alone is not enough: name the regular holder too)`);
      }
    }
  }
  // Roles found in a routed agency or the inspectorate must exist in every unit they can land in.
  const units = [...agencies, inspectorate];
  for (const sop of knownSops.filter((s) => agencies.some((a) => a.sopId === s.id))) {
    for (const role of sop.roles) {
      const reachable = role.unit === 'routedAgency' ? units : role.unit === 'inspectorate' ? [inspectorate] : [];
      for (const unit of reachable) {
        const holds = arr(unit.officials).some((o) => obj(o).role === role.directoryRole && isRegular(o));
        // A routed case reaches the inspectorate only through its liaison; other routed roles are agencies'.
        const needed = unit === inspectorate ? role.unit === 'inspectorate' || role.directoryRole === 'penghubung' : true;
        if (needed && !holds) problems.push(`unit "${str(unit.id) ?? '?'}": nobody holds role "${role.directoryRole}" that SOP "${sop.id}" may route to it`);
      }
    }
  }
  return problems;
}

function peopleProblems(input: unknown): string[] {
  const problems: string[] = [];
  const directory = obj(input);
  const inspectorate = obj(directory.inspectorate);
  const units = [inspectorate, ...arr(directory.agencies).map(obj)];
  const everyone = [directory.bupati, directory.admin, ...units.flatMap((u) => [u.head, ...arr(u.officials)])].map(obj);
  // One id is one person: the same id may appear in several places (the Inspektur as head and as official), always with one email.
  const emailOfId = new Map<string, string>();
  for (const person of everyone) {
    const id = str(person.id);
    const email = str(person.email)?.toLowerCase();
    if (!id || !email) continue;
    const known = emailOfId.get(id);
    if (known !== undefined && known !== email) problems.push(`person id "${id}" is used for two email addresses (${known}, ${email}): one id is one person`);
    else emailOfId.set(id, email);
  }
  // Within a unit an address names one person, and a person holds a role once: a task must reach exactly one official.
  for (const unit of units) {
    const where = `unit "${str(unit.id) ?? '?'}"`;
    const idOfEmail = new Map<string, string>();
    const held = new Set<string>();
    for (const official of [unit.head, ...arr(unit.officials)].map(obj)) {
      const id = str(official.id);
      const email = str(official.email)?.toLowerCase();
      if (id && email) {
        const other = idOfEmail.get(email);
        if (other !== undefined && other !== id) problems.push(`${where}: ${email} is the address of both "${other}" and "${id}"`);
        else idOfEmail.set(email, id);
      }
      const role = str(official.role);
      if (id && role) {
        if (held.has(`${id}\n${role}`)) problems.push(`${where}: "${id}" is listed twice in role "${role}"`);
        held.add(`${id}\n${role}`);
      }
    }
  }
  return problems;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A YYYY-MM-DD that names a day of the calendar (no 30 February). */
function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

function weeklyHoursProblems(hours: unknown, where: string, requireOpenDay: boolean): string[] {
  const problems: string[] = [];
  let open = 0;
  for (const [day, value] of Object.entries(obj(hours))) {
    if (value === null) continue;
    const { open: from, close: to } = obj(value);
    if (typeof from === 'string' && typeof to === 'string' && HHMM.test(from) && HHMM.test(to)) {
      if (from >= to) problems.push(`${where}.${day}: the office opens at ${from} but closes at ${to}`);
      else open++;
    }
  }
  if (requireOpenDay && Object.keys(obj(hours)).length > 0 && open === 0) problems.push(`${where}: no weekday has office hours; working-day deadlines would never end`);
  return problems;
}

function calendarProblems(input: unknown): string[] {
  const calendar = obj(input);
  const problems = weeklyHoursProblems(calendar.weeklyHours, 'calendar.weeklyHours', true);
  const years = arr(calendar.holidayYears).filter((y): y is number => typeof y === 'number');
  const yearSet = new Set(years);
  if (yearSet.size !== years.length) problems.push('calendar.holidayYears: a year is listed twice');
  const holidaysByYear = new Map<number, number>();
  const seen = new Set<string>();
  for (const [i, holiday] of arr(calendar.holidays).map(obj).entries()) {
    const date = str(holiday.date);
    if (date === undefined || !DATE.test(date)) continue; // the schema already says so
    const where = `calendar.holidays[${i}] "${date}"`;
    if (!isRealDate(date)) {
      problems.push(`${where}: there is no such day`);
      continue;
    }
    if (seen.has(date)) problems.push(`${where}: the date is listed twice (name both holidays in one entry)`);
    seen.add(date);
    const year = Number(date.slice(0, 4));
    if (!yearSet.has(year)) problems.push(`${where}: ${year} is not in calendar.holidayYears (${years.join(', ') || 'empty'}); add the year when its whole decree is in`);
    holidaysByYear.set(year, (holidaysByYear.get(year) ?? 0) + 1);
  }
  for (const year of yearSet) {
    if (!holidaysByYear.has(year)) problems.push(`calendar.holidayYears: ${year} is declared complete but lists no holiday`);
  }
  for (const [i, override] of arr(calendar.overrides).map(obj).entries()) {
    const where = `calendar.overrides[${i}]${str(override.name) ? ` "${str(override.name)}"` : ''}`;
    const from = str(override.from);
    const to = str(override.to);
    for (const [label, date] of [['from', from], ['to', to]] as const) {
      if (date !== undefined && DATE.test(date) && !isRealDate(date)) problems.push(`${where}.${label}: there is no such day as ${date}`);
    }
    if (from && to && isRealDate(from) && isRealDate(to) && from > to) problems.push(`${where}: it ends (${to}) before it starts (${from})`);
    problems.push(...weeklyHoursProblems(override.weeklyHours, `${where}.weeklyHours`, false));
  }
  return problems;
}

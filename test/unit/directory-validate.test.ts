/**
 * Validating a directory file before it is loaded: every problem at once, in plain words that say
 * where; the demo and a large regency pass.
 */
import { demoDirectory } from '../../shared/directory';
import type { Directory } from '../../shared/directory/schema';
import { validateDirectory } from '../../shared/directory/validate';
import { demoCopy, largeDirectory, officialsIn } from '../support/directory-fixtures';

const problemsOf = (d: unknown) => {
  const result = validateDirectory(d);
  return result.ok ? [] : result.problems;
};
const edit = (change: (d: Directory) => void): Directory => {
  const d = demoCopy();
  change(d);
  return d;
};
const perpus = (d: Directory) => d.agencies.find((a) => a.id === 'perpus-muba')!;

test('the demo directory and a regency of 2,000 officials are valid', () => {
  expect(problemsOf(demoDirectory)).toEqual([]);
  const large = largeDirectory(2_000);
  expect(officialsIn(large)).toBe(2_000);
  expect(problemsOf(large)).toEqual([]);
});

test.each<[string, (d: Directory) => void, RegExp]>([
  ['a malformed email', (d) => { perpus(d).officials[1]!.email = 'staf at perpus'; }, /^agencies\[0\] "perpus-muba" › officials\[1\] "perpus-staf" › email: Invalid email/],
  ['a vacant role an SOP needs', (d) => { perpus(d).officials = perpus(d).officials.filter((o) => o.role !== 'kasi-layanan'); }, /perpus-muba.*nobody holds role "kasi-layanan" that SOP "perpustakaan-muba" needs/],
  ['a role held only by an acting official', (d) => { perpus(d).officials.find((o) => o.role === 'staf-layanan')!.acting = true; }, /nobody holds role "staf-layanan".*acting Plt\/Plh alone/],
  ['an unknown SOP', (d) => { perpus(d).sopId = 'perpustakaan-lama'; }, /SOP "perpustakaan-lama" does not exist \(known: /],
  ['two agencies with one id', (d) => { d.agencies[1]!.id = 'perpus-muba'; }, /the id "perpus-muba" is used by another unit/],
  ['a category listed twice', (d) => { perpus(d).categories.push({ ...perpus(d).categories[0]! }); }, /category id "layanan" is listed twice/],
  ['one person id with two addresses', (d) => { perpus(d).head.email = 'lain@example.go.id'; }, /person id "perpus-kadin" is used for two email addresses/],
  ['two people of a unit with one address', (d) => { perpus(d).officials[2]!.email = perpus(d).officials[1]!.email; }, /unit "perpus-muba": .* is the address of both "perpus-staf" and "perpus-kasi"/],
  ['an official listed twice in a role', (d) => { perpus(d).officials.push({ ...perpus(d).officials[1]! }); }, /"perpus-staf" is listed twice in role "staf-layanan"/],
  ['a time zone of another country', (d) => { (d.calendar as { timeZone: string }).timeZone = 'Asia/Singapore'; }, /^calendar › timeZone: /],
  ['office hours that close before they open', (d) => { d.calendar.weeklyHours.mon = { open: '16:00', close: '07:30' }; }, /calendar.weeklyHours.mon: the office opens at 16:00 but closes at 07:30/],
  ['a week without office hours', (d) => { for (const day of Object.keys(d.calendar.weeklyHours)) d.calendar.weeklyHours[day as 'mon'] = null; }, /no weekday has office hours/],
  ['a holiday on a day that does not exist', (d) => { d.calendar.holidays[0]!.date = '2026-02-30'; }, /calendar.holidays\[0\] "2026-02-30": there is no such day/],
  ['a holiday outside the years the list completes', (d) => { d.calendar.holidays.push({ date: '2027-01-01', kind: 'national', name: 'Tahun Baru 2027' }); }, /"2027-01-01": 2027 is not in calendar.holidayYears/],
  ['a holiday listed twice', (d) => { d.calendar.holidays.push({ ...d.calendar.holidays[0]! }); }, /"2026-01-01": the date is listed twice/],
  ['a year declared complete without holidays', (d) => { d.calendar.holidayYears.push(2027); }, /2027 is declared complete but lists no holiday/],
  ['a holiday date in another format', (d) => { d.calendar.holidays[0]!.date = '01-01-2026'; }, /calendar › holidays\[0\] "01-01-2026" › date: YYYY-MM-DD/],
  ['an override that ends before it starts', (d) => { d.calendar.overrides[0]!.to = '2026-02-01'; }, /calendar.overrides\[0\] "Jam kerja bulan Ramadan 1447 H": it ends \(2026-02-01\) before it starts \(2026-02-19\)/],
])('%s is named', (_what, change, expected) => {
  const problems = problemsOf(edit(change));
  expect(problems.some((p) => expected.test(p))).toBe(true);
});

test('every problem of a file is listed, schema and cross-checks together', () => {
  const broken = edit((d) => {
    d.bupati.email = 'bupati';
    perpus(d).officials = perpus(d).officials.filter((o) => o.role !== 'kasi-layanan');
    d.agencies[1]!.id = 'perpus-muba';
    d.calendar.holidays[0]!.date = '2026-02-30';
    d.calendar.weeklyHours.fri = { open: '17:00', close: '08:00' };
  });
  const problems = problemsOf(broken);
  expect(problems).toEqual(expect.arrayContaining([
    expect.stringMatching(/^bupati › email: /),
    expect.stringMatching(/nobody holds role "kasi-layanan"/),
    expect.stringMatching(/the id "perpus-muba" is used by another unit/),
    expect.stringMatching(/"2026-02-30": there is no such day/),
    expect.stringMatching(/weeklyHours.fri: the office opens at 17:00/),
  ]));
  expect(new Set(problems).size).toBe(problems.length);
});

test('what is not a directory at all says so without crashing', () => {
  for (const input of [null, 42, 'directory', [], {}]) {
    const problems = problemsOf(input);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => typeof p === 'string' && p.length > 0)).toBe(true);
  }
});

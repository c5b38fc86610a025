/**
 * What a report review's task is about — its report, agency and period, and its title — from the
 * review snapshot's ids. Apart from report-review.ts so that "Tugas saya" (inbox.ts) can name a
 * review turn without importing the review's use cases (which check inbox grants in turn).
 */
import { zoneOffsetMinutes } from '../calendar';
import { parsePeriod } from '../reports/period';
import type { Deps } from './deps';
import { reportSubject } from './report-subject';
import type { ReportSpec } from './reports';

/** Is the review chain's report spec for (sop, report, period). */
export function reviewSpec(deps: Deps, sopId: string, reportId: string, periodId: string): ReportSpec {
  return { ...reportSubject(deps, sopId, reportId), period: parsePeriod(periodId, zoneOffsetMinutes[deps.calendar.config.timeZone]) };
}

/** The title of a reviewed report, as its emails and pages name it (Bahasa Indonesia: the regency's language). */
export function reviewTitle(deps: Deps, spec: ReportSpec): string {
  return `${spec.report.letters ? 'Laporan P4' : 'Rekapitulasi pengaduan'} ${spec.report.scope === 'regency' ? deps.directory.regency.name : spec.agency.name.id} — ${spec.period.label.id}`;
}

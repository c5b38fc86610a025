/**
 * Which report of which SOP, and the agency that follows it: what a scheduled report and a review
 * turn both start from. A module of its own, light, so that "Tugas saya" (inbox.ts, through
 * review-spec.ts) can name a review turn without loading the recap's builder (reports.ts).
 */
import type { Agency } from '../directory/schema';
import type { ReportSchedule, Sop } from '../sop/schema';
import type { Deps } from './deps';

/** The SOP, its report `reportId` and the directory's agency following the SOP; throws when any is missing. */
export function reportSubject(deps: Deps, sopId: string, reportId: string): { sop: Sop; report: ReportSchedule; agency: Agency } {
  const sop = deps.getSop(sopId);
  const report = sop.reports.find((r) => r.id === reportId);
  if (!report) throw new Error(`SOP ${sop.id} has no report ${reportId}`);
  const agency = deps.directory.agencies.find((a) => a.sopId === sop.id);
  if (!agency) throw new Error(`No agency of the directory follows SOP ${sop.id}`);
  return { sop, report, agency };
}

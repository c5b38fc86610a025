/**
 * What the recap reads of a case: the fields its figures and its rows are computed from, nothing of
 * the reporter, the description or the workflow's state. A store keeps this summary on the case item
 * (written with every write of the case, so it never adds a write) and the recap reads only it: a
 * month of 100,000 cases is then one short string per case to fetch and decode, instead of the whole
 * nested item (see the README's bench row for the recap).
 */
import type { CaseRecord, SlaVerdict } from '../case/model';

export type ReportCase = Pick<CaseRecord,
  'caseId' | 'trackingId' | 'agencyId' | 'routedAgencyId' | 'sopId' | 'category' | 'channel' | 'submittedAt' | 'status'
  | 'closedAt' | 'firstAnsweredAt' | 'confidential' | 'title' | 'repliedAt' | 'calendarGaps'> & {
  verdicts: Pick<SlaVerdict, 'scope' | 'id' | 'endedAt' | 'onTime' | 'lateByMinutes'>[];
  escalations: Pick<CaseRecord['escalations'][number], 'kind' | 'level' | 'at'>[];
  rating?: Pick<NonNullable<CaseRecord['rating']>, 'satisfied' | 'rating' | 'at'>;
  /** SP4N-LAPOR! row 4: each coordination done, for the recap's SLG figure. */
  coordinations?: Pick<NonNullable<CaseRecord['coordinations']>[number], 'at' | 'onTime'>[];
};

/** The recap's view of a case (a CaseRecord is one too: this drops the rest, for storing beside it). */
export function reportCaseOf(c: ReportCase): ReportCase {
  return {
    caseId: c.caseId,
    trackingId: c.trackingId,
    agencyId: c.agencyId,
    ...(c.routedAgencyId !== undefined ? { routedAgencyId: c.routedAgencyId } : {}),
    sopId: c.sopId,
    category: c.category,
    channel: c.channel,
    submittedAt: c.submittedAt,
    status: c.status,
    ...(c.closedAt !== undefined ? { closedAt: c.closedAt } : {}),
    ...(c.firstAnsweredAt !== undefined ? { firstAnsweredAt: c.firstAnsweredAt } : {}),
    confidential: c.confidential,
    title: c.title,
    ...(c.repliedAt?.length ? { repliedAt: c.repliedAt } : {}),
    ...(c.calendarGaps?.length ? { calendarGaps: c.calendarGaps } : {}),
    verdicts: c.verdicts.map((v) => ({ scope: v.scope, id: v.id, endedAt: v.endedAt, onTime: v.onTime, lateByMinutes: v.lateByMinutes })),
    escalations: c.escalations.map((e) => ({ kind: e.kind, level: e.level, at: e.at })),
    ...(c.coordinations?.length ? { coordinations: c.coordinations.map((k) => ({ at: k.at, onTime: k.onTime })) } : {}),
    ...(c.rating ? { rating: { satisfied: c.rating.satisfied, ...(c.rating.rating !== undefined ? { rating: c.rating.rating } : {}), at: c.rating.at } } : {}),
  };
}

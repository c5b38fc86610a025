/**
 * The recap report. Scheduled (EventBridge Scheduler, or the local clock): `{ sopId, reportId,
 * scheduledTime }` reports the period that just ended — at once, or, for a report with a review chain
 * (`reports[].review`), by starting its review machine. On demand (an operator's invocation):
 * `{ agencyId, period: "2026-10" | "2026-Q3" | "2026-S2" }`, sent at once (a copy, outside any review).
 * Each recipient gets the email once per period; `resend: true` sends it again.
 *
 * The review machine invokes this function too (`shared/workflow/review-contract.ts`): the turn's
 * deadlines, its task, the reminder and escalation, the delivery of the approved report.
 */
import middy from '@middy/core';
import { parseEvent } from '../adapters/event-parser';
import * as z from 'zod/mini';
import { deliverReview, isReviewed, openReviewTask, reviewDeadlines, reviewNotice, startReportReview } from '../../shared/usecases/report-review';
import { buildReport, onDemandReport, scheduledReport, sendReport } from '../../shared/usecases/reports';
import { ReviewRequest } from '../../shared/workflow/review-contract';
import { bundledSops, dependencies, sesMailer, sfnWorkflow } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer, workflow: sfnWorkflow, sops: bundledSops };

const Scheduled = z.object({ sopId: z.string().check(z.minLength(1)), reportId: z.string().check(z.minLength(1)), scheduledTime: z.iso.datetime({ offset: true }), resend: z.optional(z.boolean()) });
const OnDemand = z.object({ agencyId: z.string().check(z.minLength(1)), period: z.string().check(z.minLength(1)), resend: z.optional(z.boolean()) });
const ReportRequest = z.union([ReviewRequest, Scheduled, OnDemand]);
type ReportRequest = z.infer<typeof ReportRequest>;

export const handler = middy(async (event: ReportRequest) => {
  const deps = await dependencies(needs);
  if ('kind' in event) {
    switch (event.kind) {
      case 'reviewDeadlines': return reviewDeadlines(deps, event);
      case 'reviewOpen': await openReviewTask(deps, event); return {};
      case 'reviewNotice': await reviewNotice(deps, event); return {};
      case 'reviewDeliver': return deliverReview(deps, event);
    }
  }
  const now = new Date();
  const spec = 'sopId' in event
    ? scheduledReport(deps, event.sopId, event.reportId, new Date(event.scheduledTime))
    : onDemandReport(deps, event.agencyId, event.period);
  if ('sopId' in event && isReviewed(spec.report)) {
    const { executionArn } = await startReportReview(deps, spec, new Date(event.scheduledTime));
    return { sent: true, review: executionArn, period: spec.period.id };
  }
  const built = await buildReport(deps, spec, 'sopId' in event ? new Date(event.scheduledTime) : now);
  const { sentTo, alreadySent, suppressed } = await sendReport(deps, built, { resend: event.resend });
  return { sent: sentTo.length > 0, sentTo, alreadySent, ...(suppressed ? { suppressed } : {}), period: spec.period.id, cases: built.rows, attachments: built.attachments.map((a) => ({ filename: a.filename, size: a.bytes.length })) };
}).use(parseEvent(ReportRequest));

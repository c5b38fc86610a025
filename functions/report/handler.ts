/**
 * The recap report. Scheduled (EventBridge Scheduler, or the local clock): `{ sopId, reportId,
 * scheduledTime }` reports the period that just ended. On demand (an operator's invocation):
 * `{ agencyId, period: "2026-10" | "2026-Q3" }`. Each recipient gets the email once per period;
 * `resend: true` sends it again.
 */
import middy from '@middy/core';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import * as z from 'zod';
import { buildReport, onDemandReport, scheduledReport, sendReport } from '../../shared/usecases/reports';
import { dependencies, sesMailer } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { mailer: sesMailer };

const Scheduled = z.object({ sopId: z.string().min(1), reportId: z.string().min(1), scheduledTime: z.iso.datetime({ offset: true }), resend: z.boolean().optional() });
const OnDemand = z.object({ agencyId: z.string().min(1), period: z.string().min(1), resend: z.boolean().optional() });
const ReportRequest = z.union([Scheduled, OnDemand]);
type ReportRequest = z.infer<typeof ReportRequest>;

export const handler = middy(async (event: ReportRequest) => {
  const deps = await dependencies(needs);
  const now = new Date();
  const spec = 'sopId' in event
    ? scheduledReport(deps, event.sopId, event.reportId, new Date(event.scheduledTime))
    : onDemandReport(deps, event.agencyId, event.period);
  const built = await buildReport(deps, spec, 'sopId' in event ? new Date(event.scheduledTime) : now);
  const { sentTo, alreadySent } = await sendReport(deps, built, { resend: event.resend });
  return { sent: sentTo.length > 0, sentTo, alreadySent, period: spec.period.id, cases: built.rows, attachments: built.attachments.map((a) => ({ filename: a.filename, size: a.bytes.length })) };
}).use(parser({ schema: ReportRequest }));

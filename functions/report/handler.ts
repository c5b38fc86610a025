/**
 * The scheduled recap (EventBridge Scheduler: `{ sopId, reportId, scheduledTime }`): figures for the
 * previous complete period from the month index (Query, never Scan), sent once per report and period
 * to the SOP's recipients, with the period's cases as CSV.
 */
import middy from '@middy/core';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { z } from 'zod';
import type { CaseRecord } from '../../shared/case/model';
import { holdersOf } from '../../shared/directory/resolve';
import { renderEmail } from '../../shared/email/templates';
import { aggregate, csvHeader, csvLine, previousPeriod } from '../../shared/reports/aggregate';
import { dependencies } from '../adapters/deps';
import { logger } from '../http';

const ReportRequest = z.object({ sopId: z.string(), reportId: z.string(), scheduledTime: z.string(), force: z.boolean().optional() });
type ReportRequest = z.infer<typeof ReportRequest>;

export const handler = middy(async (event: ReportRequest) => {
  const deps = dependencies();
  const sop = deps.getSop(event.sopId);
  const report = sop.reports.find((r) => r.id === event.reportId);
  if (!report) throw new Error(`SOP ${sop.id} has no report ${event.reportId}`);
  const agency = deps.directory.agencies.find((a) => a.sopId === sop.id)!;
  const period = previousPeriod(report.period, deps.calendar.localDate(new Date(event.scheduledTime)));
  if (!event.force && !(await deps.store.claimOnce(`report-${sop.id}`, `${report.id}#${period.id}`))) {
    logger.info('report already sent for this period', { sopId: sop.id, period: period.id });
    return { sent: false, period: period.id };
  }
  const scopeAgency = report.scope === 'agency' ? agency.id : undefined;
  const stream = async function* (): AsyncIterable<CaseRecord> {
    for (const month of period.months) yield* deps.store.casesByMonth(month, scopeAgency);
  };
  const recap = await aggregate(stream());
  const lines = [csvHeader];
  for await (const c of stream()) lines.push(csvLine(c));
  const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)} %` : '—');
  const recipients = report.recipients.flatMap((r) => (r === 'bupati' ? [deps.directory.bupati] : holdersOf(deps.directory, sop, r, { agencyId: agency.id }).filter((o) => !o.acting)));
  const scopeName = report.scope === 'regency' ? deps.directory.regency.name : agency.name.id;
  for (const person of recipients) {
    const email = renderEmail({
      template: 'report', recipientName: person.name, periodLabel: period.label[person.language], scopeName,
      headline: [
        { label: person.language === 'id' ? 'Pengaduan diterima' : 'Complaints received', value: String(recap.received) },
        { label: person.language === 'id' ? 'Selesai' : 'Closed', value: String(recap.closed) },
        { label: person.language === 'id' ? 'Masih terbuka' : 'Still open', value: String(recap.open) },
        { label: person.language === 'id' ? 'Tahap tepat waktu' : 'Steps on time', value: pct(recap.stepsOnTime, recap.stepVerdicts) },
        { label: person.language === 'id' ? 'Rekomendasi teguran' : 'Reprimand recommendations', value: String(recap.reprimands) },
        { label: person.language === 'id' ? 'Rata-rata penilaian' : 'Average rating', value: recap.ratings ? (recap.ratingSum / recap.ratings).toFixed(1) : '—' },
      ],
      attachments: [`pengaduan-${period.id}.csv`],
    }, person.language);
    await deps.mailer.send({ from: deps.mailFrom, to: [person.email], ...email, attachments: [{ filename: `pengaduan-${period.id}.csv`, contentType: 'text/csv; charset=utf-8', content: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8') }] });
  }
  logger.info('report sent', { sopId: sop.id, period: period.id, recipients: recipients.length, cases: recap.received });
  return { sent: true, period: period.id, recap };
}).use(parser({ schema: ReportRequest }));

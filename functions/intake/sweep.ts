/**
 * Scheduled (every 5 minutes on AWS; every minute of real time on the local runtime): the repair
 * sweep. It starts the executions of complaints that intake stored while Step Functions was
 * unreachable, so that a complaint answered with 503 is never left waiting for a retry the citizen
 * may not make; it delivers the decisions of officials and reporters that were stored but never
 * reached their execution, for the same reason; and it finishes the emails that runs left pending (a
 * task whose announcement died half-way or was refused, a notice given up by the state machine),
 * under the email rule. All through index queries, never a Scan. The schedule's time is the
 * platform's clock.
 *
 * Invoked by an operator with `{ "resume": "<trackingId>" }`: resumes the workflow states of that
 * case that were parked after their retries failed (statemachines/README.md, "Errors, retries and
 * timeouts"), once the cause is fixed.
 */
import type { ScheduledEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { resumeParkedCase } from '../../shared/usecases/attention';
import { deliverStalledDecisions, resumeStalledSubmissions } from '../../shared/usecases/complaints';
import { finishPendingMail } from '../../shared/usecases/workflow';
import { bundledSops, dependencies, s3Files, sesMailer, sfnWorkflow } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { workflow: sfnWorkflow, mailer: sesMailer, files: s3Files, sops: bundledSops };

/** `at`: the operator's instant (the local runtime passes its clock's); now by default. */
const ResumeRequest = z.object({ resume: z.string().check(z.minLength(1), z.maxLength(64)), at: z.optional(z.iso.datetime({ offset: true })) });

export async function handler(event: Pick<ScheduledEvent, 'time'> | { resume: string; at?: string }): Promise<{ started: number; delivered: number; mailFinished: number } | { resumed: string[] }> {
  const resume = ResumeRequest.safeParse(event);
  if (resume.success) return { resumed: await resumeParkedCase(await dependencies(needs), resume.data.resume, resume.data.at ? new Date(resume.data.at) : new Date()) };
  const now = new Date((event as Pick<ScheduledEvent, 'time'>).time);
  if (Number.isNaN(now.getTime())) throw new Error('The schedule event carries no valid time');
  const deps = await dependencies(needs);
  const started = await resumeStalledSubmissions(deps, now);
  const delivered = await deliverStalledDecisions(deps, now);
  const finished = await finishPendingMail(deps, now);
  return { started: started.length, delivered: delivered.length, mailFinished: finished.length };
}

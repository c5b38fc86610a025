/**
 * Scheduled (every 5 minutes on AWS; every minute of real time on the local runtime): the repair
 * sweep. It starts the executions of complaints that intake stored while Step Functions was
 * unreachable, so that a complaint answered with 503 is never left waiting for a retry the citizen
 * may not make; and it finishes the emails that runs left pending (a task whose announcement died
 * half-way or was refused, a notice given up by the state machine), under the email rule. Both
 * through index queries, never a Scan. The schedule's time is the platform's clock.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { resumeStalledSubmissions } from '../../shared/usecases/complaints';
import { finishPendingMail } from '../../shared/usecases/workflow';
import { dependencies } from '../adapters/deps';

export async function handler(event: Pick<ScheduledEvent, 'time'>): Promise<{ started: number; mailFinished: number }> {
  const now = new Date(event.time);
  if (Number.isNaN(now.getTime())) throw new Error('The schedule event carries no valid time');
  const started = await resumeStalledSubmissions(dependencies(), now);
  const finished = await finishPendingMail(dependencies(), now);
  return { started: started.length, mailFinished: finished.length };
}

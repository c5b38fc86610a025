/**
 * Scheduled (every few minutes): starts the executions of complaints that intake stored while Step
 * Functions was unreachable, so that a complaint answered with 503 is never left waiting for a retry
 * the citizen may not make. The schedule's time is the platform's clock.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { resumeStalledSubmissions } from '../../shared/usecases/complaints';
import { dependencies } from '../adapters/deps';

export async function handler(event: Pick<ScheduledEvent, 'time'>): Promise<{ started: number }> {
  const now = new Date(event.time);
  if (Number.isNaN(now.getTime())) throw new Error('The schedule event carries no valid time');
  const started = await resumeStalledSubmissions(await dependencies(), now);
  return { started: started.length };
}

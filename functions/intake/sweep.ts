/**
 * Scheduled (every few minutes): starts the executions of complaints that intake stored while Step
 * Functions was unreachable, so that a complaint answered with 503 is never left waiting for a retry
 * the citizen may not make; and delivers the decisions of officials and reporters that were stored
 * but never reached their execution, for the same reason. The schedule's time is the platform's clock.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { deliverStalledDecisions, resumeStalledSubmissions } from '../../shared/usecases/complaints';
import { dependencies, sfnWorkflow } from '../adapters/deps';

/** The ports this function uses besides the case store (only these clients are bundled). */
const needs = { workflow: sfnWorkflow };

export async function handler(event: Pick<ScheduledEvent, 'time'>): Promise<{ started: number; delivered: number }> {
  const now = new Date(event.time);
  if (Number.isNaN(now.getTime())) throw new Error('The schedule event carries no valid time');
  const deps = await dependencies(needs);
  const started = await resumeStalledSubmissions(deps, now);
  const delivered = await deliverStalledDecisions(deps, now);
  return { started: started.length, delivered: delivered.length };
}

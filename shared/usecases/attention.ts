/**
 * Cases that need attention: a workflow function still failed after the state machine's retries
 * (a bug, a broken directory entry, a service down for long). The state machine does not fail the
 * execution: it parks the failed state (statemachines/compile.ts, `parkFailedTasks`) and calls
 * `parkFailedState`, which makes the case visible — on the case and its task pages, "being handled
 * by our staff" on the public status, an email to the regency admin, the WorkflowTaskFailed metric —
 * and keeps the token an operator resumes it with (`resumeParkedCase`), once the cause is fixed.
 */
import type { CaseRecord, ParkedState } from '../case/model';
import { renderEmail } from '../email/templates';
import { NotFound } from '../errors';
import type { ParkRequest } from '../workflow/contract';
import { caseByTrackingId } from './complaints';
import { mutateCase, record, type Deps } from './deps';

/** How an operator resumes a parked case; named in the admin's email (README: "Operations"). */
export const RESUME_HINT = 'aws lambda invoke --function-name <Sweep function> --payload \'{"resume":"<trackingId>"}\' (lokal / locally: POST /_local/sweep {"resume":"<trackingId>"})';

/**
 * Parks a failed state: stores it on the case with its token (a repeated call — a Lambda retry —
 * replaces the token of the same entry), and the first time for this entry of the state records the
 * event, counts WorkflowTaskFailed and emails the regency admin. Throws when the case does not exist:
 * then there is nothing to park, and the execution fails loudly (the failed-executions alarm).
 */
export async function parkFailedState(deps: Deps, req: ParkRequest): Promise<void> {
  const entry: ParkedState = { state: req.state, error: req.error, at: req.enteredAt, executionId: req.executionId, taskToken: req.taskToken };
  const sameState = (p: ParkedState) => p.state === req.state && p.executionId === req.executionId;
  const c = await mutateCase(deps, req.caseId, (x) => ({ needsAttention: [...(x.needsAttention ?? []).filter((p) => !sameState(p)), entry] }));
  // Each time the state is parked anew (a new entry into the parking state) is told once.
  if (!(await deps.store.claimOnce(c.caseId, `parked#${req.executionId}#${req.state}#${req.enteredAt}`))) return;
  deps.log.warn('workflow state parked after its retries: needs attention', { caseId: c.caseId, state: req.state, error: req.error, admin: deps.directory.admin.id });
  deps.metrics?.count('WorkflowTaskFailed');
  await record(deps, { caseId: c.caseId, at: req.enteredAt, type: 'workflow_parked', actor: { kind: 'system' }, data: { state: req.state, error: req.error } });
  await tellAdmin(deps, c, entry);
}

async function tellAdmin(deps: Deps, c: CaseRecord, entry: ParkedState): Promise<void> {
  const admin = deps.directory.admin;
  try {
    const email = renderEmail({ template: 'workflowParked', recipientName: admin.name, trackingId: c.trackingId, state: entry.state, error: entry.error, at: entry.at, resumeHint: RESUME_HINT.replace('<trackingId>', c.trackingId) }, admin.language);
    await deps.mailer.send({ from: deps.mailFrom, to: [admin.email], ...email, tags: { caseId: c.caseId, template: 'workflowParked' } });
  } catch (err) {
    // The case is parked and visible all the same (its event, the metric and its alarm).
    deps.log.warn('the regency admin could not be emailed about a parked case', { caseId: c.caseId, errorName: err instanceof Error ? err.name : 'unknown' });
  }
}

/**
 * Resumes every parked state of a case (by tracking id, or case id): each failed state runs again.
 * An entry whose token is no longer valid (its execution ended meanwhile) is dropped. Returns the
 * states resumed; 404 when the case does not exist, and an empty list when nothing was parked.
 */
export async function resumeParkedCase(deps: Deps, typed: string, at: Date): Promise<string[]> {
  const c = typed.startsWith('c') && !typed.includes('-') ? await deps.store.getCase(typed) : await caseByTrackingId(deps, typed);
  if (!c) throw new NotFound({ id: 'Tidak ada pengaduan dengan nomor ini.', en: 'No complaint has this id.' });
  const resumed: string[] = [];
  for (const p of c.needsAttention ?? []) {
    try {
      await deps.workflow.taskSucceeded(p.taskToken, { resumedAt: deps.calendar.format(at) });
      resumed.push(p.state);
    } catch (err) {
      const name = err instanceof Error ? err.name : 'unknown';
      if (name !== 'TaskDoesNotExist' && name !== 'TaskTimedOut' && name !== 'InvalidToken') throw err;
      deps.log.warn('parked state no longer waits; dropped', { caseId: c.caseId, state: p.state, errorName: name });
    }
    // Only this token's entry: the state may already have failed again and parked with a new one.
    await mutateCase(deps, c.caseId, (x) => ({ needsAttention: (x.needsAttention ?? []).filter((q) => q.taskToken !== p.taskToken) }));
  }
  for (const state of resumed) {
    await record(deps, { caseId: c.caseId, at: deps.calendar.format(at), type: 'workflow_resumed', actor: { kind: 'system' }, data: { state } });
  }
  return resumed;
}

/**
 * A task: one visit of one human step, or the reporter's window. Its link carries a random
 * key (>=128 bits); only the key's hash is stored, and the key maps to the current Step
 * Functions task token, which never leaves the server.
 */
export type TaskKind = 'official' | 'reporterReply' | 'reporterAnswer';
export type TaskStatus = 'open' | 'done' | 'superseded' | 'expired';

export interface TaskRecord {
  caseId: string;
  /** `${kind}#${stepId}#${visit}`: unique per case; the idempotency key of "open task". */
  slot: string;
  kind: TaskKind;
  stepId: string;
  visit: number;
  /** SHA-256 (hex) of the link key. */
  keyHash: string;
  /** The current Step Functions task token (re-bound when a resumed state re-enters). */
  taskToken: string;
  status: TaskStatus;
  /** SOP role, and the directory person the link was sent to (absent for the reporter). */
  role: string;
  assigneeId?: string;
  openedAt: string;
  dueAt?: string;
  decidedAt?: string;
  decidedBy?: string;
  /** The action taken (official) or `feedback` (reporter), for the 409 page. */
  decision?: string;
  /** Key hash of the link that replaced this one (reassignment to a Plt/Plh). */
  supersededBy?: string;
  version: number;
}

/** Builds the slot of a task. */
export function taskSlot(kind: TaskKind, stepId: string, visit: number): string {
  return `${kind}#${stepId}#${visit}`;
}

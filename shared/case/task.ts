/**
 * A task: one visit of one human step, or the reporter's window. Its link carries a random
 * key (>=128 bits); only the key's hash is stored, and the key maps to the current Step
 * Functions task token, which never leaves the server.
 */
import type { AttachmentRecord } from '../attachments/files';
/** `reportReview`: one turn of a report's review chain (its "case" is the report's review id, see shared/usecases/report-review.ts). */
export type TaskKind = 'official' | 'reporterReply' | 'reporterAnswer' | 'reportReview';
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
  /**
   * The key names its task (shared/case/keys.ts `locatedKey`): no lookup item is kept for it. Absent:
   * a key of the earlier shape, found through its lookup.
   */
  keyLocated?: true;
  /** Hashes of the located keys this task had before its current one: each answers 410 (superseded), not 404. */
  formerKeyHashes?: string[];
  /** The current Step Functions task token (re-bound when a resumed state re-enters). */
  taskToken: string;
  /**
   * The execution whose callback the token belongs to (`$$.Execution.Id`). A successor execution
   * (continue-as-new) re-binds the task to itself; an older execution never takes it back.
   */
  executionId?: string;
  /**
   * Set while the execution hands this task over to the successor of that name: nobody may act
   * until the successor has re-bound the task (which clears it), so no decision goes to an
   * execution that is ending.
   */
  handingOverTo?: string;
  status: TaskStatus;
  /** SOP role, and the directory person the link was sent to (absent for the reporter). */
  role: string;
  assigneeId?: string;
  openedAt: string;
  dueAt?: string;
  decidedAt?: string;
  /** Who acted: the assignee, or a grant holder acting for them (then `decidedOnBehalfOf` is the assignee). */
  decidedBy?: string;
  decidedOnBehalfOf?: string;
  /** The action taken (official) or `feedback` (reporter), for the 409 page. */
  decision?: string;
  /**
   * What the person decided, word for word: stored with `status: done` in one conditional write
   * before anything is handed to the execution, which receives only ids and flags (the action id;
   * for the reporter, satisfied and rating). The outcome handler reads the texts from here.
   */
  given?: GivenDecision;
  /**
   * When Step Functions accepted the decision (or the outcome handler saw it arrive). A done task
   * with `given` but without it may not have reached its execution: a re-sent POST delivers it.
   */
  deliveredAt?: string;
  /** Key hash of the link that replaced this one (reassignment to a Plt/Plh). */
  supersededBy?: string;
  /** For `reportReview`: what the reviewer is shown (figures, letters, the notes of the turns before), fixed when the turn opened. */
  review?: ReviewSnapshot;
  version: number;
}

/** One draft follow-up letter of a reviewed report (SP4N-LAPOR! row 9): to one agency, about the cases listed. */
export interface ReviewLetter {
  agencyId: string;
  agencyName: string;
  /** The cases the letter is about, by tracking number: late ones, then unfollowed ones. */
  late: string[];
  unfollowed: string[];
  /** The letter's text as the reviewer received it (generated for the first turn, as approved by the turn before for the others). */
  text: string;
}

/** The notes one reviewer wrote, word for word. */
export interface ReviewNote {
  turn: number;
  role: string;
  personId: string;
  notes: string;
  at: string;
}

/** What a review turn shows: the report's figures as built when the chain started, the letters, the earlier notes. */
export interface ReviewSnapshot {
  sopId: string;
  reportId: string;
  periodId: string;
  turn: number;
  turns: number;
  /** Measure → this period, the period before. */
  figures: { label: string; value: number | null; previous: number | null }[];
  letters: ReviewLetter[];
  notes: ReviewNote[];
}

/** An official's decision as given: the action's id, its fields as typed, who took it (and for whom), when. */
export interface OfficialDecision {
  kind: 'official';
  action: string;
  fields: Record<string, string>;
  actor: { personId: string; role: string; onBehalfOf?: string };
  decidedAt: string;
  /** The file attached to an answer to the reporter, stored before the decision (shared/usecases/attachments.ts). */
  file?: AttachmentRecord;
}

/** The reporter's reply to an answer, rating, or answer to a question, as given. */
export interface ReporterDecision {
  kind: 'reporter';
  satisfied: boolean;
  rating?: number;
  /** The reply ("what is still missing"), the rating's comment, or the answer to the question. */
  comment?: string;
  at: string;
}

export type GivenDecision = OfficialDecision | ReporterDecision;

/** Builds the slot of a task. */
export function taskSlot(kind: TaskKind, stepId: string, visit: number): string {
  return `${kind}#${stepId}#${visit}`;
}

/** What a grant lets its holder do: `act` = act and reassign as the assignee would; `view` = read only. */
export type GrantRight = 'act' | 'view';

/**
 * Why someone holds a link: the escalation ladder's reminder, an escalation rung, a reprimand
 * recommendation; or `inbox`: a signed-in official opened the task from "Tugas saya" (their own
 * task, one they stand in for as Plt/Plh, or one an act grant of the ladder let them act on); or
 * `dashboard`: a head of office or a regency-wide official opened the case from a dashboard (view only).
 */
export type GrantReason = 'reminder' | 'escalation' | 'reprimand' | 'inbox' | 'dashboard';

/** On what ground an `inbox` grant was minted: it opens the task only while that ground holds. */
export type InboxBasis = 'assignee' | 'acting' | 'grant';

/**
 * A grant: a link to one task slot (one step visit) of its own, minted for a person the escalation
 * ladder notifies — the reminded assignee, the superior, the head of office, the Bupati, the
 * inspectorate. Like the task's own key, its key is 256 random bits of which only the SHA-256 is
 * stored; the key lookup maps that hash to the case and slot. A grant lives as long as its task:
 * once the step is done, every link of the task answers 409; a new visit is a new task, with no grants.
 * A reassignment replaces the assignee's own key but leaves the grants (a reminder grant of an
 * assignee who handed the task over is treated as replaced too: it was theirs as the assignee).
 */
export interface TaskGrant {
  caseId: string;
  slot: string;
  /** SHA-256 (hex) of the grant's link key. */
  keyHash: string;
  /** Directory person id of the holder. */
  personId: string;
  /** The SOP role the holder has for this case, if any (the Bupati has none): whether they may see a confidential reporter. */
  role?: string;
  may: GrantRight;
  reason: GrantReason;
  /** The ladder's rung (1-based), for escalations and reprimands. */
  level?: number;
  /** Set when the ladder was a phase's rather than the step's own. */
  phaseId?: string;
  /** For an `inbox` grant: why the signed-in person may act (checked again on every use). */
  basis?: InboxBasis;
  grantedAt: string;
  /**
   * `pending` from minting until the email that carries the key was accepted for delivery; only an
   * `active` grant opens the task. The grant of an email that failed stays pending: nobody can use it.
   */
  status: 'pending' | 'active';
}

/**
 * The task a located link key reaches, read where the key says: the key's only if the task holds the
 * key's hash now, or held it before (then seen as `superseded` by the current key, so the link answers
 * 410); any other key naming that place reaches nothing (404). One rule for every store.
 */
export function taskOfLocatedKey(task: TaskRecord | undefined, keyHash: string): TaskRecord | undefined {
  if (!task) return undefined;
  if (task.keyHash === keyHash) return task;
  return task.formerKeyHashes?.includes(keyHash) ? { ...task, keyHash, status: 'superseded', supersededBy: task.keyHash } : undefined;
}

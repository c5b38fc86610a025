import type { CaseEvent, CaseRecord, CaseStatus } from './case/model';
import type { TaskGrant, TaskRecord } from './case/task';

/**
 * Ports: what the domain needs from the outside world. Their AWS SDK adapters live in
 * `functions/adapters/`; tests and the local runtime use the same adapters against local
 * stand-ins, or in-memory fakes for unit tests.
 */

/** Time, always through this port: SLA code and tests never patch Date. */
export interface Clock {
  now(): Date;
}

export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** Set for inline images referenced as `cid:` in the HTML. */
  contentId?: string;
}

export interface OutgoingEmail {
  from: string;
  to: string[];
  cc?: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  attachments?: EmailAttachment[];
}

export interface Mailer {
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
}

/** Step Functions, as the handlers use it. */
export interface Workflow {
  /** Idempotent by name: a second start with the same name and input is not a second execution. */
  start(sopId: string, name: string, input: unknown): Promise<{ executionArn: string }>;
  taskSucceeded(taskToken: string, output: unknown): Promise<void>;
  taskFailed(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Thrown by CaseStore when a conditional write loses (the item changed or already exists). */
export class ConditionFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionFailed';
  }
}

/** A task as one link key reaches it: through the task's own key, or through a grant. */
export interface TaskLink {
  /** As `getTaskByKeyHash` gives it for the task's own keys (current or replaced); as stored for a grant's. */
  task: TaskRecord;
  /** Present when the key is a grant's. */
  grant?: TaskGrant;
}

/**
 * Cases, their events and tasks, in the single table (shared/data/table.ts). Every write is a
 * conditional single-item write; no method scans.
 */
export interface CaseStore {
  /** Writes the case, its tracking-id lookup and its first event; fails if either id exists. */
  createCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<void>;
  getCase(caseId: string): Promise<CaseRecord | undefined>;
  getCaseByTrackingId(trackingId: string): Promise<CaseRecord | undefined>;
  /**
   * Optimistic: applies `patch` only if the stored version is `expectedVersion`; returns the new record.
   * `current` is the case as read at `expectedVersion`, when the caller holds it: the store then need
   * not read it again (the write stays conditional on the version).
   */
  updateCase(
    caseId: string,
    expectedVersion: number,
    patch: Partial<Omit<CaseRecord, 'caseId' | 'version'>>,
    current?: CaseRecord,
  ): Promise<CaseRecord>;
  /** Appends an event with the next sequence number. */
  appendEvent(event: Omit<CaseEvent, 'seq'>): Promise<CaseEvent>;
  listEvents(caseId: string): Promise<CaseEvent[]>;

  /** Stores a task and its key lookup; fails if the slot exists. */
  putTask(task: TaskRecord): Promise<void>;
  getTask(caseId: string, slot: string): Promise<TaskRecord | undefined>;
  /** The task of one of its own keys (a replaced key sees it as superseded); undefined for a grant's key. */
  getTaskByKeyHash(keyHash: string): Promise<TaskRecord | undefined>;
  /** The task of any of its keys, with the grant when the key is one; undefined when unknown (or half-written). */
  getTaskLink(keyHash: string): Promise<TaskLink | undefined>;
  /** Optimistic update of a task; a new `keyHash` also writes its lookup item. */
  updateTask(
    caseId: string,
    slot: string,
    expectedVersion: number,
    patch: Partial<Omit<TaskRecord, 'caseId' | 'slot' | 'version'>>,
  ): Promise<TaskRecord>;

  /**
   * Stores a grant, pending: first its key lookup (which fails if the key exists, before anything
   * else is written), then the grant. A lookup whose grant is missing reads as an unknown key.
   */
  putGrant(grant: TaskGrant): Promise<void>;
  /** Makes a pending grant usable; fails if it does not exist. */
  activateGrant(caseId: string, slot: string, keyHash: string): Promise<TaskGrant>;
  /** The grants of one task slot, in key-hash order. */
  listGrants(caseId: string, slot: string): Promise<TaskGrant[]>;

  /** Records that `key` happened for this case; true the first time only (emails, verdicts). */
  claimOnce(caseId: string, key: string): Promise<boolean>;
  /** Forgets a claim (after a failed email, so that the retry may send it). */
  release(caseId: string, key: string): Promise<void>;
  /** Stores `value` under `key` unless one is stored; returns the stored value (first writer wins). */
  remember<T extends Record<string, unknown>>(caseId: string, key: string, value: T): Promise<T>;

  /**
   * An agency's cases in a status. With `submittedBefore`, every case submitted before that instant is
   * among those given, and a store may leave out (some of) the later ones: callers still filter.
   */
  casesByAgencyStatus(agencyId: string, status: CaseStatus, submittedBefore?: Date): AsyncIterable<CaseRecord>;
  /** Cases submitted in a month (`YYYY-MM`), optionally for one agency, page by page. */
  casesByMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord>;
  /** Cases that ended (closed or rejected) in a month (`endedMonth`), optionally for one agency, page by page. */
  casesEndedInMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord>;
  openCasesDueBefore(agencyId: string, before: string): AsyncIterable<CaseRecord>;
}

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
 * One entry of a person's "Tugas saya" index: an open task assigned to them (`via: assignee`), or an
 * act grant the escalation ladder gave them (`via: grant`, with the grant; its task may be done since:
 * the reader checks it, and drops the entry with `unindexGrant`).
 */
export interface InboxEntry {
  caseId: string;
  slot: string;
  /** The task's deadline when the entry was written (absent: no deadline). */
  dueAt?: string;
  via: 'assignee' | 'grant';
  grant?: TaskGrant;
}

/** A page of a person's index, by deadline (no deadline last); `next` continues it. */
export interface InboxPage {
  entries: InboxEntry[];
  next?: string;
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
   * Counts one use of `counter` unless it has already counted `limit`: true when counted. Atomic (a
   * conditional increment), so concurrent callers never pass the limit together. The counter may be
   * dropped after `expiresAt` (epoch seconds); callers put the period in the counter's name.
   */
  takeQuota(counter: string, limit: number, expiresAt: number): Promise<boolean>;

  /**
   * A person's open tasks and act grants by deadline, one page of at most `limit` entries (a Query of
   * the inbox index: never a Scan); `after` is the `next` of the page before.
   */
  inboxOf(personId: string, page: { limit: number; after?: string }): Promise<InboxPage>;
  /** Takes a grant out of its holder's inbox index (its task is done); the grant itself stays. */
  unindexGrant(caseId: string, slot: string, keyHash: string): Promise<void>;

  casesByAgencyStatus(agencyId: string, status: CaseStatus): AsyncIterable<CaseRecord>;
  /** Cases submitted in a month (`YYYY-MM`), optionally for one agency, page by page. */
  casesByMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord>;
  /** Cases that ended (closed or rejected) in a month (`endedMonth`), optionally for one agency, page by page. */
  casesEndedInMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord>;
  openCasesDueBefore(agencyId: string, before: string): AsyncIterable<CaseRecord>;
}

/** A one-time sign-in link, as stored: the hash of its key only. */
export interface SignInLink {
  keyHash: string;
  personId: string;
  createdAt: string;
  /** Epoch seconds: the link opens nothing after this (15 minutes). */
  expiresAt: number;
}

/** An official's session, as stored: the hash of the cookie's value only. */
export interface OfficialSession {
  keyHash: string;
  personId: string;
  /** The directory version the person was found in at sign-in. */
  directoryVersion?: number;
  createdAt: string;
  /** Epoch seconds: 8 hours after sign-in. */
  expiresAt: number;
}

/**
 * Sign-in links and sessions of officials, in the single table. A link is consumed once (a
 * conditional write), and neither a link nor a session is honoured past its `expiresAt`, whether or
 * not DynamoDB's TTL has removed it yet.
 */
export interface SessionStore {
  putSignInLink(link: SignInLink): Promise<void>;
  /** Marks the link used: the link the first time, while unexpired at `nowEpoch`; undefined otherwise. */
  consumeSignInLink(keyHash: string, nowEpoch: number): Promise<SignInLink | undefined>;
  putSession(session: OfficialSession): Promise<void>;
  /** The session, unless unknown or expired at `nowEpoch`. */
  getSession(keyHash: string, nowEpoch: number): Promise<OfficialSession | undefined>;
  deleteSession(keyHash: string): Promise<void>;
}

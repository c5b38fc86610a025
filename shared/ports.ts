import type { CaseEvent, CaseHead, CaseRecord, CaseStatus } from './case/model';
import type { TaskGrant, TaskRecord } from './case/task';
import type { ReportCase } from './reports/report-case';
import type { NotifyRequest } from './workflow/contract';
import type { KeyLocator } from './case/keys';

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
  /**
   * SES message tags (`caseId`, `template`): they come back in bounce and complaint events, which is
   * how an event finds its case. Values are ids (letters, digits, `_`, `-`), never personal data.
   */
  tags?: Record<string, string>;
}

export interface Mailer {
  /**
   * `known`: suppression entries the caller read a moment ago with the case (`getCaseWithSuppressions`,
   * one request), by address hash; the suppression list is not read again for those addresses.
   */
  send(message: OutgoingEmail, known?: KnownSuppressions): Promise<{ messageId: string }>;
  /**
   * Whether `send` would refuse a message to these recipients without calling SES (every one is on
   * the suppression list): asked before another attempt of an email is begun, so that an address
   * that cannot be mailed takes no attempt (a re-run then settles the email as the first run did).
   * Absent: a mailer that refuses nobody.
   */
  refuses?(recipients: string[], known?: KnownSuppressions): Promise<boolean>;
}

/** The operational counters: each is a CloudWatch metric on AWS, with an alarm (infra/aws). */
export const OperationalMetrics = [
  /** A step or phase ended after its deadline (its verdict was recorded late). */
  'SlaBreached',
  /** SES refused a message (after the SDK's own retries). */
  'EmailFailed',
  /** A message not sent because its recipient's address bounced or complained before. */
  'EmailSuppressed',
  /** Intake stored a complaint but could not start its execution (the sweep retries it). */
  'ExecutionStartFailed',
  /** An HTTP handler answered 500. */
  'HttpServerError',
  /** A permanent bounce, and a complaint, reported by SES. */
  'MailBounced',
  'MailComplained',
  /** A workflow function still failed after its retries: the case is parked, needing attention. */
  'WorkflowTaskFailed',
] as const;
export type MetricName = (typeof OperationalMetrics)[number];

/** Where the counters are published on AWS: the CloudWatch namespace and the `service` dimension (with `stage`). */
export const METRICS_NAMESPACE = 'Tanggap';
export const METRICS_SERVICE = 'tanggap';

/** Counts operational events (CloudWatch metrics through EMF log lines on AWS; a log line on the local runtime). */
export interface Metrics {
  count(name: MetricName, n?: number): void;
}

/**
 * An address SES reported as bouncing permanently or complaining: no more mail goes to it. Keyed by
 * a hash of the address (`addressHash`), so the list itself holds no address.
 */
export interface Suppression {
  addressHash: string;
  reason: 'bounce' | 'complaint';
  /** SES's bounce type and subtype, for a bounce. */
  bounceType?: string;
  bounceSubType?: string;
  at: string;
}

/**
 * Suppression entries read together with a case, by address hash: an entry, or undefined when the
 * address is not suppressed. An address absent from the map was not read.
 */
export type KnownSuppressions = ReadonlyMap<string, Suppression | undefined>;

/** A case and the suppression entries read with it (`CaseStore.getCaseWithSuppressions`). */
export interface CaseWithSuppressions {
  case: CaseRecord | undefined;
  suppressions: KnownSuppressions;
}

export interface SuppressionList {
  get(addressHash: string): Promise<Suppression | undefined>;
  /** Stores (or replaces) the record of an address. */
  put(record: Suppression): Promise<void>;
}

/** Step Functions, as the handlers use it. */
export interface Workflow {
  /** Idempotent by name: a second start with the same name and input is not a second execution. */
  start(sopId: string, name: string, input: unknown): Promise<{ executionArn: string }>;
  taskSucceeded(taskToken: string, output: unknown): Promise<void>;
  taskFailed(taskToken: string, error: string, cause: string): Promise<void>;
}

/**
 * A tracking id's lookup: the case it names; for a complaint filed with an Idempotency-Key, the key's
 * hash (HMAC with the link secret) and when the key was first used (its record expires after a day).
 */
export interface TrackingClaim {
  trackingId: string;
  caseId: string;
  keyHash?: string;
  claimedAt?: string;
}

/** Where a case keeps deadlines (`CaseRecord.deadlines`). */
export type DeadlineScope = 'step' | 'phase' | 'replyWindow';

/** What `recordStart` writes. */
export interface ExecutionStart {
  executionId: string;
  /** When the execution hands over to a successor (absolute instant). */
  continueByAt: string;
  /** The start's event, recorded once per case (its `once` key). */
  event: Omit<CaseEvent, 'seq'> & { once: string };
  /**
   * The first visit's deadlines, remembered in the same write as `rememberDeadlines` would (same
   * scope, key, due fields and condition). When that condition fails (the case keeps no deadlines
   * map, or holds this visit's already) nothing at all is written: the caller records the start without them.
   */
  deadlines?: { scope: DeadlineScope; remembered: NonNullable<CaseRecord['deadlines']>[DeadlineScope] & object; due: Partial<CaseRecord> };
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
 * Where one email stands. `pending`: claimed, SES is being (or was being) called; a run that finds it
 * pending sends again. `sent`: SES accepted it (with its message id); never sent again. `failed`: given
 * up after its attempts, recorded on the case and reported to the regency admin; never sent again.
 */
export type MailClaimState = 'pending' | 'sent' | 'failed';

/**
 * What sends an email again that a run left pending (the repair sweep): the announcement of a task
 * (its slot: the task and the case say the rest), a notice of the state machine (its request: ids
 * and instants only), or the regency admin's calendar warning.
 */
export type MailRedo =
  | { kind: 'task'; slot: string }
  | { kind: 'notify'; request: NotifyRequest }
  | { kind: 'calendarGap'; year: number; trackingId: string; at: string }
  /** The regency admin's report that the case's email of claim `failedKey` was given up. */
  | { kind: 'undeliverable'; failedKey: string };

/** The claim of one email (pk `CASE#<caseId>`, sk `ONCE#mail#<key>`). */
export interface MailClaim {
  /** The case, or `regency-<id>` for the regency's own notices. */
  caseId: string;
  /** The email's once-key within the case: `task#<slot>`, `notify#<template>#<step>#<visit>#<level>`, … */
  key: string;
  state: MailClaimState;
  template: string;
  /** Who it is for, as a role (`reporter`, an SOP role, `bupati`, `admin`): never an address. */
  recipientRole: string;
  /** Sends begun: each call to SES is preceded by one (the first by the claim itself). */
  attempts: number;
  /** When the latest attempt began (the handler's time): the sweep retries a claim pending for longer than its grace. */
  attemptedAt: string;
  /**
   * Until when the latest attempt may still be in flight (its lease: `attemptedAt` + the in-flight
   * window, longer than any run lasts). Nobody else takes the claim before then; an attempt that
   * ends without sending (SES refused, an error before SES) releases it (absent). A pending claim's
   * lease outlives its attempt only when that run died. Not in gsi3's projection: the sweep's grace
   * is longer than the window.
   */
  leaseUntil?: string;
  redo: MailRedo;
  messageId?: string;
  sentAt?: string;
  /** The grant whose link the sent email carries (ladder emails): activated after the mark, by whoever finds it sent. */
  grant?: { slot: string; keyHash: string };
  /** Whether its `email_sent` event was recorded with the mark (claims marked before that was so: recorded apart). */
  eventRecorded?: boolean;
  /**
   * Why a `failed` claim was given up: the error of its last attempt, kept with the mark, so that a run
   * that finds it failed records what follows as the run that gave it up did (claims failed before
   * this was kept had everything recorded before their mark).
   */
  errorName?: string;
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
 * An open case as an agency's dashboard lists it: what the dashboards' index (gsi5) projects, with
 * `position` (`<dueAt or ~>#<caseId>`), where it stands within its step's key range.
 */
export type OpenCaseEntry = Pick<CaseRecord,
  'caseId' | 'trackingId' | 'agencyId' | 'sopId' | 'routedAgencyId' | 'title' | 'category' | 'channel' | 'submittedAt' | 'status'
  | 'currentStep' | 'confidential' | 'anonymous' | 'reporter'> & {
  /** Highest escalation level reached (0: none). */
  escalationLevel: number;
  /** Whether a reprimand was recommended. */
  reprimand: boolean;
  position: string;
};

/**
 * One key range of an agency's dashboard index: the open cases at one step (`_` for none) whose
 * position lies between `lower` and `upper`, both inclusive (absent: unbounded).
 */
export interface OpenCasesRange {
  agencyId: string;
  stepId: string;
  lower?: string;
  upper?: string;
}

/** What a dashboard filters on besides the range (all optional; instants are UTC ISO 8601). */
export interface OpenCasesFilter {
  category?: string;
  channel?: string;
  /** Received at or after. */
  receivedFrom?: string;
  /** Received before. */
  receivedBefore?: string;
  /** Only cases escalated at least once. */
  escalated?: boolean;
  /** Only cases with a reprimand recommendation. */
  reprimand?: boolean;
}

/**
 * Cases, their events and tasks, in the single table (shared/data/table.ts). Every write is a
 * conditional single-item write; no method scans.
 */
export interface CaseStore {
  /** Writes the case, its tracking-id lookup and its first event (`claimTracking`, then `putCase`); fails if either id exists. */
  createCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<void>;
  /**
   * Writes the lookup of a tracking id unless the id is taken: undefined when written, the lookup
   * that holds it otherwise (read only then). With an Idempotency-Key the lookup is the key's record.
   */
  claimTracking(claim: TrackingClaim): Promise<TrackingClaim | undefined>;
  /**
   * Writes the case with its first event (one write) unless the case id exists: undefined when
   * written, the stored case otherwise (read only then).
   */
  putCase(record: CaseRecord, first: Omit<CaseEvent, 'seq'>): Promise<CaseRecord | undefined>;
  /**
   * The execution's start, in one write: names it on the case (`executionArn`, unless the case has
   * one), sets its hand-over instant (`continueBy`, unless this execution set it already) and records
   * the start's event once per case; with `start.deadlines`, also the first visit's deadlines, or
   * nothing when they may not be written (see `ExecutionStart.deadlines`: then `continueBy` is not this
   * execution's). Returns the case as stored; undefined when there is none.
   */
  recordStart(caseId: string, start: ExecutionStart): Promise<CaseRecord | undefined>;
  /**
   * Remembers the deadlines of a visit (`remembered.key`) on the case with the due fields they set, in
   * one conditional write, if the case keeps its deadlines (`deadlines` set) and none for this visit of
   * `scope` yet: the case as written; undefined when not written (already remembered, or a case written
   * before every case kept them: the caller then reads the case).
   */
  rememberDeadlines(caseId: string, scope: DeadlineScope, remembered: NonNullable<CaseRecord['deadlines']>[DeadlineScope] & object, due: Partial<CaseRecord>): Promise<CaseRecord | undefined>;
  /**
   * The case, read consistently; with `consistent: false` a read that may be a moment stale (half the
   * read units), for a caller that uses only what no later write changes, and that reads again
   * consistently when it finds no case (one written a moment ago may not show yet).
   */
  getCase(caseId: string, read?: { consistent: boolean }): Promise<CaseRecord | undefined>;
  /**
   * The case (read consistently) and the suppression list's entries of `addressHashes`
   * (shared/usecases/mail-events.ts `addressHash`), in one request where the store can: for the email a
   * handler is about to send when it knows its recipient before it reads the case. A store that cannot
   * read the list leaves the addresses out of `suppressions` (the mailer then reads them itself).
   */
  getCaseWithSuppressions(caseId: string, addressHashes: string[]): Promise<CaseWithSuppressions>;
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
    /**
     * An event written with the update, inside the case item, unless its once-key is there (the case's
     * first events live there): listed by `listEvents` as any other. Only for events a case has a
     * bounded few of (every case item write copies them).
     */
    event?: Omit<CaseEvent, 'seq'> & { once: string },
  ): Promise<CaseRecord>;
  /**
   * Appends an event, in one write. An event with an idempotency key (`once`) is stored at most once:
   * appending another with the same key fails with ConditionFailed and writes nothing.
   */
  appendEvent(event: Omit<CaseEvent, 'seq'>): Promise<CaseEvent>;
  /** The case's events in the order they were appended, `seq` numbering them from 1. */
  listEvents(caseId: string): Promise<CaseEvent[]>;

  /** Stores a task, and its key's lookup unless the key is located (`keyLocated`); fails if the slot exists. */
  putTask(task: TaskRecord): Promise<void>;
  getTask(caseId: string, slot: string): Promise<TaskRecord | undefined>;
  /** The task of one of its own keys (a replaced key sees it as superseded); undefined for a grant's key. */
  getTaskByKeyHash(keyHash: string, at?: KeyLocator): Promise<TaskRecord | undefined>;
  /**
   * The task of any of its keys, with the grant when the key is one; undefined when unknown (or
   * half-written). `at`: the place a located key names (its task read there, no lookup).
   */
  getTaskLink(keyHash: string, at?: KeyLocator): Promise<TaskLink | undefined>;
  /**
   * Optimistic update of a task; a new `keyHash` also writes its lookup item, unless the patch says
   * the new key is located (`keyLocated`); the key it replaces is kept among `formerKeyHashes`.
   */
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
  /**
   * Claims an email before its first attempt (`claim.state` pending, `attempts` 1); ConditionFailed
   * if it is claimed already. A pending claim is indexed by `attemptedAt` (see `pendingMail`).
   */
  claimMail(claim: MailClaim): Promise<void>;
  /** The claim of an email; a marker written by `claimOnce` under `mail#<key>` (before claims had states) reads as sent. */
  getMailClaim(caseId: string, key: string): Promise<MailClaim | undefined>;
  /**
   * Begins another attempt of a pending claim: `attempts` + 1, `attemptedAt` = `at` and its lease
   * `leaseUntil`, if it is still pending with `seenAttempts` (else ConditionFailed: another run has
   * taken it, or it was settled).
   */
  retryMail(caseId: string, key: string, seenAttempts: number, at: string, leaseUntil: string): Promise<MailClaim>;
  /**
   * Ends the lease of attempt `attempts` of a pending claim that did not send (refused, or failed
   * before SES), so that the next attempt need not wait for it; nothing when the claim was taken
   * again or settled meanwhile.
   */
  releaseMail(caseId: string, key: string, attempts: number): Promise<void>;
  /**
   * SES accepted the email: `sent`, with its message id (and the grant its link opens); it leaves the
   * pending index. With `event` (its `email_sent`), the event is recorded in the same write: the
   * claim carries it (`eventRecorded`) and `listEvents` lists it.
   */
  markMailSent(caseId: string, key: string, messageId: string, at: string, grant?: { slot: string; keyHash: string }, event?: Omit<CaseEvent, 'seq'> & { once: string }): Promise<void>;
  /**
   * Given up after its attempts: `failed`, without a lease; it leaves the pending index. With `failure`: only while it
   * is pending at attempt `failure.attempts` (else ConditionFailed), and its `errorName` kept on it.
   */
  markMailFailed(caseId: string, key: string, failure?: { attempts: number; errorName: string }): Promise<void>;
  /** Forgets a pending claim whose email became moot (the step it was about is done); no-op otherwise. */
  dropMail(caseId: string, key: string): Promise<void>;
  /** Claims pending since before `before` (their latest attempt), oldest first: an index query. */
  pendingMail(before: string): AsyncIterable<MailClaim>;

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

  /**
   * An agency's cases in a status. With `submittedBefore`, every case submitted before that instant is
   * among those given, and a store may leave out (some of) the later ones: callers still filter.
   */
  casesByAgencyStatus(agencyId: string, status: CaseStatus, submittedBefore?: Date): AsyncIterable<CaseRecord>;
  /**
   * An agency's cases in a status, oldest first, as their heads only (`CaseHead`: ids, execution, current
   * step): what the sweeps read of every open case on each run, from an index that holds no more.
   * Eventually consistent: a case that just moved may still be listed under its former status.
   */
  caseHeadsByAgencyStatus(agencyId: string, status: CaseStatus): AsyncIterable<CaseHead>;
  /** Cases submitted in a month (`YYYY-MM`), optionally for one agency, page by page. */
  casesByMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord>;
  /** Cases that ended (closed or rejected) in a month (`endedMonth`), optionally for one agency, page by page. */
  casesEndedInMonth(month: string, agencyId?: string): AsyncIterable<CaseRecord>;
  openCasesDueBefore(agencyId: string, before: string): AsyncIterable<CaseRecord>;

  /** How many open cases of one range of the dashboards' index match the filter (a Query with Select COUNT: no item leaves the table). */
  countOpenCases(range: OpenCasesRange, filter: OpenCasesFilter): Promise<number>;
  /**
   * Up to `limit` open cases of one range that match the filter, in position order (deadline, then
   * case id), after the position `after` when given; `next` is the position to continue after.
   */
  openCases(range: OpenCasesRange, filter: OpenCasesFilter, page: { limit: number; after?: string }): Promise<{ entries: OpenCaseEntry[]; next?: string }>;
  /**
   * The recap's read: the cases of one of the three lists above (`received` = casesByMonth, `ended` =
   * casesEndedInMonth, `status` = casesByAgencyStatus), as their report summary only. With
   * `submittedBefore` a store may leave out (some of) the cases submitted at or after it (callers still
   * filter). A store keeps the summary on the case, so this reads no more items than the list does.
   */
  reportCases(list: ReportCaseList): AsyncIterable<ReportCase>;
}

export type ReportCaseList =
  | { list: 'received'; month: string; agencyId?: string }
  | { list: 'ended'; month: string; agencyId?: string; submittedBefore?: Date }
  | { list: 'status'; agencyId: string; status: CaseStatus; submittedBefore?: Date };

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

/** Where a browser or client sends one file: a form POST of `fields` and then the file (field `file`) to `url`. */
export interface UploadTarget {
  url: string;
  fields: Record<string, string>;
  /** Epoch seconds after which the target refuses the upload. */
  expiresAt: number;
}

/**
 * The files of complaints and responses (an S3 bucket on AWS; the local runtime's S3 stand-in under
 * DATA_DIR), addressed by key. Nothing in it is public: a browser reaches a file only through a
 * presigned, short-lived URL.
 */
export interface FileStore {
  /**
   * A presigned POST for one new object at `key`: the store itself refuses a file outside
   * 1..`maxBytes` bytes or whose declared Content-Type is not `contentType`. Without `contentType`
   * (a plain HTML form cannot know the chosen file's type) any Content-Type goes: the claim reads the
   * type from the bytes anyway. With `redirect`, the store answers a browser's successful POST with a
   * 303 to exactly that URL (`success_action_redirect`, pinned by the policy: a client cannot change
   * it), with `bucket`, `key` and `etag` appended, as a page without JavaScript needs. Each of `fields`
   * is added to the form and must come back exactly as given.
   */
  uploadTarget(key: string, conditions: { maxBytes: number; contentType?: string; expiresSeconds: number; redirect?: string; fields?: Record<string, string> }): Promise<UploadTarget>;
  /** The size of an object, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** An object's bytes (undefined when there is none). Callers check `size` first: this reads it all. */
  read(key: string): Promise<Uint8Array | undefined>;
  /** Writes (or overwrites) an object: writing the same bytes again is harmless. */
  write(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** A URL that serves the object for `expiresSeconds`, with the type and the download name given. */
  readUrl(key: string, options: { expiresSeconds: number; contentType: string; fileName: string; inline: boolean }): Promise<string>;
}

/**
 * The case: one complaint, from submission to closure. Every change is an appended event
 * (who, what, when, from which step); the case item holds the current picture.
 *
 * The schemas here are built at first use (`lazy`): most functions use them as types only, and a
 * bundle that parses with none of them drops them.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';
import type { AttachmentRecord } from '../attachments/files';
import type { Deadlines } from '../workflow/contract';

/** Public statuses (api-contract.md). `resolved`: answered, reply window open. */
export const CaseStatus = /* @__PURE__ */ lazy(() => z.enum(['received', 'in_progress', 'awaiting_reporter', 'resolved', 'closed', 'rejected']));
export type CaseStatus = z.infer<typeof CaseStatus>;

/** The statuses of a case not yet ended (closed or rejected). */
export const OPEN_STATUSES: readonly CaseStatus[] = ['received', 'in_progress', 'awaiting_reporter', 'resolved'];

export const Channel = /* @__PURE__ */ lazy(() => z.enum(['web', 'email', 'box', 'in_person', 'post', 'lapor']));
export type Channel = z.infer<typeof Channel>;

export const Reporter = /* @__PURE__ */ lazy(() => z.object({
  name: z.optional(z.string()),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
}));
export type Reporter = z.infer<typeof Reporter>;

/** Who did something to a case. Officials are named by directory id; reporters never by name. */
export type Actor =
  | { kind: 'reporter' }
  | { kind: 'official'; personId: string; role: string; onBehalfOf?: string }
  | { kind: 'system' };

/** The SLA verdict of one step visit (or phase), recorded once when it ends. */
export interface SlaVerdict {
  scope: 'step' | 'phase';
  /** Step id, or phase id. */
  id: string;
  visit: number;
  startedAt: string;
  dueAt: string;
  endedAt: string;
  onTime: boolean;
  /** Office minutes late for office-time limits, else wall-clock minutes; 0 when on time. */
  lateByMinutes: number;
  /** Highest rung reached (0 = none) and who was told. */
  escalationLevel: number;
  escalatedTo: string[];
}

export interface CurrentStep {
  stepId: string;
  visit: number;
  role: string;
  startedAt: string;
  dueAt?: string;
  /** Directory person id the task was sent to. */
  assigneeId?: string;
}

/**
 * What is read of a case found by agency and status (the repair sweeps, the regency admin's list of an
 * unreachable official's open tasks): its ids, its execution and its current step; never its texts, its
 * reporter or its decisions. The index of those lists (gsi7, shared/data/table.ts) holds exactly these
 * attributes, so a case write copies them there only when one of them changes.
 */
export const CASE_HEAD_ATTRIBUTES = ['caseId', 'trackingId', 'agencyId', 'sopId', 'status', 'submittedAt', 'executionArn', 'currentStep'] as const;
export type CaseHead = Pick<CaseRecord, (typeof CASE_HEAD_ATTRIBUTES)[number]>;

/** The head of a case (`CASE_HEAD_ATTRIBUTES`), without the attributes it does not have. */
export function caseHeadOf(c: CaseRecord): CaseHead {
  const head: Partial<Record<keyof CaseHead, unknown>> = {};
  for (const k of CASE_HEAD_ATTRIBUTES) if (c[k] !== undefined) head[k] = c[k];
  return head as CaseHead;
}

/** One parked workflow state: which, why (the error's name only), since when, and how to resume it. */
export interface ParkedState {
  state: string;
  error: string;
  at: string;
  executionId: string;
  taskToken: string;
}

export interface CaseRecord {
  caseId: string;
  trackingId: string;
  agencyId: string;
  sopId: string;
  /** SP4N-LAPOR!: the agency (or `inspectorate`) a complaint was routed to. */
  routedAgencyId?: string;
  status: CaseStatus;
  channel: Channel;
  language: 'id' | 'en';
  title: string;
  description: string;
  category: string;
  location?: string;
  incidentDate?: string;
  /** Absent for anonymous reporters who left no contact. */
  reporter?: Reporter;
  anonymous: boolean;
  confidential: boolean;
  submittedAt: string;
  /** `YYYY-MM` of submission in the regency's time zone: the reports' index. */
  month: string;
  /**
   * The execution working on the case, as it records itself in its first state (or as a hand-over
   * names its successor; a case filed before this was written at intake). Absent: not started yet
   * (the repair sweep starts it).
   */
  executionArn?: string;
  /**
   * When the execution of `executionId` hands over to a successor (continue-as-new), as its first
   * state fixed it: a retried or resumed first state keeps this instant.
   */
  continueBy?: { executionId: string; at: string };
  /**
   * The deadlines of the latest visit of each kind of clock (a step's, a phase's, the reporter's
   * window), as first computed for it (`key`: id and visit): a retried or resumed deadlines state
   * gets the same instants back, and the case's due fields are written in the same write.
   */
  deadlines?: Partial<Record<'step' | 'phase' | 'replyWindow', { key: string; value: Deadlines & { gaps: number[] } }>>;
  currentStep?: CurrentStep;
  responseDraft?: string;
  /**
   * The approval task that holds the response as approved (its field meaning `approvedResponse`):
   * what an action that `sends: 'approved'` sends. Cleared by a new draft, so a change goes back for approval.
   */
  approval?: { stepId: string; visit: number };
  /** Coordinations (steps marked `coordination`) done, with their service level (SLG) and whether they kept it. */
  coordinations?: { stepId: string; visit: number; at: string; slgDays: number; onTime: boolean }[];
  /** The answer to the reporter; `file`: what the official attached to it (mailed with the answer, never public). */
  response?: { text: string; at: string; byPersonId: string; file?: AttachmentRecord };
  /** When the first answer went to the reporter: the end of the agency's handling time in the reports. */
  firstAnsweredAt?: string;
  replies: number;
  /** When the reporter replied (not satisfied), oldest first: reports count replies by when they came. */
  repliedAt?: string[];
  rating?: { satisfied: boolean; rating?: number; comment?: string; at: string };
  verdicts: SlaVerdict[];
  /** Highest escalation level reached over the case's life, and reprimand recommendations. */
  escalations: { level: number; to: string; at: string; stepId: string; visit: number; kind: 'escalation' | 'reprimand' }[];
  /** Due time of the latest step visit (and of the current phase) whose deadlines were computed. */
  stepDueAt?: string;
  phaseDueAt?: string;
  /** When the reporter's current reply window ends (after an answer or a question). */
  replyWindowEndsAt?: string;
  /** The open question to the reporter (`@askReporter`). */
  question?: string;
  /** Why the complaint was rejected, told to the reporter. */
  rejectionReason?: string;
  deliveryFailures: number;
  /**
   * The failed email attempts `deliveryFailures` counts (their `email_failed` once-keys): a re-run
   * that finds one counted counts it not again.
   */
  countedFailures?: string[];
  /**
   * Set when intake sent no acknowledgement: the address named as reporter had already been sent
   * the day's acknowledgements (`daily_limit`). The complaint is handled all the same.
   */
  acknowledgementWithheld?: 'daily_limit';
  /**
   * Filed with an Idempotency-Key: the key's keyed hash and the complaint's fingerprint. The case item
   * is the key's record (its id derives from the key's tracking id), so a retry finds it and the same
   * key with another complaint is told apart, without a record of its own.
   */
  submission?: { keyHash: string; fingerprint: string };
  /** The reporter's files (shared/attachments/files.ts), stored before the case: never on the public status. */
  attachments?: AttachmentRecord[];
  closedAt?: string;
  /** `YYYY-MM` of `closedAt` in the regency's time zone: the reports' index of ended cases. */
  endedMonth?: string;
  closeReason?: 'rated' | 'reply_window_elapsed' | 'rejected' | 'closed_by_official';
  /** Calendar version used for the current deadlines; flagged when a year had no holiday list. */
  calendarVersion?: string;
  calendarGaps?: number[];
  /**
   * The directory version in use when the case was filed (shared/directory/store.ts). Tasks opened
   * later go to the holders of the directory current then; this says which one the case started with.
   */
  directoryVersion?: number;
  /**
   * Workflow states parked after their retries failed (statemachines/README.md, "Errors, retries and
   * timeouts"), each waiting for an operator to resume it with its task token. Non-empty: the case
   * shows "being handled by our staff" publicly.
   */
  needsAttention?: ParkedState[];
  /** Optimistic locking counter. */
  version: number;
}

export const CaseEventType = /* @__PURE__ */ lazy(() => z.enum([
  'submitted', 'workflow_started', 'workflow_continued', 'step_opened', 'step_completed', 'reminder_sent', 'escalated',
  'reprimand_recommended', 'task_reassigned', 'response_sent', 'reporter_asked', 'reporter_answered', 'reporter_replied',
  'rated', 'closed', 'rejected', 'email_sent', 'email_failed', 'email_undeliverable', 'calendar_gap', 'escalation_skipped',
  // SES's reports on a message of this case (never the address: who, by role or directory id).
  'mail_bounced', 'mail_complained', 'mail_rejected', 'mail_delayed',
  // A workflow function still failed after its retries: the case waits for an operator, then resumes.
  'workflow_parked', 'workflow_resumed',
  // Issue 13: the inspectorate's monitoring of a late step and the Bupati's reprimand (notes/events.md);
  // a coordination with its service level; an official told of a step settled without them.
  'monitoring_opened', 'reprimand_declined', 'reprimand_issued', 'coordination_requested', 'coordination_done', 'official_informed',
]));
export type CaseEventType = z.infer<typeof CaseEventType>;

export interface CaseEvent {
  caseId: string;
  /** Monotonic per case; with `at`, the event's sort key. */
  seq: number;
  at: string;
  type: CaseEventType;
  actor: Actor;
  stepId?: string;
  visit?: number;
  from?: string;
  to?: string;
  /** Chosen fields only; never the reporter's personal data. */
  data?: Record<string, unknown>;
  /**
   * The idempotency key of the handler step that wrote it: a re-run (Lambda retry, resumed execution,
   * the repair sweep) that finds an event with its key does not write it again.
   */
  once?: string;
}

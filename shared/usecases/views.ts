/** What the use cases return to handlers and pages: shaped for the reader, never the raw records. */
import type { AttachmentLink } from './attachments';
import type { CaseStatus } from '../case/model';
import type { GrantReason, GrantRight } from '../case/task';
import type { ReporterMessage } from '../email/templates';

/** The public status of a complaint (api-contract.md): never personal data. */
export interface PublicStatus {
  trackingId: string;
  agency: { id: string; name: string };
  status: CaseStatus;
  currentStep: { id: string; name: string; role: string; dueAt: string | null } | null;
  timeline: { at: string; event: string; stepId?: string }[];
  response?: string;
  closedAt?: string;
  rating?: number;
  /** Present when intake sent no acknowledgement email, with why (never whose address it was). */
  acknowledgement?: { email: 'withheld'; reason: 'daily_limit'; message: string };
  /**
   * Present while a workflow state of the case waits for an operator (parked after its retries
   * failed): the public sees only that staff are on it, never why.
   */
  handledByStaff?: true;
}

export interface FieldView {
  name: string;
  label: string;
  type: 'text' | 'textarea' | 'select' | 'date';
  required: boolean;
  options?: { value: string; label: string }[];
  value?: string;
}

export interface ActionView {
  id: string;
  label: string;
  fields: FieldView[];
  /** The action answers the reporter: its form takes one optional file (JPEG, PNG, PDF). */
  file?: true;
}

/**
 * Who opened a task link and what it allows: the assignee through the task's own key, or someone
 * the escalation ladder sent a link of their own (a grant), with why, in the reader's language.
 */
export type LinkView =
  | { holder: 'assignee'; may: 'act' }
  | { holder: 'grant'; may: GrantRight; reason: GrantReason; level?: number; note: string };

/** What an official sees through a task link (api-contract.md `GET /api/tasks/{taskKey}`). */
export interface TaskView {
  task: {
    stepId: string; stepName: string; role: string; status: string; dueAt: string | null; expects: string; visit: number;
    /** How the step's limit reads in words (the day-0 rule spelled out), or null without a limit. */
    dueReading?: string | null;
    /** Whom the task is assigned to now. */
    assignee: { name: string; title: string } | null;
    /** Once done: who acted (for whom, through an escalation link), when, and what they chose. */
    decided?: { by?: string; onBehalfOf?: string; at?: string; decision?: string };
  };
  link: LinkView;
  case: {
    trackingId: string;
    agency: { id: string; name: string };
    status: CaseStatus;
    title: string;
    description: string;
    category: string;
    location?: string;
    incidentDate?: string;
    submittedAt: string;
    /** `hidden`: confidential and this role does not need it; `anonymous`: the reporter chose so. */
    reporter: { name?: string; email?: string; phone?: string } | 'hidden' | 'anonymous';
    responseDraft?: string;
    /** The reporter's files, each with a link that works for minutes (the task link is the authority). */
    attachments?: AttachmentLink[];
    /**
     * On a step whose action sends the approved response: that response exactly as approved
     * (read-only; what the reporter will receive), or null when no approval stands.
     */
    approvedResponse?: string | null;
    /**
     * What the reporter wrote to the officials, oldest first: replies to the answer (what is still
     * missing) and answers to an officer's question. Shown to every official of the case (the
     * reporter's words are the complaint's content); never the reporter's name or address.
     */
    reporterMessages: ReporterMessage[];
    /** A workflow state of the case is parked, waiting for an operator (the admin has been told). */
    needsAttention?: true;
    /** `by` acted; `onBehalfOf` when they acted for the assignee through an escalation link. */
    history: { at: string; event: string; stepId?: string; by?: string; onBehalfOf?: string; note?: string }[];
  };
  actions: ActionView[];
}

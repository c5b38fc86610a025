/** What the use cases return to handlers and pages: shaped for the reader, never the raw records. */
import type { CaseStatus } from '../case/model';

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
}

export interface FieldView {
  name: string;
  label: string;
  type: 'text' | 'textarea' | 'select';
  required: boolean;
  options?: { value: string; label: string }[];
  value?: string;
}

export interface ActionView {
  id: string;
  label: string;
  fields: FieldView[];
}

/** What an official sees through a task link (api-contract.md `GET /api/tasks/{taskKey}`). */
export interface TaskView {
  task: { stepId: string; stepName: string; role: string; status: string; dueAt: string | null; expects: string; visit: number };
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
    history: { at: string; event: string; stepId?: string; by?: string; note?: string }[];
  };
  actions: ActionView[];
}

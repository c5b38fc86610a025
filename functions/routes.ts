/**
 * The one route table of the HTTP API, read by the CDK app (infra/aws) and by the local
 * runtime (infra/local), so the two cannot drift. Paths use API Gateway's `{param}` syntax.
 */
export const httpHandlers = {
  pages: 'functions/pages/handler.ts',
  agencies: 'functions/agencies/handler.ts',
  intake: 'functions/intake/handler.ts',
  status: 'functions/status/handler.ts',
  task: 'functions/task/handler.ts',
  feedback: 'functions/feedback/handler.ts',
  officials: 'functions/officials/handler.ts',
  uploads: 'functions/uploads/handler.ts',
} as const;
export type HttpHandlerName = keyof typeof httpHandlers;

/** Handlers the state machines invoke (not on the HTTP API), by their ASL placeholder's short name. */
export const workflowHandlers = {
  deadlines: 'functions/workflow-deadlines/handler.ts',
  task: 'functions/workflow-task/handler.ts',
  outcome: 'functions/workflow-outcome/handler.ts',
  notify: 'functions/workflow-notify/handler.ts',
} as const;
export type WorkflowHandlerName = keyof typeof workflowHandlers;

/** The scheduled recap report (EventBridge Scheduler on AWS, the clock's scheduler locally). */
export const reportHandler = 'functions/report/handler.ts';

/** SES's bounce, complaint, reject and delivery-delay events (EventBridge on AWS; the local SES's simulator locally). */
export const mailEventsHandler = 'functions/mail-events/handler.ts';

/** Every few minutes: starts complaints stored while Step Functions was unreachable, and finishes emails left pending. */
export const sweepHandler = 'functions/intake/sweep.ts';

/** The HTTP API's authorizer on AWS: admits only requests that came through CloudFront (not on the local runtime). */
export const originVerifyHandler = 'functions/origin-verify/handler.ts';

export interface Route {
  method: 'GET' | 'POST' | 'HEAD';
  path: string;
  handler: HttpHandlerName;
}

export const routes: readonly Route[] = [
  // Pages (HTML, Bahasa Indonesia by default; `?lang=en` for English)
  { method: 'GET', path: '/', handler: 'pages' },
  { method: 'GET', path: '/assets/lampiran.js', handler: 'pages' },
  { method: 'GET', path: '/complaints/{trackingId}', handler: 'pages' },
  { method: 'GET', path: '/complaints/{trackingId}/reply', handler: 'pages' },
  { method: 'GET', path: '/agencies/{agencyId}', handler: 'agencies' },
  // The upload page without JavaScript: a form straight to the file store, back here, then to the form
  { method: 'GET', path: '/lampiran', handler: 'uploads' },
  { method: 'GET', path: '/tasks/{taskKey}', handler: 'task' },
  { method: 'POST', path: '/tasks/{taskKey}', handler: 'task' },
  // A report's review turn (shared/usecases/report-review.ts): the same links, on the task function
  { method: 'GET', path: '/reviews/{taskKey}', handler: 'task' },
  { method: 'POST', path: '/reviews/{taskKey}', handler: 'task' },
  // The officials' workspace: sign-in by email, "Tugas saya", dashboards (functions/officials/handler.ts)
  { method: 'GET', path: '/masuk', handler: 'officials' },
  { method: 'POST', path: '/masuk', handler: 'officials' },
  { method: 'GET', path: '/masuk/{key}', handler: 'officials' },
  { method: 'POST', path: '/masuk/{key}', handler: 'officials' },
  { method: 'POST', path: '/keluar', handler: 'officials' },
  { method: 'GET', path: '/tugas', handler: 'officials' },
  { method: 'POST', path: '/tugas/buka', handler: 'officials' },
  { method: 'GET', path: '/dasbor', handler: 'officials' },
  { method: 'GET', path: '/dasbor/csv', handler: 'officials' },
  { method: 'POST', path: '/dasbor/buka', handler: 'officials' },
  // JSON API
  { method: 'GET', path: '/api/agencies', handler: 'agencies' },
  { method: 'POST', path: '/api/complaints', handler: 'intake' },
  { method: 'POST', path: '/api/uploads', handler: 'uploads' },
  { method: 'GET', path: '/api/complaints/{trackingId}', handler: 'status' },
  { method: 'POST', path: '/api/complaints/{trackingId}/feedback', handler: 'feedback' },
  { method: 'GET', path: '/api/tasks/{taskKey}', handler: 'task' },
  { method: 'POST', path: '/api/tasks/{taskKey}', handler: 'task' },
  { method: 'GET', path: '/api/reviews/{taskKey}', handler: 'task' },
  { method: 'POST', path: '/api/reviews/{taskKey}', handler: 'task' },
];

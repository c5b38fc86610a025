/**
 * What each function may do: exactly the calls its handler makes, through the adapters
 * (functions/adapters/*) and the use cases it runs. TanggapFunction turns an entry into IAM
 * statements; test/infra/least-privilege.test.ts holds the same table, written independently from
 * reading the code, and fails on any extra or missing action.
 *
 * How the adapters' calls map to DynamoDB actions (functions/adapters/dynamo-case-store.ts):
 * getCase, getCaseByTrackingId, getTask, getTaskLink → GetItem; createCase, putTask, putGrant,
 * claimOnce, remember → PutItem (conditional); appendEvent, activateGrant → UpdateItem (+ PutItem);
 * updateTask → GetItem + PutItem (conditional); updateCase, recordStart → (GetItem +) UpdateItem
 * (conditional); claimTracking, putCase → PutItem (conditional; GetItem when taken); release → DeleteItem; listEvents,
 * listGrants → Query on the table; caseHeadsByAgencyStatus → Query gsi7; casesByAgencyStatus and the
 * recap's open lists → Query gsi7 (keys), BatchGetItem of 100 at a time; casesByMonth, casesEndedInMonth → Query gsi6
 * (keys), GetItem of each; gsi1 (the same keys, whole cases) while gsi7 cannot be read, a stage that
 * deployed gsi7 in this deployment and still builds it; openCasesDueBefore → Query gsi3. Every function that builds the use cases' dependencies
 * reads the directory (shared/directory/store.ts): GetItem of its pointer, Query of a version's items.
 * getCaseWithSuppressions → BatchGetItem (the case and suppression items, read together: the task function).
 * Nothing Scans, writes in batches or reads streams.
 */
import type { CaseTableIndexName } from '../../shared/data/table';
import type { HttpHandlerName, WorkflowHandlerName } from '../../functions/routes';

export type ItemAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

export interface FunctionAccess {
  /** Item-level actions on the table. */
  items: ItemAction[];
  /** Query on the table itself (a case's events and grants). */
  queryTable?: boolean;
  /** Query on these indexes. */
  queryIndexes?: CaseTableIndexName[];
  /** SES actions from the sender identity (SendEmail: plain messages; SendRawEmail: with attachments). */
  mail?: ('SendEmail' | 'SendRawEmail')[];
  /** StartExecution on the SOPs' machines, and DescribeExecution on their executions (an idempotent start that finds its execution ended). */
  startsExecutions?: boolean;
  /** Callback actions on the machines' task tokens. */
  taskCallbacks?: ('SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat')[];
  /** Reads the link secret (the HMAC key of the task pages' CSRF tokens). */
  readsLinkSecret?: boolean;
  /**
   * The attachments bucket (functions/adapters/s3-file-store.ts), by key prefix: `read` GetObject
   * (HeadObject and presigned GETs too), `write` PutObject (presigned POSTs too); `list` ListBucket,
   * without which S3 answers a HEAD of a missing key 403 instead of 404.
   */
  files?: { read?: FilePrefix[]; write?: FilePrefix[]; list?: boolean };
  /**
   * The reports' review machines (infra/aws/constructs/report-reviews.ts): `start` — STATE_MACHINES
   * names them (instead of the SOPs'), StartExecution on them, DescribeExecution on their executions;
   * `callback` — SendTaskSuccess on them (a reviewer's decision).
   */
  reviews?: 'start' | 'callback';
}

export type FilePrefix = 'uploads' | 'cases';

export type FunctionName = `http-${HttpHandlerName}` | `workflow-${WorkflowHandlerName}` | 'report' | 'sweep' | 'mail-events';

export const functionAccess: Record<FunctionName, FunctionAccess> = {
  // GET / and the tracking and reply pages: case by tracking id, its events, the reply task by key.
  // + the bucket's name only (no grant): the form page's CSP names the store's origin for its uploads.
  'http-pages': { items: ['GetItem'], queryTable: true, files: {} },
  // The agencies come from the directory: its pointer (GetItem) and, when it moved, its version (Query).
  'http-agencies': { items: ['GetItem'], queryTable: true },
  // claimTracking (the Idempotency-Key's record too), putCase, their reads when taken; starts the execution.
  // + the acknowledgement quota per address (UpdateItem), keyed with an HMAC of the address (the link secret).
  // + attachments: reads the uploads (HEAD for a missing one: ListBucket), writes the form's files as uploads and the case's copies.
  'http-intake': { items: ['GetItem', 'PutItem', 'UpdateItem'], queryTable: true, startsExecutions: true, readsLinkSecret: true, files: { read: ['uploads', 'cases'], write: ['uploads', 'cases'], list: true } },
  // Directory (GetItem, Query) for the configuration; presigns POSTs to uploads/ (the signer must be allowed PutObject there).
  // + GET /lampiran (no JavaScript): reads the upload just made to check it (HEAD for a missing one: ListBucket).
  'http-uploads': { items: ['GetItem'], queryTable: true, files: { read: ['uploads'], write: ['uploads'], list: true } },
  // Sign-in links and sessions (Put, conditional Update to consume, Delete on sign-out), the quota per
  // address (HMAC with the link secret), the inbox (Query gsi4), an inbox grant (Put), the sign-in email;
  // the dashboards (Query gsi5: counts and pages; a search by tracking id = GetItem; events = Query table;
  // a dashboard's view grant = Put, its cursor signed with the link secret).
  'http-officials': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, queryIndexes: ['gsi4', 'gsi5'], mail: ['SendEmail'], readsLinkSecret: true },
  'http-status': { items: ['GetItem'], queryTable: true },
  // view: task link, case, events; act: updateTask, SendTaskSuccess; hand-over: new key lookup, event, email.
  // + the case's files: presigned GETs for the page's links and thumbnails; the review links of a report's review chain
  // too: getTaskLink, updateTask, SendTaskSuccess on the review machines.
  // + an official's file with an answer to the reporter: written to cases/<caseId>/response-<slot> before the decision.
  // + an answer's file uploaded to the store first: presigns the page's POST to uploads/ (PutObject), reads the upload (HEAD for a missing one: ListBucket).
  'http-task': { items: ['GetItem', 'PutItem', 'UpdateItem'], queryTable: true, mail: ['SendEmail'], taskCallbacks: ['SendTaskSuccess'], readsLinkSecret: true, files: { read: ['cases', 'uploads'], write: ['cases', 'uploads'], list: true }, reviews: 'callback' },
  // reply context, updateTask (and its undo when the decision cannot be delivered), SendTaskSuccess.
  'http-feedback': { items: ['GetItem', 'PutItem'], queryTable: true, taskCallbacks: ['SendTaskSuccess'] },
  // remember, claimOnce, events, mutateCase; the admin's calendar-gap email (released on failure).
  'workflow-deadlines': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, mail: ['SendEmail'] },
  // putTask, getTask, rebind (updateTask), mutateCase, events, sendOnce (claim, send, release); the case
  // with the expected assignee's suppression entry (BatchGetItem).
  // + the answer email carries the official's file (read from cases/, sent as MIME: SendRawEmail).
  'workflow-task': { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, mail: ['SendEmail', 'SendRawEmail'], files: { read: ['cases'] } },
  // claims, remember, events, mutateCase, the hand-over's updateTask; continue-as-new starts the successor.
  // + a record begins the next visit: its deadlines as the deadlines function computes them (remember;
  // the admin's calendar-gap email, released on failure: SendEmail, DeleteItem).
  'workflow-outcome': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, startsExecutions: true, mail: ['SendEmail'] },
  // sendOnce with grants: claim, putGrant, send, activateGrant, release; events, mutateCase.
  'workflow-notify': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, mail: ['SendEmail'] },
  // Cases of the period through gsi7 (open by agency and status: keys, then BatchGetItem; gsi1 while gsi7 is built) and gsi6 (their summaries by month, received and ended;
  // the review's whole cases by month: their keys, then GetItem); a claim per recipient; MIME with attachments.
  // A reviewed report: starts its review machine, and runs the machine's side: the turns' tasks
  // (putTask, getTask, updateTask = GetItem + PutItem), grants (putGrant, activateGrant = UpdateItem),
  // the cases' events for the P4 monitoring figures (Query), SendTaskSuccess for a turn re-entered after its decision.
  // A late reviewer's reminder and the escalation are plain emails (SendEmail).
  'report': { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, queryIndexes: ['gsi1', 'gsi6', 'gsi7'], mail: ['SendRawEmail', 'SendEmail'], reviews: 'start' },
  // Received cases without an execution (their heads: gsi7, or gsi1 while gsi7 is built), start, mutateCase.
  // Stored decisions not delivered: resolved/awaiting cases (heads, likewise), their events, the task, SendTaskSuccess.
  // An operator's resume of a parked case: case by tracking id, SendTaskSuccess, an event (UpdateItem), the case.
  // Emails left pending (gsi3, MAIL#pending): another attempt (UpdateItem), a new task key, the email, or drop (DeleteItem).
  // + a pending answer email again, with the official's file (cases/, SendRawEmail).
  'sweep': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, queryIndexes: ['gsi1', 'gsi3', 'gsi7'], startsExecutions: true, taskCallbacks: ['SendTaskSuccess'], mail: ['SendEmail', 'SendRawEmail'], files: { read: ['cases'] } },
  // SES events: once per message and recipient (claims), the case's event, the suppression record, the
  // open tasks of an official whose address bounced (heads: gsi7, or gsi1 while gsi7 is built), one email to the regency admin a day.
  'mail-events': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queryTable: true, queryIndexes: ['gsi1', 'gsi7'], mail: ['SendEmail'] },
};

/**
 * What each function may do: exactly the calls its handler makes, through the adapters
 * (functions/adapters/*) and the use cases it runs. TanggapFunction turns an entry into IAM
 * statements; test/infra/least-privilege.test.ts holds the same table, written independently from
 * reading the code, and fails on any extra or missing action.
 *
 * How the adapters' calls map to DynamoDB actions (functions/adapters/dynamo-case-store.ts):
 * getCase, getCaseByTrackingId, getTask, getTaskLink → GetItem; createCase, putTask, putGrant,
 * claimOnce, remember → PutItem (conditional); appendEvent, activateGrant → UpdateItem (+ PutItem);
 * updateCase, updateTask → GetItem + PutItem (conditional); release → DeleteItem; listEvents,
 * listGrants → Query on the table; casesByAgencyStatus → Query gsi1; casesByMonth,
 * casesEndedInMonth → Query gsi2; openCasesDueBefore → Query gsi3. Powertools idempotency (intake):
 * GetItem, PutItem, UpdateItem, DeleteItem. Nothing Scans, batches or reads streams.
 */
import type { CaseTableIndexName } from '../../shared/data/table';
import type { HttpHandlerName, WorkflowHandlerName } from '../../functions/routes';

export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

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
}

export type FunctionName = `http-${HttpHandlerName}` | `workflow-${WorkflowHandlerName}` | 'report' | 'sweep';

export const functionAccess: Record<FunctionName, FunctionAccess> = {
  // GET / and the tracking and reply pages: case by tracking id, its events, the reply task by key.
  'http-pages': { items: ['GetItem'], queryTable: true },
  // The agencies come from the directory the function holds: no table access.
  'http-agencies': { items: [] },
  // createCase, getCase, updateCase (executionArn), the idempotency records; starts the execution.
  'http-intake': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], startsExecutions: true },
  'http-status': { items: ['GetItem'], queryTable: true },
  // view: task link, case, events; act: updateTask, SendTaskSuccess; hand-over: new key lookup, event, email.
  'http-task': { items: ['GetItem', 'PutItem', 'UpdateItem'], queryTable: true, mail: ['SendEmail'], taskCallbacks: ['SendTaskSuccess'], readsLinkSecret: true },
  // reply context, updateTask (and its undo when the decision cannot be delivered), SendTaskSuccess.
  'http-feedback': { items: ['GetItem', 'PutItem'], taskCallbacks: ['SendTaskSuccess'] },
  // remember, claimOnce, events, mutateCase; the admin's calendar-gap email (released on failure).
  'workflow-deadlines': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], mail: ['SendEmail'] },
  // putTask, getTask, rebind (updateTask), mutateCase, events, sendOnce (claim, send, release).
  'workflow-task': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], mail: ['SendEmail'] },
  // claims, remember, events, mutateCase, the hand-over's updateTask; continue-as-new starts the successor.
  'workflow-outcome': { items: ['GetItem', 'PutItem', 'UpdateItem'], startsExecutions: true },
  // sendOnce with grants: claim, putGrant, send, activateGrant, release; events, mutateCase.
  'workflow-notify': { items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], mail: ['SendEmail'] },
  // Cases of the period through gsi1 (open by agency and status) and gsi2 (by month, ended); a claim per recipient; MIME with attachments.
  'report': { items: ['PutItem', 'DeleteItem'], queryIndexes: ['gsi1', 'gsi2'], mail: ['SendRawEmail'] },
  // Received cases without an execution (gsi1), start, mutateCase.
  'sweep': { items: ['GetItem', 'PutItem'], queryIndexes: ['gsi1'], startsExecutions: true },
};

/**
 * Each function's role grants exactly what its handler calls. The table below is written from
 * reading the handlers, the use cases they run and the adapters (functions/adapters/*), not from
 * infra/aws/access.ts: a grant added or dropped in either place without the other fails here.
 * Synthesised without a custom domain, so every function also reads the public URL parameter.
 */
import { sops } from '../../shared/sops';
import { reviewedReports } from '../../statemachines/report-review';
import { resourcesOf, synthesise } from './synth';

const { template } = synthesise({ stage: 'lp' });
const resources = resourcesOf(template);
const reviewed = reviewedReports(sops);

const LOGS = ['logs:CreateLogStream own-log-group', 'logs:PutLogEvents own-log-group'];
const BASE = [...LOGS, 'xray:PutTraceSegments *', 'xray:PutTelemetryRecords *', 'ssm:GetParameter public-url'];
const expected: Record<string, string[]> = {
  // listAgencies reads the directory: its pointer (GetItem), a new version's items (Query).
  'http-agencies': ['dynamodb:GetItem table', 'dynamodb:Query table'],
  // pages: getCaseByTrackingId (GetItem ×2), listEvents (Query), getTaskByKeyHash (GetItem).
  'http-pages': ['dynamodb:GetItem table', 'dynamodb:Query table'],
  'http-status': ['dynamodb:GetItem table', 'dynamodb:Query table'],
  // submitComplaint: putIfAbsent, appendEvent (UpdateItem), getCase, updateCase; Powertools
  // claimTracking, putCase (Put, Get when taken); SfnWorkflow.start (StartExecution, DescribeExecution).
  // takeQuota of the acknowledgements (UpdateItem), its key an HMAC of the address with the link secret.
  // claimAttachments: size (HeadObject: GetObject, and ListBucket so a missing upload is 404, not 403)
  // and read of uploads (or of a retry's copies), the copy to cases/; storeFormFiles writes uploads/.
  'http-intake': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:Query table', 'states:StartExecution machines', 'states:DescribeExecution executions', 'ssm:GetParameter link-secret-reference', 'secretsmanager:GetSecretValue link-secret', 's3:GetObject files/uploads/*', 's3:GetObject files/cases/*', 's3:PutObject files/uploads/*', 's3:PutObject files/cases/*', 's3:ListBucket files'],
  // requestUpload: the directory for the configuration; a presigned POST to uploads/ (PutObject there).
  // GET /lampiran: the upload just made is read and checked (HEAD of a missing one: ListBucket).
  'http-uploads': ['dynamodb:GetItem table', 'dynamodb:Query table', 's3:GetObject files/uploads/*', 's3:PutObject files/uploads/*', 's3:ListBucket files'],
  // requestSignIn (takeQuota, putSignInLink, the email), consumeSignIn (UpdateItem), sessions (Put/Get/
  // Delete), the inbox (Query gsi4; unindexGrant = UpdateItem), openFromInbox (putGrant); HMACs with the link secret;
  // the dashboards (Query gsi5; their events = Query table; openFromDashboard = putGrant).
  'http-officials': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'dynamodb:Query index/gsi4', 'dynamodb:Query index/gsi5', 'ses:SendEmail identity', 'ses:SendEmail configuration-set', 'ssm:GetParameter link-secret-reference', 'secretsmanager:GetSecretValue link-secret'],
  // viewTask/actOnTask/reassign: getTaskLink, getCase, listEvents, updateTask, putKeyLookup,
  // appendEvent, mail to the new holder, SendTaskSuccess; the CSRF key.
  // + attachmentLinks: presigned GETs of the case's files; a report review link's decision: SendTaskSuccess on the review machines.
  'http-task': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:Query table', 'ses:SendEmail identity', 'ses:SendEmail configuration-set', 'states:SendTaskSuccess machines', 'states:SendTaskSuccess review-machines', 'ssm:GetParameter link-secret-reference', 'secretsmanager:GetSecretValue link-secret', 's3:GetObject files/cases/*', 's3:GetObject files/uploads/*', 's3:PutObject files/cases/*', 's3:PutObject files/uploads/*', 's3:ListBucket files'],
  // submitFeedback: replyContext (GetItem), updateTask (GetItem + PutItem), SendTaskSuccess.
  'http-feedback': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:Query table', 'states:SendTaskSuccess machines'],
  // computeStepDeadlines: getCase, remember, claimOnce, appendEvent, updateCase; warnCalendarAdmin
  // sends and releases (DeleteItem).
  'workflow-deadlines': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'ses:SendEmail identity', 'ses:SendEmail configuration-set'],
  // openTask: putTask, getTask, updateTask, updateCase, appendEvent, sendOnce (claim, send, release).
  // The reporter's answer email carries the official's file: read from cases/, sent raw (MIME).
  'workflow-task': ['dynamodb:GetItem table', 'dynamodb:BatchGetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'ses:SendEmail identity', 'ses:SendEmail configuration-set', 'ses:SendRawEmail identity', 'ses:SendRawEmail configuration-set', 's3:GetObject files/cases/*'],
  // notify: sendOnce with grants (putGrant, activateGrant = UpdateItem), release, events, updateCase.
  'workflow-notify': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'ses:SendEmail identity', 'ses:SendEmail configuration-set'],
  // recordOutcome: claims, remember, events, updateCase, getTask/updateTask; continueAsNew starts.
  // + a record begins the next visit (computeStepDeadlines): remember; warnCalendarAdmin sends and releases (DeleteItem).
  'workflow-outcome': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'ses:SendEmail identity', 'ses:SendEmail configuration-set', 'states:StartExecution machines', 'states:DescribeExecution executions'],
  // buildReport: casesByAgencyStatus and the open lists' summaries (gsi7 keys, then BatchGetItem; gsi1 while gsi7 is built), casesByMonth/casesEndedInMonth (gsi6 keys, then GetItem), reportCases' months (gsi6); sendReport:
  // claimOnce, release, SendRawEmail (the chart and files are attachments); Lambda puts an
  // asynchronous invocation that still failed into the dead-letter queue with the function's role.
  // A reviewed report (shared/usecases/report-review.ts): startReportReview (StartExecution, DescribeExecution
  // on the review machines only); the turns' tasks (putTask, updateTask), grants (putGrant; activateGrant =
  // UpdateItem), claims, the cases' events (Query); SendTaskSuccess for a turn re-entered after its decision;
  // the reminder and escalation without attachments (SendEmail).
  'report': ['sqs:SendMessage dead-letters', 'dynamodb:GetItem table', 'dynamodb:BatchGetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'dynamodb:Query index/gsi1', 'dynamodb:Query index/gsi6', 'dynamodb:Query index/gsi7', 'ses:SendRawEmail identity', 'ses:SendRawEmail configuration-set', 'ses:SendEmail identity', 'ses:SendEmail configuration-set', 'states:StartExecution review-machines', 'states:DescribeExecution review-executions', 'states:SendTaskSuccess review-machines'],
  // resumeStalledSubmissions: caseHeadsByAgencyStatus (gsi7; gsi1 while gsi7 is built), start, updateCase (GetItem + PutItem);
  // deliverStalledDecisions: resolved/awaiting cases' heads (likewise), listEvents (Query), getTask, updateTask,
  // SendTaskSuccess; resumeParkedCase: case by tracking id, SendTaskSuccess, appendEvent (UpdateItem).
  // finishPendingMail: pendingMail (Query gsi3), retryMail/markMailSent/markMailFailed (UpdateItem),
  // dropMail (DeleteItem), a new task key (updateTask, key lookup), the email.
  'sweep': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'dynamodb:Query index/gsi1', 'dynamodb:Query index/gsi3', 'dynamodb:Query index/gsi7', 'ses:SendEmail identity', 'ses:SendEmail configuration-set', 'ses:SendRawEmail identity', 'ses:SendRawEmail configuration-set', 's3:GetObject files/cases/*', 'states:StartExecution machines', 'states:DescribeExecution executions', 'states:SendTaskSuccess machines'],
  // handleMailEvent: claimOnce per message and recipient, appendEvent, the suppression record,
  // an official's open tasks (heads: gsi7; gsi1 while gsi7 is built), the admin's email (sendOnce: claim, send, release).
  'mail-events': ['dynamodb:GetItem table', 'dynamodb:PutItem table', 'dynamodb:UpdateItem table', 'dynamodb:DeleteItem table', 'dynamodb:Query table', 'dynamodb:Query index/gsi1', 'dynamodb:Query index/gsi7', 'ses:SendEmail identity', 'ses:SendEmail configuration-set'],
};
const expectedOriginVerify = [...LOGS, 'xray:PutTraceSegments *', 'xray:PutTelemetryRecords *', 'ssm:GetParameter origin-verify-reference', 'secretsmanager:GetSecretValue origin-verify'];

/** A resource in words: what the statement is about, checked to name exactly the right ARNs. */
function describe(resource: unknown, action: string, ownLogGroup: string): string {
  const text = JSON.stringify(resource);
  if (resource === '*') return '*';
  if (text === JSON.stringify({ 'Fn::GetAtt': [ownLogGroup, 'Arn'] })) return 'own-log-group';
  if (/^\{"Fn::GetAtt":\["DataCases[0-9A-F]+","Arn"\]\}$/.test(text)) return 'table';
  const index = /DataCases[0-9A-F]+","Arn"\]\},"\/index\/(gsi\d)"/.exec(text);
  if (index) return `index/${index[1]}`;
  if (text.includes(':identity/')) return 'identity';
  if (text.includes(':configuration-set/')) return 'configuration-set';
  if (text.includes(':parameter/tanggap/lp/public-url')) return 'public-url';
  if (text.includes(':parameter/aws/reference/secretsmanager/tanggap-lp/link-secret')) return 'link-secret-reference';
  if (text.includes(':parameter/aws/reference/secretsmanager/tanggap-lp/origin-verify')) return 'origin-verify-reference';
  if (/^\{"Fn::GetAtt":\["ReportDeadLetters[0-9A-F]+","Arn"\]\}$/.test(text)) return 'dead-letters';
  const objects = /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["FilesBucket[0-9A-F]+","Arn"\]\},"\/([a-z]+\/\*)"\]\]\}$/.exec(text);
  if (objects) return `files/${objects[1]}`;
  if (/^\{"Fn::GetAtt":\["FilesBucket[0-9A-F]+","Arn"\]\}$/.test(text)) return 'files';
  if (/^\{"Ref":"LinkSecret[0-9A-F]+"\}$/.test(text)) return 'link-secret';
  if (/^\{"Ref":"OriginSecret[0-9A-F]+"\}$/.test(text)) return 'origin-verify';
  throw new Error(`Unexpected resource for ${action}: ${text}`);
}

/** The statements granted to a function's role, as "action resource" lines; lists of machines folded into one line each. */
function grantsOf(functionName: string): string[] {
  const [, fn] = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.FunctionName === functionName) ?? [];
  if (!fn) throw new Error(`No function ${functionName}`);
  const role = (fn.Properties!.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const logGroup = (fn.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
  // No managed policy (AWSLambdaBasicExecutionRole would let it write to every log group).
  expect(resources[role]!.Properties!.ManagedPolicyArns).toBeUndefined();
  const lines: string[] = [];
  for (const policy of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles) === JSON.stringify([{ Ref: role }]))) {
    for (const st of (policy.Properties!.PolicyDocument as { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] }).Statement) {
      expect(st.Effect).toBe('Allow');
      for (const action of [st.Action].flat()) {
        const list = [st.Resource].flat();
        const text = JSON.stringify(list);
        if (action.startsWith('states:') && text.includes('-review')) {
          // Every reviewed report's review machine (or its executions), nothing else.
          const kind = text.includes(':execution:') ? 'review-executions' : 'review-machines';
          expect(list).toHaveLength(reviewed.length);
          for (const { sop, report } of reviewed) expect(text).toContain(kind === 'review-executions' ? `:execution:tanggap-lp-${sop.id}-${report.id}-review:*` : `:stateMachine:tanggap-lp-${sop.id}-${report.id}-review"`);
          lines.push(`${action} ${kind}`);
          continue;
        }
        if (action.startsWith('states:')) {
          // Every SOP's machine (or its executions), nothing else.
          const kind = text.includes(':execution:') ? 'executions' : 'machines';
          expect(list).toHaveLength(sops.length);
          for (const sop of sops) expect(text).toContain(kind === 'executions' ? `:execution:tanggap-lp-${sop.id}:*` : `:stateMachine:tanggap-lp-${sop.id}"`);
          lines.push(`${action} ${kind}`);
          continue;
        }
        for (const r of list) lines.push(`${action} ${describe(r, action, logGroup)}`);
      }
    }
  }
  return lines.sort();
}

test.each(Object.entries(expected))('%s is granted exactly what it calls', (name, grants) => {
  expect(grantsOf(`tanggap-lp-${name}`)).toEqual([...BASE, ...grants].sort());
});

test('the origin-verifying authorizer reads its secret and nothing else', () => {
  expect(grantsOf('tanggap-lp-origin-verify')).toEqual([...expectedOriginVerify].sort());
});

// BatchWriteItem writes without conditions (every write here is conditional); a BatchGetItem is only
// reads, granted only where a function reads items together (the task function: the case and a suppression
// entry), which the exact grants above hold.
test('no role anywhere may Scan, write in batches, read streams, or use a wildcard action on the table', () => {
  const statements = JSON.stringify(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::Role').map((r) => r.Properties));
  for (const forbidden of ['dynamodb:Scan', 'dynamodb:BatchWrite', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams', 'dynamodb:*', 'ses:*', 'states:*']) {
    expect({ forbidden, present: statements.includes(`"${forbidden}`) }).toEqual({ forbidden, present: false });
  }
});

test('the state machines (the SOPs\' and the reports\' review chains) may invoke their functions and nothing of the data or mail', () => {
  for (const machine of Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')) {
    const role = (machine.Properties!.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const own = JSON.stringify(Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles).includes(role)));
    expect(own).toContain('lambda:InvokeFunction');
    for (const service of ['dynamodb:', 'ses:', 'states:StartExecution', 'secretsmanager:']) expect({ service, present: own.includes(service) }).toEqual({ service, present: false });
  }
});

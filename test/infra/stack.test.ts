import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Data } from '../../infra/aws/constructs/data';
import { Naming } from '../../infra/aws/naming';
import { demoDirectory } from '../../shared/directory';
import { routes, httpHandlers, workflowHandlers } from '../../functions/routes';
import { caseTable } from '../../shared/data/table';
import { tableName } from '../../infra/aws/names';
import { sops } from '../../shared/sops';
import { reviewedReports } from '../../statemachines/report-review';
import { synthesise } from './synth';

// Synthesised once. Template.fromStack refuses a template with a dependency cycle, such as a function
// the machines call referring to the machines themselves (hence the references by name for
// STATE_MACHINES), or a function's PUBLIC_URL naming the distribution in front of the API.
const { template } = synthesise({ stage: 'test', domainName: 'pengaduan.example.go.id', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123' });
const json = JSON.stringify(template.toJSON());

test('one Lambda function per handler, on nodejs22.x, arm64', () => {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: Match.stringLikeRegexp('^tanggap-test-') } });
  const count = Object.keys(httpHandlers).length + Object.keys(workflowHandlers).length + 4; // + report, sweep, mail events, origin-verify
  expect(Object.keys(functions)).toHaveLength(count);
  for (const fn of Object.values(functions)) expect(fn).toMatchObject({ Properties: { Runtime: 'nodejs22.x', Architectures: ['arm64'] } });
});

test('the HTTP API has exactly the routes of the route table', () => {
  const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey).sort();
  expect(keys).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
});

test('the table matches shared/data/table.ts: keys, the GSIs and what each projects, PITR, TTL, retained', () => {
  template.hasResource('AWS::DynamoDB::GlobalTable', Match.objectLike({
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      KeySchema: [{ AttributeName: caseTable.partitionKey, KeyType: 'HASH' }, { AttributeName: caseTable.sortKey, KeyType: 'RANGE' }],
      // A stage keeps the retiring gsi1 unless its settings say otherwise (keepGsi1).
      GlobalSecondaryIndexes: [...caseTable.indexes, ...caseTable.retiringIndexes].map((i) => Match.objectLike({
        IndexName: i.name, KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, { AttributeName: i.sortKey, KeyType: 'RANGE' }],
        Projection: i.projection === 'ALL' ? { ProjectionType: 'ALL' } : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.projection] },
      })),
      TimeToLiveSpecification: { AttributeName: caseTable.timeToLiveAttribute, Enabled: true },
    }),
  }));
});

test('the dashboards\' index (gsi5) projects only what a dashboard row shows (INCLUDE), never the description', () => {
  const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0] as { Properties: { GlobalSecondaryIndexes: { IndexName: string; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[] } };
  const gsi5 = table.Properties.GlobalSecondaryIndexes.find((g) => g.IndexName === 'gsi5')!;
  expect(gsi5.Projection.ProjectionType).toBe('INCLUDE');
  expect(gsi5.Projection.NonKeyAttributes).toEqual(expect.arrayContaining(['trackingId', 'currentStep', 'confidential', 'gsi5sub']));
  expect(gsi5.Projection.NonKeyAttributes).not.toContain('description');
});

test('the cases by agency and status (gsi7) hold a case\'s head only (INCLUDE, on gsi1\'s keys), never its texts, reporter or summary; gsi1 stays whole while kept', () => {
  const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0] as { Properties: { GlobalSecondaryIndexes: { IndexName: string; KeySchema: { AttributeName: string }[]; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[] } };
  const gsi7 = table.Properties.GlobalSecondaryIndexes.find((g) => g.IndexName === 'gsi7')!;
  // gsi1's keys: every case written before the index existed is in it once built.
  expect(gsi7.KeySchema.map((k) => k.AttributeName)).toEqual(['gsi1pk', 'gsi1sk']);
  expect(gsi7.Projection.ProjectionType).toBe('INCLUDE');
  expect(gsi7.Projection.NonKeyAttributes).toEqual(expect.arrayContaining(['caseId', 'sopId', 'executionArn', 'currentStep']));
  for (const left of ['description', 'title', 'reporter', 'response', 'rpt']) expect(gsi7.Projection.NonKeyAttributes).not.toContain(left);
  expect(table.Properties.GlobalSecondaryIndexes.find((g) => g.IndexName === 'gsi1')!.Projection.ProjectionType).toBe('ALL');
});

test('with keepGsi1 false the table has no gsi1 (its second deployment), and still gsi7', () => {
  const stack = new Stack(new App(), 'DataOnly');
  Naming.attach(stack, new Naming('test'));
  new Data(stack, 'Data', { keepGsi1: false });
  const table = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'))[0] as { Properties: { GlobalSecondaryIndexes: { IndexName: string }[] } };
  expect(table.Properties.GlobalSecondaryIndexes.map((g) => g.IndexName).sort()).toEqual(caseTable.indexes.map((i) => i.name).sort());
  expect(table.Properties.GlobalSecondaryIndexes.map((g) => g.IndexName)).toContain('gsi7');
  expect(table.Properties.GlobalSecondaryIndexes.map((g) => g.IndexName)).not.toContain('gsi1');
});

test('the recap\'s index (gsi6) holds the report summary and the submission time only (INCLUDE), never the case\'s texts or reporter', () => {
  const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))[0] as { Properties: { GlobalSecondaryIndexes: { IndexName: string; KeySchema: { AttributeName: string }[]; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[] } };
  const gsi6 = table.Properties.GlobalSecondaryIndexes.find((g) => g.IndexName === 'gsi6')!;
  // gsi2's keys: every case and ended copy written before the index existed is in it once built.
  expect(gsi6.KeySchema.map((k) => k.AttributeName)).toEqual(['gsi2pk', 'gsi2sk']);
  expect(gsi6.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['rpt', 'submittedAt'] });
});

test('the table is named for the stage by infra/aws/names.ts, the name `npm run directory -- --stage` uses', () => {
  template.hasResourceProperties('AWS::DynamoDB::GlobalTable', Match.objectLike({ TableName: 'tanggap-test-cases' }));
  expect(tableName('test')).toBe('tanggap-test-cases');
  expect(() => tableName('Prod!')).toThrow(/not a valid name/);
});

test('no directory of officials is in the template: no function is given one', () => {
  // (The sender's domain is the demo's by default, as the synth's setting: no official's address is.)
  const demoAddresses = ['bupati@musitanggap.example.go.id', 'inspektur@inspektorat.musitanggap.example.go.id', ...demoDirectory.agencies.flatMap((a) => a.officials.map((o) => o.email))];
  for (const address of demoAddresses) expect(json).not.toContain(address);
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
  for (const fn of Object.values(functions)) {
    expect(Object.keys((fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables)).not.toContain('DIRECTORY_FILE');
  }
});

test('one STANDARD state machine per SOP, its placeholders replaced by the functions\' ARNs', () => {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  // … and one per reviewed report (its review chain), tested below.
  expect(Object.keys(machines)).toHaveLength(sops.length + reviewedReports(sops).length);
  for (const sop of sops) {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', Match.objectLike({
      StateMachineName: `tanggap-test-${sop.id}`,
      StateMachineType: 'STANDARD',
      DefinitionSubstitutions: Match.objectLike({ TaskFunctionArn: Match.anyValue(), DeadlinesFunctionArn: Match.anyValue(), OutcomeFunctionArn: Match.anyValue(), NotifyFunctionArn: Match.anyValue() }),
    }));
  }
});

test('report schedules: monthly for the library, quarterly P4 report to the Bupati, in the regency time zone', () => {
  template.resourceCountIs('AWS::Scheduler::Schedule', sops.reduce((n, s) => n + s.reports.length, 0));
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    Name: 'tanggap-test-perpustakaan-muba-rekap-bulanan', ScheduleExpression: 'cron(0 8 1 * ? *)', ScheduleExpressionTimezone: 'Asia/Jakarta',
    Target: Match.objectLike({ Input: Match.serializedJson(Match.objectLike({ sopId: 'perpustakaan-muba', reportId: 'rekap-bulanan' })), DeadLetterConfig: Match.anyValue() }),
  });
  template.hasResourceProperties('AWS::Scheduler::Schedule', { Name: 'tanggap-test-sp4n-lapor-muara-enim-laporan-p4', ScheduleExpression: 'cron(0 8 1 1,4,7,10 ? *)', ScheduleExpressionTimezone: 'Asia/Jakarta' });
  // The library's semester report (row 6), in January and July.
  template.hasResourceProperties('AWS::Scheduler::Schedule', { Name: 'tanggap-test-perpustakaan-muba-dokumen-semester', ScheduleExpression: 'cron(0 8 1 1,7 ? *)', ScheduleExpressionTimezone: 'Asia/Jakarta' });
});

test('bind helpers: each handler has its env; the link secret is a parameter name, never a value', () => {
  const handlers = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { TABLE_NAME: Match.anyValue() } } } });
  expect(Object.keys(handlers)).toHaveLength(Object.keys(httpHandlers).length + Object.keys(workflowHandlers).length + 3); // + report, sweep, mail events
  for (const fn of Object.values(handlers)) {
    expect(fn).toMatchObject({ Properties: { Environment: { Variables: { MAIL_FROM: demoDirectory.regency.mailFrom, PUBLIC_URL: 'https://pengaduan.example.go.id' } } } });
  }
  template.hasResourceProperties('AWS::Lambda::Function', Match.objectLike({
    FunctionName: 'tanggap-test-http-task',
    Environment: { Variables: Match.objectLike({ LINK_SECRET_PARAMETER: '/aws/reference/secretsmanager/tanggap-test/link-secret' }) },
  }));
  const environments = JSON.stringify(Object.values(template.findResources('AWS::Lambda::Function')).map((f) => (f as { Properties: { Environment?: unknown } }).Properties.Environment));
  expect(environments.includes('LINK_SECRET"')).toBe(false);
  expect(environments.includes('{{resolve:')).toBe(false);
});

test('exactly the functions that read parameters or secrets carry the Parameters and Secrets extension, configured to cache 300 s and give up within 2 s', () => {
  type Fn = { Properties: { FunctionName: string; Layers?: unknown[]; Environment: { Variables: Record<string, unknown> } } };
  const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: Match.stringLikeRegexp('^tanggap-test-') } })) as Fn[];
  const reads = (f: Fn) => Object.keys(f.Properties.Environment.Variables).some((k) => k.endsWith('_PARAMETER'));
  const readers = functions.filter(reads);
  // Not blind: with a custom domain, the link secret's readers and the authorizer.
  expect(readers.map((f) => f.Properties.FunctionName)).toEqual(expect.arrayContaining(['tanggap-test-http-task', 'tanggap-test-http-intake', 'tanggap-test-origin-verify']));
  for (const f of readers) {
    expect({ fn: f.Properties.FunctionName, layers: JSON.stringify(f.Properties.Layers ?? []) }).toEqual({ fn: f.Properties.FunctionName, layers: expect.stringMatching(/AWS-Parameters-and-Secrets-Lambda-Extension-Arm64|ParamsAndSecrets/i) });
    expect(f.Properties.Environment.Variables).toMatchObject({
      PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'true', SSM_PARAMETER_STORE_TTL: '300', SECRETS_MANAGER_TTL: '300',
      SSM_PARAMETER_STORE_TIMEOUT_MILLIS: '2000', SECRETS_MANAGER_TIMEOUT_MILLIS: '2000',
    });
  }
  const others = functions.filter((f) => !reads(f));
  expect(others.length).toBeGreaterThan(0);
  for (const f of others) expect({ fn: f.Properties.FunctionName, layers: f.Properties.Layers, port: f.Properties.Environment.Variables.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT }).toEqual({ fn: f.Properties.FunctionName, layers: undefined, port: undefined });
});

test('every function has the STATE_MACHINES its configuration requires, naming each SOP\'s machine', () => {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { TABLE_NAME: Match.anyValue() } } } });
  for (const [id, fn] of Object.entries(functions)) {
    const value = JSON.stringify((fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables.STATE_MACHINES ?? null);
    for (const sop of sops) expect({ id, names: value.includes(`:stateMachine:tanggap-test-${sop.id}`) }).toEqual({ id, names: true });
  }
});

test('the outcome function may start executions of the machines (continue-as-new), and the machines do not start any themselves', () => {
  const outcome = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('Workflowoutcome'))!;
  const role = (outcome[1] as { Properties: { Role: { 'Fn::GetAtt': [string] } } }).Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(role));
  const starts = policies.flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement)
    .filter((st) => [st.Action].flat().includes('states:StartExecution'));
  for (const sop of sops) expect(JSON.stringify(starts)).toContain(`:stateMachine:tanggap-test-${sop.id}`);
  for (const machine of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
    const roleId = (machine as { Properties: { RoleArn: { 'Fn::GetAtt': [string] } } }).Properties.RoleArn['Fn::GetAtt'][0];
    const own = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId));
    expect(JSON.stringify(own)).not.toContain('states:StartExecution');
  }
});

test('SES identity for the mail domain; alarms on failed executions; access logs never log raw paths', () => {
  template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: demoDirectory.regency.mailFrom.split('@')[1] });
  for (const sop of sops) {
    for (const what of ['failed', 'timedout', 'aborted']) template.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({ AlarmName: `tanggap-test-${sop.id}-${what}` }));
  }
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', Match.objectLike({ AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('routeKey') }) }));
  expect(json).not.toContain('$context.path');
});

test('one STANDARD state machine per reviewed report, invoking the report function, which starts it by name', () => {
  for (const { sop, report } of reviewedReports(sops)) {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', Match.objectLike({
      StateMachineName: `tanggap-test-${sop.id}-${report.id}-review`,
      StateMachineType: 'STANDARD',
      DefinitionSubstitutions: { ReportFunctionArn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportFn'), 'Arn'] }) },
    }));
  }
  const [, report] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('ReportFn'))!;
  const names = JSON.stringify((report as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables.STATE_MACHINES);
  for (const { sop, report: r } of reviewedReports(sops)) expect(names).toContain(`${sop.id}.${r.id}.review`);
});

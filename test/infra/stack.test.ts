import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { routes, httpHandlers, workflowHandlers } from '../../functions/routes';
import { caseTable } from '../../shared/data/table';
import { tableName } from '../../infra/aws/names';
import { sops } from '../../shared/sops';
import { TanggapStack } from '../../infra/aws/stack';
import { COUNTER_ALARMS } from '../../infra/aws/constructs/operations';

// Synthesised once, without bundling (the entries are checked; esbuild runs in `npm run synth`).
// Template.fromStack also refuses a template with a dependency cycle, such as a function the machines
// call referring to the machines themselves (hence the references by name for STATE_MACHINES).
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const MAIL_FROM = 'pengaduan@mail.kabupaten.example.go.id';
const stack = new TanggapStack(app, 'Test', { stage: 'test', mailFrom: MAIL_FROM, timeZone: 'Asia/Jakarta', sops, publicUrl: 'https://pengaduan.example.go.id' });
const template = Template.fromStack(stack);
const json = JSON.stringify(template.toJSON());

test('one Lambda function per handler, on nodejs22.x, arm64', () => {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
  const count = Object.keys(httpHandlers).length + Object.keys(workflowHandlers).length + 3; // + report, sweep, mail events
  expect(Object.keys(functions)).toHaveLength(count);
  template.allResourcesProperties('AWS::Lambda::Function', Match.objectLike({ Architectures: ['arm64'] }));
});

test('the HTTP API has exactly the routes of the route table', () => {
  const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey).sort();
  expect(keys).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
});

test('the table matches shared/data/table.ts: keys, three GSIs, PITR, TTL, retained', () => {
  template.hasResource('AWS::DynamoDB::GlobalTable', Match.objectLike({
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      KeySchema: [{ AttributeName: caseTable.partitionKey, KeyType: 'HASH' }, { AttributeName: caseTable.sortKey, KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: caseTable.indexes.map((i) => Match.objectLike({ IndexName: i.name, KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }, { AttributeName: i.sortKey, KeyType: 'RANGE' }] })),
      TimeToLiveSpecification: { AttributeName: caseTable.timeToLiveAttribute, Enabled: true },
    }),
  }));
});

test('the table is named for the stage by infra/aws/names.ts, the name `npm run directory -- --stage` uses', () => {
  template.hasResourceProperties('AWS::DynamoDB::GlobalTable', Match.objectLike({ TableName: 'test-tanggap' }));
  expect(tableName('test')).toBe('test-tanggap');
  expect(() => tableName('Prod!')).toThrow(/not a valid name/);
});

test('no directory of officials is in the template: no function is given one', () => {
  const demoAddresses = ['bupati@musitanggap.example.go.id', 'inspektur@inspektorat.musitanggap.example.go.id', 'musitanggap'];
  for (const address of demoAddresses) expect(json).not.toContain(address);
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
  for (const fn of Object.values(functions)) {
    expect(Object.keys((fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables)).not.toContain('DIRECTORY_FILE');
  }
});

test('one STANDARD state machine per SOP, its placeholders replaced by the functions\' ARNs', () => {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  expect(Object.keys(machines)).toHaveLength(sops.length);
  for (const sop of sops) {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', Match.objectLike({
      StateMachineName: `tanggap-${sop.id}`,
      StateMachineType: 'STANDARD',
      DefinitionSubstitutions: Match.objectLike({ TaskFunctionArn: Match.anyValue(), DeadlinesFunctionArn: Match.anyValue(), OutcomeFunctionArn: Match.anyValue(), NotifyFunctionArn: Match.anyValue() }),
    }));
  }
});

test('report schedules: monthly for the library, quarterly P4 report to the Bupati, in the regency time zone', () => {
  template.resourceCountIs('AWS::Scheduler::Schedule', sops.reduce((n, s) => n + s.reports.length, 0));
  template.hasResourceProperties('AWS::Scheduler::Schedule', {
    Name: 'tanggap-perpustakaan-muba-rekap-bulanan', ScheduleExpression: 'cron(0 8 1 * ? *)', ScheduleExpressionTimezone: 'Asia/Jakarta',
    Target: Match.objectLike({ Input: Match.serializedJson(Match.objectLike({ sopId: 'perpustakaan-muba', reportId: 'rekap-bulanan' })), DeadLetterConfig: Match.anyValue() }),
  });
  template.hasResourceProperties('AWS::Scheduler::Schedule', { Name: 'tanggap-sp4n-lapor-muara-enim-laporan-p4', ScheduleExpression: 'cron(0 8 1 1,4,7,10 ? *)', ScheduleExpressionTimezone: 'Asia/Jakarta' });
});

test('bind helpers: the intake may start executions, the task handler may answer callbacks, and each has its env', () => {
  template.hasResourceProperties('AWS::IAM::Policy', Match.objectLike({
    PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution' })]) }),
  }));
  template.hasResourceProperties('AWS::IAM::Policy', Match.objectLike({
    PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Action: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'] })]) }),
  }));
  template.allResourcesProperties('AWS::Lambda::Function', Match.objectLike({
    Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), MAIL_FROM, PUBLIC_URL: 'https://pengaduan.example.go.id', LINK_SECRET: Match.anyValue() }) },
  }));
});

test('every function has the STATE_MACHINES its configuration requires, naming each SOP\'s machine', () => {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } });
  for (const [id, fn] of Object.entries(functions)) {
    const value = JSON.stringify((fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables.STATE_MACHINES ?? null);
    for (const sop of sops) expect({ id, names: value.includes(`:stateMachine:tanggap-${sop.id}`) }).toEqual({ id, names: true });
  }
});

test('the outcome function may start executions of the machines (continue-as-new), and the machines do not start any themselves', () => {
  const outcome = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('Workflowoutcome'))!;
  const role = (outcome[1] as { Properties: { Role: { 'Fn::GetAtt': [string] } } }).Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(role));
  const starts = policies.flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement)
    .filter((st) => [st.Action].flat().includes('states:StartExecution'));
  for (const sop of sops) expect(JSON.stringify(starts)).toContain(`:stateMachine:tanggap-${sop.id}`);
  for (const machine of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
    const roleId = (machine as { Properties: { RoleArn: { 'Fn::GetAtt': [string] } } }).Properties.RoleArn['Fn::GetAtt'][0];
    const own = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId));
    expect(JSON.stringify(own)).not.toContain('states:StartExecution');
  }
});

test('SES identity for the mail domain; alarms on failed executions; access logs never log raw paths', () => {
  template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.kabupaten.example.go.id' });
  // + report, sweep, mail events, report DLQ; mail: bounce rate, complaint rate, events DLQ; the counters of OperationalAlarms.
  template.resourceCountIs('AWS::CloudWatch::Alarm', sops.length * 2 + Object.keys(httpHandlers).length + Object.keys(workflowHandlers).length + 4 + 3 + Object.keys(COUNTER_ALARMS).length);
  template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', Match.objectLike({ AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('routeKey') }) }));
  expect(json).not.toContain('$context.path');
});

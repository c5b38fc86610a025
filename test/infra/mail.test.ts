/**
 * Mail that arrives and operations that are seen, on the synthesized template: Easy DKIM and MAIL FROM
 * (records in the hosted zone when given, outputs otherwise), the configuration set's events to
 * EventBridge and on to the mail-events function (retries, DLQ), reputation alarms below SES's
 * thresholds, an alarm per operational counter on the stage's dimensions, and the sweep's right to
 * resume a parked case.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { demoDirectory } from '../../shared/directory';
import { COUNTER_ALARMS } from '../../infra/aws/constructs/operations';
import { synthesise } from './synth';

const domain = demoDirectory.regency.mailFrom.split('@')[1]!;
const withoutZone = synthesise({ stage: 'staging' }).template;
// The hosted zone is the mail domain's own (the site's name lies in it): its DKIM and MAIL FROM records are made there.
const withZone = synthesise({ stage: 'staging', domainName: `pengaduan.${domain}`, hostedZoneId: 'Z0123456789ABC', hostedZoneName: domain }).template;

/** The logical id of the function whose construct id starts with `prefix`. */
const functionId = (t: Template, prefix: string) => Object.keys(t.findResources('AWS::Lambda::Function')).find((id) => id.startsWith(prefix))!;

test('Easy DKIM and a MAIL FROM domain on the identity, the configuration set its default', () => {
  withoutZone.hasResourceProperties('AWS::SES::EmailIdentity', Match.objectLike({
    EmailIdentity: domain,
    DkimAttributes: { SigningEnabled: true },
    MailFromAttributes: { MailFromDomain: `bounce.${domain}`, BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
  }));
});

test('without a hosted zone: each DNS record is an output to add by hand (3 DKIM CNAMEs, MX and SPF of MAIL FROM, DMARC); no record set', () => {
  const outputs = withoutZone.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
  const dkim = Object.entries(outputs).filter(([k]) => k.includes('DkimRecord'));
  expect(dkim).toHaveLength(3);
  for (const [, o] of dkim) expect(JSON.stringify(o.Value)).toContain('DkimDNSTokenName');
  const text = JSON.stringify(outputs);
  expect(text).toContain(`MX bounce.${domain} 10 feedback-smtp.`);
  expect(text).toContain(`TXT bounce.${domain} \\"v=spf1 include:amazonses.com ~all\\"`);
  expect(text).toContain(`_dmarc.${domain}`);
  withoutZone.resourceCountIs('AWS::Route53::RecordSet', 0);
});

test('with a hosted zone: the DKIM CNAMEs and the MAIL FROM MX and SPF records are created in it', () => {
  withZone.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Type: 'CNAME', HostedZoneId: 'Z0123456789ABC' }, 3);
  withZone.hasResourceProperties('AWS::Route53::RecordSet', Match.objectLike({ Type: 'MX', Name: `bounce.${domain}.` }));
  withZone.hasResourceProperties('AWS::Route53::RecordSet', Match.objectLike({ Type: 'TXT', Name: `bounce.${domain}.`, ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'] }));
  const outputs = JSON.stringify(withZone.toJSON().Outputs);
  expect(outputs).not.toContain('DkimRecord');
  expect(outputs).toContain('_dmarc');
});

test('bounces, complaints, rejections and delays go to EventBridge, and this configuration set\'s go to the mail-events function with retries and a DLQ', () => {
  withoutZone.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', Match.objectLike({
    EventDestination: Match.objectLike({
      Enabled: true,
      MatchingEventTypes: ['bounce', 'complaint', 'reject', 'deliveryDelay'],
      EventBridgeDestination: { EventBusArn: Match.anyValue() },
    }),
  }));
  const fn = functionId(withoutZone, 'MailEvents');
  withoutZone.hasResourceProperties('AWS::Events::Rule', Match.objectLike({
    EventPattern: Match.objectLike({
      source: ['aws.ses'],
      detail: { eventType: ['Bounce', 'Complaint', 'Reject', 'DeliveryDelay'], mail: { tags: { 'ses:configuration-set': [Match.anyValue()] } } },
    }),
    Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, DeadLetterConfig: { Arn: Match.anyValue() }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }) })],
  }));
  withoutZone.hasResourceProperties('AWS::Lambda::Permission', Match.objectLike({ FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, Principal: 'events.amazonaws.com' }));
});

test('reputation alarms well below SES\'s review thresholds, and on events left in the DLQ', () => {
  withoutZone.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({ Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.02, ComparisonOperator: 'GreaterThanThreshold' }));
  withoutZone.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({ Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Threshold: 0.0005 }));
  withoutZone.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible', AlarmDescription: Match.stringLikeRegexp('mail-events') }));
});

test('an alarm on each operational counter, on the dimensions the functions publish (service, stage), and STAGE in every function', () => {
  for (const [name, spec] of Object.entries(COUNTER_ALARMS)) {
    withoutZone.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({
      Namespace: 'Tanggap', MetricName: name, Statistic: 'Sum', Threshold: spec!.threshold,
      Dimensions: Match.arrayWith([{ Name: 'service', Value: 'tanggap' }, { Name: 'stage', Value: 'staging' }]),
    }));
  }
  expect(Object.keys(COUNTER_ALARMS)).toEqual(expect.arrayContaining(['HttpServerError', 'ExecutionStartFailed', 'WorkflowTaskFailed', 'EmailFailed', 'MailBounced', 'MailComplained', 'SlaBreached']));
  // Every handler (the functions given the table; not CDK's own providers or the API authorizer).
  const handlers = Object.values(withoutZone.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { TABLE_NAME: Match.anyValue() } } } }));
  expect(handlers.length).toBeGreaterThan(10);
  for (const fn of handlers) expect(fn).toMatchObject({ Properties: { Environment: { Variables: { STAGE: 'staging' } } } });
});

test('the sweep may answer callbacks (an operator resumes a parked case through it)', () => {
  const sweep = functionId(withoutZone, 'Sweep');
  const role = (withoutZone.toJSON().Resources[sweep].Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const statements = Object.values(withoutZone.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(role))
    .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement);
  expect(statements.flatMap((s) => [s.Action].flat())).toContain('states:SendTaskSuccess');
});

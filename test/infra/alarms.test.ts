/**
 * Operations: one alarm topic with the ops emails subscribed; every alarm of the stack notifies it
 * (alarm and OK), including an alarm another construct adds after the monitoring was built; what
 * the alarms watch; the dashboard.
 */
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { httpHandlers, workflowHandlers } from '../../functions/routes';
import { sops } from '../../shared/sops';
import { resourcesOf, synthesise } from './synth';

// A construct of another concern (mail, metrics) adding its own alarms, L2 and L1, late.
const { template } = synthesise({ stage: 'ops', alarmEmails: 'ops@muba.go.id, kominfo@muba.go.id' }, {
  beforeSynth: (app) => {
    const main = app.node.findChild('Tanggap-ops') as Construct;
    const late = new Construct(main, 'LateConcern');
    new cloudwatch.Alarm(late, 'BounceRate', { alarmName: 'tanggap-ops-late-l2', metric: new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', period: Duration.hours(1) }), threshold: 0.05, evaluationPeriods: 1 });
    new cloudwatch.CfnAlarm(late, 'Raw', { alarmName: 'tanggap-ops-late-l1', namespace: 'Tanggap', metricName: 'SlaBreaches', statistic: 'Sum', period: 300, evaluationPeriods: 1, threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' });
  },
});
const topicId = Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { TopicName: 'tanggap-ops-alarms' } }))[0]!;

test('one alarm topic, each ops address subscribed by email', () => {
  template.resourceCountIs('AWS::SNS::Topic', 1);
  for (const email of ['ops@muba.go.id', 'kominfo@muba.go.id']) {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: { Ref: topicId } });
  }
});

test('every alarm notifies the topic when it fires and when it recovers, late ones included', () => {
  const alarms = Object.entries(resourcesOf(template)).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  expect(alarms.length).toBeGreaterThan(40);
  for (const [id, alarm] of alarms) {
    expect({ id, actions: alarm.Properties!.AlarmActions, ok: alarm.Properties!.OKActions }).toEqual({ id, actions: [{ Ref: topicId }], ok: [{ Ref: topicId }] });
  }
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'tanggap-ops-late-l2', AlarmActions: [{ Ref: topicId }] });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'tanggap-ops-late-l1', AlarmActions: [{ Ref: topicId }] });
});

test('alarms watch the API, every function, every SOP\'s executions, the table and the dead letters', () => {
  const names = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').map((r) => r.Properties!.AlarmName);
  const functions = [...Object.keys(httpHandlers).map((n) => `http-${n}`), ...Object.keys(workflowHandlers).map((n) => `workflow-${n}`), 'report', 'sweep', 'origin-verify'];
  const want = [
    'api-5xx', 'api-latency-p95', 'table-system-errors', 'table-user-errors', 'table-throttles', 'report-dead-letters',
    ...functions.flatMap((f) => [`${f}-errors`, `${f}-throttles`]),
    ...sops.flatMap((s) => [`${s.id}-failed`, `${s.id}-timedout`, `${s.id}-aborted`]),
  ].map((n) => `tanggap-ops-${n}`);
  expect(names).toEqual(expect.arrayContaining(want));
  template.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({ AlarmName: 'tanggap-ops-api-5xx', Namespace: 'AWS/ApiGateway', MetricName: '5xx', Threshold: 1 }));
  template.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({ AlarmName: 'tanggap-ops-api-latency-p95', MetricName: 'Latency', ExtendedStatistic: 'p95', Threshold: 3000 }));
  template.hasResourceProperties('AWS::CloudWatch::Alarm', Match.objectLike({ AlarmName: 'tanggap-ops-table-throttles', Metrics: Match.arrayWith([Match.objectLike({ Expression: 'reads + writes' })]) }));
});

test('a dashboard named after the stage shows the API, functions, executions, table, SES and WAF', () => {
  const dashboard = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard', { Properties: { DashboardName: 'tanggap-ops' } }));
  for (const metric of ['AWS/ApiGateway', 'AWS/Lambda', 'AWS/States', 'AWS/DynamoDB', 'Reputation.BounceRate', 'Reputation.ComplaintRate', 'AWS/WAFV2', 'ApproximateNumberOfMessagesVisible']) {
    expect({ metric, shown: dashboard.includes(metric) }).toEqual({ metric, shown: true });
  }
});

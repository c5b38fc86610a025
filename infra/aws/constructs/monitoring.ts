/**
 * Alarms and the operations dashboard. Every alarm reaches the alarm topic through the Aspect in
 * alarm-notifications.ts. What is watched: the public API (5xx answers, p95 latency), each
 * function (errors, throttles), each SOP's executions (failed, timed out, aborted), the table
 * (system errors, user errors, throttling), undelivered report runs (dead letters). The SES
 * reputation alarms (bounce and complaint rates) belong with the mail construct; the dashboard shows
 * those rates beside the rest.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { Naming } from '../naming';
import { EDGE_REGION } from '../settings';

const FIVE_MINUTES = Duration.minutes(5);
/** The operations the adapters use (infra/aws/access.ts): the ones whose errors and throttles matter. */
const TABLE_OPERATIONS = [Operation.GET_ITEM, Operation.PUT_ITEM, Operation.UPDATE_ITEM, Operation.DELETE_ITEM, Operation.QUERY];

export interface MonitoringProps {
  machines: Record<string, IStateMachine>;
  functions: Record<string, IFunction>;
  deadLetters: IQueue;
  httpApi: apigw.IHttpApi;
  table: ITable;
  /** The CloudFront web ACL (in us-east-1): its allowed and blocked requests. */
  webAclName: string;
}

export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const naming = Naming.of(this);
    const alarm = (name: string, description: string, metric: cloudwatch.IMetric, opts: { threshold?: number; evaluationPeriods?: number; datapointsToAlarm?: number } = {}) =>
      new cloudwatch.Alarm(this, name, {
        alarmName: naming.name(name),
        alarmDescription: description,
        metric,
        threshold: opts.threshold ?? 1,
        evaluationPeriods: opts.evaluationPeriods ?? 1,
        datapointsToAlarm: opts.datapointsToAlarm,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    // The public API: a 5xx is a citizen or official who got "something went wrong".
    const api5xx = props.httpApi.metricServerError({ period: FIVE_MINUTES });
    const apiLatency = props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p95' });
    alarm('api-5xx', 'The public API answered 5xx (handler failures, Step Functions unreachable, timeouts). See the functions\' logs for "request failed".', api5xx);
    alarm('api-latency-p95', 'p95 latency of the public API above 3 s for 15 minutes.', apiLatency, { threshold: 3000, evaluationPeriods: 3 });

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}-errors`, `Function ${name} failed (an invocation threw or timed out).`, fn.metricErrors({ period: FIVE_MINUTES }));
      alarm(`${name}-throttles`, `Function ${name} was throttled (account concurrency exhausted?).`, fn.metricThrottles({ period: FIVE_MINUTES }));
    }
    for (const [id, machine] of Object.entries(props.machines)) {
      alarm(`${id}-failed`, `An execution of SOP ${id} failed: a case stopped moving.`, machine.metricFailed({ period: FIVE_MINUTES }));
      alarm(`${id}-timedout`, `An execution of SOP ${id} timed out.`, machine.metricTimedOut({ period: FIVE_MINUTES }));
      alarm(`${id}-aborted`, `An execution of SOP ${id} was stopped by hand or by a deployment.`, machine.metricAborted({ period: FIVE_MINUTES }));
    }

    const systemErrors = props.table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: FIVE_MINUTES });
    // UserErrors is one figure for every table of the account and region: another stage's bad request counts too.
    const userErrors = props.table.metricUserErrors({ period: FIVE_MINUTES });
    const throttles = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: { reads: props.table.metric('ReadThrottleEvents', { period: FIVE_MINUTES }), writes: props.table.metric('WriteThrottleEvents', { period: FIVE_MINUTES }) },
      period: FIVE_MINUTES,
      label: 'throttle events',
    });
    alarm('table-system-errors', 'DynamoDB answered 500 to the case table.', systemErrors);
    alarm('table-user-errors', 'DynamoDB refused requests as invalid (400, not conditional-check failures) in this account and region: a bug or a missing permission.', userErrors, { threshold: 5 });
    alarm('table-throttles', 'The case table throttled reads or writes.', throttles);
    alarm('report-dead-letters', 'A scheduled recap report could not be delivered to its function: see the dead-letter queue.', props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }));

    const functionMetrics = (metric: (fn: IFunction) => cloudwatch.Metric) => Object.entries(props.functions).map(([name, fn]) => metric(fn).with({ label: name }));
    const ses = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Average' });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: naming.prefix,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'API requests and errors', left: [props.httpApi.metricCount({ period: FIVE_MINUTES }), props.httpApi.metricClientError({ period: FIVE_MINUTES }), api5xx], width: 12 }),
          new cloudwatch.GraphWidget({ title: 'API latency', left: [props.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }), apiLatency], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Function errors', left: functionMetrics((fn) => fn.metricErrors({ period: FIVE_MINUTES })), width: 12 }),
          new cloudwatch.GraphWidget({ title: 'Function throttles', left: functionMetrics((fn) => fn.metricThrottles({ period: FIVE_MINUTES })), width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Executions',
            left: Object.entries(props.machines).flatMap(([id, m]) => [m.metricStarted({ period: FIVE_MINUTES, label: `${id} started` }), m.metricFailed({ period: FIVE_MINUTES, label: `${id} failed` }), m.metricTimedOut({ period: FIVE_MINUTES, label: `${id} timed out` }), m.metricAborted({ period: FIVE_MINUTES, label: `${id} aborted` })]),
            width: 12,
          }),
          new cloudwatch.GraphWidget({ title: 'Case table', left: [props.table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES }), props.table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES })], right: [systemErrors, userErrors, throttles], width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'SES reputation (account): bounce and complaint rates', left: [ses('Reputation.BounceRate'), ses('Reputation.ComplaintRate')], leftYAxis: { min: 0 }, width: 12 }),
          new cloudwatch.GraphWidget({ title: 'SES sending', left: [ses('Send').with({ statistic: 'Sum' }), ses('Delivery').with({ statistic: 'Sum' }), ses('Bounce').with({ statistic: 'Sum' }), ses('Complaint').with({ statistic: 'Sum' })], width: 6 }),
          new cloudwatch.SingleValueWidget({ title: 'Report dead letters', metrics: [props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES })], width: 6 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'WAF (CloudFront, us-east-1): allowed and blocked requests',
            left: ['AllowedRequests', 'BlockedRequests', 'CountedRequests'].map((metricName) => new cloudwatch.Metric({ namespace: 'AWS/WAFV2', metricName, dimensionsMap: { WebACL: props.webAclName, Rule: 'ALL' }, region: EDGE_REGION, statistic: 'Sum', period: FIVE_MINUTES })),
            width: 24,
          }),
        ],
      ],
    });
  }
}

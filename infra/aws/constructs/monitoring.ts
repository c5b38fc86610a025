/** Alarms: failed or timed-out executions, handler errors, undelivered report runs. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export class Monitoring extends Construct {
  constructor(scope: Construct, id: string, props: { machines: Record<string, IStateMachine>; functions: Record<string, IFunction>; deadLetters: IQueue }) {
    super(scope, id);
    const alarm = (name: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, name, { metric, threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING });
    for (const [id, machine] of Object.entries(props.machines)) {
      alarm(`${id}-failed`, machine.metricFailed({ period: Duration.minutes(5) }));
      alarm(`${id}-timedout`, machine.metricTimedOut({ period: Duration.minutes(5) }));
    }
    for (const [name, fn] of Object.entries(props.functions)) alarm(`${name}-errors`, fn.metricErrors({ period: Duration.minutes(5) }));
    alarm('report-dead-letters', props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }));
  }
}

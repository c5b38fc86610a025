/**
 * The SOPs' report schedules as EventBridge Scheduler schedules, in the regency's time zone:
 * monthly on `dayOfMonth` at `hour`, quarterly in January, April, July and October, half-yearly in
 * January and July.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Sop } from '../../../shared/sop/schema';
import { Naming } from '../naming';

/**
 * The dead-letter queue of report runs: a schedule that could not invoke the function, and an
 * invocation that still failed after Lambda's two retries. Made before the report function, which
 * names it as its own dead-letter queue.
 */
export function reportDeadLetters(scope: Construct): sqs.Queue {
  return new sqs.Queue(scope, 'ReportDeadLetters', { queueName: Naming.of(scope).name('report-dead-letters'), retentionPeriod: Duration.days(14), enforceSSL: true, encryption: sqs.QueueEncryption.SQS_MANAGED });
}

export class Reports extends Construct {
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: { sops: readonly Sop[]; timeZone: string; reportFunction: IFunction; deadLetters: sqs.Queue }) {
    super(scope, id);
    const naming = Naming.of(this);
    this.deadLetters = props.deadLetters;
    const role = new iam.Role(this, 'InvokeRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    props.reportFunction.grantInvoke(role);
    this.deadLetters.grantSendMessages(role);
    for (const sop of props.sops) {
      for (const report of sop.reports) {
        const months = report.period === 'monthly' ? '*' : report.period === 'quarterly' ? '1,4,7,10' : '1,7';
        new scheduler.CfnSchedule(this, `${sop.id}-${report.id}`, {
          name: naming.name(sop.id, report.id),
          description: `${report.period} report of ${sop.id} (${report.recipients.join(', ')})`,
          scheduleExpression: `cron(0 ${report.hour} ${report.dayOfMonth} ${months} ? *)`,
          scheduleExpressionTimezone: props.timeZone,
          flexibleTimeWindow: { mode: 'OFF' },
          target: {
            arn: props.reportFunction.functionArn,
            roleArn: role.roleArn,
            input: JSON.stringify({ sopId: sop.id, reportId: report.id, scheduledTime: '<aws.scheduler.scheduled-time>' }),
            retryPolicy: { maximumEventAgeInSeconds: 24 * 3600, maximumRetryAttempts: 10 },
            deadLetterConfig: { arn: this.deadLetters.queueArn },
          },
        });
      }
    }
  }
}

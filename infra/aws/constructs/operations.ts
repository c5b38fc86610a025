/**
 * Alarms on the service's own counters (the Metrics port, shared/ports.ts; EMF lines written by the
 * functions, functions/adapters/metrics.ts: namespace `Tanggap`, dimensions service and stage). In one place, one alarm per counter
 * that someone must act on; the stack's alarm topic is attached to every alarm generically.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { Naming } from '../naming';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from '../../../shared/ports';

interface CounterAlarm {
  /** At least this many in `period`. */
  threshold: number;
  period: Duration;
  why: string;
}

/**
 * What is alarmed and when. EmailSuppressed has no alarm: it is the suppression list doing its work
 * (the bounce that caused it raised MailBounced, and an official's told the regency admin).
 */
export const COUNTER_ALARMS: Partial<Record<MetricName, CounterAlarm>> = {
  HttpServerError: { threshold: 1, period: Duration.minutes(5), why: 'An HTTP handler answered 500: its error is in the function\'s log ("request failed").' },
  ExecutionStartFailed: { threshold: 1, period: Duration.minutes(5), why: 'A complaint is stored but its workflow did not start; the sweep retries it every 5 minutes.' },
  WorkflowTaskFailed: { threshold: 1, period: Duration.minutes(5), why: 'A workflow function failed after its retries: the case is parked ("needs attention"); fix the cause, then resume it (README, Operations).' },
  EmailFailed: { threshold: 3, period: Duration.minutes(15), why: 'SES refused messages (throttling, sending paused, identity): officials may not be getting their links.' },
  MailBounced: { threshold: 1, period: Duration.hours(1), why: 'An address bounced permanently and is suppressed: correct it in the directory (an official\'s) or expect no more mail to it (a reporter\'s).' },
  MailComplained: { threshold: 1, period: Duration.hours(1), why: 'A recipient marked our mail as spam; SES reviews accounts at 0.1 % complaints.' },
  SlaBreached: { threshold: 10, period: Duration.days(1), why: 'Ten or more steps ended late in a day: a trend for the heads of office, beyond the escalation ladder of each case.' },
};

export class OperationalAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    for (const [name, spec] of Object.entries(COUNTER_ALARMS) as [MetricName, CounterAlarm][]) {
      const metric = new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: METRICS_SERVICE, stage: props.stage },
        statistic: 'Sum', period: spec.period,
      });
      this.alarms.push(new cloudwatch.Alarm(this, name, {
        alarmName: Naming.of(this).name('counter', name),
        alarmDescription: spec.why, metric, threshold: spec.threshold, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
    }
  }
}

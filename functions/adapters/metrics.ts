/**
 * The Metrics port: on AWS, one CloudWatch embedded-metric-format (EMF) line per count (namespace
 * `Tanggap`, dimensions `service` and `stage`; the alarms in infra/aws/constructs/operations.ts watch
 * them); on the local runtime, one log line per count. Chosen by configuration (METRICS), never by
 * the handler.
 *
 * Each count is published at once: counts are rare (failures, breaches), and a handler that dies
 * after counting has still counted. The EMF line is the one Powertools Metrics wrote for one count,
 * written here in a few lines instead of its 15 KB of bundle: CloudWatch Logs extracts the metric from
 * a log line of this shape in the function's log group (stdout); no agent, no API call.
 */
import { logger } from './logger';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName, type Metrics } from '../../shared/ports';
import { config } from './config';

/**
 * One count as an EMF document (CloudWatch's "Specification: Embedded metric format"): `_aws` holds
 * the metadata (`Timestamp` in epoch milliseconds, one MetricDirective: namespace, one dimension set,
 * the metric's name and unit); the root holds each dimension's value (a string) and the metric's value
 * (a number) under their names.
 */
export function emfCount(name: MetricName, n: number, stage: string, at: Date): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'stage']], Metrics: [{ Name: name, Unit: 'Count' }] }],
    },
    service: METRICS_SERVICE,
    stage,
    [name]: n,
  };
}

/** The counters on AWS: an EMF line on stdout each, which Lambda sends to the function's log group. */
export class EmfMetrics implements Metrics {
  constructor(
    private readonly stage: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    private readonly now: () => Date = () => new Date(),
  ) {}

  count(name: MetricName, n = 1): void {
    this.write(`${JSON.stringify(emfCount(name, n, this.stage, this.now()))}\n`);
  }
}

/** The local runtime's counters: a log line each (its log is the operator's screen). */
export class LogMetrics implements Metrics {
  count(name: MetricName, n = 1): void {
    logger.info('metric', { metric: name, count: n });
  }
}

let chosen: Metrics | undefined;

/**
 * The configured adapter, once per container. A configuration that does not parse still counts (on
 * CloudWatch, stage `unknown`): the 500 it causes must not be invisible.
 */
export function metrics(): Metrics {
  if (chosen) return chosen;
  let settings: { METRICS: 'cloudwatch' | 'log'; STAGE: string };
  try {
    settings = config();
  } catch {
    settings = { METRICS: 'cloudwatch', STAGE: 'unknown' };
  }
  chosen = settings.METRICS === 'log' ? new LogMetrics() : new EmfMetrics(settings.STAGE);
  return chosen;
}

/**
 * The Metrics port: Powertools Metrics on AWS (namespace `Tanggap`, dimensions `service` and `stage`,
 * the alarms in infra/aws/constructs/operations.ts watch them), or one log line per count on the
 * local runtime. Chosen by configuration (METRICS), never by the handler.
 *
 * Each count is published at once (one EMF line): counts are rare (failures, breaches), and a handler
 * that dies after counting has still counted.
 */
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '../http';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName, type Metrics } from '../../shared/ports';
import { config } from './config';

export class PowertoolsMetricsAdapter implements Metrics {
  private readonly metrics: PowertoolsMetrics;

  constructor(stage: string) {
    this.metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, defaultDimensions: { stage } });
  }

  count(name: MetricName, n = 1): void {
    this.metrics.addMetric(name, MetricUnit.Count, n);
    this.metrics.publishStoredMetrics();
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
  chosen = settings.METRICS === 'log' ? new LogMetrics() : new PowertoolsMetricsAdapter(settings.STAGE);
  return chosen;
}

/**
 * The functions' own logger, EMF metrics writer and event parser (functions/adapters/logger.ts,
 * metrics.ts, event-parser.ts), which replaced Powertools: the line shapes CloudWatch and the
 * operators' queries read, the levels, what never reaches a line, and the metric an alarm watches.
 */
import middy from '@middy/core';
import * as z from 'zod/mini';
import { lambdaTraceHeader, Logger, redactText, type LogLevel } from '../../functions/adapters/logger';
import { EmfMetrics, emfCount } from '../../functions/adapters/metrics';
import { parseEvent, ParseError } from '../../functions/adapters/event-parser';
import { App, Stack } from 'aws-cdk-lib';
import { Naming } from '../../infra/aws/naming';
import { COUNTER_ALARMS, OperationalAlarms } from '../../infra/aws/constructs/operations';
import { OperationalMetrics, type MetricName } from '../../shared/ports';

const at = new Date('2026-11-23T02:00:00.123Z');

/** A logger writing into an array: the level each line was written at, and the line parsed. */
function capturing(level?: string, traceHeader?: string) {
  const lines: { stream: LogLevel; raw: string; entry: Record<string, unknown> }[] = [];
  const logger = new Logger({
    service: 'tanggap', level, now: () => at, traceHeader: () => traceHeader,
    write: (stream, raw) => lines.push({ stream, raw, entry: JSON.parse(raw) as Record<string, unknown> }),
  });
  return { logger, lines };
}

describe('Logger', () => {
  test('one JSON object per line: level, message, timestamp, service, then the chosen fields (the shape Powertools wrote)', () => {
    const { logger, lines } = capturing();
    logger.info('request answered', { route: 'POST /api/complaints', status: 201, ms: 12, absent: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.raw.endsWith('}\n')).toBe(true);
    expect(lines[0]!.raw.slice(0, -1)).not.toContain('\n');
    expect(Object.keys(lines[0]!.entry)).toEqual(['level', 'message', 'timestamp', 'service', 'route', 'status', 'ms']);
    expect(lines[0]!.entry).toEqual({ level: 'INFO', message: 'request answered', timestamp: '2026-11-23T02:00:00.123Z', service: 'tanggap', route: 'POST /api/complaints', status: 201, ms: 12 });
  });

  test('the X-Ray trace id of the invocation, from Lambda\'s header, as Powertools named it', () => {
    const { logger, lines } = capturing(undefined, 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    logger.warn('mail delivery failed', { caseId: 'c-1' });
    expect(lines[0]!.entry).toMatchObject({ level: 'WARN', xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793', caseId: 'c-1' });
  });

  test('the trace header comes from the Lambda runtime\'s invocation store when it has one, else from _X_AMZN_TRACE_ID', () => {
    const saved = { env: process.env._X_AMZN_TRACE_ID, awslambda: (globalThis as { awslambda?: unknown }).awslambda };
    try {
      process.env._X_AMZN_TRACE_ID = 'Root=1-env';
      delete (globalThis as { awslambda?: unknown }).awslambda;
      expect(lambdaTraceHeader()).toBe('Root=1-env');
      (globalThis as { awslambda?: unknown }).awslambda = { InvokeStore: { getXRayTraceId: () => 'Root=1-store;Sampled=1' } };
      expect(lambdaTraceHeader()).toBe('Root=1-store;Sampled=1');
    } finally {
      if (saved.env === undefined) delete process.env._X_AMZN_TRACE_ID; else process.env._X_AMZN_TRACE_ID = saved.env;
      (globalThis as { awslambda?: unknown }).awslambda = saved.awslambda;
    }
  });

  test.each([
    [undefined, ['INFO', 'WARN', 'ERROR']],
    ['DEBUG', ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    ['warn', ['WARN', 'ERROR']],
    ['ERROR', ['ERROR']],
    ['CRITICAL', []],
    ['SILENT', []],
    ['nonsense', ['INFO', 'WARN', 'ERROR']],
  ])('level %s writes %j', (level, written) => {
    const { logger, lines } = capturing(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => l.entry.level)).toEqual(written);
  });

  test('DEBUG and INFO go to stdout, WARN and ERROR to stderr', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const logger = new Logger({ service: 'tanggap', level: 'DEBUG' });
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      const messages = (spy: jest.SpyInstance) => spy.mock.calls.map(([line]) => (JSON.parse(String(line)) as { message: string }).message);
      expect(messages(out)).toEqual(['d', 'i']);
      expect(messages(err)).toEqual(['w', 'e']);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });

  test('a field cannot overwrite level, message, timestamp or service', () => {
    const { logger, lines } = capturing();
    logger.info('metric', { level: 'ERROR', message: 'forged', timestamp: 'x', service: 'other', metric: 'EmailFailed' });
    expect(lines[0]!.entry).toEqual({ level: 'INFO', message: 'metric', timestamp: at.toISOString(), service: 'tanggap', metric: 'EmailFailed' });
  });

  test('text in a field survives exactly: quotes, backslashes, line breaks, tabs, emoji, <, right-to-left', () => {
    const { logger, lines } = capturing();
    const text = 'Jalan "Merdeka" \\ no. 5\nbaris dua\tkolom <b>&amp; 🙏🏽 مرحبا';
    logger.info('reason', { reason: text });
    expect(lines[0]!.raw.slice(0, -1)).not.toContain('\n');
    expect(lines[0]!.entry.reason).toBe(text);
  });

  test('a field an application could not serialise never breaks the line: a cycle, a bigint', () => {
    const { logger, lines } = capturing();
    const cycle: Record<string, unknown> = { id: 'x' };
    cycle.self = cycle;
    logger.info('odd fields', { cycle, big: 10n ** 20n });
    expect(lines[0]!.entry).toMatchObject({ message: 'odd fields', cycle: { id: 'x', self: '[Circular]' }, big: '100000000000000000000' });
  });

  test('an Error as a field: its name, and its message and stack without addresses or phone numbers', () => {
    const { logger, lines } = capturing();
    const failure = Object.assign(new Error('refused for siti.aminah@example.com, phone +62 812 3456 7890'), { name: 'StoreDown' });
    logger.error('request failed', { error: failure });
    const error = lines[0]!.entry.error as { name: string; message: string; stack: string };
    expect(error.name).toBe('StoreDown');
    expect(error.message).toBe('refused for <email>, phone <number>');
    expect(error.stack).toContain('logging.test.ts');
    expect(lines[0]!.raw).not.toMatch(/siti|aminah|3456/);
  });

  test('redactText replaces addresses and long numbers, keeps ids', () => {
    expect(redactText('case c-7KQ4 for a.b+tag@mail.example.id at 0812-3456-7890')).toBe('case c-7KQ4 for <email> at <number>');
  });

  test('redactText keeps a stack frame\'s scoped package path, and still masks an address written after a slash', () => {
    const frame = '    at extendedEncodeURIComponent (file:///var/task/node_modules/@smithy/core/dist-es/submodules/protocols/extended-encode-uri-component.js:2:9)';
    expect(redactText(frame)).toBe(frame);
    expect(redactText('GET /unsubscribe/warga.a@example.id failed')).toBe('GET /unsubscribe/<email> failed');
  });
});

describe('EMF metrics', () => {
  test('a count is one EMF line: metadata with the timestamp and one directive, the dimensions and the value at the root', () => {
    const written: string[] = [];
    new EmfMetrics('prod', (line) => written.push(line), () => at).count('EmailFailed', 2);
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(written[0]!) as Record<string, unknown>;
    expect(doc).toEqual({
      _aws: { Timestamp: at.getTime(), CloudWatchMetrics: [{ Namespace: 'Tanggap', Dimensions: [['service', 'stage']], Metrics: [{ Name: 'EmailFailed', Unit: 'Count' }] }] },
      service: 'tanggap', stage: 'prod', EmailFailed: 2,
    });
  });

  test.each(OperationalMetrics.map((name) => [name]))('%s follows the EMF specification: every referenced dimension and metric is a root member of the right type', (name) => {
    const doc = emfCount(name, 1, 'dev', at) as { _aws: { Timestamp: unknown; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } } & Record<string, unknown>;
    expect(Number.isInteger(doc._aws.Timestamp)).toBe(true);
    for (const directive of doc._aws.CloudWatchMetrics) {
      expect(directive.Namespace.length).toBeGreaterThan(0);
      for (const set of directive.Dimensions) {
        expect(set.length).toBeLessThanOrEqual(30);
        for (const dimension of set) expect(typeof doc[dimension]).toBe('string');
      }
      for (const metric of directive.Metrics) expect(typeof doc[metric.Name]).toBe('number');
    }
  });

  test('each alarm watches exactly the metric a count publishes: namespace, name, and the dimensions with their values', () => {
    const stack = new Stack(new App(), 'Alarms');
    Naming.attach(stack, new Naming('prod'));
    const { alarms } = new OperationalAlarms(stack, 'Counters', { stage: 'prod' });
    expect(alarms.length).toBe(Object.keys(COUNTER_ALARMS).length);
    for (const alarm of alarms) {
      const watched = alarm.metric.toMetricConfig().metricStat!;
      const doc = emfCount(watched.metricName as MetricName, 1, 'prod', at) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } } & Record<string, unknown>;
      const [directive] = doc._aws.CloudWatchMetrics;
      // What CloudWatch extracts from the line: one metric per dimension set, with the root's values.
      const published = { namespace: directive!.Namespace, name: directive!.Metrics[0]!.Name, dimensions: directive!.Dimensions[0]!.map((d) => ({ name: d, value: doc[d] })) };
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect({ ...published, dimensions: published.dimensions.sort(byName) }).toEqual({ namespace: watched.namespace, name: watched.metricName, dimensions: [...(watched.dimensions ?? [])].sort(byName) });
    }
  });
});

describe('parseEvent', () => {
  const Request = z.object({ caseId: z.string().check(z.minLength(1)), visit: z._default(z.number(), 1) });

  test('the handler gets the parsed event: defaults applied, unknown keys dropped', async () => {
    const seen: unknown[] = [];
    const handler = middy(async (event: z.infer<typeof Request>) => { seen.push(event); return {}; }).use(parseEvent(Request));
    await handler({ caseId: 'c-1', extra: 'dropped' } as never, {} as never);
    expect(seen).toEqual([{ caseId: 'c-1', visit: 1 }]);
  });

  test('an event that does not parse fails with ParseError, its issues as the cause, and the handler never runs', async () => {
    const seen: unknown[] = [];
    const handler = middy(async (event: z.infer<typeof Request>) => { seen.push(event); return {}; }).use(parseEvent(Request));
    const failure = await handler({ caseId: '', visit: 'two' } as never, {} as never).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ParseError);
    expect(failure).toMatchObject({ name: 'ParseError', message: 'Failed to parse schema' });
    expect(((failure as Error).cause as { path: unknown[] }[]).map((i) => i.path)).toEqual([['caseId'], ['visit']]);
    expect(seen).toEqual([]);
  });
});

/**
 * The functions' logger: one JSON object per line, `level`, `message`, `timestamp`, `service`, the
 * X-Ray trace id when Lambda gives one, then the chosen fields of the call. The shape Powertools
 * Logger wrote (without its constant `sampling_rate: 0`), in ≈ 1 KB instead of its 21 KB of bundle
 * and its classes at every cold start: a handler logs a few chosen fields, nothing more is needed.
 *
 * It redacts nothing by itself beyond error texts: callers log chosen fields (ids, counts, route
 * templates), never events, bodies, paths or addresses (functions/http/index.ts: requestFields,
 * redactPath). An Error passed as a field is written as its name, and its message and stack with
 * addresses and phone numbers replaced (`redactText`).
 *
 * It reads three variables itself, at cold start, rather than through config(): a configuration that
 * does not parse must still be logged. `POWERTOOLS_LOG_LEVEL` keeps its Powertools name: deployments,
 * the local runtime and the tests set it. The trace header is Lambda's, and changes per invocation.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type LogFields = Record<string, unknown>;

/** Powertools' level names and order; `SILENT` (and anything above ERROR, e.g. CRITICAL) keeps only what is above it. */
const LEVELS: Record<string, number> = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 };

/**
 * An error's text fit for a log line: an email address or a long number (a phone) that a library
 * put in its message becomes a placeholder; ids and the stack's file names stay.
 */
export function redactText(text: string): string {
  // No '/' in an address's local part: a stack frame's `node_modules/@scope/pkg/…` path is no address.
  return text.replace(/[^\s@"'<>(),;/]+@[^\s@"'<>(),;]+/g, '<email>').replace(/\+?\d[\d -]{7,}\d/g, '<number>');
}

/** JSON.stringify's replacer: never throws on what a field holds (a cycle, a bigint, an Error). */
function safeReplacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined };
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  };
}

export interface LoggerOptions {
  service: string;
  /** A level name (Powertools' names); unknown or absent: INFO. */
  level?: string;
  /** Where a line goes: DEBUG and INFO to stdout, WARN and ERROR to stderr (as Powertools did). */
  write?: (level: LogLevel, line: string) => void;
  /** Lambda's X-Ray trace header of the current invocation, if any. */
  traceHeader?: () => string | undefined;
  now?: () => Date;
}

export class Logger {
  private readonly threshold: number;
  private readonly write: (level: LogLevel, line: string) => void;
  private readonly traceHeader: () => string | undefined;
  private readonly now: () => Date;

  constructor(private readonly options: LoggerOptions) {
    this.threshold = LEVELS[(options.level ?? '').toUpperCase()] ?? LEVELS.INFO!;
    this.write = options.write ?? ((level, line) => (level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout).write(line));
    this.traceHeader = options.traceHeader ?? (() => undefined);
    this.now = options.now ?? (() => new Date());
  }

  debug(message: string, fields: LogFields = {}): void { this.log('DEBUG', message, fields); }
  info(message: string, fields: LogFields = {}): void { this.log('INFO', message, fields); }
  warn(message: string, fields: LogFields = {}): void { this.log('WARN', message, fields); }
  error(message: string, fields: LogFields = {}): void { this.log('ERROR', message, fields); }

  private log(level: LogLevel, message: string, fields: LogFields): void {
    if (LEVELS[level]! < this.threshold) return;
    // The trace id is the header's `Root=` part, as Powertools wrote it.
    const trace = /Root=([^;]+)/.exec(this.traceHeader() ?? '')?.[1];
    const line: LogFields = { level, message, timestamp: this.now().toISOString(), service: this.options.service };
    if (trace) line.xray_trace_id = trace;
    // The standard keys stay first and are not overwritten by a field of the same name.
    for (const [key, value] of Object.entries(fields)) if (!(key in line)) line[key] = value;
    let text: string;
    try {
      text = JSON.stringify(line, safeReplacer());
    } catch {
      // Only a field's own toJSON can throw here: keep the line, drop the fields.
      text = JSON.stringify({ level, message, timestamp: line.timestamp, service: line.service, unloggableFields: true });
    }
    this.write(level, `${text}\n`);
  }
}

/**
 * The X-Ray trace header of the current invocation: from the Lambda runtime's per-invocation store
 * when it has one (a runtime that runs several invocations at once cannot keep it in the environment),
 * else `_X_AMZN_TRACE_ID`; where Powertools read it.
 */
export function lambdaTraceHeader(): string | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: { getXRayTraceId(): string | undefined } } }).awslambda?.InvokeStore;
  return store?.getXRayTraceId() ?? process.env._X_AMZN_TRACE_ID;
}

/** Logs chosen fields only: never whole events, bodies, or paths (task keys live in paths). */
export const logger = new Logger({ service: 'tanggap', level: process.env.POWERTOOLS_LOG_LEVEL, traceHeader: lambdaTraceHeader });

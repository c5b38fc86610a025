/**
 * The whole system on one machine: the same handlers and the same generated state machines as on
 * AWS, with local stand-ins reached through the real AWS SDK by endpoint configuration:
 *
 *   HTTP front (API Gateway v2 events, from functions/routes.ts) ─► handlers ─► dynalite   (DynamoDB)
 *                                                                          ├─► local SES  (mail kept under DATA_DIR)
 *                                                                          └─► local SFN  (the engine, journal under DATA_DIR)
 *   virtual clock (POST /_local/clock) ─► Wait states and timers
 *
 * Everything persists under DATA_DIR and resumes after a restart, a `kill -9` included.
 */
import './polyfills';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { demoDirectory } from '../../shared/directory';
import { DIRECTORY_SCHEMA, type Directory } from '../../shared/directory/schema';
import type { DirectoryVersion } from '../../shared/directory/store';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { releaseInFlightMail } from '../../shared/usecases/workflow';
import { ConditionFailed } from '../../shared/ports';
import { sops } from '../../shared/sops';
import { WorkflowFunction } from '../../shared/workflow/contract';
import { renderMailbox } from '../../shared/web/pages';
import { httpHandlers, mailEventsHandler, reportHandler, routes, sweepHandler, workflowHandlers, type HttpHandlerName } from '../../functions/routes';
import { zoneOffsetMinutes } from '../../shared/calendar';
import { createTableInput } from '../../functions/adapters/table-definition';
import { VirtualClock } from './clock';
import { createHttpFront, type RateLimit } from './http-front';
import { ReportScheduler, type ReportInvoker } from './reports';
import { startLocalS3 } from './s3';
import { startLocalParameters } from './parameters';
import { reviewedReports } from '../../statemachines/report-review';
import { REVIEW_FUNCTION_PLACEHOLDER, reviewMachineKey } from '../../shared/workflow/review-contract';
import { LocalMailbox, startLocalSes, type StoredMail } from './ses';
import { LocalSweep } from './sweep';
import { LocalStepFunctions, type Invoker } from './stepfunctions/engine';
import { startSfnServer } from './stepfunctions/server';
import { startDynalite, waitForActiveTable, type DynaliteThreadStats } from './dynalite';

const ROOT = resolve(__dirname, '../..');
export const TABLE_NAME = 'tanggap-local';
/** The local attachments bucket (in the S3 stand-in). */
export const FILES_BUCKET = 'tanggap-local-files';
/** Where a running runtime tells other local tools (npm run report) its endpoints. */
const RUNTIME_FILE = 'runtime.json';

export interface RuntimeOptions {
  /** HTTP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  dataDir: string;
  /** Start the clock at this instant on first start (the clock persists afterwards). */
  clockStart?: Date;
  /**
   * Time moves only by `POST /_local/clock` (the clock's `frozen` mode): a benchmark that files
   * thousands of cases measures them waiting, not the reminders that real time fires meanwhile.
   */
  clockFrozen?: boolean;
  /** Where the runtime's own notices go (a report that failed, a handler that could not load); console by default. */
  log?: (line: string) => void;
  /**
   * Complaints one client may file (`POST /api/complaints`, by source address); `off` for none (a
   * benchmark or a test filing hundreds from loopback). Default {@link DEFAULT_COMPLAINT_RATE_LIMIT}.
   */
  complaintRateLimit?: RateLimit | 'off';
  /** Sign-in link requests (`POST /masuk`) per client; `off` for none. Default {@link DEFAULT_SIGN_IN_RATE_LIMIT}. */
  signInRateLimit?: RateLimit | 'off';
  /**
   * Called once the HTTP port is bound, before the handlers are ready (startup waits for it): until
   * then every request is answered 503 with Retry-After.
   */
  onListening?: (url: string) => Promise<void> | void;
  /**
   * Real-time interval of the repair sweep (infra/local/sweep.ts); 5 minutes by default, as the
   * EventBridge rule on AWS (each run reads every open case: at 10,000 open cases a run each minute
   * kept dynalite and the heap busy with copies of them); 0 runs it only at start and on `sweep.runNow()`.
   */
  sweepIntervalMs?: number;
}

/** The repair sweep's real-time interval: every 5 minutes, as on AWS (`SweepSchedule` in infra/aws/stack.ts). */
export const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;

/** 20 complaints per client per 10 minutes: a family at one address files a few; a script is stopped. */
export const DEFAULT_COMPLAINT_RATE_LIMIT: RateLimit = { max: 20, windowMs: 10 * 60_000 };
/** Sign-in link requests per client: a person mistyping their address a few times passes; a script does not. */
export const DEFAULT_SIGN_IN_RATE_LIMIT: RateLimit = { max: 10, windowMs: 10 * 60_000 };

export interface Runtime {
  url: string;
  /** The mailbox page a person reads. */
  mailUrl: string;
  clock: VirtualClock;
  reports: ReportScheduler;
  /** The repair sweep (stalled submissions, pending emails). */
  sweep: LocalSweep;
  engine: LocalStepFunctions;
  mailbox: LocalMailbox;
  /** The heap of dynalite's thread (for the memory bench). */
  dynaliteStats(): Promise<DynaliteThreadStats | undefined>;
  stop(): Promise<void>;
}

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

function lambdaContext(name: string): Context {
  return {
    functionName: `tanggap-local-${name}`, functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512', awsRequestId: randomBytes(16).toString('hex'), logGroupName: 'local', logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 30_000,
    done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

async function loadHandler(entry: string): Promise<LambdaHandler> {
  const mod = (await import(join(ROOT, entry))) as { handler: LambdaHandler };
  return mod.handler;
}

/** Starts the runtime. Environment for the handlers is set before any handler module loads. */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? ((line: string) => console.log(line));
  mkdirSync(dataDir, { recursive: true });

  // The HTTP port first: the handlers' PUBLIC_URL must name it. Until the handlers are loaded, every
  // request is answered at once with 503 + Retry-After (never left hanging without a listener).
  let front: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const http = createServer((req, res) => (front ? front(req, res) : answerStarting(req, res)));
  await new Promise<void>((res) => http.listen(options.port ?? 0, '127.0.0.1', res));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await options.onListening?.(url);

  const clock = new VirtualClock({ file: join(dataDir, 'clock.json'), startAt: options.clockStart, frozen: options.clockFrozen });
  const mailbox = new LocalMailbox(join(dataDir, 'mail'), () => clock.now());
  // SES's events (the mailbox simulator's bounces and complaints) go to the mail-events handler, as EventBridge delivers them on AWS.
  let onMailEvent: ((event: unknown) => Promise<unknown>) | undefined;
  const ses = await startLocalSes(mailbox, {
    onEvent: async (detail) => {
      try {
        await onMailEvent?.({ source: 'aws.ses', 'detail-type': detail.eventType === 'Bounce' ? 'Email Bounced' : 'Email Complaint Received', detail });
      } catch (err) {
        log(`mail event not handled: ${err instanceof Error ? err.name : String(err)}`);
      }
    },
  });

  const dynamo = await startDynalite(join(dataDir, 'dynamodb'));
  const dynamoUrl = dynamo.url;

  const secretFile = join(dataDir, 'link-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });

  // Filled below, once the handler modules can load (they read their configuration at import).
  const invokers: Record<string, Invoker> = {};
  const engine = new LocalStepFunctions({ clock, invokers, dataDir: join(dataDir, 'stepfunctions') });
  // After each timer: the report runs it started, then every execution they or the timer moved.
  let reports: ReportScheduler | undefined;
  clock.settle = async () => {
    await reports?.idle();
    await engine.waitForIdle();
  };
  const stateMachines: Record<string, string> = {};
  for (const sop of sops) {
    const file = join(ROOT, 'statemachines', `${sop.id}.asl.json`);
    stateMachines[sop.id] = engine.createStateMachine(sop.id, readFileSync(file, 'utf8'));
  }
  // The reports' review chains (statemachines/report-review.ts), on the same engine.
  for (const { sop, report, stem } of reviewedReports(sops)) {
    const file = join(ROOT, 'statemachines', `${stem}.asl.json`);
    stateMachines[reviewMachineKey(sop.id, report.id)] = engine.createStateMachine(`${sop.id}-${report.id}-review`, readFileSync(file, 'utf8'));
  }
  const sfn = await startSfnServer(engine);
  // Attachments: an S3 stand-in under DATA_DIR/s3; the page's origin may POST uploads to it (CORS, as the bucket's rule on AWS).
  const s3 = await startLocalS3({ dir: join(dataDir, 's3'), accessKeyId: 'local', secretAccessKey: 'local', region: 'ap-southeast-3', allowedOrigins: () => [url] });
  // The public URL and the link secret reach the handlers as on AWS: through the Parameters and
  // Secrets extension's HTTP API (a stand-in here), admitted with the session token.
  const sessionToken = randomBytes(16).toString('base64url');
  const linkSecretParameter = '/aws/reference/secretsmanager/tanggap-local/link-secret';
  const publicUrlParameter = '/tanggap/local/public-url';
  const linkSecret = readFileSync(secretFile, 'utf8').trim();
  const parameterStore = await startLocalParameters({
    token: sessionToken,
    parameters: () => ({ [publicUrlParameter]: { value: url }, [linkSecretParameter]: { value: linkSecret, secure: true } }),
  });

  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-3',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: sessionToken,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(parameterStore.port),
    AWS_ENDPOINT_URL_DYNAMODB: dynamoUrl,
    AWS_ENDPOINT_URL_SES: ses.url,
    AWS_ENDPOINT_URL_SFN: sfn.url,
    AWS_ENDPOINT_URL_S3: s3.url,
    TABLE_NAME,
    FILES_BUCKET: FILES_BUCKET,
    STATE_MACHINES: JSON.stringify(stateMachines),
    // The sender is deployment configuration (CDK context `mailFrom` on AWS), not the directory's.
    MAIL_FROM: demoDirectory.regency.mailFrom,
    PUBLIC_URL_PARAMETER: publicUrlParameter,
    // Short locally, so that `npm run directory -- import` shows at once; 60 s on AWS.
    DIRECTORY_CACHE_SECONDS: process.env.DIRECTORY_CACHE_SECONDS ?? '5',
    LINK_SECRET_PARAMETER: linkSecretParameter,
    POWERTOOLS_SERVICE_NAME: 'tanggap',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // No CloudWatch here: the operational counters are log lines.
    METRICS: 'log',
    STAGE: 'local',
  });
  // Read through the parameters above; the configuration refuses both ways at once.
  delete process.env.PUBLIC_URL;
  delete process.env.LINK_SECRET;

  const tableClient = new DynamoDBClient({ endpoint: dynamoUrl, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(tableClient, clock.now());
  // This process runs every attempt to send an email, and none has begun yet: whatever a killed
  // process left in flight is over, so its leases end now and the resumed executions send at once.
  await releaseInFlightMail({ store: new DynamoCaseStore(tableClient, TABLE_NAME) });
  const directories = new DynamoDirectoryStore(tableClient, TABLE_NAME);

  // The workflow functions, invoked in-process by the engine, as Lambda would invoke them.
  for (const [name, entry] of Object.entries(workflowHandlers)) {
    const placeholder = WorkflowFunction[name as keyof typeof WorkflowFunction];
    const handler = await loadHandler(entry);
    invokers[placeholder] = (payload) => handler(payload, lambdaContext(name));
  }
  const mailEvents = await loadHandler(mailEventsHandler);
  onMailEvent = (event) => mailEvents(event, lambdaContext('mail-events'));
  const httpLambdas = new Map<HttpHandlerName, LambdaHandler>();
  for (const [name, entry] of Object.entries(httpHandlers)) httpLambdas.set(name as HttpHandlerName, await loadHandler(entry));

  // The report schedules, on the same clock. A report handler that cannot load leaves the rest running.
  let invokeReport: ReportInvoker | { unavailable: string };
  try {
    const handler = await loadHandler(reportHandler);
    invokeReport = (payload) => handler(payload, lambdaContext('report'));
    // The review machines invoke the report function, as on AWS.
    invokers[REVIEW_FUNCTION_PLACEHOLDER] = (payload) => handler(payload, lambdaContext('report'));
  } catch (err) {
    invokeReport = { unavailable: `${reportHandler} could not be loaded (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
  }
  reports = new ReportScheduler({
    sops, clock, offsetMinutes: zoneOffsetMinutes[(await currentLocalDirectory(directories)).directory.calendar.timeZone], file: join(dataDir, 'reports.json'), invoke: invokeReport, log,
  });
  reports.start();

  engine.resume();
  // The repair sweep: at once (what a killed process left pending), then on its interval.
  const sweepLambda = await loadHandler(sweepHandler);
  const sweep = new LocalSweep({ clock, invoke: (event) => sweepLambda(event, lambdaContext('sweep')), intervalMs: options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS, log });
  sweep.start();
  const runtimeFile = join(dataDir, RUNTIME_FILE);
  writeFileSync(runtimeFile, JSON.stringify({ pid: process.pid, url, dynamodb: dynamoUrl, ses: ses.url } satisfies RuntimeEndpoints));
  front = createHttpFront({
    routes,
    now: () => clock.now(),
    log,
    // A request that may start or move executions (a complaint, an official's decision: anything but
    // GET/HEAD) first waits while the background backlog is at its bound (engine.admit), then goes
    // before the workflow's background invocations (engine.foreground). Reads are not given that
    // priority: a page polled in a loop would otherwise hold the workflow to one invocation at a time.
    invoke: async (name, event) => {
      const call = async () => (await httpLambdas.get(name)!(event, lambdaContext(name))) as APIGatewayProxyStructuredResultV2;
      const method = event.requestContext.http.method;
      if (method === 'GET' || method === 'HEAD') return call();
      await engine.admit();
      return engine.foreground(call);
    },
    local,
    complaintRateLimit: options.complaintRateLimit === 'off' ? undefined : options.complaintRateLimit ?? DEFAULT_COMPLAINT_RATE_LIMIT,
    signInRateLimit: options.signInRateLimit === 'off' ? undefined : options.signInRateLimit ?? DEFAULT_SIGN_IN_RATE_LIMIT,
  });

  async function local(method: string, target: URL, body: Buffer): Promise<APIGatewayProxyStructuredResultV2> {
    const jsonOut = (status: number, value: unknown) => ({ statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(value) });
    const attachment = /^\/_local\/mail\/([^/]+)\/(\d+)$/.exec(target.pathname);
    if (method === 'GET' && attachment) {
      const found = mailbox.attachment(attachment[1]!, Number(attachment[2]));
      if (!found) return jsonOut(404, { error: 'not_found', message: 'Tidak ada lampiran ini. / No such attachment.' });
      const inline = found.contentType.startsWith('image/');
      return {
        statusCode: 200,
        headers: {
          'content-type': found.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${found.filename.replace(/[^\w.-]/g, '_')}"`,
        },
        body: found.content.toString('base64'),
        isBase64Encoded: true,
      };
    }
    switch (`${method} ${target.pathname}`) {
      case 'GET /_local/clock':
        return jsonOut(200, { now: clock.now().toISOString(), pendingTimers: clock.pendingTimers().length });
      case 'POST /_local/clock': {
        let advance: unknown;
        try { advance = (JSON.parse(body.toString('utf8') || '{}') as { advance?: unknown }).advance; } catch { advance = undefined; }
        if (typeof advance !== 'string') return jsonOut(400, { error: 'validation', issues: [{ path: 'advance', message: 'Berikan durasi ISO 8601, mis. "P3D" atau "PT4H". / Give an ISO 8601 duration, e.g. "P3D" or "PT4H".' }] });
        try {
          return jsonOut(200, { now: (await clock.advance(advance)).toISOString() });
        } catch (err) {
          return jsonOut(400, { error: 'validation', issues: [{ path: 'advance', message: err instanceof Error ? err.message : 'invalid' }] });
        }
      }
      case 'POST /_local/sweep': {
        // As `aws lambda invoke` of the sweep function on AWS: `{"resume":"<trackingId>"}` resumes a parked case.
        let payload: unknown;
        try { payload = JSON.parse(body.toString('utf8') || '{}'); } catch { payload = undefined; }
        const resume = payload && typeof payload === 'object' ? (payload as { resume?: unknown }).resume : undefined;
        if (typeof resume !== 'string') return jsonOut(400, { error: 'validation', issues: [{ path: 'resume', message: 'Berikan nomor pelacakan, mis. {"resume":"TGP-…"}. / Give a tracking number, e.g. {"resume":"TGP-…"}.' }] });
        try {
          const out = await sweepLambda({ resume, at: clock.now().toISOString() }, lambdaContext('sweep'));
          await engine.waitForIdle();
          return jsonOut(200, out);
        } catch (err) {
          const notFound = err instanceof Error && err.name === 'NotFound';
          return jsonOut(notFound ? 404 : 500, { error: notFound ? 'not_found' : 'internal', message: err instanceof Error ? err.message : String(err) });
        }
      }
      case 'GET /_local/mail':
        return jsonOut(200, mailbox.all());
      case 'GET /_local/mailbox':
        return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: renderMailbox({ messages: mailbox.all().map((m) => openLinksOnTop(withAttachmentUrls(m))), selectedId: target.searchParams.get('id') ?? undefined }) };
      case 'GET /_local/directory': {
        // Read through, not cached: what the functions will use within DIRECTORY_CACHE_SECONDS.
        const { version, directory } = await currentLocalDirectory(directories);
        return jsonOut(200, { ...directory, imported: version });
      }
      case 'GET /_local/reports':
        return jsonOut(200, { unavailable: reports!.unavailable, jobs: reports!.jobs() });
      default:
        return jsonOut(404, { error: 'not_found', message: 'No such local endpoint.' });
    }
  }

  return {
    url,
    mailUrl: `${url}/_local/mailbox`,
    reports,
    sweep,
    clock,
    engine,
    mailbox,
    dynaliteStats: () => dynamo.stats(),
    async stop() {
      rmSync(runtimeFile, { force: true });
      reports!.stop();
      await sweep.stop();
      engine.close();
      clock.stop();
      await Promise.all([http, ses.server, sfn.server, s3.server, parameterStore.server].map((s) => new Promise<void>((res) => { s.closeAllConnections?.(); s.close(() => res()); })));
      tableClient.destroy();
      await dynamo.close();
      await mailbox.close();
    },
  };
}

/** The directory in use on local data (seeded on first start, so there always is one). */
export async function currentLocalDirectory(store: DynamoDirectoryStore): Promise<{ version: DirectoryVersion; directory: Directory }> {
  const version = await store.currentVersion();
  const stored = version && (await store.getVersion(version.version));
  if (!version || !stored) throw new Error('The local table has no directory (it is seeded on first start)');
  return { version, directory: stored.document as Directory };
}

/** The answer to a request that arrives while the runtime starts: come back in a second. */
function answerStarting(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const message = { id: 'Layanan sedang dinyalakan; coba lagi sebentar lagi.', en: 'The service is starting; try again in a moment.' };
  const body = JSON.stringify({ error: 'starting', message: `${message.id} / ${message.en}`, messages: message });
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '1', 'content-length': String(Buffer.byteLength(body)), connection: 'close' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The mailbox shows each message in a sandboxed frame, where a task page's form could not be sent:
 * a link clicked in a message opens in the mailbox's own tab instead, as a mail client would open it.
 */
function openLinksOnTop<T extends { html: string }>(message: T): T {
  return { ...message, html: `<base target="_top">${message.html}` };
}

interface RuntimeEndpoints {
  pid: number;
  url: string;
  dynamodb: string;
  ses: string;
}

/** The local data a tool (npm run report) works on: the running runtime's endpoints, or DATA_DIR opened directly. */
export interface LocalData {
  dynamodb: string;
  ses: string;
  /** The runtime's URL when it is running. */
  url?: string;
  now(): Date;
  close(): Promise<void>;
}

/**
 * Reaches the data of DATA_DIR: through the runtime when it runs (its DynamoDB and SES endpoints and
 * its clock), else by opening DATA_DIR itself — dynalite on its files, the SES capture on its mail
 * folder (mail sent now shows in the mailbox at the next start), the clock's saved offset. It never
 * runs executions or timers.
 */
export async function openLocalData(dataDirInput: string): Promise<LocalData> {
  const dataDir = resolve(dataDirInput);
  const running = await runningRuntime(join(dataDir, RUNTIME_FILE));
  if (running) {
    return {
      dynamodb: running.dynamodb, ses: running.ses, url: running.url,
      now: () => new Date(Date.now() + running.clockOffsetMs),
      close: async () => undefined,
    };
  }
  mkdirSync(dataDir, { recursive: true });
  const clock = new VirtualClock({ file: join(dataDir, 'clock.json') });
  const mailbox = new LocalMailbox(join(dataDir, 'mail'), () => clock.now());
  const ses = await startLocalSes(mailbox);
  const dynamo = await startDynalite(join(dataDir, 'dynamodb'), { thread: false });
  const dynamoUrl = dynamo.url;
  const client = new DynamoDBClient({ endpoint: dynamoUrl, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(client, clock.now());
  client.destroy();
  return {
    dynamodb: dynamoUrl, ses: ses.url, now: () => clock.now(),
    async close() {
      clock.stop();
      await Promise.all([new Promise<void>((res) => { ses.server.closeAllConnections(); ses.server.close(() => res()); }), dynamo.close()]);
      await mailbox.close();
    },
  };
}

/** The endpoints of a runtime running on this DATA_DIR (its file names a live process that answers), or undefined. */
async function runningRuntime(file: string): Promise<(RuntimeEndpoints & { clockOffsetMs: number }) | undefined> {
  let endpoints: RuntimeEndpoints;
  try {
    endpoints = JSON.parse(readFileSync(file, 'utf8')) as RuntimeEndpoints;
    process.kill(endpoints.pid, 0);
  } catch {
    return undefined; // no file, or the process that wrote it is gone (a kill -9 leaves the file behind)
  }
  try {
    const res = await fetch(`${endpoints.url}/_local/clock`, { signal: AbortSignal.timeout(2_000) });
    const { now } = (await res.json()) as { now: string };
    return { ...endpoints, clockOffsetMs: Date.parse(now) - Date.now() };
  } catch {
    return undefined;
  }
}

/**
 * Attachments as a mail client shows them: inline images (`cid:`) in the message, the others as
 * links to download, all served from the mailbox's folder.
 */
function withAttachmentUrls(message: StoredMail): StoredMail & { attachments: (StoredMail['attachments'][number] & { url: string })[] } {
  const url = (i: number) => `/_local/mail/${encodeURIComponent(message.id)}/${i}`;
  let html = message.html;
  message.attachments.forEach((a, i) => {
    if (a.contentId) html = html.split(`cid:${a.contentId}`).join(url(i));
  });
  return { ...message, html, attachments: message.attachments.map((a, i) => ({ ...a, url: url(i) })) };
}

/** Creates the table on first start, and seeds it with the demo directory as version 1 (loaded by "demo seed"). */
async function ensureTable(client: DynamoDBClient, now: Date): Promise<void> {
  await createTable(client);
  const directories = new DynamoDirectoryStore(client, TABLE_NAME);
  if (await directories.currentVersion()) return;
  try {
    // Validated (parseDirectory) with this schema: recorded as importDirectory records it, so the handlers take it as stored.
    await directories.saveVersion(demoDirectory, { loadedBy: 'demo seed', loadedAt: now.toISOString(), schema: DIRECTORY_SCHEMA });
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err; // another tool on the same data seeded it first
  }
}

/**
 * The indexes the case store reads from an older one while theirs cannot be read
 * (functions/adapters/dynamo-case-store.ts: the recap's summaries, the cases by agency and status).
 */
const READ_FROM_OLDER: Readonly<Record<string, string>> = { gsi6: 'gsi2', gsi7: 'gsi1' };

/**
 * Of today's indexes, those a table made from an older DATA_DIR lacks (dynalite cannot add one):
 * `failing`, whose readers fail, and `fallingBack`, whose readers use the older index the table has.
 */
export function missingIndexes(have: ReadonlySet<string>): { failing: string[]; fallingBack: { index: string; from: string }[] } {
  const missing = createTableInput(TABLE_NAME).GlobalSecondaryIndexes!.map((g) => g.IndexName!).filter((name) => !have.has(name));
  const older = (name: string) => READ_FROM_OLDER[name];
  return {
    failing: missing.filter((name) => !(older(name) && have.has(older(name)!))),
    fallingBack: missing.flatMap((index) => (older(index) && have.has(older(index)!) ? [{ index, from: older(index)! }] : [])),
  };
}

async function createTable(client: DynamoDBClient): Promise<void> {
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    // dynalite cannot add an index to a table (UpdateTable's Create is not implemented there): say so
    // once, rather than let the pages that read a newer index fail one by one.
    const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).flatMap((g) => (g.IndexName ? [g.IndexName] : [])));
    const { failing, fallingBack } = missingIndexes(have);
    if (failing.length) console.warn(`The table in this DATA_DIR predates the index(es) ${failing.join(', ')}: pages that read them (e.g. /dasbor for gsi5) fail until you start on a fresh DATA_DIR.`);
    if (fallingBack.length) console.info(`The table in this DATA_DIR predates ${fallingBack.map((f) => `${f.index} (read from ${f.from} meanwhile)`).join(', ')}; a fresh DATA_DIR has it.`);
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await client.send(new CreateTableCommand(createTableInput(TABLE_NAME)));
  }
  await waitForActiveTable(client, TABLE_NAME);
}

/**
 * `npm run bench`: figures for the local runtime, printed, never asserted (timings belong here, not
 * in tests). Each section runs in its own process on its own temporary DATA_DIR, so that one
 * section's cases, heap and warm caches do not colour the next one's figures; the handlers read
 * their configuration once per process, which is another reason for one runtime per process.
 *
 *   npm run bench                     every section
 *   npm run bench -- intake memory    some sections
 *
 * Environment: BENCH_SECONDS (default 10), BENCH_CLIENTS (32), BENCH_CASES (10000),
 * BENCH_REPORT_CASES (10000,100000: the report section's sizes, each loaded on top of the last);
 * coldstart: BENCH_BEFORE=<git revision> (that revision's bundles measured beside today's, in the
 * same rounds), BENCH_SDK=external (every bundle and the baseline with `@aws-sdk/*` left out),
 * BENCH_INIT_RUNS (10: fresh processes per bundle).
 *
 * To add a section, add an entry to `sections` below: it gets a started runtime and prints its figures.
 */
import '../../infra/local/polyfills';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { dynamoClient, withoutSdkLogging } from '../../functions/adapters/clients';
import { caseItems } from '../../functions/adapters/dynamo-case-store';
import { startRuntime, type Runtime } from '../../infra/local/runtime';
import { RUNTIME_NODE_FLAGS } from '../../infra/local/node-flags';
import type { CaseRecord } from '../../shared/case/model';
import { dollarsPer1000, meterDynamo, PRICES, type CaseCost, type Meter } from './cost';
import { caseTable, type CaseIndexDefinition } from '../../shared/data/table';
import { complaint, fill, replyKey, type TestRuntime } from '../support/runtime';
import type { TaskView } from '../../shared/usecases/views';
import { beyond, bundleFloors, bundleWithComposition, KINDS, type Composition } from './bundle-composition';
import { bundle, checkoutRevision, clientsIn, functionEntries, medianInits, sdkExternalBundling, sdkFloorEntry, tempOutRoot, withMetafile, type Bundle, type SdkClient } from './coldstart';
import { lambdaBundling } from '../../infra/aws/constructs/bundling';
import { countDynamoCalls } from '../support/dynamo-calls';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const BATCH = 250;
const execFileAsync = promisify(execFile);

export interface BenchContext {
  runtime: Runtime;
  print(line: string): void;
}

export interface LoadResult {
  done: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs `op` from `clients` concurrent loops for `seconds`; latencies in milliseconds. */
export async function load(clients: number, seconds: number, op: (n: number) => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const ok = await op(n++).catch(() => false);
      if (ok) latencies.push(performance.now() - t0);
      else failed++;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { done: latencies.length, failed, seconds: elapsed, perSecond: latencies.length / elapsed, p50: pct(50), p99: pct(99) };
}

const fmt = (r: LoadResult) => `${r.perSecond.toFixed(1).padStart(8)} /s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${r.done} in ${r.seconds.toFixed(1)} s, ${r.failed} failed)`;

/** A complaint that differs per call (the intake refuses nothing as a duplicate). */
function complaintBody(n: number, agencyId = 'perpus-muba', category = 'layanan') {
  return JSON.stringify({
    agencyId, category,
    title: `Uji beban ${n}`,
    description: `Pengaduan uji beban nomor ${n}: antrean di loket terlalu lama tanpa kejelasan.`,
    location: 'Sekayu',
    incidentDate: '2026-11-20',
    reporter: { name: 'Pelapor Uji', email: `pelapor${n}@example.com` },
  });
}

async function fileComplaint(runtime: Runtime, n: number): Promise<boolean> {
  const res = await fetch(`${runtime.url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${process.pid}-${n}` }, body: complaintBody(n) });
  await res.arrayBuffer();
  return res.status === 201;
}

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A deterministic pseudo-random sequence, so every run loads the same cases. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/**
 * A library case of the November 2026 report: received in November (most), or in October and ended
 * in November or still open; with three step verdicts, sometimes an escalation, a rating when closed.
 */
function reportCase(n: number, rnd: () => number): CaseRecord {
  const at = (month: number, day: number, minutes: number) => new Date(Date.UTC(2026, month - 1, day, 1, 0) + minutes * 60_000).toISOString();
  const october = rnd() < 0.25;
  const submittedAt = at(october ? 10 : 11, 1 + Math.floor(rnd() * 28), Math.floor(rnd() * 480));
  const closedAt = rnd() < 0.65 ? at(11, 2 + Math.floor(rnd() * 27), 480 + Math.floor(rnd() * 60)) : undefined;
  const ended = closedAt && closedAt > submittedAt ? closedAt : undefined;
  const verdicts = ['catat', 'periksa', 'solusi'].map((id, k) => {
    const endedAt = new Date(Date.parse(submittedAt) + (k + 1) * 20 * 60_000).toISOString();
    const onTime = rnd() < 0.8;
    return { scope: 'step' as const, id, visit: 1, startedAt: submittedAt, dueAt: endedAt, endedAt, onTime, lateByMinutes: onTime ? 0 : Math.floor(rnd() * 600), escalationLevel: onTime ? 0 : 1, escalatedTo: [] };
  });
  const words = ['ruang', 'baca', 'tutup', 'koleksi', 'buku', 'rusak', 'antrean', 'petugas', 'layanan', 'lambat', 'kartu', 'anggota', 'arsip', 'hilang'];
  return {
    caseId: `bench-report-${n}`, trackingId: `TGP-B${String(n).padStart(7, '0')}-X`, agencyId: 'perpus-muba', sopId: 'perpustakaan-muba',
    status: ended ? (rnd() < 0.1 ? 'rejected' : 'closed') : 'in_progress', channel: rnd() < 0.7 ? 'web' : 'box', language: 'id',
    title: Array.from({ length: 8 }, () => words[Math.floor(rnd() * words.length)]).join(' '), description: 'Uraian pengaduan uji beban untuk rekapitulasi.',
    category: ['layanan', 'koleksi', 'fasilitas', 'arsip'][Math.floor(rnd() * 4)]!, reporter: { email: `pelapor${n}@example.com` },
    anonymous: false, confidential: rnd() < 0.1, submittedAt, month: submittedAt.slice(0, 7), replies: 0, verdicts,
    escalations: verdicts.some((v) => !v.onTime) ? [{ level: 1, to: 'perpus-kasi', at: verdicts[0]!.endedAt, stepId: 'catat', visit: 1, kind: 'escalation' }] : [],
    firstAnsweredAt: verdicts[2]!.endedAt,
    ...(ended ? { closedAt: ended, endedMonth: '2026-11', rating: { satisfied: true, rating: 1 + Math.floor(rnd() * 5), at: ended } } : {}),
    deliveryFailures: 0, version: 1,
  };
}

/** Loads cases straight into the table, 25 items a request, a few requests at a time. */
async function loadCases(dynamo: DynamoDBClient, table: string, from: number, to: number, rnd: () => number): Promise<void> {
  const items: Record<string, AttributeValue>[] = [];
  for (let n = from; n < to; n++) items.push(...caseItems(reportCase(n, rnd)));
  await batchPut(dynamo, table, items);
}

/** Writes items with BatchWriteItem, 25 a request, 8 requests at a time, until none is left unprocessed. */
async function batchPut(dynamo: DynamoDBClient, table: string, items: Record<string, AttributeValue>[]): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + 25);
      next += 25;
      let request: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> | undefined = { [table]: batch.map((Item) => ({ PutRequest: { Item } })) };
      while (request && Object.keys(request).length) {
        const out = await dynamo.send(new BatchWriteItemCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    }
  }));
}

/** The test support's calls (mailbox, clock, public API) over a runtime the bench started. */
function asTestRuntime(runtime: Runtime): TestRuntime {
  const call: TestRuntime['call'] = async (method, path, body) => {
    const res = await fetch(`${runtime.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  const mail = async () => (await call('GET', '/_local/mail')).body as import('../../infra/local/ses').StoredMail[];
  return {
    ...runtime, dataDir: '', call, mail,
    taskKeys: async () => (await mail()).filter((m) => /^(Tugas baru|New task|Tugas dialihkan kepada Anda|Task handed to you):/.test(m.subject)).map((m) => m.links.find((l) => l.includes('/tasks/'))?.split('/tasks/')[1]).filter((k): k is string => !!k),
    advance: async (duration) => { const res = await call('POST', '/_local/clock', { advance: duration }); if (res.status !== 200) throw new Error(`clock: ${res.text}`); },
    dispose: async () => undefined,
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
/**
 * CPU time (ms) of this process's main thread (the runtime's: HTTP front, handlers, engine, local
 * SES) and of the whole process (dynalite's thread, V8's helpers and libuv's pool included). CPU per
 * complaint moves far less with the machine's load than complaints per second, which the other
 * sessions' work on the same 2 CPUs halves or doubles from one run to the next. Linux only (`/proc`).
 */
function cpuMs(): { main: number; process: number } {
  let main = NaN;
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    main = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in ticks of 1/100 s
  } catch { /* not Linux */ }
  const usage = process.cpuUsage();
  return { main, process: (usage.user + usage.system) / 1000 };
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');

/**
 * The Query the report makes, bare: every page of the month indexes the November recap reads
 * (received in November, ended in November, received in October), items counted, not decoded.
 */
async function bareQueryRate(dynamo: DynamoDBClient, table: string, projection?: string, index: 'gsi6' = 'gsi6'): Promise<{ items: number; seconds: number }> {
  const started = performance.now();
  let items = 0;
  for (const partition of ['MONTH#2026-11', 'ENDED#2026-11', 'MONTH#2026-10']) {
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.send(new QueryCommand({ TableName: table, IndexName: index, KeyConditionExpression: 'gsi2pk = :p AND begins_with(gsi2sk, :a)', ExpressionAttributeValues: { ':p': { S: partition }, ':a': { S: 'perpus-muba#' } }, ...(projection ? { ProjectionExpression: projection } : {}), ExclusiveStartKey }));
      items += page.Items?.length ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return { items, seconds: (performance.now() - started) / 1000 };
}

/** Open Health Office cases around `now` for the dashboard section: deadlines from 10 days past to 10 days ahead, over every step. */
function dashboardCase(n: number, total: number, now: Date): CaseRecord {
  const steps = ['registrasi', 'telaah', 'serahkan-tim', 'analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan'];
  const dueAt = new Date(now.getTime() + (n - total / 2) * Math.round((20 * 86_400_000) / total)).toISOString();
  return {
    caseId: `bench-dash-${n}`, trackingId: `TGP-DASH-${String(n).padStart(6, '0')}`, agencyId: 'dinkes-muba', sopId: 'dinkes-muba', status: 'in_progress',
    channel: n % 7 ? 'web' : 'email', language: 'id', title: `Keluhan layanan ${n}`, description: 'Antrean terlalu lama di puskesmas. '.repeat(8),
    category: ['pelayanan', 'obat', 'jaminan', 'sanitasi', 'lainnya'][n % 5]!, reporter: { name: `Pelapor ${n}` }, anonymous: false, confidential: n % 3 === 0,
    submittedAt: '2026-11-20T09:00:00+07:00', month: '2026-11', replies: 0, verdicts: [], escalations: [], deliveryFailures: 0, version: 1,
    currentStep: { stepId: steps[n % steps.length]!, visit: 1, role: 'petugas', startedAt: '2026-11-20T09:00:00+07:00', dueAt, assigneeId: 'dinkes-petugas' },
  };
}

/** Signs an official in over HTTP (the sign-in email from the local mailbox): the session cookie. */
async function signInOverHttp(url: string, email: string): Promise<string> {
  const origin = { origin: url, 'content-type': 'application/x-www-form-urlencoded' };
  await fetch(`${url}/masuk`, { method: 'POST', headers: origin, body: new URLSearchParams({ email }).toString(), redirect: 'manual' });
  const mail = (await (await fetch(`${url}/_local/mail`)).json()) as { to: string[]; links: string[] }[];
  const link = mail.filter((m) => m.to.includes(email)).at(-1)!.links.find((l) => l.includes('/masuk/'))!;
  const res = await fetch(`${url}/masuk/${link.split('/masuk/')[1]}`, { method: 'POST', headers: origin, redirect: 'manual' });
  return res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('__Host-tanggap-sesi='))!;
}

/**
 * Acts (first action) on the newest task link whose task is open and may be acted on: along an
 * escalated path the newest link may be a view-only escalation or an ended monitoring task. Returns
 * the HTTP calls it made (each task page's GET, and the POST that acts).
 */
async function actOnNewestOpenTask(rt: TestRuntime): Promise<number> {
  let calls = 0;
  for (const key of (await rt.taskKeys()).reverse()) {
    calls++;
    const view = await rt.call('GET', `/api/tasks/${key}`);
    const v = view.body as TaskView;
    if (view.status !== 200 || v.task.status !== 'open' || !v.actions.length) continue;
    const res = await rt.call('POST', `/api/tasks/${key}`, fill(v.actions[0]!));
    if (res.status !== 200) throw new Error(`act ${res.status}: ${res.text}`);
    await rt.engine.waitForIdle();
    return calls + 1;
  }
  throw new Error('no open task to act on');
}

export const sections: Record<string, { title: string; runtime?: false; clockFrozen?: true; run(ctx: BenchContext): Promise<void> }> = {
  cost: {
    title: `what one case costs on AWS, per SOP, counted on the local runtime along the normal path and the fully escalated one; priced at ${PRICES.region} list prices (${PRICES.asOf})`,
    async run({ runtime, print }) {
      const rt = asTestRuntime(runtime);
      // Only what the cases cost: the recaps the clock's 40-day leaps fall on (their emails, review
      // executions and reads) and the repair sweep's queries are the regency's, not a case's.
      runtime.reports.stop();
      await runtime.reports.idle();
      await runtime.sweep.stop();
      const meter: Meter = { readUnits: 0, writeUnits: 0, calls: 0 };
      // The end state's indexes (a new table's); BENCH_COST_KEEP_GSI1=1: a stage that still keeps gsi1 (keepGsi1).
      const indexes: readonly CaseIndexDefinition[] = process.env.BENCH_COST_KEEP_GSI1 ? [...caseTable.indexes, ...caseTable.retiringIndexes] : caseTable.indexes;
      const stop = meterDynamo(dynamoClient(), meter, indexes);
      const started: string[] = [];
      const start = runtime.engine.startExecution.bind(runtime.engine);
      runtime.engine.startExecution = async (params) => { const r = await start(params); started.push(r.executionArn); return r; };
      const paths: [string, string, string][] = [['perpus-muba', 'layanan', 'perpustakaan-muba'], ['dukcapil-mura', 'ktp-el', 'dukcapil-mura'], ['kominfo-muara-enim', 'pelayanan-publik', 'sp4n-lapor-muara-enim'], ['dinkes-muba', 'pelayanan', 'dinkes-muba']];
      print(`  ${'SOP'.padEnd(22)} ${'path'.padEnd(9)} transitions  lambdas  RRU    WRU    emails  $/1,000 cases = Step Functions + Lambda + DynamoDB + SES`);
      for (const [agencyId, category, sopId] of paths) {
        for (const escalated of [false, true]) {
          started.length = 0;
          Object.assign(meter, { readUnits: 0, writeUnits: 0, calls: 0 });
          const mailBefore = (await rt.mail()).length;
          let httpCalls = 0;
          const call = async (method: string, path: string, body?: unknown) => { httpCalls++; return rt.call(method, path, body); };
          const filed = await call('POST', '/api/complaints', complaint(agencyId, category));
          if (filed.status !== 201) throw new Error(`file: ${filed.text}`);
          await runtime.engine.waitForIdle();
          const trackingId = filed.body.trackingId as string;
          for (let step = 0; step < 15; step++) {
            if ((await call('GET', `/api/complaints/${trackingId}`)).body.status === 'resolved') break;
            if (escalated) { await rt.advance('P40D'); await runtime.engine.waitForIdle(); }
            httpCalls += await actOnNewestOpenTask(rt);
          }
          const key = await replyKey(rt);
          await call('POST', `/api/complaints/${trackingId}/feedback`, { key, satisfied: true, rating: 5 });
          await runtime.engine.waitForIdle();
          const history = started.flatMap((arn) => runtime.engine.getExecutionHistory(arn));
          const cost: CaseCost = {
            transitions: history.filter((h) => h.type.endsWith('StateEntered')).length,
            lambdas: history.filter((h) => h.type === 'TaskStateEntered').length + httpCalls,
            readUnits: meter.readUnits, writeUnits: meter.writeUnits,
            emails: (await rt.mail()).length - mailBefore,
          };
          if (process.env.BENCH_COST_STATES) {
            // Which states the path entered, in order: each is a billed transition.
            const entered = history.filter((h) => h.type.endsWith('StateEntered')).map((h) => (h as { stateEnteredEventDetails?: { name?: string } }).stateEnteredEventDetails?.name ?? '?');
            print(`      states (${entered.length}): ${entered.join(', ')}`);
          }
          if (process.env.BENCH_COST_MAIL) {
            // Which emails the path sent, to whom: the figures' emails column, itemised.
            for (const m of (await rt.mail()).slice(mailBefore)) print(`      mail → ${[...m.to, ...m.cc].join(', ')}: ${m.subject}`);
          }
          const $ = dollarsPer1000(cost);
          print(`  ${sopId.padEnd(22)} ${(escalated ? 'escalated' : 'normal').padEnd(9)} ${String(cost.transitions).padStart(11)}  ${String(cost.lambdas).padStart(7)}  ${cost.readUnits.toFixed(1).padStart(5)}  ${cost.writeUnits.toFixed(0).padStart(5)}  ${String(cost.emails).padStart(6)}  $${$.total.toFixed(2)} = ${$.stepFunctions.toFixed(3)} (${((100 * $.stepFunctions) / $.total).toFixed(0)} %) + ${$.lambda.toFixed(3)} + ${$.dynamo.toFixed(3)} + ${$.ses.toFixed(3)}`);
        }
      }
      stop();
      print(`  (lambdas = workflow Task states entered + the HTTP requests a reporter and the officials make, each at ${PRICES.lambdaMemoryGb * 1024} MB for an assumed ${PRICES.lambdaAssumedSecondsPerInvocation * 1000} ms; RRU/WRU as DynamoDB on-demand bills them, GSI writes included (indexes ${indexes.map((i) => i.name).join(', ')}${process.env.BENCH_COST_KEEP_GSI1 ? ': gsi1 kept, the first deployment' : ': the end state, gsi1 dropped; BENCH_COST_KEEP_GSI1=1 meters gsi1 too'}); escalated = the clock run 40 days before each step is acted on, the recaps and the repair sweep stopped; BENCH_COST_MAIL=1 lists each path's emails, BENCH_COST_STATES=1 the states it entered; load average ${loadAverage()})`);
    },
  },
  coldstart: {
    title: 'each function bundled as NodejsFunction bundles it (infra/aws/constructs/bundling.ts): size, source map, median module init (wall and CPU time) over 10 fresh processes, beside a DynamoDB-client-only handler and the SDK floor of the function\'s own clients',
    runtime: false,
    async run({ print }) {
      // BENCH_SDK=external: every bundle, the baseline's too, with `@aws-sdk/*` left to the runtime (node_modules here).
      const external = process.env.BENCH_SDK === 'external';
      const bundling = external ? sdkExternalBundling : lambdaBundling;
      // BENCH_BEFORE=<git revision>: that revision's handlers bundled the same way, measured in the same rounds.
      const before = process.env.BENCH_BEFORE;
      const out = tempOutRoot(external);
      // The SDK floor probes are generated sources: inside the project, so that they resolve the SDK from node_modules.
      const probes = tempOutRoot(true);
      const revision = before ? checkoutRevision(before) : undefined;
      try {
        const baseline = bundle('baseline', 'test/bench/baseline-dynamodb-handler.ts', out.dir, bundling);
        const functions = functionEntries().map(({ name, entry }) => bundle(name, entry, out.dir, withMetafile(bundling, out.dir, name)));
        // Each function's SDK floor: a handler with exactly the clients its bundle carries, one command through each.
        const clientsOf = new Map(functions.map((b) => [b.name, clientsIn(out.dir, b.name)]));
        const floorName = (clients: SdkClient[]) => `floor-${clients.join('+') || 'none'}`;
        const floors = [...new Map([...clientsOf.values()].filter((c) => c.length).map((c) => [floorName(c), c])).entries()]
          .map(([name, clients]) => ({ ...bundle(name, sdkFloorEntry(clients, probes.dir), out.dir, bundling), clients }));
        // A revision that imports a package since removed from package.json (the S3 and SSM clients before
        // 853f644, Powertools after e6de2c1) cannot be bundled against today's node_modules: said, and that
        // function left out of the comparison (`npm install --no-save <package>@<version>` for the run brings it back).
        const earlier = revision ? functionEntries().filter(({ entry }) => revision.existsIn(entry)).flatMap(({ name, entry }) => {
          try {
            return [bundle(`before-${name}`, entry, out.dir, bundling, revision.dir)];
          } catch {
            print(`  at ${before}: ${name} could not be bundled with today's node_modules (a package it imports was removed since: see esbuild's message above)`);
            return [];
          }
        }) : [];
        if (external) print('  @aws-sdk/* external in every bundle and in the baseline (imported from node_modules, as Lambda would from its runtime)');
        print(`  load average ${loadAverage()} (before)`);
        const all = [baseline, ...functions, ...floors, ...earlier];
        const inits = await medianInits(all.map((b) => b.file), Number(process.env.BENCH_INIT_RUNS ?? 10));
        const base = inits[0]!;
        const initOf = new Map(all.map((b, i) => [b.name, inits[i]!]));
        const ratio = (b: Bundle) => ({ wall: initOf.get(b.name)!.wall / base.wall, cpu: initOf.get(b.name)!.cpu / base.cpu });
        const cells = (b: Bundle) => `${kib(b.bytes).padStart(7)} ${kib(b.mapBytes).padStart(8)}  ${initOf.get(b.name)!.wall.toFixed(1).padStart(6)} ms ${ratio(b).wall.toFixed(2)}×  ${initOf.get(b.name)!.cpu.toFixed(1).padStart(6)} ms ${ratio(b).cpu.toFixed(2)}×`;
        const floorOf = (b: Bundle) => { const c = clientsOf.get(b.name) ?? []; return c.length ? floors.find((f) => f.name === floorName(c)) : undefined; };
        // What is the SDK's and what is ours: the floor of the function's clients, and the function above it.
        const split = (b: Bundle) => {
          const f = floorOf(b);
          if (!f) return `   | ${'no SDK client'.padEnd(34)} ours ${kib(b.bytes).padStart(6)}`;
          const cpuAbove = initOf.get(b.name)!.cpu - initOf.get(f.name)!.cpu;
          return `   | ${(clientsOf.get(b.name) ?? []).join('+').padEnd(18)} ${kib(f.bytes).padStart(6)} ${ratio(f).cpu.toFixed(2)}×   ours ${kib(b.bytes - f.bytes).padStart(6)} ${cpuAbove >= 0 ? '+' : ''}${cpuAbove.toFixed(1)} ms CPU`;
        };
        const then = (name: string) => {
          const b = earlier.find((e) => e.name === `before-${name}`);
          return b ? `   | ${kib(b.bytes).padStart(7)}  ${initOf.get(b.name)!.wall.toFixed(1).padStart(6)} ms ${ratio(b).wall.toFixed(2)}×  ${initOf.get(b.name)!.cpu.toFixed(1).padStart(6)} ms ${ratio(b).cpu.toFixed(2)}×` : '';
        };
        print(`  ${'function'.padEnd(22)} ${'bundle'.padStart(7)} ${'map'.padStart(8)}  ${'init, wall'.padStart(16)}  ${'init, CPU'.padStart(15)}   | SDK floor: clients, bundle, CPU   above it: bundle, CPU${before ? `   | at ${before}: bundle, init wall, init CPU` : ''}`);
        print(`  ${'baseline'.padEnd(22)} ${cells(baseline)}  (imports only @aws-sdk/client-dynamodb)`);
        functions.forEach((b) => print(`  ${b.name.padEnd(22)} ${cells(b)}${split(b)}${then(b.name)}`));
        floors.forEach((f) => print(`  ${f.name.padEnd(22)} ${cells(f)}  (the SDK floor: ${f.clients.join(', ')} clients made at init, one command each)`));
        const range = (bs: Bundle[], of: (b: Bundle) => number, f: (n: number) => string) => `${f(Math.min(...bs.map(of)))}–${f(Math.max(...bs.map(of)))}`;
        const summary = (bs: Bundle[]) => `bundles ${range(bs, (b) => b.bytes, kib)}; init ${range(bs, (b) => ratio(b).wall, (n) => n.toFixed(2))}× the baseline's wall time, ${range(bs, (b) => ratio(b).cpu, (n) => n.toFixed(2))}× its CPU time`;
        print(`  ${summary(functions)} (medians of ${process.env.BENCH_INIT_RUNS ?? 10} fresh processes each, interleaved); load average ${loadAverage()} (after)`);
        const withFloor = functions.filter((b) => floorOf(b));
        if (withFloor.length) print(`  above the SDK floor of their own clients: ${range(withFloor, (b) => b.bytes - floorOf(b)!.bytes, kib)} of bundle, ${range(withFloor, (b) => initOf.get(b.name)!.cpu - initOf.get(floorOf(b)!.name)!.cpu, (n) => n.toFixed(1))} ms of init CPU`);
        if (earlier.length) print(`  at ${before}: ${summary(earlier)}, beside the same baseline`);
      } finally {
        out.remove();
        probes.remove();
        revision?.remove();
      }
    },
  },
  intake: {
    title: `complaints filed per second, ${CLIENTS} concurrent clients for ${SECONDS} s, beside bare PutItem on the same dynalite`,
    async run({ runtime, print }) {
      // Warm up: handler modules, the SDK clients' connections, the engine.
      for (let i = 0; i < 20; i++) await fileComplaint(runtime, -1 - i);
      await runtime.engine.waitForIdle();

      // Every DynamoDB call the handlers make goes through their one client.
      const calls = countDynamoCalls(dynamoClient());
      // The workflow's backlog (executions waiting for a run slot, invocations for a turn), sampled: the work deferred behind the requests.
      let peakBacklog = 0;
      const sampler = setInterval(() => { peakBacklog = Math.max(peakBacklog, runtime.engine.backlog()); }, 50);
      let gcPauses = 0;
      const gcObserver = new PerformanceObserver((list) => { for (const entry of list.getEntries()) gcPauses += entry.duration; });
      gcObserver.observe({ entryTypes: ['gc'] });
      const cpuBefore = cpuMs();
      const intake = await load(CLIENTS, SECONDS, (n) => fileComplaint(runtime, n));
      const cpuIntake = cpuMs();
      gcObserver.disconnect();
      clearInterval(sampler);
      print(`  POST /api/complaints  ${fmt(intake)}`);
      const backlog = performance.now();
      const left = runtime.engine.backlog();
      const heapAtEnd = process.memoryUsage();
      await runtime.engine.waitForIdle();
      const cpuSettled = cpuMs();
      const settledAfter = (performance.now() - backlog) / 1000;
      const filedAll = Math.max(1, intake.done + intake.failed);
      // What a longer burst would get: the front takes a burst up to the backlog's bound at its own pace, then the workflow's.
      print(`  end to end: ${intake.done} complaints and their first steps (acknowledgement, first task and its email) in ${(intake.seconds + settledAfter).toFixed(1)} s, ${(intake.done / (intake.seconds + settledAfter)).toFixed(1)}/s`);
      print(`  (the executions those complaints started settled ${((performance.now() - backlog) / 1000).toFixed(1)} s after the load ended; workflow backlog ${left} at its end, at most ${peakBacklog}; heap ${mib(heapAtEnd.heapUsed)}, RSS ${mib(heapAtEnd.rss)} at the load's end; load average ${loadAverage()})`);
      const perComplaint = (a: { main: number; process: number }, b: { main: number; process: number }) => `${((b.main - a.main) / filedAll).toFixed(2)} ms on the runtime's thread, ${((b.process - a.process) / filedAll).toFixed(2)} ms in the process`;
      print(`  CPU per complaint: during the load ${perComplaint(cpuBefore, cpuIntake)} (of which GC pauses ${(gcPauses / filedAll).toFixed(2)} ms); with its first steps (load and settling) ${perComplaint(cpuBefore, cpuSettled)}`);
      calls.stop();
      const filed = intake.done + intake.failed;
      // A BatchGetItem counts as one call (one request); DynamoDB bills each of its items, as the cost section does.
      const callsLine = `  DynamoDB calls per complaint, its first steps included: ${(calls.total() / Math.max(1, filed)).toFixed(1)} (${calls.describe(Math.max(1, filed))}; a BatchGetItem is one call, its items billed each)`;

      const dynamo = new DynamoDBClient({});
      const table = process.env.TABLE_NAME!;
      const cpuPutBefore = cpuMs();
      const putItem = await load(CLIENTS, SECONDS, async (n) => {
        await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `BENCH#${n}` }, sk: { S: 'BENCH' }, body: { S: complaintBody(n) } } }));
        return true;
      });
      const cpuPut = cpuMs();
      dynamo.destroy();
      const puts = Math.max(1, putItem.done + putItem.failed);
      print(`  bare PutItem          ${fmt(putItem)}`);
      print(`  CPU per bare PutItem: ${((cpuPut.main - cpuPutBefore.main) / puts).toFixed(3)} ms on the runtime's thread, ${((cpuPut.process - cpuPutBefore.process) / puts).toFixed(3)} ms in the process; a complaint during the load costs ${((cpuIntake.main - cpuBefore.main) / filedAll / ((cpuPut.main - cpuPutBefore.main) / puts)).toFixed(1)}× on the runtime's thread (the ratio the machine's load moves least)`);
      print(`  ratio: one complaint costs ${(putItem.perSecond / intake.perSecond).toFixed(1)}× a bare PutItem (p50 ${(intake.p50 / putItem.p50).toFixed(1)}×)`);
      print(callsLine);
    },
  },
  memory: {
    title: `memory held with ${CASES} open cases waiting on timers`,
    // The clock stands still while the cases are filed: every case waits on its timers, whatever the
    // machine's speed. With real time, a loaded machine filing for half an hour saw its first cases'
    // reminders and escalations fire meanwhile (and the filing rate collapse), and measured that.
    clockFrozen: true,
    async run({ runtime, print }) {
      for (let i = 0; i < 20; i++) await fileComplaint(runtime, -1 - i);
      await runtime.engine.waitForIdle();
      gc();
      if (process.env.BENCH_HEAP_SNAPSHOT) print(`  heap snapshot before ${(await import('node:v8')).writeHeapSnapshot(`${process.env.BENCH_HEAP_SNAPSHOT}.before`)}`);
      gc();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      let peakAt = 0;
      const timersBefore = runtime.clock.pendingTimers().length;

      // Filed in batches, letting the executions settle after each: filing faster than the engine
      // runs the first steps only piles up work (and times requests out), which is not what is measured.
      let next = 0;
      let failed = 0;
      const started = performance.now();
      // The highest RSS while filing, and apart from it the highest while the bench itself forces a full
      // collection at each 1,000 (a compaction takes new pages before it gives the old ones back).
      let inForcedGc = false;
      let peakForcedGc = 0;
      const sampler = setInterval(() => {
        const rss = process.memoryUsage().rss;
        if (inForcedGc) peakForcedGc = Math.max(peakForcedGc, rss);
        else if (rss > peakRss) { peakRss = rss; peakAt = next; }
      }, 100);
      while (next < CASES) {
        const batchEnd = Math.min(CASES, next + BATCH);
        await Promise.all(Array.from({ length: CLIENTS }, async () => {
          while (next < batchEnd) if (!(await fileComplaint(runtime, next++).catch(() => false))) failed++;
        }));
        await runtime.engine.waitForIdle();
        if (next % 1000 < BATCH) {
          inForcedGc = true;
          gc(); // the live heap, not what a collection has yet to free
          const slots = runtime.engine.runSlots();
          const thread = await runtime.dynaliteStats();
          print(`  … ${next} filed, ${((performance.now() - started) / 1000).toFixed(0)} s, live heap ${mib(process.memoryUsage().heapUsed)} (of ${mib(process.memoryUsage().heapTotal)}), dynalite's thread ${thread ? `${mib(thread.heapUsed)} (of ${mib(thread.heapTotal)})` : '-'}, RSS ${mib(process.memoryUsage().rss)}; parked ${runtime.engine.parkedExecutions()}, runs ${slots.active} (+${slots.waiting} waiting), ${runtime.clock.pendingTimers().length} timers; load average ${loadAverage()}`);
          await new Promise((r) => setTimeout(r, 200)); // a sample or two after the collection, still counted as its
          inForcedGc = false;
        }
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      gc();
      const after = process.memoryUsage();
      // V8 gives back the pages a collection emptied a little later (its sweeping runs in the background).
      await new Promise((r) => setTimeout(r, 3000));
      gc();
      const settled = process.memoryUsage();
      const thread = await runtime.dynaliteStats();
      const timers = runtime.clock.pendingTimers().length - timersBefore;

      print(`  filed ${CASES - failed} cases in ${seconds.toFixed(1)} s (${failed} failed); ${timers} timers pending for them`);
      print(`  heap used   ${mib(before.heapUsed)} → ${mib(after.heapUsed)}   (+${mib(after.heapUsed - before.heapUsed)}, ${((after.heapUsed - before.heapUsed) / Math.max(1, CASES - failed) / 1024).toFixed(1)} KiB per open case)`);
      print(`  RSS         ${mib(before.rss)} → ${mib(after.rss)}, ${mib(settled.rss)} 3 s later (heap ${mib(settled.heapUsed)} of ${mib(settled.heapTotal)}); at most ${mib(peakRss)} while filing (at ${peakAt} filed), ${mib(peakForcedGc)} during the bench's own forced collections at each 1,000   (process: runtime, dynalite and the load generator)`);
      if (thread) print(`  dynalite's thread: heap ${mib(thread.heapUsed)} of ${mib(thread.heapTotal)}`);
      print(`  parked      ${runtime.engine.parkedExecutions()} of ${runtime.engine.runningExecutions().length} running executions (waiting with no library run in memory)`);
      // BENCH_HEAP_SNAPSHOT=<file>: the main heap at the end, to see what the open cases keep.
      if (process.env.BENCH_HEAP_SNAPSHOT) print(`  heap snapshot ${(await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT)}`);
    },
  },
  dashboard: {
    title: `a head of office's dashboard (GET /dasbor, first page: counts by step and SLA state, the late list) with ${CASES} open cases`,
    async run({ runtime, print }) {
      const dynamo = new DynamoDBClient({});
      const table = process.env.TABLE_NAME!;
      const now = new Date(((await (await fetch(`${runtime.url}/_local/clock`)).json()) as { now: string }).now);
      const t0 = performance.now();
      const items = Array.from({ length: CASES }, (_, n) => caseItems(dashboardCase(n, CASES, now))).flat();
      await batchPut(dynamo, table, items);
      print(`  ${CASES} open cases of the Health Office loaded (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const cookie = await signInOverHttp(runtime.url, 'kepala@dinkes.musitanggap.example.go.id');
      const timed = async (path: string) => {
        const s = performance.now();
        const res = await fetch(`${runtime.url}${path}`, { headers: { cookie, accept: 'text/html' } });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
        return { ms: performance.now() - s, body };
      };
      const first = await timed('/dasbor');
      const late = /<li class="late"/g;
      const warm: number[] = [];
      for (let i = 0; i < 10; i++) warm.push((await timed('/dasbor')).ms);
      warm.sort((a, b) => a - b);
      // Baselines in the same run: the same head's inbox page (one index query, nothing in it), and a bare Query of one page of the index.
      const inbox: number[] = [];
      for (let i = 0; i < 10; i++) inbox.push((await timed('/tugas')).ms);
      inbox.sort((a, b) => a - b);
      const bare: number[] = [];
      for (let i = 0; i < 10; i++) {
        const s = performance.now();
        await dynamo.send(new QueryCommand({ TableName: table, IndexName: 'gsi5', KeyConditionExpression: 'gsi5pk = :p', ExpressionAttributeValues: { ':p': { S: 'OPEN#dinkes-muba' } }, Limit: 25 }));
        bare.push(performance.now() - s);
      }
      bare.sort((a, b) => a - b);
      // The floor of any exact count: one Select COUNT over the agency's whole partition of the index.
      const floor: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        let start: Record<string, AttributeValue> | undefined;
        do {
          const out = await dynamo.send(new QueryCommand({ TableName: table, IndexName: 'gsi5', KeyConditionExpression: 'gsi5pk = :p', ExpressionAttributeValues: { ':p': { S: 'OPEN#dinkes-muba' } }, Select: 'COUNT', ExclusiveStartKey: start }));
          start = out.LastEvaluatedKey;
        } while (start);
        floor.push(performance.now() - s);
      }
      floor.sort((a, b) => a - b);
      const filtered: number[] = [];
      for (let i = 0; i < 5; i++) filtered.push((await timed('/dasbor?state=all&category=obat&channel=email&from=2026-11-01')).ms);
      filtered.sort((a, b) => a - b);
      print(`  GET /dasbor first page: ${first.ms.toFixed(0)} ms the first time, median ${warm[5]!.toFixed(0)} ms, worst ${warm[9]!.toFixed(0)} ms of 10 (${(first.body.match(late) ?? []).length} late cases listed; budget 300 ms)`);
      print(`  with three filters: median ${filtered[2]!.toFixed(0)} ms of 5`);
      print(`  baselines in this run: GET /tugas median ${inbox[5]!.toFixed(0)} ms; a bare Query of 25 index items median ${bare[5]!.toFixed(1)} ms; a bare Select COUNT of the agency's ${CASES} index items median ${floor[2]!.toFixed(0)} ms; load average ${loadAverage()}`);
      dynamo.destroy();
    },
  },
  'bundle-report': {
    title: 'what fills each function\'s bundle (esbuild metafile of the deploy options), by kind, beside the floors of its SDK clients alone and through functions/adapters/deps.ts; BENCH_BUNDLE (report) is listed file by file beyond its floor',
    runtime: false,
    async run({ print }) {
      const out = tempOutRoot(true); // inside the project: the floor probes import the SDK from node_modules
      try {
        const kb = (bytes: number) => (bytes / 1024).toFixed(1).padStart(6);
        const row = (name: string, c: Composition, bytes: number) => `  ${name.padEnd(24)} ${kb(bytes)} ${KINDS.map((k) => kb(c.byKind[k])).join(' ')} ${kb(bytes - c.byKind.powertools)}   ${c.clients.join('+') || '-'}`;
        const header = `  ${'bundle (KB)'.padEnd(24)} ${'file'.padStart(6)} ${KINDS.map((k) => k.slice(0, 6).padStart(6)).join(' ')} ${'-pwrt'.padStart(6)}   clients`;
        const functions = functionEntries().map(({ name, entry }) => ({ name, ...bundleWithComposition(name, entry, out.dir) }));
        print(header);
        for (const f of functions) print(row(f.name, f.composition, f.bundle.bytes));
        const clientSets = [...new Set(functions.filter((f) => f.composition.clients.length).map((f) => f.composition.clients.join('+')))].sort();
        const floors = new Map(clientSets.map((set) => [set, bundleFloors(set.split('+'), out.dir)]));
        print('  floors: the clients alone (each sending one command), and through functions/adapters/deps.ts (dependencies() with those ports, nothing else called)');
        for (const [set, floor] of floors) {
          print(row(`sdk ${set}`, floor.sdk, floor.sdk.bytes));
          print(row(`deps.ts ${set}`, floor.deps, floor.deps.bytes));
        }
        print('  (-pwrt: the file less Powertools; kinds: sdk = @aws-sdk/*, @smithy/* and the packages they import; packages = the other node_modules; ours = functions/, shared/, infra/)');
        for (const name of (process.env.BENCH_BUNDLE ?? 'report').split(',')) {
          const f = functions.find((x) => x.name === name);
          if (!f) throw new Error(`No function "${name}"; there are: ${functions.map((x) => x.name).join(', ')}`);
          const floor = floors.get(f.composition.clients.join('+'));
          if (!floor) { print(`  ${name}: no SDK client, no floor`); continue; }
          const extra = beyond(f.composition, floor.deps);
          const sum = (units: { bytes: number }[]) => units.reduce((n, u) => n + u.bytes, 0);
          print(`  ${name} beyond the deps.ts floor of ${f.composition.clients.join('+')} (${kb(floor.deps.total).trim()} KB of inputs), by package and by our file:`);
          for (const u of extra.filter((x) => x.bytes >= 512)) print(`    ${kb(u.bytes)}  ${u.kind.padEnd(10)} ${u.unit}`);
          const small = extra.filter((x) => x.bytes < 512);
          print(`    ${kb(sum(small))}  ${String(small.length).padEnd(10)} smaller inputs`);
          const budget = 300 * 1024;
          const own = sum(extra);
          const less = (c: Composition) => c.total - c.byKind.powertools;
          print(`  ${name}: floor ${kb(floor.deps.total).trim()} + its own ${kb(own).trim()} = ${kb(f.composition.total).trim()} KB of inputs (file ${kb(f.bundle.bytes).trim()} KB); budget 300 KB: ${f.bundle.bytes > budget ? `over by ${kb(f.bundle.bytes - budget).trim()} KB` : `within it, ${kb(budget - f.bundle.bytes).trim()} KB to spare`}`);
          print(`  ${name} without Powertools: floor ${kb(less(floor.deps)).trim()} + its own ${kb(own - (f.composition.byKind.powertools - floor.deps.byKind.powertools)).trim()} = ${kb(less(f.composition)).trim()} KB; the SDK alone with these clients ${kb(floor.sdk.bytes).trim()} KB leaves ${kb(budget - floor.sdk.bytes).trim()} KB for everything else`);
        }
      } finally {
        out.remove();
      }
    },
  },
  report: {
    title: 'the library\'s November recap (figures, previous period, chart, CSV, XLSX), built in a process of its own, over a growing number of cases',
    async run({ print }) {
      const sizes = (process.env.BENCH_REPORT_CASES ?? '10000,100000').split(',').map(Number);
      const dynamo = new DynamoDBClient({});
      const rnd = random(7);
      let loaded = 0;
      for (const size of sizes) {
        const t0 = performance.now();
        await loadCases(dynamo, process.env.TABLE_NAME!, loaded, size, rnd);
        loaded = size;
        print(`  ${size} cases loaded (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        // Not spawnSync: dynalite runs in this process and must go on answering the child.
        // BENCH_REPORT_PROFILE=<dir>: a CPU profile of the build (open it in Chrome DevTools, or read its JSON).
        const profile = process.env.BENCH_REPORT_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_REPORT_PROFILE}`] : [];
        const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--expose-gc', ...profile, join(__dirname, 'report-build.ts'), process.env.AWS_ENDPOINT_URL_DYNAMODB!], { env: process.env, maxBuffer: 16 * 1024 * 1024 });
        const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { seconds: number; baseHeap: number; peakHeap: number; peakLive: number; baseRss: number; peakRss: number; rows: number; xlsxRows: number; csvIncluded: boolean; attachments: { name: string; bytes: number }[]; chartBytes: number };
        print(`  ${String(size).padStart(7)} cases: report in ${r.seconds.toFixed(1)} s (${(size / r.seconds).toFixed(0)} cases/s); live heap ${mib(r.baseHeap)} → peak ${mib(r.peakLive)} after GC (heap peak ${mib(r.peakHeap)} with garbage), RSS ${mib(r.baseRss)} → ${mib(r.peakRss)}`);
        // BENCH_REPORT_BASELINE=<another checkout>: its report build against the same table, in the same run (a
        // baseline on a loaded machine; the checkout must read the table through indexes this one still has).
        const baselineDir = process.env.BENCH_REPORT_BASELINE;
        if (baselineDir) {
          const { stdout: out } = await execFileAsync(process.execPath, ['--import', 'tsx', '--expose-gc', join(baselineDir, 'test/bench/report-build.ts'), process.env.AWS_ENDPOINT_URL_DYNAMODB!], { cwd: baselineDir, env: process.env, maxBuffer: 16 * 1024 * 1024 });
          const b = JSON.parse(out.trim().split('\n').at(-1)!) as typeof r;
          print(`           baseline ${baselineDir}: report in ${b.seconds.toFixed(1)} s (${(size / b.seconds).toFixed(0)} cases/s), live heap peak ${mib(b.peakLive)}; this checkout ${(b.seconds / r.seconds).toFixed(1)}× as fast`);
        }
        const bareClient = withoutSdkLogging(new DynamoDBClient({}));
        const bare = await bareQueryRate(bareClient, process.env.TABLE_NAME!);
        // No index copies whole cases any more (gsi2 is gone): the bare Query is of the summaries' index, whole and projected.
        const summaries = await bareQueryRate(bareClient, process.env.TABLE_NAME!, 'rpt, pk');
        const summaryIndex = summaries;
        bareClient.destroy();
        print(`           bare paged Query of the same index partitions on the same dynalite: ${bare.items} items in ${bare.seconds.toFixed(1)} s (${(bare.items / bare.seconds).toFixed(0)} items/s: the SDK's Query, pages decoded to AttributeValues, nothing more); the report takes ${(r.seconds / bare.seconds).toFixed(1)}× as long over the same items; load average ${loadAverage()}`);
        print(`           the same Query projected to the report summary (rpt, pk): ${summaries.items} items in ${summaries.seconds.toFixed(1)} s (${(summaries.items / summaries.seconds).toFixed(0)} items/s)`);
        print(`           the same partitions of the summaries' index (gsi6: keys, rpt, submittedAt), as the report reads them: ${summaryIndex.items} items in ${summaryIndex.seconds.toFixed(1)} s (${(summaryIndex.items / summaryIndex.seconds).toFixed(0)} items/s); the report takes ${(r.seconds / summaryIndex.seconds).toFixed(1)}× as long`);
        print(`           ${r.rows} rows in the period, ${r.xlsxRows} in the workbook, CSV ${r.csvIncluded ? 'attached' : 'left out (over the email budget)'}; ${r.attachments.map((a) => `${a.name.split('.').pop()} ${mib(a.bytes)}`).join(', ')}, chart ${(r.chartBytes / 1024).toFixed(1)} KiB`);
      }
      dynamo.destroy();
    },
  },
};

async function runSection(name: string): Promise<void> {
  const section = sections[name];
  if (!section) throw new Error(`No bench section "${name}"; there are: ${Object.keys(sections).join(', ')}`);
  if (section.runtime === false) {
    console.log(`\n## ${name}: ${section.title}`);
    return section.run({ runtime: undefined as never, print: (line) => console.log(line) });
  }
  const dataDir = mkdtempSync(join(tmpdir(), `tanggap-bench-${name}-`));
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  // The intake bench files thousands of complaints from loopback: one client to the rate limit.
  const runtime = await startRuntime({ port: 0, dataDir, clockStart: new Date('2026-11-23T02:00:00Z'), clockFrozen: section.clockFrozen, log: () => undefined, complaintRateLimit: 'off' });
  try {
    console.log(`\n## ${name}: ${section.title}`);
    await section.run({ runtime, print: (line) => console.log(line) });
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [flag, name] = process.argv.slice(2);
  if (flag === '--section' && name) return runSection(name);
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(sections);
  console.log(`Tanggap local runtime bench (node ${process.version}, ${(await import('node:os')).cpus().length} CPUs); figures, not assertions.`);
  for (const section of wanted) {
    // A section that starts the runtime runs it in a process started as `npm start` starts it.
    const flags = sections[section]?.runtime === false ? [] : RUNTIME_NODE_FLAGS;
    const child = spawnSync(process.execPath, [...flags, ...process.execArgv, __filename, '--section', section], { stdio: 'inherit', env: process.env });
    if (child.status !== 0) process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}

/**
 * `npm run report -- --agency <id> --period 2026-10` (or `--quarter 2026-Q3`): builds the recap of an
 * agency for a period on the local runtime's data, writes its files (CSV, XLSX, chart PNG, the
 * figures as JSON, the email as HTML) and sends the email through the local SES, as the scheduled
 * report does — the same use case (shared/usecases/reports.ts) over the same adapters.
 *
 * Idempotent: the figures are taken as of the end of the period, so a re-run writes the same files;
 * each recipient gets the email once per period unless `--resend`. `--no-send` only writes the files.
 *
 * With the runtime running (`npm start`) it uses the runtime's DynamoDB and SES endpoints
 * (DATA_DIR/runtime.json) and its clock. Without it, it opens DATA_DIR itself; the email then waits
 * in the mailbox for the next start.
 */
import './polyfills';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { demoDirectory } from '../../shared/directory';
import { buildReport, chartContentId, onDemandReport, renderReportEmail, reportRecipients, sendReport, type BuiltReport } from '../../shared/usecases/reports';
import { reportDeps } from './report-deps';
import { currentLocalDirectory, openLocalData, TABLE_NAME } from './runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';

const usage = `Usage: npm run report -- --agency <agency id> (--period YYYY-MM | --quarter YYYY-Qn) [--out DIR] [--no-send] [--resend]
  Agencies: ${demoDirectory.agencies.map((a) => a.id).join(', ')}
  DATA_DIR (default .data) is the runtime's data; files go to --out (default DATA_DIR/reports).`;

interface Options {
  agency: string;
  period: string;
  out?: string;
  send: boolean;
  resend: boolean;
}

function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      agency: { type: 'string' }, period: { type: 'string' }, quarter: { type: 'string' }, out: { type: 'string' },
      'no-send': { type: 'boolean', default: false }, resend: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  if (!values.agency) throw new UsageError('Sebutkan instansinya / name the agency: --agency <id>.');
  if (!values.period === !values.quarter) throw new UsageError('Pilih satu / choose one: --period 2026-10 (a month) or --quarter 2026-Q3.');
  if (values.period && !/^\d{4}-\d{2}$/.test(values.period)) throw new UsageError(`--period takes a month such as 2026-10, not "${values.period}".`);
  if (values.quarter && !/^\d{4}-Q\d$/.test(values.quarter)) throw new UsageError(`--quarter takes a quarter such as 2026-Q3, not "${values.quarter}".`);
  return { agency: values.agency, period: (values.period ?? values.quarter)!, out: values.out, send: !values['no-send'], resend: values.resend };
}

class UsageError extends Error {}

/** The files of a built report, written side by side; returns their paths. */
function writeFiles(dir: string, built: BuiltReport, emailHtml: string): string[] {
  mkdirSync(dir, { recursive: true });
  const base = built.chart.filename.replace(/\.png$/, '');
  const files: [string, Uint8Array | string][] = [
    ...built.attachments.map((a) => [a.filename, a.bytes] as [string, Uint8Array]),
    [built.chart.filename, built.chart.bytes],
    [`${base}.json`, `${JSON.stringify({ period: built.spec.period.id, scope: built.spec.report.scope, recap: built.recap, previous: built.previous }, null, 2)}\n`],
    [`${base}.html`, emailHtml],
  ];
  return files.map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  });
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const local = await openLocalData(dataDir);
  try {
    const directories = new DynamoDirectoryStore(new DynamoDBClient({ endpoint: local.dynamodb, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), TABLE_NAME);
    const deps = reportDeps(local, (await currentLocalDirectory(directories)).directory);
    const spec = onDemandReport(deps, options.agency, options.period);
    const now = local.now();
    if (now < spec.period.end) console.warn(`Catatan / note: ${spec.period.id} has not ended yet on the runtime's clock (${now.toISOString()}): the figures are as of now.`);
    const built = await buildReport(deps, spec, now);
    // The email as its first recipient reads it, with the chart beside it instead of inline.
    const preview = renderReportEmail(deps, built, reportRecipients(deps, spec)[0] ?? deps.directory.admin);
    const previewHtml = preview.html.replace(`cid:${chartContentId(built)}`, built.chart.filename);
    const paths = writeFiles(resolve(options.out ?? join(dataDir, 'reports')), built, previewHtml);
    console.log(`${spec.agency.name.id}, ${spec.period.label.id}: ${built.rows} pengaduan / complaints (${built.recap.totals.received} received).`);
    for (const p of paths) console.log(`  wrote ${p}`);
    if (!options.send) return;
    const { sentTo, alreadySent } = await sendReport(deps, built, { resend: options.resend });
    if (sentTo.length) console.log(`  emailed ${sentTo.join(', ')}${local.url ? ` (mailbox: ${local.url}/_local/mailbox)` : ' (in the mailbox at the next npm start)'}`);
    if (alreadySent.length) console.log(`  already emailed for ${spec.period.id}: ${alreadySent.join(', ')} (--resend sends it again)`);
  } finally {
    await local.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    if (err.message) console.error(err.message);
    console.error(usage);
    process.exit(2);
  }
  if (err instanceof RangeError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

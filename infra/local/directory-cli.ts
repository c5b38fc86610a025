/**
 * `npm run directory -- import <file.json>` / `export [file.json]`: the directory of officials is
 * data, loaded into the running system without a rebuild.
 *
 * - import validates the whole file first (schema, every role of every SOP filled, emails, ids,
 *   the calendar) and lists EVERY problem; a broken file exits 1 and changes nothing. A sound file
 *   becomes the next version (who loaded it: `--by`, else the OS user; when: now). `--dry-run` only
 *   validates.
 * - export writes the directory in use (to the file, or to stdout), in the import format.
 *
 * Where: with `--stage <name>`, the stage's table on AWS (`<stage>-tanggap`, infra/aws/names.ts),
 * with the SDK's usual credentials and region (AWS_PROFILE / AWS_ACCESS_KEY_ID…, AWS_REGION). Without
 * it, the local data in DATA_DIR (default .data): through the running runtime when it runs (PORT,
 * if given, must be the port it answers on), else by opening DATA_DIR itself.
 */
import './polyfills';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { importDirectory, type DirectoryStore, type DirectoryVersion } from '../../shared/directory/store';
import { validateDirectory } from '../../shared/directory/validate';
import { tableName } from '../aws/names';
import { openLocalData, TABLE_NAME } from './runtime';

const usage = `Usage:
  npm run directory -- import <file.json> [--dry-run] [--by "<name or email>"] [--stage <name>]
  npm run directory -- export [file.json] [--stage <name>]
Without --stage: the local runtime's data in DATA_DIR (default .data), running or stopped.
With --stage: the table <stage>-tanggap on AWS (credentials and region as for the AWS CLI: AWS_PROFILE, AWS_REGION).`;

export class UsageError extends Error {}

export interface DirectoryCommand {
  command: 'import' | 'export';
  file?: string;
  stage?: string;
  dryRun: boolean;
  by?: string;
}

/** Reads the command line; throws UsageError with what to fix. */
export function parseDirectoryArgs(argv: string[]): DirectoryCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { stage: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, by: { type: 'string' }, help: { type: 'boolean', default: false } },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const [command, file, ...extra] = positionals;
  if (command !== 'import' && command !== 'export') throw new UsageError(command ? `Unknown command "${command}": use import or export.` : 'Say what to do: import or export.');
  if (extra.length) throw new UsageError(`One file at a time; unexpected: ${extra.join(' ')}`);
  if (command === 'import' && !file) throw new UsageError('import needs the directory file: npm run directory -- import <file.json>');
  if (command === 'export' && (values['dry-run'] || values.by !== undefined)) throw new UsageError('--dry-run and --by belong to import.');
  if (values.stage !== undefined) tableNameOrUsage(values.stage);
  const by = values.by?.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (values.by !== undefined && (!by || by.length > 200)) throw new UsageError('--by takes your name or email (1 to 200 characters).');
  return { command, file, stage: values.stage, dryRun: values['dry-run'], by };
}

function tableNameOrUsage(stage: string): string {
  try {
    return tableName(stage);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** Who is importing, when they did not say: the OS user at this machine. */
function osUser(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown user@${hostname()}`;
  }
}

interface Target {
  store: DirectoryStore;
  /** In words, for the messages. */
  where: string;
  /** When the cached copies in the functions are renewed, in words. */
  takesEffect: string;
  now(): Date;
  close(): Promise<void>;
}

async function openTarget(stage: string | undefined): Promise<Target> {
  if (stage !== undefined) {
    const client = new DynamoDBClient({});
    const table = tableNameOrUsage(stage);
    const region = await client.config.region().catch(() => undefined);
    return {
      store: new DynamoDirectoryStore(client, table),
      where: `the table ${table} of stage "${stage}" on AWS${region ? ` (${region})` : ''}`,
      takesEffect: 'every function uses it within DIRECTORY_CACHE_SECONDS (60 s by default)',
      now: () => new Date(),
      close: async () => client.destroy(),
    };
  }
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const local = await openLocalData(dataDir);
  if (process.env.PORT !== undefined) {
    const port = local.url && new URL(local.url).port;
    if (port !== process.env.PORT) {
      await local.close();
      throw new TargetError(local.url
        ? `The runtime of DATA_DIR ${dataDir} answers on port ${port}, not PORT=${process.env.PORT}: set DATA_DIR to the data of the runtime on ${process.env.PORT}.`
        : `No runtime of DATA_DIR ${dataDir} is running on PORT=${process.env.PORT}. Set DATA_DIR to its data, or unset PORT to write into the stopped DATA_DIR.`);
    }
  }
  const client = new DynamoDBClient({ endpoint: local.dynamodb, region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    store: new DynamoDirectoryStore(client, TABLE_NAME),
    where: local.url ? `the running local runtime (${local.url}, DATA_DIR ${dataDir})` : `the stopped local data in ${dataDir}`,
    takesEffect: local.url ? 'the runtime uses it within a few seconds' : 'the runtime uses it when started',
    now: () => local.now(),
    async close() {
      client.destroy();
      await local.close();
    },
  };
}

class TargetError extends Error {}
class InvalidFile extends Error {
  constructor(readonly problems: string[]) {
    super('invalid directory file');
  }
}

const describe = (v: DirectoryVersion) => `version ${v.version}, loaded by ${v.loadedBy} at ${v.loadedAt}`;

/** Reads and parses the file; a missing file or broken JSON is a problem of the file, in words. */
function readDirectoryFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidFile([`${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (err) {
    throw new InvalidFile([`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
}

async function run(options: DirectoryCommand, out: (line: string) => void): Promise<void> {
  if (options.command === 'import') {
    const input = readDirectoryFile(options.file!);
    // Validated before anything is opened: a broken file touches nothing.
    const checked = validateDirectory(input);
    if (!checked.ok) throw new InvalidFile(checked.problems);
    const officials = checked.directory.agencies.reduce((n, a) => n + a.officials.length, checked.directory.inspectorate.officials.length);
    if (options.dryRun) {
      out(`${options.file} is a valid directory: ${checked.directory.agencies.length} agencies, ${officials} officials. Nothing was loaded (--dry-run).`);
      return;
    }
    const target = await openTarget(options.stage);
    try {
      const result = await importDirectory(target.store, input, { loadedBy: options.by ?? osUser(), loadedAt: target.now().toISOString() });
      if (!result.ok) throw new InvalidFile(result.problems);
      out(result.unchanged
        ? `${options.file} is the directory in use already (${describe(result.version)}) in ${target.where}: nothing changed.`
        : `Imported ${options.file} into ${target.where} as ${describe(result.version)}: ${checked.directory.agencies.length} agencies, ${officials} officials; ${target.takesEffect}. Open tasks keep their assignee; the next tasks go to the holders named here.`);
    } finally {
      await target.close();
    }
    return;
  }
  const target = await openTarget(options.stage);
  try {
    const current = await target.store.currentVersion();
    const stored = current && (await target.store.getVersion(current.version));
    if (!current || !stored) throw new TargetError(`No directory has been imported into ${target.where} yet.`);
    const text = `${JSON.stringify(stored.document, null, 2)}\n`;
    if (options.file) {
      writeFileSync(options.file, text);
      out(`Wrote ${describe(current)} from ${target.where} to ${options.file}.`);
    } else {
      process.stdout.write(text);
      console.error(`(${describe(current)} from ${target.where})`);
    }
  } finally {
    await target.close();
  }
}

async function main(): Promise<void> {
  try {
    await run(parseDirectoryArgs(process.argv.slice(2)), (line) => console.log(line));
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) console.error(err.message);
      console.error(usage);
      process.exit(2);
    }
    if (err instanceof InvalidFile) {
      const n = err.problems.length;
      console.error(`Direktori tidak dimuat: ${n} masalah. / The directory was NOT loaded: ${n} problem${n === 1 ? '' : 's'} to fix (nothing was changed):`);
      err.problems.forEach((p, i) => console.error(`  ${i + 1}. ${p}`));
      process.exit(1);
    }
    if (err instanceof TargetError) {
      console.error(err.message);
      process.exit(3);
    }
    const name = err instanceof Error ? err.name : '';
    if (name === 'ResourceNotFoundException') console.error(`The table was not found: is the stage deployed in this account and region (AWS_REGION)? (${(err as Error).message})`);
    else if (name === 'CredentialsProviderError' || name === 'ExpiredTokenException' || name === 'UnrecognizedClientException') console.error(`AWS credentials are missing or expired: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION. (${(err as Error).message})`);
    else console.error(err instanceof Error ? err.message : err);
    process.exit(3);
  }
}

if (require.main === module) void main();

/**
 * Builds the use cases' dependencies: real adapters over the AWS SDK clients (once per container),
 * and the current directory, read from the table and cached for DIRECTORY_CACHE_SECONDS, with its
 * office calendar. No directory is compiled into a function: until one is imported every call
 * answers 503 (DirectoryNotImported), and an import takes effect within the cache time. The values
 * read at run time (the public URL and the link secret) come from the environment or from SSM through
 * the Parameters and Secrets extension's HTTP API (parameters.ts; the local runtime serves the same
 * API): one code path wherever the handlers run.
 *
 * A function names the ports it uses beyond the case store (`dependencies({ mailer: sesMailer })`),
 * and the SOPs if it reads any (`sops: bundledSops`): only what a handler names reaches its bundle, so
 * a function that never sends mail does not carry (nor load at cold start) the SES client, nor one that
 * never reads an SOP the SOPs. A port not named refuses, saying which to add.
 *
 * A function that only reads cases (the public pages, status and the agencies list) calls
 * `readingDependencies` instead: its store is DynamoCaseReads, the reads alone, and the writer's class
 * (DynamoCaseStore, ≈ 15 KB that a bundle cannot tree-shake method by method) is not in its bundle; a
 * write or list asked of it refuses, naming the method.
 */
import { randomBytes } from 'node:crypto';
import { createOfficeCalendar } from '../../shared/calendar';
import { CurrentDirectory, DirectoryNotImported, type LoadedDirectory } from '../../shared/directory/store';
import { getSop } from '../../shared/sops';
import type { Sop } from '../../shared/sop/schema';
import type { Deps } from '../../shared/usecases/deps';
import { suppressingMailer, type MailEventDeps } from '../../shared/usecases/mail-events';
import type { CaseStore, FileStore, Mailer, SuppressionList, Workflow } from '../../shared/ports';
import { logger } from './logger';
import { dynamoClient, s3Location, sesClient, sfnClient } from './clients';
import { config, type Config } from './config';
import { DynamoCaseReads } from './dynamo-case-reads';
import { DynamoCaseStore } from './dynamo-case-store';
import { DynamoDirectoryStore } from './dynamo-directory-store';
import { DynamoSuppressionList } from './dynamo-suppressions';
import { readParameter, readSecretParameter } from './parameters';
import { metrics } from './metrics';
import { S3FileStore } from './s3-file-store';
import { SesMailer } from './ses-mailer';
import { SfnWorkflow } from './sfn-workflow';

type Base = Omit<Deps, 'store' | 'directory' | 'calendar' | 'directoryVersion' | 'mailer' | 'workflow' | 'getSop'>;
let suppressions: SuppressionList | undefined;

/** The suppression list (addresses that bounced or complained), in the table. */
function suppressionList(): SuppressionList {
  return (suppressions ??= new DynamoSuppressionList(dynamoClient(), config().TABLE_NAME));
}

/** The ports a function uses besides the case store, each a factory called once per container. */
export interface Needs {
  mailer?: () => Mailer;
  workflow?: () => Workflow;
  files?: () => FileStore;
  /**
   * The SOPs, `sops: bundledSops`: named like the ports, so that a function that never reads an SOP
   * (uploads) carries none of them (≈ 14 KB).
   */
  sops?: (id: string) => Sop;
}

/** The SOPs compiled into the bundle (shared/sops), each unpacked when first asked for. */
export const bundledSops = getSop;

/** The SOPs of a function that did not name them: a wiring mistake, said plainly at the first call. */
const unwiredSops = (id: string): Sop => {
  throw new Error(`This function was not given the SOPs: add \`sops: bundledSops\` to its dependencies() call (asked for "${id}")`);
};

/** Mail through SES, past the suppression list: a bounced or complaining address is not mailed again. */
export const sesMailer = (): Mailer => suppressingMailer(new SesMailer(sesClient()), { suppressions: suppressionList(), metrics: metrics() });
/** Executions through Step Functions (the state machines of STATE_MACHINES). */
export const sfnWorkflow = (): Workflow => new SfnWorkflow(sfnClient(), config().STATE_MACHINES);

/**
 * Attachments in the FILES_BUCKET bucket. Without FILES_BUCKET the store refuses at its first use,
 * naming the variable: a complaint without files never touches it.
 */
export const s3Files = (): FileStore => {
  const bucket = config().FILES_BUCKET;
  if (!bucket) {
    return new Proxy({} as FileStore, { get: () => async () => { throw new Error('Invalid configuration: FILES_BUCKET is not set for a function that handles files'); } });
  }
  return new S3FileStore(s3Location(), bucket);
};

/** A port the function did not name: a wiring mistake, said plainly at the first call. */
function notWired<T extends object>(port: keyof Needs): T {
  return new Proxy({} as T, {
    get: (_target, method) => async () => {
      throw new Error(`This function was not given a ${port}: add it to its dependencies() call (asked for ${String(method)})`);
    },
  });
}

const unwiredMailer = notWired<Mailer>('mailer');
const unwiredWorkflow = notWired<Workflow>('workflow');
let mailer: Mailer | undefined;
let workflow: Workflow | undefined;
let files: FileStore | undefined;

let base: Promise<Base> | undefined;
let current: CurrentDirectory | undefined;
/** The Deps of the directory version last read, rebuilt when the version changes. */
let built: { loaded: LoadedDirectory; deps: Deps } | undefined;

/** The public base URL: as configured, or read from its parameter; no trailing slash. */
async function publicUrlOf(cfg: Config): Promise<string> {
  const url = cfg.PUBLIC_URL ?? (await readParameter(cfg.PUBLIC_URL_PARAMETER!));
  if (!/^https?:\/\/[^/]/.test(url)) throw new Error(`Invalid configuration: the public URL ${cfg.PUBLIC_URL_PARAMETER ?? 'PUBLIC_URL'} is not an http(s) URL`);
  return url.replace(/\/+$/, '');
}

/**
 * The link secret, as configured or read from its parameter. A function given neither (it renders
 * no task page, so it was granted no read of the secret) fails loudly if a use case ever asks for it.
 */
async function linkSecretOf(cfg: Config): Promise<() => string> {
  const secret = cfg.LINK_SECRET ?? (cfg.LINK_SECRET_PARAMETER ? await readSecretParameter(cfg.LINK_SECRET_PARAMETER) : undefined);
  if (secret !== undefined && secret.length < 32) throw new Error('Invalid configuration: the link secret is shorter than 32 characters');
  return () => {
    if (secret === undefined) throw new Error('Invalid configuration: this function has no LINK_SECRET or LINK_SECRET_PARAMETER');
    return secret;
  };
}

/**
 * `from` with `extra` added, its accessors kept as accessors: a spread would call the link secret's
 * getter, which throws in a function that was given no secret.
 */
function extend<T extends object>(from: object, extra: object): T {
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(from), ...Object.getOwnPropertyDescriptors(extra) }) as T;
}

/** The adapters and run-time values, built once per container (a failed build is tried again on the next call). */
function baseDeps(): Promise<Base> {
  base ??= buildBase().catch((err: unknown) => {
    base = undefined;
    throw err;
  });
  return base;
}

async function buildBase(): Promise<Base> {
  const cfg = config();
  const [publicUrl, linkSecret] = await Promise.all([publicUrlOf(cfg), linkSecretOf(cfg)]);
  return {
    publicUrl,
    mailFrom: cfg.MAIL_FROM,
    get linkSecret() {
      return linkSecret();
    },
    randomBytes: (n) => randomBytes(n),
    log: { info: (m, f) => logger.info(m, f ?? {}), warn: (m, f) => logger.warn(m, f ?? {}) },
    metrics: metrics(),
  };
}

function currentDirectory(): CurrentDirectory {
  const cfg = config();
  current ??= new CurrentDirectory(new DynamoDirectoryStore(dynamoClient(), cfg.TABLE_NAME), {
    ttlMs: cfg.DIRECTORY_CACHE_SECONDS * 1000,
    onStale: (err, served) => logger.warn('directory refresh failed; serving the version read before', { version: served.version, errorName: err instanceof Error ? err.name : typeof err }),
  });
  return current;
}

let writer: CaseStore | undefined;
let reader: CaseStore | undefined;

/** The case store with its writes: what every function but the readers below is given. */
function caseStore(): CaseStore {
  return (writer ??= new DynamoCaseStore(dynamoClient(), config().TABLE_NAME));
}

/**
 * The case store's reads alone, as a CaseStore whose other methods refuse at their first call, naming
 * the method (a wiring mistake, as an unnamed port is): `readingDependencies`.
 */
function caseReads(): CaseStore {
  reader ??= new Proxy(new DynamoCaseReads(dynamoClient(), config().TABLE_NAME), {
    get: (target, name, receiver) => {
      if (typeof name === 'symbol' || name === 'then' || name in target) return Reflect.get(target, name, receiver);
      return async () => {
        throw new Error(`This function was given the case store's reads only (readingDependencies): call dependencies() to use ${name}`);
      };
    },
  }) as unknown as CaseStore;
  return reader;
}

/**
 * The dependencies of one invocation: the same adapters, the directory current now (at most
 * DIRECTORY_CACHE_SECONDS old). Throws DirectoryNotImported (503) when no directory was imported.
 */
export function dependencies(needs: Needs = {}): Promise<Deps> {
  return dependenciesWith(caseStore, needs);
}

/**
 * As `dependencies`, for a function that only reads cases: its store has the reads of
 * DynamoCaseReads (a case by id or tracking id, its events, a task, a link's task) and refuses the rest.
 */
export function readingDependencies(needs: Needs = {}): Promise<Deps> {
  return dependenciesWith(caseReads, needs);
}

async function dependenciesWith(store: () => CaseStore, needs: Needs): Promise<Deps> {
  const shared = await baseDeps();
  let loaded: LoadedDirectory;
  try {
    loaded = await currentDirectory().get();
  } catch (err) {
    if (err instanceof DirectoryNotImported) logger.error('no directory imported: run `npm run directory -- import <file.json> --stage <name>`', { table: config().TABLE_NAME });
    throw err;
  }
  if (built?.loaded !== loaded) {
    built = {
      loaded,
      deps: extend<Deps>(shared, { mailer: unwiredMailer, workflow: unwiredWorkflow, directory: loaded.directory, calendar: createOfficeCalendar(loaded.directory.calendar), directoryVersion: loaded.version.version }),
    };
  }
  // Per call, not cached with the directory: the local runtime hosts every handler in one process.
  return extend<Deps>(built.deps, {
    store: store(),
    mailer: needs.mailer ? (mailer ??= needs.mailer()) : unwiredMailer,
    workflow: needs.workflow ? (workflow ??= needs.workflow()) : unwiredWorkflow,
    files: needs.files ? (files ??= needs.files()) : undefined,
    getSop: needs.sops ?? unwiredSops,
  });
}

/** What the mail-events handler needs: the use cases' dependencies and the suppression list. */
export async function mailEventDependencies(needs: Needs = {}): Promise<MailEventDeps> {
  return extend<MailEventDeps>(await dependencies(needs), { suppressions: suppressionList() });
}

/**
 * Builds the use cases' dependencies: real adapters over the AWS SDK clients (once per container),
 * and the current directory, read from the table and cached for DIRECTORY_CACHE_SECONDS, with its
 * office calendar. No directory is compiled into a function: until one is imported every call
 * answers 503 (DirectoryNotImported), and an import takes effect within the cache time.
 *
 * A function names the ports it uses beyond the case store (`dependencies({ mailer: sesMailer })`):
 * only the factories a handler names reach its bundle, so a function that never sends mail does not
 * carry (nor load at cold start) the SES client. A port not named refuses, saying which to add.
 */
import { randomBytes } from 'node:crypto';
import { createOfficeCalendar } from '../../shared/calendar';
import { CurrentDirectory, DirectoryNotImported, type LoadedDirectory } from '../../shared/directory/store';
import { getSop } from '../../shared/sops';
import type { Mailer, Workflow } from '../../shared/ports';
import type { Deps } from '../../shared/usecases/deps';
import { logger } from '../http';
import { dynamoClient, sesClient, sfnClient } from './clients';
import { config } from './config';
import { DynamoCaseStore } from './dynamo-case-store';
import { DynamoDirectoryStore } from './dynamo-directory-store';
import { SesMailer } from './ses-mailer';
import { SfnWorkflow } from './sfn-workflow';

type Base = Omit<Deps, 'directory' | 'calendar' | 'directoryVersion' | 'mailer' | 'workflow'>;

/** The ports a function uses besides the case store, each a factory called once per container. */
export interface Needs {
  mailer?: () => Mailer;
  workflow?: () => Workflow;
}

/** Mail through SES. */
export const sesMailer = (): Mailer => new SesMailer(sesClient());
/** Executions through Step Functions (the state machines of STATE_MACHINES). */
export const sfnWorkflow = (): Workflow => new SfnWorkflow(sfnClient(), config().STATE_MACHINES);

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

let base: Base | undefined;
let mailer: Mailer | undefined;
let workflow: Workflow | undefined;
let current: CurrentDirectory | undefined;
/** The Deps of the directory version last read, rebuilt when the version changes. */
let built: { loaded: LoadedDirectory; deps: Deps } | undefined;

function baseDeps(): Base {
  if (base) return base;
  const cfg = config();
  base = {
    store: new DynamoCaseStore(dynamoClient(), cfg.TABLE_NAME),
    getSop,
    publicUrl: cfg.PUBLIC_URL,
    mailFrom: cfg.MAIL_FROM,
    linkSecret: cfg.LINK_SECRET,
    randomBytes: (n) => randomBytes(n),
    log: { info: (m, f) => logger.info(m, f ?? {}), warn: (m, f) => logger.warn(m, f ?? {}) },
  };
  return base;
}

function currentDirectory(): CurrentDirectory {
  const cfg = config();
  current ??= new CurrentDirectory(new DynamoDirectoryStore(dynamoClient(), cfg.TABLE_NAME), {
    ttlMs: cfg.DIRECTORY_CACHE_SECONDS * 1000,
    onStale: (err, served) => logger.warn('directory refresh failed; serving the version read before', { version: served.version, errorName: err instanceof Error ? err.name : typeof err }),
  });
  return current;
}

/**
 * The dependencies of one invocation: the same adapters, the directory current now (at most
 * DIRECTORY_CACHE_SECONDS old). Throws DirectoryNotImported (503) when no directory was imported.
 */
export async function dependencies(needs: Needs = {}): Promise<Deps> {
  const shared = baseDeps();

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
      deps: { ...shared, mailer: unwiredMailer, workflow: unwiredWorkflow, directory: loaded.directory, calendar: createOfficeCalendar(loaded.directory.calendar), directoryVersion: loaded.version.version },
    };
  }
  // Per call, not cached with the directory: the local runtime hosts every handler in one process.
  return {
    ...built.deps,
    mailer: needs.mailer ? (mailer ??= needs.mailer()) : unwiredMailer,
    workflow: needs.workflow ? (workflow ??= needs.workflow()) : unwiredWorkflow,
  };
}

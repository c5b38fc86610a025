/**
 * Builds the use cases' dependencies: real adapters over the AWS SDK clients (once per container),
 * and the current directory, read from the table and cached for DIRECTORY_CACHE_SECONDS, with its
 * office calendar. No directory is compiled into a function: until one is imported every call
 * answers 503 (DirectoryNotImported), and an import takes effect within the cache time.
 */
import { randomBytes } from 'node:crypto';
import { createOfficeCalendar } from '../../shared/calendar';
import { CurrentDirectory, DirectoryNotImported, type LoadedDirectory } from '../../shared/directory/store';
import { getSop } from '../../shared/sops';
import type { Deps } from '../../shared/usecases/deps';
import { suppressingMailer, type MailEventDeps } from '../../shared/usecases/mail-events';
import type { SuppressionList } from '../../shared/ports';
import { logger } from '../http';
import { dynamoClient, sesClient, sfnClient } from './clients';
import { config } from './config';
import { DynamoCaseStore } from './dynamo-case-store';
import { DynamoDirectoryStore } from './dynamo-directory-store';
import { DynamoSuppressionList } from './dynamo-suppressions';
import { metrics } from './metrics';
import { SesMailer } from './ses-mailer';
import { SfnWorkflow } from './sfn-workflow';

type Base = Omit<Deps, 'directory' | 'calendar' | 'directoryVersion'>;
let suppressions: SuppressionList | undefined;

/** The suppression list (addresses that bounced or complained), in the table. */
function suppressionList(): SuppressionList {
  return (suppressions ??= new DynamoSuppressionList(dynamoClient(), config().TABLE_NAME));
}

let base: Base | undefined;
let current: CurrentDirectory | undefined;
/** The Deps of the directory version last read, rebuilt when the version changes. */
let built: { loaded: LoadedDirectory; deps: Deps } | undefined;

function baseDeps(): Base {
  if (base) return base;
  const cfg = config();
  base = {
    store: new DynamoCaseStore(dynamoClient(), cfg.TABLE_NAME),
    // Every email goes through the suppression list: a bounced or complaining address is not mailed again.
    mailer: suppressingMailer(new SesMailer(sesClient()), { suppressions: suppressionList(), metrics: metrics() }),
    workflow: new SfnWorkflow(sfnClient(), cfg.STATE_MACHINES),
    getSop,
    publicUrl: cfg.PUBLIC_URL,
    mailFrom: cfg.MAIL_FROM,
    linkSecret: cfg.LINK_SECRET,
    randomBytes: (n) => randomBytes(n),
    log: { info: (m, f) => logger.info(m, f ?? {}), warn: (m, f) => logger.warn(m, f ?? {}) },
    metrics: metrics(),
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
export async function dependencies(): Promise<Deps> {
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
      deps: { ...shared, directory: loaded.directory, calendar: createOfficeCalendar(loaded.directory.calendar), directoryVersion: loaded.version.version },
    };
  }
  return built.deps;
}

/** What the mail-events handler needs: the use cases' dependencies and the suppression list. */
export async function mailEventDependencies(): Promise<MailEventDeps> {
  return { ...(await dependencies()), suppressions: suppressionList() };
}

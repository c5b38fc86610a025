/**
 * Builds the use cases' dependencies once per container: real adapters over the AWS SDK clients,
 * the directory (the demo unless DIRECTORY_FILE names another), its office calendar, the SOPs, and
 * the values read at run time (the public URL and the link secret, from the environment or, on
 * AWS, through Powertools Parameters): one code path wherever the handlers run.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory, parseDirectory } from '../../shared/directory';
import { getSop } from '../../shared/sops';
import type { Deps } from '../../shared/usecases/deps';
import { logger } from '../http';
import { dynamoClient, sesClient, sfnClient } from './clients';
import { config, type Config } from './config';
import { DynamoCaseStore } from './dynamo-case-store';
import { SesMailer } from './ses-mailer';
import { readParameter, readSecretParameter } from './parameters';
import { SfnWorkflow } from './sfn-workflow';

let deps: Promise<Deps> | undefined;

/** The dependencies, built once per container (a failed build is tried again on the next call). */
export function dependencies(): Promise<Deps> {
  deps ??= build().catch((err: unknown) => {
    deps = undefined;
    throw err;
  });
  return deps;
}

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

async function build(): Promise<Deps> {
  const cfg = config();
  const directory = cfg.DIRECTORY_FILE ? parseDirectory(JSON.parse(readFileSync(cfg.DIRECTORY_FILE, 'utf8'))) : demoDirectory;
  const [publicUrl, linkSecret] = await Promise.all([publicUrlOf(cfg), linkSecretOf(cfg)]);
  return {
    store: new DynamoCaseStore(dynamoClient(), cfg.TABLE_NAME),
    mailer: new SesMailer(sesClient()),
    workflow: new SfnWorkflow(sfnClient(), cfg.STATE_MACHINES),
    directory,
    calendar: createOfficeCalendar(directory.calendar),
    getSop,
    publicUrl,
    mailFrom: cfg.MAIL_FROM,
    get linkSecret() {
      return linkSecret();
    },
    randomBytes: (n) => randomBytes(n),
    log: { info: (m, f) => logger.info(m, f ?? {}), warn: (m, f) => logger.warn(m, f ?? {}) },
  };
}

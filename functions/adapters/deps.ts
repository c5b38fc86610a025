/**
 * Builds the use cases' dependencies once per container: real adapters over the AWS SDK clients,
 * the directory (the demo unless DIRECTORY_FILE names another), its office calendar, the SOPs.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory, parseDirectory } from '../../shared/directory';
import { getSop } from '../../shared/sops';
import type { Deps } from '../../shared/usecases/deps';
import { logger } from '../http';
import { dynamoClient, sesClient, sfnClient } from './clients';
import { config } from './config';
import { DynamoCaseStore } from './dynamo-case-store';
import { SesMailer } from './ses-mailer';
import { SfnWorkflow } from './sfn-workflow';

let deps: Deps | undefined;

export function dependencies(): Deps {
  if (deps) return deps;
  const cfg = config();
  const directory = cfg.DIRECTORY_FILE ? parseDirectory(JSON.parse(readFileSync(cfg.DIRECTORY_FILE, 'utf8'))) : demoDirectory;
  deps = {
    store: new DynamoCaseStore(dynamoClient(), cfg.TABLE_NAME),
    mailer: new SesMailer(sesClient()),
    workflow: new SfnWorkflow(sfnClient(), cfg.STATE_MACHINES),
    directory,
    calendar: createOfficeCalendar(directory.calendar),
    getSop,
    publicUrl: cfg.PUBLIC_URL,
    mailFrom: cfg.MAIL_FROM,
    linkSecret: cfg.LINK_SECRET,
    randomBytes: (n) => randomBytes(n),
    log: { info: (m, f) => logger.info(m, f ?? {}), warn: (m, f) => logger.warn(m, f ?? {}) },
  };
  return deps;
}

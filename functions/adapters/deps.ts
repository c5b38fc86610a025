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
import { suppressingMailer, type MailEventDeps } from '../../shared/usecases/mail-events';
import type { SuppressionList } from '../../shared/ports';
import { logger } from '../http';
import { dynamoClient, sesClient, sfnClient } from './clients';
import { config } from './config';
import { DynamoCaseStore } from './dynamo-case-store';
import { DynamoSuppressionList } from './dynamo-suppressions';
import { metrics } from './metrics';
import { SesMailer } from './ses-mailer';
import { SfnWorkflow } from './sfn-workflow';

let deps: Deps | undefined;
let suppressions: SuppressionList | undefined;

/** The suppression list (addresses that bounced or complained), in the table. */
function suppressionList(): SuppressionList {
  return (suppressions ??= new DynamoSuppressionList(dynamoClient(), config().TABLE_NAME));
}

export function dependencies(): Deps {
  if (deps) return deps;
  const cfg = config();
  const directory = cfg.DIRECTORY_FILE ? parseDirectory(JSON.parse(readFileSync(cfg.DIRECTORY_FILE, 'utf8'))) : demoDirectory;
  deps = {
    store: new DynamoCaseStore(dynamoClient(), cfg.TABLE_NAME),
    // Every email goes through the suppression list: a bounced or complaining address is not mailed again.
    mailer: suppressingMailer(new SesMailer(sesClient()), { suppressions: suppressionList(), metrics: metrics() }),
    workflow: new SfnWorkflow(sfnClient(), cfg.STATE_MACHINES),
    directory,
    calendar: createOfficeCalendar(directory.calendar),
    getSop,
    publicUrl: cfg.PUBLIC_URL,
    mailFrom: cfg.MAIL_FROM,
    linkSecret: cfg.LINK_SECRET,
    randomBytes: (n) => randomBytes(n),
    log: { info: (m, f) => logger.info(m, f ?? {}), warn: (m, f) => logger.warn(m, f ?? {}) },
    metrics: metrics(),
  };
  return deps;
}

/** What the mail-events handler needs: the use cases' dependencies and the suppression list. */
export function mailEventDependencies(): MailEventDeps {
  return { ...dependencies(), suppressions: suppressionList() };
}

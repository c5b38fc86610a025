/**
 * What the report use case needs on the local runtime's data (npm run report, the bench): the same
 * DynamoDB and SES adapters as the handlers, pointed at the endpoints of `openLocalData`. A report
 * never starts an execution or makes a link, so those ports refuse.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { withoutSdkLogging } from '../../functions/adapters/clients';
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { SesMailer } from '../../functions/adapters/ses-mailer';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import type { Directory } from '../../shared/directory/schema';
import { getSop } from '../../shared/sops';
import type { Deps } from '../../shared/usecases/deps';
import { TABLE_NAME, type LocalData } from './runtime';

const local = { region: 'ap-southeast-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

async function refuse(): Promise<never> {
  throw new Error('A report never starts or answers an execution');
}

/** `directory`: the one in use on the local data (`currentLocalDirectory`); the demo for a bare table (the bench). */
export function reportDeps(data: Pick<LocalData, 'dynamodb' | 'ses' | 'url'>, directory: Directory = demoDirectory): Deps {
  return {
    store: new DynamoCaseStore(withoutSdkLogging(new DynamoDBClient({ ...local, endpoint: data.dynamodb })), TABLE_NAME),
    mailer: new SesMailer(new SESClient({ ...local, endpoint: data.ses })),
    workflow: { start: refuse, taskSucceeded: refuse, taskFailed: refuse },
    directory,
    calendar: createOfficeCalendar(directory.calendar),
    getSop,
    publicUrl: data.url ?? 'http://127.0.0.1:3000',
    mailFrom: demoDirectory.regency.mailFrom,
    linkSecret: 'reports-make-no-links-reports-make-no-links',
    randomBytes: () => { throw new Error('reports make no keys'); },
    log: { info: () => undefined, warn: (m, f) => console.warn(`warning: ${m} ${JSON.stringify(f ?? {})}`) },
  };
}

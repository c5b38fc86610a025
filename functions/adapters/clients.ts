/** AWS SDK clients, created once per container (never per request). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { config } from './config';
import { injectFaults } from './faults';
import type { S3Location } from './s3-file-store';

/**
 * Keep-alive sockets, as the SDK's default, but more of them than its 50: a Lambda container has one
 * request in flight, while a host that runs every handler in one process (the local runtime) has many,
 * and beyond the pool they queue in the agent.
 */
const requestHandler = { httpAgent: { keepAlive: true, maxSockets: 256 }, httpsAgent: { keepAlive: true, maxSockets: 256 } };

let dynamo: DynamoDBClient | undefined;
let ses: SESClient | undefined;
let sfn: SFNClient | undefined;
let s3: S3Location | undefined;

/**
 * The SDK's logger middleware builds a redacted copy of every response for its logger even when the
 * logger discards it (no logger is configured here): for a Query page of a thousand cases that copy
 * cost more than decoding the page. Our adapters log chosen fields themselves.
 */
export function withoutSdkLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * DynamoDB calls get more attempts than the SDK's default 3: a throttled write is retried with
 * backoff inside the handler (a few hundred milliseconds) rather than failing a workflow step.
 */
const DYNAMODB_ATTEMPTS = 8;

/** Faults injected for chaos tests (`FAULTS`, functions/adapters/faults.ts); none unless configured. */
const faults = () => config().FAULTS;

export const dynamoClient = () => (dynamo ??= injectFaults(withoutSdkLogging(new DynamoDBClient({ requestHandler, maxAttempts: DYNAMODB_ATTEMPTS })), 'dynamodb', faults().dynamodb ?? 0));
export const sesClient = () => (ses ??= injectFaults(new SESClient({ requestHandler }), 'ses', faults().ses ?? 0));
export const sfnClient = () => (sfn ??= injectFaults(new SFNClient({ requestHandler }), 'sfn', faults().sfn ?? 0));
/**
 * Where the file store (s3-file-store.ts, S3's REST API without an SDK client) sends its calls: the
 * region and endpoint the SDK clients read (AWS_REGION, AWS_ENDPOINT_URL_S3) and their credential
 * chain (on Lambda, the environment: infra/aws/constructs/lambda-credentials.ts).
 */
export const s3Location = (): S3Location => {
  if (s3) return s3;
  const cfg = config();
  if (!cfg.AWS_REGION) throw new Error('Invalid configuration: AWS_REGION is not set for a function that handles files');
  return (s3 = { region: cfg.AWS_REGION, endpoint: cfg.AWS_ENDPOINT_URL_S3, credentials: defaultProvider() });
};

/** AWS SDK clients, created once per container (never per request). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { config } from './config';
import { injectFaults } from './faults';

/**
 * Keep-alive sockets, as the SDK's default, but more of them than its 50: a Lambda container has one
 * request in flight, while a host that runs every handler in one process (the local runtime) has many,
 * and beyond the pool they queue in the agent.
 */
const requestHandler = { httpAgent: { keepAlive: true, maxSockets: 256 }, httpsAgent: { keepAlive: true, maxSockets: 256 } };

let dynamo: DynamoDBClient | undefined;
let ses: SESClient | undefined;
let sfn: SFNClient | undefined;
let s3: S3Client | undefined;

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
 * S3 for attachments. Checksums only when S3 requires them: a presigned POST or GET handed to a
 * browser must not demand headers the browser does not send.
 */
export const s3Client = () => (s3 ??= new S3Client({ requestHandler, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }));

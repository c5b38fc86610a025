/** AWS SDK clients, created once per container (never per request). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * Keep-alive sockets, as the SDK's default, but more of them than its 50: a Lambda container has one
 * request in flight, while a host that runs every handler in one process (the local runtime) has many,
 * and beyond the pool they queue in the agent.
 */
const requestHandler = { httpAgent: { keepAlive: true, maxSockets: 256 }, httpsAgent: { keepAlive: true, maxSockets: 256 } };

let dynamo: DynamoDBClient | undefined;
let ses: SESClient | undefined;
let sfn: SFNClient | undefined;

/**
 * The SDK's logger middleware builds a redacted copy of every response for its logger even when the
 * logger discards it (no logger is configured here): for a Query page of a thousand cases that copy
 * cost more than decoding the page. Our adapters log chosen fields themselves.
 */
export function withoutSdkLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

export const dynamoClient = () => (dynamo ??= withoutSdkLogging(new DynamoDBClient({ requestHandler })));
export const sesClient = () => (ses ??= new SESClient({ requestHandler }));
export const sfnClient = () => (sfn ??= new SFNClient({ requestHandler }));

/** AWS SDK clients, created once per container (never per request). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * Keep-alive sockets, as the SDK's default, but more of them than its 50: a Lambda container has one
 * request in flight, while a host that runs every handler in one process (the local runtime) has many,
 * and beyond the pool they queue in the agent.
 */
const requestHandler = { httpAgent: { keepAlive: true, maxSockets: 256 }, httpsAgent: { keepAlive: true, maxSockets: 256 } };

let dynamo: DynamoDBClient | undefined;
let ses: SESClient | undefined;
let sfn: SFNClient | undefined;
let ssm: SSMClient | undefined;

export const dynamoClient = () => (dynamo ??= new DynamoDBClient({ requestHandler }));
export const sesClient = () => (ses ??= new SESClient({ requestHandler }));
export const sfnClient = () => (sfn ??= new SFNClient({ requestHandler }));
export const ssmClient = () => (ssm ??= new SSMClient({ requestHandler }));

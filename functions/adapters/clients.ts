/** AWS SDK clients, created once per container (never per request). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';

let dynamo: DynamoDBClient | undefined;
let ses: SESClient | undefined;
let sfn: SFNClient | undefined;

export const dynamoClient = () => (dynamo ??= new DynamoDBClient({}));
export const sesClient = () => (ses ??= new SESClient({}));
export const sfnClient = () => (sfn ??= new SFNClient({}));

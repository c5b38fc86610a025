/**
 * The cold-start baseline of `npm run bench -- coldstart`: a handler that imports only
 * @aws-sdk/client-dynamodb and makes its client at init, bundled exactly as the real handlers are.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

const dynamo = new DynamoDBClient({});

export const handler = async (event: { table: string }) => dynamo.send(new DescribeTableCommand({ TableName: event.table }));

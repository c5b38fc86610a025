/**
 * What Powertools Metrics would add to a function's cold start: the baseline handler plus Metrics,
 * bundled as the real handlers are (`npm run bench -- coldstart`). (Parameters are read through the
 * Parameters and Secrets extension's HTTP API, functions/adapters/parameters.ts, with no SDK client.)
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

const dynamo = new DynamoDBClient({});
const metrics = new Metrics({ namespace: 'tanggap-bench' });

export const handler = async (event: { table: string }) => {
  metrics.addMetric('probe', MetricUnit.Count, 1);
  return dynamo.send(new DescribeTableCommand({ TableName: event.table }));
};

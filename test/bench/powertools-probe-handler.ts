/**
 * What Powertools Metrics and Parameters (SSM) would add to a function's cold start: the baseline
 * handler plus both, bundled as the real handlers are (`npm run bench -- coldstart`).
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';

const dynamo = new DynamoDBClient({});
const metrics = new Metrics({ namespace: 'tanggap-bench' });

export const handler = async (event: { table: string; parameter: string }) => {
  metrics.addMetric('probe', MetricUnit.Count, 1);
  const name = await getParameter(event.parameter);
  return dynamo.send(new DescribeTableCommand({ TableName: name ?? event.table }));
};

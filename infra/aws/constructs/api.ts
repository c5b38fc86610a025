/** The HTTP API, from the one route table in functions/routes.ts. */
import { CfnOutput } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes, type HttpHandlerName } from '../../../functions/routes';

export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: { functions: Record<HttpHandlerName, IFunction> }) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'Http', { apiName: 'tanggap', createDefaultStage: false });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    // Access logs name the route, never the raw path: task keys travel in paths.
    new apigw.CfnStage(this, 'Stage', {
      apiId: this.httpApi.apiId,
      stageName: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingBurstLimit: 200, throttlingRateLimit: 100 },
      accessLogSettings: {
        destinationArn: accessLogs.logGroupArn,
        format: JSON.stringify({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', latency: '$context.responseLatency', time: '$context.requestTime' }),
      },
    });
    const integrations = new Map<HttpHandlerName, HttpLambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.handler}Integration`, props.functions[route.handler]);
        integrations.set(route.handler, integration);
      }
      this.httpApi.addRoutes({ path: route.path, methods: [route.method as apigw.HttpMethod], integration });
    }
    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint });
  }
}

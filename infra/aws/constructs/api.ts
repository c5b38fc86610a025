/**
 * The HTTP API, from the one route table in functions/routes.ts. It is reached through CloudFront
 * (constructs/edge.ts), which adds a secret origin header; the default authorizer lets through only
 * requests that carry it, so the WAF in front of CloudFront cannot be bypassed by calling the
 * execute-api URL directly. A request without the header is refused by API Gateway itself (401,
 * no Lambda runs); one with a wrong value costs one cached authorizer call.
 */
import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routes, type HttpHandlerName } from '../../../functions/routes';
import { ORIGIN_VERIFY_HEADER } from '../../../functions/origin-verify/header';
import { Naming } from '../naming';

/** API Gateway's own limits for the whole stage (every client together): a cost ceiling, not fairness. */
export const stageThrottle = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };

/**
 * Tighter ceilings on the routes that write, send mail or wake officials, so a flood that gets past
 * the WAF's per-client limits cannot cost more than this. They apply to all clients together, so they
 * stay well above a regency's real traffic (a few complaints an hour): fairness between clients is the
 * WAF's rate rule per IP, not these.
 */
export const routeThrottles: Record<string, { throttlingBurstLimit: number; throttlingRateLimit: number }> = {
  'POST /api/complaints': { throttlingBurstLimit: 40, throttlingRateLimit: 20 },
  'POST /api/uploads': { throttlingBurstLimit: 60, throttlingRateLimit: 30 },
  'GET /lampiran': { throttlingBurstLimit: 60, throttlingRateLimit: 30 },
  'POST /api/complaints/{trackingId}/feedback': { throttlingBurstLimit: 20, throttlingRateLimit: 10 },
  'POST /api/tasks/{taskKey}': { throttlingBurstLimit: 20, throttlingRateLimit: 10 },
  'POST /tasks/{taskKey}': { throttlingBurstLimit: 20, throttlingRateLimit: 10 },
};

export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.CfnStage;

  constructor(scope: Construct, id: string, props: { functions: Record<HttpHandlerName, IFunction>; originVerifier: IFunction }) {
    super(scope, id);
    const naming = Naming.of(this);
    const authorizer = new HttpLambdaAuthorizer('OriginVerify', props.originVerifier, {
      authorizerName: naming.name('origin-verify'),
      identitySource: [`$request.header.${ORIGIN_VERIFY_HEADER}`],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.minutes(5),
    });
    this.httpApi = new apigw.HttpApi(this, 'Http', { apiName: naming.prefix, createDefaultStage: false, defaultAuthorizer: authorizer });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { logGroupName: `/aws/apigateway/${naming.name('access')}`, retention: logs.RetentionDays.THREE_MONTHS });
    for (const route of Object.keys(routeThrottles)) {
      if (!routes.some((r) => `${r.method} ${r.path}` === route)) throw new Error(`Throttled route ${route} is not in functions/routes.ts`);
    }
    // Access logs name the route, never the raw path: task keys travel in paths.
    this.stage = new apigw.CfnStage(this, 'Stage', {
      apiId: this.httpApi.apiId,
      stageName: '$default',
      autoDeploy: true,
      defaultRouteSettings: stageThrottle,
      // A JSON property: CloudFormation's own (PascalCase) keys, not converted by the CDK.
      routeSettings: Object.fromEntries(Object.entries(routeThrottles).map(([route, t]) => [route, { ThrottlingBurstLimit: t.throttlingBurstLimit, ThrottlingRateLimit: t.throttlingRateLimit }])),
      accessLogSettings: {
        destinationArn: accessLogs.logGroupArn,
        format: JSON.stringify({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', latency: '$context.responseLatency', time: '$context.requestTime', authorizerError: '$context.authorizer.error', integrationError: '$context.integrationErrorMessage' }),
      },
    });
    const integrations = new Map<HttpHandlerName, HttpLambdaIntegration>();
    const created: apigw.HttpRoute[] = [];
    for (const route of routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.handler}Integration`, props.functions[route.handler]);
        integrations.set(route.handler, integration);
      }
      created.push(...this.httpApi.addRoutes({ path: route.path, methods: [route.method as apigw.HttpMethod], integration }));
    }
    // Route settings name routes that must exist first.
    for (const r of created) this.stage.addResourceDependency(r.node.defaultChild as apigw.CfnRoute);
    new CfnOutput(this, 'ExecuteApiUrl', { value: this.httpApi.apiEndpoint, description: 'The API behind CloudFront; answers 401 without the origin header (use the public URL)' });
  }
}

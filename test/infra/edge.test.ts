/**
 * The public front door: the WAF web ACL (us-east-1, CLOUDFRONT scope) with per-IP rate limits and
 * managed rules, CloudFront in front of the API with the origin secret, the authorizer that admits
 * only CloudFront, per-route throttles, and where the emails' links point in each configuration.
 */
import { httpHandlers, workflowHandlers } from '../../functions/routes';
import { Match } from 'aws-cdk-lib/assertions';
import { routes } from '../../functions/routes';
import { resourcesOf, synthesise } from './synth';

const withZone = synthesise({ stage: 'zone', domainName: 'pengaduan.muba.go.id', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'muba.go.id' });
const bare = synthesise({ stage: 'bare' });

describe('the web ACL', () => {
  const acl = () => Object.values(withZone.edgeTemplate.findResources('AWS::WAFv2::WebACL'))[0] as { Properties: { Scope: string; Rules: { Name: string; Action?: unknown; Statement: Record<string, unknown> }[] } };

  test('lives in us-east-1 with CLOUDFRONT scope', () => {
    expect(withZone.edge.region).toBe('us-east-1');
    expect(acl().Properties.Scope).toBe('CLOUDFRONT');
  });

  test('limits complaint submissions per client IP (POST /api/complaints only), answering 429', () => {
    const rule = acl().Properties.Rules.find((r) => r.Name === 'complaints-per-ip')!;
    expect(rule).toMatchObject({
      Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: expect.any(Number), ScopeDownStatement: { AndStatement: { Statements: [
        { ByteMatchStatement: { FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', SearchString: 'POST' } },
        { ByteMatchStatement: { FieldToMatch: { UriPath: {} }, PositionalConstraint: 'EXACTLY', SearchString: '/api/complaints' } },
      ] } } } },
    });
    const all = acl().Properties.Rules.find((r) => r.Name === 'requests-per-ip')!;
    const limit = (r: typeof rule) => (r.Statement.RateBasedStatement as { Limit: number }).Limit;
    expect(limit(all)).toBeGreaterThan(limit(rule));
    expect((all.Statement.RateBasedStatement as Record<string, unknown>).ScopeDownStatement).toBeUndefined();
  });

  test('runs the AWS managed groups, counting (not blocking) the body rules a long or HTML-quoting complaint would trip', () => {
    const managed = acl().Properties.Rules.filter((r) => r.Statement.ManagedRuleGroupStatement).map((r) => r.Statement.ManagedRuleGroupStatement as { Name: string; RuleActionOverrides?: { Name: string; ActionToUse: unknown }[] });
    expect(managed.map((m) => m.Name).sort()).toEqual(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']);
    expect(managed.find((m) => m.Name === 'AWSManagedRulesCommonRuleSet')!.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  test('logs blocked and counted requests with paths and query strings redacted (task and reply keys)', () => {
    withZone.edgeTemplate.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', Match.objectLike({
      RedactedFields: [{ UriPath: {} }, { QueryString: {} }],
      LogDestinationConfigs: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':log-group:aws-waf-logs-tanggap-zone'])]) })],
    }));
  });
});

describe('CloudFront and the API', () => {
  test('the distribution fronts the API over HTTPS with the web ACL, the domain and its certificate, no caching, and the origin secret', () => {
    const dist = JSON.stringify(withZone.template.findResources('AWS::CloudFront::Distribution'));
    withZone.template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({
      Aliases: ['pengaduan.muba.go.id'],
      WebACLId: Match.anyValue(),
      ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
      DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: Match.arrayWith(['POST']) }),
      Origins: [Match.objectLike({ CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }), OriginCustomHeaders: [{ HeaderName: 'x-origin-verify', HeaderValue: Match.anyValue() }] })],
    }) });
    expect(dist).toContain('{{resolve:secretsmanager:');
    expect(dist).toContain('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // the managed CachingDisabled policy
  });

  test('the certificate is made in us-east-1, validated in the hosted zone; alias records point the domain at CloudFront', () => {
    withZone.edgeTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', Match.objectLike({ DomainName: 'pengaduan.muba.go.id', ValidationMethod: 'DNS' }));
    for (const type of ['A', 'AAAA']) {
      withZone.template.hasResourceProperties('AWS::Route53::RecordSet', Match.objectLike({ Name: 'pengaduan.muba.go.id.', Type: type, HostedZoneId: 'Z0123456789ABCDEFGHIJ', AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }) }));
    }
  });

  test('every route goes through the authorizer that admits only requests carrying the origin header', () => {
    const authorizers = withZone.template.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.values(authorizers)).toEqual([expect.objectContaining({ Properties: expect.objectContaining({ AuthorizerType: 'REQUEST', IdentitySource: ['$request.header.x-origin-verify'], EnableSimpleResponses: true }) })]);
    const authorizerId = Object.keys(authorizers)[0]!;
    const routeResources = Object.values(withZone.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routeResources).toHaveLength(routes.length);
    for (const route of routeResources) expect(route).toMatchObject({ Properties: { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } } });
  });

  test('the routes that write or mail have their own throttles below the stage\'s', () => {
    withZone.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', Match.objectLike({
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
      RouteSettings: Match.objectLike({ 'POST /api/complaints': { ThrottlingBurstLimit: 40, ThrottlingRateLimit: 20 }, 'POST /api/complaints/{trackingId}/feedback': Match.anyValue(), 'POST /api/tasks/{taskKey}': Match.anyValue() }),
    }));
  });
});

describe('where the links in emails point', () => {
  test('with a domain: PUBLIC_URL is https://<domain> in every handler', () => {
    const fns = Object.values(resourcesOf(withZone.template)).filter((r) => r.Type === 'AWS::Lambda::Function' && (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.TABLE_NAME);
    expect(fns.length).toBe(Object.keys(httpHandlers).length + Object.keys(workflowHandlers).length + 3); // + report, sweep, mail events (origin-verify has no table)
    for (const fn of fns) expect(fn).toMatchObject({ Properties: { Environment: { Variables: { PUBLIC_URL: 'https://pengaduan.muba.go.id' } } } });
  });

  test('without one: the CloudFront domain, through an SSM parameter the handlers read at run time (no cycle)', () => {
    bare.template.hasResourceProperties('AWS::SSM::Parameter', Match.objectLike({
      Name: '/tanggap/bare/public-url',
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^PublicDistribution'), 'DomainName'] }]] },
    }));
    const fns = Object.values(resourcesOf(bare.template)).filter((r) => r.Type === 'AWS::Lambda::Function' && (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.TABLE_NAME);
    for (const fn of fns) {
      expect(fn).toMatchObject({ Properties: { Environment: { Variables: { PUBLIC_URL_PARAMETER: '/tanggap/bare/public-url' } } } });
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.PUBLIC_URL).toBeUndefined();
      // Read through the Parameters and Secrets extension, a layer on each.
      expect((fn.Properties!.Layers as unknown[] | undefined)?.length).toBe(1);
    }
    bare.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    bare.edgeTemplate.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    bare.template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });
});

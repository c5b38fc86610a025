/**
 * The public front door: CloudFront in front of the HTTP API, with a WAF web ACL and, when a domain
 * is given, its certificate and DNS record.
 *
 * Why CloudFront and not an API Gateway custom domain: an HTTP API takes no WAF web ACL, and the
 * issue asks for per-client rate limits and AWS managed rules; CloudFront takes a CLOUDFRONT-scope
 * web ACL. Its price is a second, small stack in us-east-1 (`EdgeStack`): CloudFront only takes web
 * ACLs and ACM certificates from there. The main stack reads them through CDK's cross-region
 * references (an SSM-backed custom resource the CDK provides).
 *
 * So that the WAF cannot be walked around by calling the execute-api URL, CloudFront sends a secret
 * origin header and the API's default authorizer (functions/origin-verify) admits only requests that
 * carry it (see constructs/api.ts). The execute-api endpoint stays enabled, as CloudFront needs an
 * origin; a custom domain on the API would only move the bypass to another name.
 */
import { ArnFormat, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../../functions/origin-verify/header';
import { Naming } from '../naming';
import type { DeploymentSettings } from '../settings';

/**
 * Per client IP, in 5 minutes. Many Indonesian mobile users share one public address (carrier-grade
 * NAT), so the limits are far above one person's use and still far below a flood.
 */
export const wafLimits = {
  /** POST /api/complaints: each complaint mails the reporter and wakes an official. */
  complaintsPerIp: 30,
  /** POST /api/uploads: each target may put up to 5 MB in the bucket (unclaimed ones expire after a day). */
  uploadsPerIp: 90,
  /** Every request. */
  requestsPerIp: 1500,
  evaluationWindowSec: 300,
};

const visibility = (metricName: string) => ({ sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName });
const tooMany = { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'too-many', responseHeaders: [{ name: 'retry-after', value: '300' }] } } };
const managed = (priority: number, name: string, overrides: string[] = []): wafv2.CfnWebACL.RuleProperty => ({
  name: `aws-${name}`,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ruleActionOverrides: overrides.length ? overrides.map((rule) => ({ name: rule, actionToUse: { count: {} } })) : undefined,
    },
  },
  visibilityConfig: visibility(name),
});

export interface EdgeStackProps extends StackProps {
  naming: Naming;
  settings: DeploymentSettings;
}

/** In us-east-1: the CLOUDFRONT-scope web ACL, its logs, and the certificate when the stack makes it. */
export class EdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;
  readonly webAclName: string;
  readonly certificate?: acm.ICertificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const naming = Naming.attach(this, props.naming);
    this.webAclName = naming.name('edge');
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      scope: 'CLOUDFRONT',
      description: 'Tanggap: per-client rate limits and AWS managed rules in front of the public API',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(this.webAclName),
      customResponseBodies: {
        'too-many': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ error: 'rate_limited', message: 'Terlalu banyak permintaan dari alamat Anda; coba lagi dalam beberapa menit. / Too many requests from your address; try again in a few minutes.' }),
        },
      },
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'complaints-per-ip',
          priority: 1,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: wafLimits.complaintsPerIp,
              evaluationWindowSec: wafLimits.evaluationWindowSec,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    { byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: 'POST', textTransformations: [{ priority: 0, type: 'NONE' }] } },
                    { byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'EXACTLY', searchString: '/api/complaints', textTransformations: [{ priority: 0, type: 'NONE' }] } },
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('complaints-per-ip'),
        },
        {
          name: 'requests-per-ip',
          priority: 2,
          action: tooMany,
          statement: { rateBasedStatement: { limit: wafLimits.requestsPerIp, evaluationWindowSec: wafLimits.evaluationWindowSec, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('requests-per-ip'),
        },
        // Counted, not blocked: a complaint may be long (the body rule stops at 8 KB) and may quote
        // HTML or script text (the pages escape everything they show), and the form must accept it.
        managed(3, 'AWSManagedRulesCommonRuleSet', ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY']),
        managed(4, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          name: 'uploads-per-ip',
          priority: 5,
          action: tooMany,
          statement: {
            rateBasedStatement: {
              limit: wafLimits.uploadsPerIp,
              evaluationWindowSec: wafLimits.evaluationWindowSec,
              aggregateKeyType: 'IP',
              // POST /api/uploads and the upload page without JavaScript (GET /lampiran): each mints a target.
              scopeDownStatement: { orStatement: { statements: ['/api/uploads', '/lampiran'].map((searchString) => ({ byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint: 'EXACTLY', searchString, textTransformations: [{ priority: 0, type: 'NONE' }] } })) } },
            },
          },
          visibilityConfig: visibility('uploads-per-ip'),
        },
      ],
    });

    // WAF's log group must be named aws-waf-logs-…; paths and query strings are redacted (task keys, reply keys).
    const logGroupName = `aws-waf-logs-${naming.prefix}`;
    const wafLogs = new logs.LogGroup(this, 'WafLogs', { logGroupName, retention: logs.RetentionDays.THREE_MONTHS });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [this.formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      redactedFields: [{ uriPath: {} }, { queryString: {} }],
      // Only what the rules blocked or counted: allowed requests are in the API's access logs.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }] }],
      },
    });
    logging.node.addDependency(wafLogs);

    const s = props.settings;
    if (s.domainName && !s.certificateArn && s.hostedZoneId && s.hostedZoneName) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: s.hostedZoneId, zoneName: s.hostedZoneName });
      this.certificate = new acm.Certificate(this, 'Certificate', { domainName: s.domainName, validation: acm.CertificateValidation.fromDns(zone) });
    }
  }
}

export interface PublicEndpointProps {
  settings: DeploymentSettings;
  httpApi: apigw.IHttpApi;
  webAclArn: string;
  /** The certificate made by the edge stack, when it made one. */
  certificate?: acm.ICertificate;
  /** The secret CloudFront sends in the origin header. */
  originSecret: ISecret;
}

/** In the main stack: the distribution, the DNS record, and the public URL the emails' links use. */
export class PublicEndpoint extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** The public base URL when it is known at synthesis (a custom domain). */
  readonly publicUrl?: string;
  /** Otherwise the SSM parameter (and its name) the functions read it from at run time. */
  readonly publicUrlParameter?: { parameter: ssm.StringParameter; name: string };

  constructor(scope: Construct, id: string, props: PublicEndpointProps) {
    super(scope, id);
    const naming = Naming.of(this);
    const stack = Stack.of(this);
    const s = props.settings;
    const certificate = s.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', s.certificateArn) : props.certificate;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${naming.prefix}: public pages and API`,
      defaultBehavior: {
        origin: new origins.HttpOrigin(`${props.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          // Resolved by CloudFormation at deployment (a dynamic reference): never in the template.
          customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret.secretValue.unsafeUnwrap() },
        }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // Every page is personal or changes with each step; the API says `no-store` on them.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // Everything the handlers read (headers, query, cookies) except Host, which must name the API.
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      domainNames: s.domainName ? [s.domainName] : undefined,
      certificate,
      // Only a custom certificate takes a policy; CloudFront's own name stays on its fixed TLSv1 policy.
      minimumProtocolVersion: certificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      // Edge locations in Asia (Jakarta among them) without the most expensive regions.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
    });

    if (s.domainName) {
      this.publicUrl = `https://${s.domainName}`;
      if (s.hostedZoneId && s.hostedZoneName) {
        const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: s.hostedZoneId, zoneName: s.hostedZoneName });
        const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
        new route53.ARecord(this, 'Alias', { zone, recordName: s.domainName, target });
        new route53.AaaaRecord(this, 'AliasV6', { zone, recordName: s.domainName, target });
      } else {
        new CfnOutput(this, 'DnsRecordToAdd', { value: `${s.domainName} CNAME ${this.distribution.distributionDomainName}`, description: 'Add this record at your DNS provider: the public domain points at CloudFront' });
      }
    } else {
      // No domain: the links use CloudFront's own name, known only once the distribution exists.
      const name = naming.path('public-url');
      const parameter = new ssm.StringParameter(this, 'PublicUrl', {
        parameterName: name,
        description: 'The public base URL of the service (the links in emails)',
        stringValue: Fn.join('', ['https://', this.distribution.distributionDomainName]),
      });
      this.publicUrlParameter = { parameter, name };
    }
    new CfnOutput(this, 'Url', { value: this.publicUrl ?? Fn.join('', ['https://', this.distribution.distributionDomainName]), description: 'The service: the form, the tracking pages, the API' });
  }
}

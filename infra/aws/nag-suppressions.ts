/**
 * cdk-nag findings accepted on purpose, each with its reason, acknowledged on the construct they are
 * about (CDK's Validations, cdk-nag v3). Everything else is fixed in the constructs;
 * test/infra/nag.test.ts runs the AwsSolutions and Serverless packs and fails on any finding left.
 */
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { TanggapFunction } from './constructs/tanggap-function';
import { Files } from './constructs/files';
import { Reports } from './constructs/reports';
import { Naming } from './naming';

const acknowledge = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

const XRAY = 'X-Ray (active tracing) has no resource-level permissions: xray:PutTraceSegments and PutTelemetryRecords only take "*".';
const RUNTIME = 'Pinned to nodejs22.x, the Node major the bundling target (node22), the tests and the local runtime are kept on; moved to the next major deliberately, with them, not by the latest-runtime default.';
const VERSIONS = (what: string) => `${what}: CDK grants invoke on the function and on its versions and aliases (<arn>:*); the state machines and schedules call the unqualified ARN of this one function only.`;

export function suppressAcceptedFindings(stack: Stack): void {
  const naming = Naming.of(stack);
  const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  for (const c of stack.node.findAll()) {
    if (c instanceof TanggapFunction) {
      acknowledge(c, 'AwsSolutions-IAM5[Resource::*]', XRAY);
      acknowledge(c, 'AwsSolutions-L1', RUNTIME);
      acknowledge(c, 'Serverless-LambdaLatestVersion', RUNTIME);
      if (c.access?.startsExecutions || c.access?.reviews === 'start') {
        for (const arn of executionArnsIn(stack, naming)) {
          acknowledge(c, `AwsSolutions-IAM5[Resource::${arn}]`, 'DescribeExecution on the executions of our own SOP machines (and reports\' review machines): an execution is named after its case id (or report period), unknown until it exists (sfn-workflow.ts looks up the execution a repeated start found).');
        }
      }
      const bucket = stack.node.findAll().find((x): x is Files => x instanceof Files)?.bucket;
      for (const prefix of new Set([...(c.access?.files?.read ?? []), ...(c.access?.files?.write ?? [])])) {
        if (bucket) acknowledge(c, `AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/${prefix}/*]`, `The objects under ${prefix}/ of the attachments bucket: their keys hold random upload ids or case ids, unknown until a file is uploaded or a case exists; no other prefix is granted.`);
      }
      if (!c.node.path.endsWith('/Report')) {
        acknowledge(c, 'Serverless-LambdaDLQ', 'Not invoked asynchronously with anything to keep: HTTP handlers and the authorizer answer synchronously, workflow handlers are retried and caught by their state machine, and the sweep is idempotent and runs again five minutes later (the cases it starts stay in the index until started). The report function, invoked asynchronously, has a dead-letter queue.');
      }
    }
    if (c instanceof sfn.StateMachine) {
      acknowledge(c, 'AwsSolutions-IAM5[Resource::*]', `${XRAY} The CloudWatch Logs delivery actions Step Functions needs (logs:CreateLogDelivery, …) take no resource either.`);
      acknowledge(c, 'AwsSolutions-SF1', 'Logs at ERROR level without execution data: ALL would log every state transition of cases that wait weeks, with the case input; the execution history (90 days) and the case events in the table already tell what happened.');
      for (const fn of stack.node.findAll().filter((x): x is TanggapFunction => x instanceof TanggapFunction && x.node.path.includes('/Workflow-'))) {
        acknowledge(c, `AwsSolutions-IAM5[Resource::<${logicalId(fn.fn)}.Arn>:*]`, VERSIONS('The workflow functions'));
      }
      if (c.node.path.includes('/ReportReviews/')) {
        for (const fn of stack.node.findAll().filter((x): x is TanggapFunction => x instanceof TanggapFunction && x.node.path.endsWith('/Report'))) {
          acknowledge(c, `AwsSolutions-IAM5[Resource::<${logicalId(fn.fn)}.Arn>:*]`, VERSIONS('The report function (a review chain\'s machine)'));
        }
      }
    }
    if (c instanceof Reports) {
      for (const fn of stack.node.findAll().filter((x): x is TanggapFunction => x instanceof TanggapFunction && x.node.path.endsWith('/Report'))) {
        acknowledge(c, `AwsSolutions-IAM5[Resource::<${logicalId(fn.fn)}.Arn>:*]`, VERSIONS('The report function'));
      }
    }
    if (c instanceof secretsmanager.Secret) {
      acknowledge(c, 'AwsSolutions-SMG4', c.node.id === 'OriginSecret'
        ? 'CloudFront receives this value at deployment (a dynamic reference in its origin header): an automatic rotation would make the API refuse CloudFront until the next deployment. Rotate by putting a new value and deploying.'
        : 'Rotating the CSRF key only invalidates the task pages open at that moment; it is rotated by putting a new value (the functions pick it up within five minutes), no rotation Lambda is worth that.');
    }
    if (c instanceof sqs.Queue && c.node.id === 'ReportDeadLetters') {
      acknowledge(c, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue (of the report schedules and the report function); an alarm watches its depth.');
      acknowledge(c, 'Serverless-SQSRedrivePolicy', 'This queue is the dead-letter queue itself; nothing consumes it but an operator.');
    }
    if (c instanceof sqs.Queue && c.node.id === 'EventDeadLetters') {
      acknowledge(c, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the SES events rule (bounces and complaints the mail-events function could not take); an alarm watches its depth.');
      acknowledge(c, 'Serverless-SQSRedrivePolicy', 'This queue is the dead-letter queue itself; nothing consumes it but an operator.');
    }
    if (c instanceof events.Rule && c.node.id === 'SweepSchedule') {
      acknowledge(c, 'Serverless-EventBusDLQ', 'The sweep runs every five minutes and is idempotent: a missed invocation is made up by the next one; the cases it starts stay in the index until they are started.');
    }
    if (c instanceof sns.Subscription) {
      acknowledge(c, 'Serverless-SNSRedrivePolicy', 'An alarm email SNS could not hand over is not lost information: the alarm\'s state and history stay in CloudWatch and on the dashboard; a dead-letter queue of notifications would have no reader.');
    }
    if (c instanceof s3.Bucket && c.node.scope instanceof Files) {
      acknowledge(c, 'AwsSolutions-S1', 'Server access logs would record every presigned URL in full (its signature is a capability for 15 minutes) and the addresses of the officials who open attachments, in a second bucket to guard. Objects are reached only through URLs the task function signs for a valid task link; the API access logs record those requests (route template, status).');
    }
    if (c instanceof cloudfront.Distribution) {
      acknowledge(c, 'AwsSolutions-CFR1', 'A public service of the regency: residents abroad, and officials travelling, must reach it; abuse is limited by the WAF rate rules and the IP reputation list, not by country.');
      acknowledge(c, 'AwsSolutions-CFR3', 'CloudFront access logs would record full paths and query strings, which carry task-link and reply keys. The WAF logs (blocked and counted requests, paths redacted) and the API access logs (route templates only) are kept instead.');
      acknowledge(c, 'AwsSolutions-CFR4', 'Only without a custom domain: the default *.cloudfront.net certificate lets CloudFront negotiate older TLS; with domainName the distribution requires TLSv1.2_2021.');
    }
  }
}

/** The execution ARNs as cdk-nag prints them (tokens as <…>). */
function executionArnsIn(stack: Stack, naming: Naming): string[] {
  const ids = [...new Set(stack.node.findAll().filter((x): x is sfn.StateMachine => x instanceof sfn.StateMachine).map((m) => m.node.id))];
  return ids.map((sopId) => `arn:<AWS::Partition>:states:${stack.region}:<AWS::AccountId>:execution:${naming.name(sopId)}:*`);
}

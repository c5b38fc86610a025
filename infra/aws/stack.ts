/** The Tanggap stack: composes one construct per concern; domain rules stay in shared/. */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { httpHandlers, mailEventsHandler, originVerifyHandler, reportHandler, sweepHandler, workflowHandlers, type HttpHandlerName, type WorkflowHandlerName } from '../../functions/routes';
import type { Sop } from '../../shared/sop/schema';
import { functionAccess, type FunctionName } from './access';
import { AlarmNotifications } from './constructs/alarm-notifications';
import { Api } from './constructs/api';
import { Data } from './constructs/data';
import { Files } from './constructs/files';
import { PublicEndpoint } from './constructs/edge';
import { Mail } from './constructs/mail';
import { Monitoring } from './constructs/monitoring';
import { OperationalAlarms } from './constructs/operations';
import { reportDeadLetters, Reports } from './constructs/reports';
import { reviewMachinesByName, ReportReviews } from './constructs/report-reviews';
import { TanggapFunction } from './constructs/tanggap-function';
import { stateMachinesByName, Workflows } from './constructs/workflows';
import { Naming } from './naming';
import type { DeploymentSettings } from './settings';

export interface TanggapStackProps extends StackProps {
  sops: readonly Sop[];
  settings: DeploymentSettings;
  naming: Naming;
  /** What the us-east-1 edge stack made: the web ACL, and the certificate when it made one. */
  edge: { webAclArn: string; webAclName: string; certificate?: ICertificate };
}

export class TanggapStack extends Stack {
  readonly functions: Record<FunctionName | 'origin-verify', TanggapFunction>;

  constructor(scope: Construct, id: string, props: TanggapStackProps) {
    super(scope, id, props);
    const naming = Naming.attach(this, props.naming);
    const { settings } = props;
    const { table } = new Data(this, 'Data', { keepGsi1: settings.keepGsi1 });
    const files = new Files(this, 'Files');
    // DKIM and MAIL FROM records go into the hosted zone when it is the mail domain's own; else they are outputs.
    const mailDomain = settings.mailFrom.split('@')[1];
    const hostedZone = settings.hostedZoneId && settings.hostedZoneName && settings.hostedZoneName === mailDomain
      ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'MailZone', { hostedZoneId: settings.hostedZoneId, zoneName: settings.hostedZoneName })
      : undefined;
    const mail = new Mail(this, 'Mail', { mailFrom: settings.mailFrom, hostedZone });
    new AlarmNotifications(this, 'Alarms', { emails: settings.alarmEmails });
    const linkSecretName = `${naming.prefix}/link-secret`;
    const linkSecret = new secretsmanager.Secret(this, 'LinkSecret', { secretName: linkSecretName, description: 'HMAC key of the task pages CSRF tokens', generateSecretString: { passwordLength: 48, excludePunctuation: true } });
    const originSecretName = `${naming.prefix}/origin-verify`;
    const originSecret = new secretsmanager.Secret(this, 'OriginSecret', { secretName: originSecretName, description: 'The header value CloudFront sends to the API; requests without it are refused', generateSecretString: { passwordLength: 48, excludePunctuation: true } });
    // The links' base: the custom domain, or (none given) CloudFront's own name, read at run time.
    const publicUrl = settings.domainName ? `https://${settings.domainName}` : undefined;
    const publicUrlParameterName = naming.path('public-url');

    const byName = stateMachinesByName(this, props.sops);
    const reviewsByName = reviewMachinesByName(this, props.sops);
    const made: Partial<Record<FunctionName | 'origin-verify', TanggapFunction>> = {};
    const make = (id: string, name: FunctionName, entry: string, description: string, timeout?: Duration, deadLetterQueue?: sqs.IQueue) => {
      const access = functionAccess[name];
      const f = new TanggapFunction(this, id, { entry, name, description, timeout, deadLetterQueue, readsParameters: !publicUrl || access.readsLinkSecret === true })
        .bindAccess(access, { table, machines: byName, reviewMachines: reviewsByName, mail: { mailFrom: settings.mailFrom, identityArn: mail.identityArn, configurationSetName: mail.configurationSetName } });
      if (access.files) f.bindFiles(files.bucket, access.files);
      if (access.readsLinkSecret) f.bindLinkSecret(linkSecret, linkSecretName);
      if (publicUrl) f.bindPublicUrl(publicUrl);
      else f.bindPublicUrlParameter(publicUrlParameterName);
      // The metrics' stage dimension, which the alarms of OperationalAlarms name.
      f.fn.addEnvironment('STAGE', settings.stage);
      made[name] = f;
      return f;
    };

    const workflow = Object.fromEntries(Object.entries(workflowHandlers).map(([name, entry]) => [name, make(`Workflow-${name}`, `workflow-${name}` as FunctionName, entry, `Workflow: ${name}`)])) as Record<WorkflowHandlerName, TanggapFunction>;
    const { machines } = new Workflows(this, 'Workflows', { sops: props.sops, functions: Object.fromEntries(Object.entries(workflow).map(([n, f]) => [n, f.fn])) as never });

    const http = Object.fromEntries(Object.entries(httpHandlers).map(([name, entry]) => [name, make(`Http-${name}`, `http-${name}` as FunctionName, entry, `HTTP: ${name}`)])) as Record<HttpHandlerName, TanggapFunction>;

    const deadLetters = reportDeadLetters(this);
    const report = make('Report', 'report', reportHandler, 'Scheduled recap reports', Duration.minutes(5), deadLetters);
    const sweep = make('Sweep', 'sweep', sweepHandler, 'Starts complaints stored while Step Functions was unreachable; delivers stored decisions; resumes parked cases', Duration.minutes(2));
    // SES's bounces and complaints: recorded on the case and the person, the admin told of an official's.
    const mailEvents = make('MailEvents', 'mail-events', mailEventsHandler, 'SES bounces and complaints: record, suppress, tell the admin');
    mail.routeEventsTo(mailEvents.fn);
    new events.Rule(this, 'SweepSchedule', { ruleName: naming.name('sweep'), schedule: events.Schedule.rate(Duration.minutes(5)), targets: [new targets.LambdaFunction(sweep.fn)] });
    const reports = new Reports(this, 'Reports', { sops: props.sops, timeZone: settings.timeZone, reportFunction: report.fn, deadLetters });
    const reviews = new ReportReviews(this, 'ReportReviews', { sops: props.sops, reportFunction: report.fn });

    const originVerify = new TanggapFunction(this, 'OriginVerify', { entry: originVerifyHandler, name: 'origin-verify', description: 'API authorizer: admits only requests that came through CloudFront', timeout: Duration.seconds(5), readsParameters: true });
    originVerify.fn.addEnvironment('ORIGIN_SECRET_PARAMETER', `/aws/reference/secretsmanager/${originSecretName}`);
    originVerify.allowSecretReference(originSecret, originSecretName);
    made['origin-verify'] = originVerify;
    this.functions = made as Record<FunctionName | 'origin-verify', TanggapFunction>;

    const api = new Api(this, 'Api', { functions: Object.fromEntries(Object.entries(http).map(([n, f]) => [n, f.fn])) as never, originVerifier: originVerify.fn });
    const endpoint = new PublicEndpoint(this, 'Public', { settings, httpApi: api.httpApi, webAclArn: props.edge.webAclArn, certificate: props.edge.certificate, originSecret });
    files.allowUploadsFrom(publicUrl ?? `https://${endpoint.distribution.distributionDomainName}`);

    new Monitoring(this, 'Monitoring', {
      machines: { ...machines, ...reviews.machines },
      functions: Object.fromEntries(Object.entries(made).map(([name, f]) => [name, f.fn])),
      deadLetters: reports.deadLetters,
      httpApi: api.httpApi,
      table,
      webAclName: props.edge.webAclName,
    });
    new OperationalAlarms(this, 'Operations', { stage: settings.stage });
  }
}

/** The Tanggap stack: composes one construct per concern; domain rules stay in shared/. */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { httpHandlers, mailEventsHandler, reportHandler, sweepHandler, workflowHandlers, type HttpHandlerName, type WorkflowHandlerName } from '../../functions/routes';
import type { OfficeCalendarConfig } from '../../shared/calendar/config';
import type { Sop } from '../../shared/sop/schema';
import { Api } from './constructs/api';
import { Data } from './constructs/data';
import { Mail } from './constructs/mail';
import { Monitoring } from './constructs/monitoring';
import { OperationalAlarms } from './constructs/operations';
import { Reports } from './constructs/reports';
import { TanggapFunction } from './constructs/tanggap-function';
import { stateMachinesByName, Workflows } from './constructs/workflows';
import { tableName } from './names';

export interface TanggapStackProps extends StackProps {
  /** `-c stage=<name>`: prefixes physical names (infra/aws/names.ts); the `stage` dimension of the functions' metrics and their alarms. */
  stage: string;
  /**
   * The sender of every email (`-c mailFrom=…`): its domain becomes the SES identity. The directory
   * of officials is not infrastructure: it is imported into the table (`npm run directory`).
   */
  mailFrom: string;
  /** The regency's time zone, for the report schedules (`-c timeZone=…`, Asia/Jakarta by default). */
  timeZone: OfficeCalendarConfig['timeZone'];
  sops: readonly Sop[];
  /** The public base URL of the service (its custom domain), for links in emails. */
  publicUrl: string;
  /** The Route 53 public hosted zone of the mail domain: DKIM and MAIL FROM records are created there (else output). */
  hostedZone?: { hostedZoneId: string; zoneName: string };
}

export class TanggapStack extends Stack {
  constructor(scope: Construct, id: string, props: TanggapStackProps) {
    super(scope, id, props);
    const { table } = new Data(this, 'Data', { tableName: tableName(props.stage) });
    const stage = props.stage;
    const hostedZone = props.hostedZone && route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'MailZone', props.hostedZone);
    const mail = new Mail(this, 'Mail', { mailFrom: props.mailFrom, hostedZone });
    const linkSecret = new secretsmanager.Secret(this, 'LinkSecret', { description: 'HMAC key of the task pages CSRF tokens', generateSecretString: { passwordLength: 48, excludePunctuation: true } });

    const byName = stateMachinesByName(this, props.sops);
    const make = (name: string, entry: string, description: string, timeout?: Duration) => {
      const made = new TanggapFunction(this, name, { entry, description, timeout })
        .nameStateMachines(byName)
        .bindTable(table)
        .bindMail(props.mailFrom, mail.identityArn, mail.configurationSetName)
        .bindPublicUrl(props.publicUrl)
        .bindLinkSecret(linkSecret);
      // The metrics' stage dimension, which the alarms of OperationalAlarms name.
      made.fn.addEnvironment('STAGE', stage);
      return made;
    };

    const workflow = Object.fromEntries(Object.entries(workflowHandlers).map(([name, entry]) => [name, make(`Workflow-${name}`, entry, `Workflow: ${name}`)])) as Record<WorkflowHandlerName, TanggapFunction>;
    // Continue-as-new: the outcome function starts the successor execution of a case.
    workflow.outcome.bindStateMachines(byName);
    const { machines } = new Workflows(this, 'Workflows', { sops: props.sops, functions: Object.fromEntries(Object.entries(workflow).map(([n, f]) => [n, f.fn])) as never });

    const http = Object.fromEntries(Object.entries(httpHandlers).map(([name, entry]) => [name, make(`Http-${name}`, entry, `HTTP: ${name}`)])) as Record<HttpHandlerName, TanggapFunction>;
    http.intake.bindStateMachines(byName);
    http.task.bindTaskCallbacks(Object.values(machines));
    http.feedback.bindTaskCallbacks(Object.values(machines));

    const report = make('Report', reportHandler, 'Scheduled recap reports', Duration.minutes(5));
    const sweep = make('Sweep', sweepHandler, 'Starts complaints stored while Step Functions was unreachable; delivers stored decisions that never reached their execution', Duration.minutes(2))
      // bindTaskCallbacks: stored decisions, and an operator resuming a parked case ({"resume": "<trackingId>"}).
      .bindStateMachines(byName).bindTaskCallbacks(Object.values(byName));
    // SES's bounces and complaints: recorded on the case and the person, the admin told of an official's.
    const mailEvents = make('MailEvents', mailEventsHandler, 'SES bounces and complaints: record, suppress, tell the admin');
    mail.routeEventsTo(mailEvents.fn);
    new events.Rule(this, 'SweepSchedule', { schedule: events.Schedule.rate(Duration.minutes(5)), targets: [new targets.LambdaFunction(sweep.fn)] });
    const reports = new Reports(this, 'Reports', { sops: props.sops, timeZone: props.timeZone, reportFunction: report.fn });

    new Api(this, 'Api', { functions: Object.fromEntries(Object.entries(http).map(([n, f]) => [n, f.fn])) as never });
    new Monitoring(this, 'Monitoring', {
      machines,
      functions: Object.fromEntries([
        ...Object.entries(http).map(([n, f]) => [`http-${n}`, f.fn]),
        ...Object.entries(workflow).map(([n, f]) => [`workflow-${n}`, f.fn]),
        ['report', report.fn],
        ['sweep', sweep.fn],
        ['mail-events', mailEvents.fn],
      ]),
      deadLetters: reports.deadLetters,
    });
    new OperationalAlarms(this, 'Operations', { stage });
  }
}

/**
 * Mail that arrives: the SES sending identity of the directory's mail domain, signed with Easy DKIM,
 * with a custom MAIL FROM domain (SPF aligned with the sender, bounces to SES's feedback host); its
 * DNS records created in the Route 53 hosted zone when one is given, otherwise output to add by hand
 * at the domain's DNS provider. A configuration set (the identity's default) watches reputation and
 * publishes bounces, complaints, rejections and delivery delays to EventBridge, where a rule hands
 * them to the mail-events function (shared/usecases/mail-events.ts); what that function cannot take
 * is kept in a dead-letter queue. Alarms on the bounce and complaint rates warn well before SES's own
 * review thresholds (5 % and 0.1 %).
 *
 * Why EventBridge rather than an SNS topic: the rule filters on the configuration set (two stages in
 * one account share the default bus but not their events), retries and dead-letters are the
 * target's settings, and there is no topic to secure (policy, encryption, TLS-only) for mail events.
 */
import { CfnOutput, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Naming } from '../naming';

export interface MailProps {
  mailFrom: string;
  /** The public hosted zone of the mail domain: DKIM and MAIL FROM records are created in it. */
  hostedZone?: route53.IPublicHostedZone;
  /** The MAIL FROM subdomain of the mail domain (`bounce` → `bounce.<domain>`). */
  mailFromSubdomain?: string;
}

/** Thresholds of the reputation alarms: well below SES's review thresholds (bounce 5 %, complaint 0.1 %). */
export const REPUTATION_ALARMS = { bounceRate: 0.02, complaintRate: 0.0005 } as const;

/** The SES events the mail-events function handles (the configuration set publishes only these). */
const HANDLED_EVENTS = [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT, ses.EmailSendingEvent.DELIVERY_DELAY];

export class Mail extends Construct {
  readonly identityArn: string;
  readonly configurationSetName: string;
  /** SES events the mail-events function could not take, after EventBridge's retries. */
  readonly deadLetters: sqs.Queue;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly set: ses.ConfigurationSet;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const domain = props.mailFrom.split('@')[1]!;
    const mailFromDomain = `${props.mailFromSubdomain ?? 'bounce'}.${domain}`;
    this.set = new ses.ConfigurationSet(this, 'Set', { configurationSetName: Naming.of(this).prefix, reputationMetrics: true, sendingEnabled: true });
    const identity = new ses.EmailIdentity(this, 'Identity', {
      identity: props.hostedZone ? ses.Identity.publicHostedZone(props.hostedZone) : ses.Identity.domain(domain),
      configurationSet: this.set,
      dkimSigning: true,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain,
      // A MAIL FROM whose MX is missing would have SES send from amazonses.com instead: SPF no longer aligned, but the mail goes.
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });
    this.configurationSetName = this.set.configurationSetName;
    this.identityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: domain });

    if (!props.hostedZone) {
      // No hosted zone: the records to add by hand, one output per record (name and value).
      identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, { description: `DKIM: CNAME record ${i + 1} of 3 to add at the DNS of ${domain}`, value: Fn.join(' ', ['CNAME', record.name, record.value]) });
      });
      new CfnOutput(this, 'MailFromMx', { description: `MAIL FROM: MX record of ${mailFromDomain}`, value: Fn.join('', ['MX ', mailFromDomain, ' 10 feedback-smtp.', Stack.of(this).region, '.amazonses.com']) });
      new CfnOutput(this, 'MailFromSpf', { description: `MAIL FROM: SPF (TXT) record of ${mailFromDomain}`, value: `TXT ${mailFromDomain} "v=spf1 include:amazonses.com ~all"` });
    }
    // SES does not publish DMARC: the regency adds it (README "Deploy to AWS"), starting with reports only.
    new CfnOutput(this, 'DmarcRecord', {
      description: `DMARC: TXT record to add at _dmarc.${domain} (start with p=none and the regency's report address; move to quarantine once the reports show only SES)`,
      value: `TXT _dmarc.${domain} "v=DMARC1; p=none; rua=mailto:dmarc@${domain}; adkim=s; aspf=r"`,
    });

    this.deadLetters = new sqs.Queue(this, 'EventDeadLetters', { queueName: Naming.of(this).name('mail-events-dlq'), retentionPeriod: Duration.days(14), enforceSSL: true });
    // The account's reputation, which SES reviews (no dimension: the account-wide rate).
    const rate = (metricName: string) => new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    this.alarms.push(
      new cloudwatch.Alarm(this, 'BounceRate', {
        alarmName: Naming.of(this).name('ses-bounce-rate'),
        alarmDescription: `SES bounce rate above ${REPUTATION_ALARMS.bounceRate * 100} % (SES reviews the account at 5 %): look at the mail_bounced events and the directory's addresses.`,
        metric: rate('Reputation.BounceRate'), threshold: REPUTATION_ALARMS.bounceRate, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ComplaintRate', {
        alarmName: Naming.of(this).name('ses-complaint-rate'),
        alarmDescription: `SES complaint rate above ${REPUTATION_ALARMS.complaintRate * 100} % (SES reviews the account at 0.1 %): look at the mail_complained events.`,
        metric: rate('Reputation.ComplaintRate'), threshold: REPUTATION_ALARMS.complaintRate, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'EventDeadLettersVisible', {
        alarmName: Naming.of(this).name('mail-events-dlq'),
        alarmDescription: 'SES events the mail-events function could not handle: a bounce or complaint not recorded.',
        metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }), threshold: 1, evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Publishes the configuration set's bounces, complaints, rejections and delays to the default
   * event bus, and routes this set's (not another stage's) to `handler`, with retries and a DLQ.
   */
  routeEventsTo(handler: IFunction): void {
    const bus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.set.addEventDestination('ToEventBridge', { destination: ses.EventDestination.eventBus(bus), events: HANDLED_EVENTS });
    new events.Rule(this, 'EventsRule', {
      ruleName: Naming.of(this).name('mail-events'),
      description: 'SES bounces, complaints, rejections and delays of this stage\'s configuration set → mail-events function',
      eventPattern: {
        source: ['aws.ses'],
        detail: { eventType: ['Bounce', 'Complaint', 'Reject', 'DeliveryDelay'], mail: { tags: { 'ses:configuration-set': [this.configurationSetName] } } },
      },
      targets: [new targets.LambdaFunction(handler, { deadLetterQueue: this.deadLetters, retryAttempts: 8, maxEventAge: Duration.hours(24) })],
    });
  }
}

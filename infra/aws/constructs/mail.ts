/** The SES sending identity (the directory's mail domain) and a configuration set for bounce metrics. */
import { Stack } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { Naming } from '../naming';

export class Mail extends Construct {
  readonly identityArn: string;
  readonly configurationSetName: string;

  constructor(scope: Construct, id: string, props: { mailFrom: string }) {
    super(scope, id);
    const domain = props.mailFrom.split('@')[1]!;
    const set = new ses.ConfigurationSet(this, 'Set', { configurationSetName: Naming.of(this).prefix, reputationMetrics: true, sendingEnabled: true });
    new ses.EmailIdentity(this, 'Identity', { identity: ses.Identity.domain(domain), configurationSet: set });
    this.configurationSetName = set.configurationSetName;
    this.identityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: domain });
  }
}

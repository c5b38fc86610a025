/**
 * One SNS topic for every alarm of the stack, with an email subscription per address of
 * `alarmEmails` (each address confirms once, from the email SNS sends). An Aspect gives every alarm
 * of the stack the topic as its alarm and OK action, whichever construct made the alarm and when:
 * an alarm added later (mail, metrics) reaches the same people without being wired by hand.
 */
import { Aspects, Stack, type IAspect } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';
import { Naming } from '../naming';

export class AlarmNotifications extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: { emails: readonly string[] }) {
    super(scope, id);
    const naming = Naming.of(this);
    this.topic = new sns.Topic(this, 'Topic', { topicName: naming.name('alarms'), displayName: `Tanggap ${naming.stage}: alarms`, enforceSSL: true });
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    Aspects.of(Stack.of(this)).add(new NotifyOnEveryAlarm(this.topic));
  }
}

/** Adds the topic to every alarm's alarm and OK actions (L2 alarms, composite alarms, and bare CfnAlarms). */
export class NotifyOnEveryAlarm implements IAspect {
  private readonly done = new WeakSet<IConstruct>();

  constructor(private readonly topic: sns.ITopic) {}

  visit(node: IConstruct): void {
    if (this.done.has(node)) return;
    if (node instanceof cloudwatch.AlarmBase) {
      this.done.add(node);
      const action = new SnsAction(this.topic);
      node.addAlarmAction(action);
      node.addOkAction(action);
      if (node.node.defaultChild) this.done.add(node.node.defaultChild);
      return;
    }
    if (node instanceof cloudwatch.CfnAlarm && !(node.node.scope instanceof cloudwatch.AlarmBase)) {
      this.done.add(node);
      // A bare CfnAlarm with a literal list (or none): extend it. A token list cannot be extended safely.
      const extend = (list: unknown): string[] => {
        if (list === undefined) return [this.topic.topicArn];
        if (!Array.isArray(list)) throw new Error(`Alarm ${node.node.path}: its actions are a token; give it the alarm topic explicitly`);
        return list.includes(this.topic.topicArn) ? list : [...list, this.topic.topicArn];
      };
      node.alarmActions = extend(node.alarmActions);
      node.okActions = extend(node.okActions);
    }
  }
}

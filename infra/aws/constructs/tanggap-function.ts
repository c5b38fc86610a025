/**
 * One Lambda construct for every handler, with `bind*` helpers that grant IAM and set the
 * environment variable the handler's configuration reads, in one call, so the two never drift.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lambdaBundling, lambdaEnvironment } from './bundling';

export const REPO_ROOT = join(__dirname, '../../..');

export interface TanggapFunctionProps {
  /** Repository-relative entry file, from functions/routes.ts. */
  entry: string;
  description: string;
  timeout?: Duration;
}

export class TanggapFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: TanggapFunctionProps) {
    super(scope, id);
    const entry = join(REPO_ROOT, props.entry);
    if (!existsSync(entry)) throw new Error(`Handler entry ${props.entry} does not exist (see functions/routes.ts)`);
    this.fn = new NodejsFunction(this, 'Fn', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(20),
      tracing: Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.SIX_MONTHS }),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: lambdaBundling,
      environment: { ...lambdaEnvironment },
    });
  }

  /** TABLE_NAME + read/write on the table and its indexes. */
  bindTable(table: ITable): this {
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    table.grantReadWriteData(this.fn);
    return this;
  }

  /** STATE_MACHINES (SOP id → ARN), which every handler's configuration reads; no right on them. */
  nameStateMachines(machines: Record<string, IStateMachine>): this {
    this.fn.addEnvironment('STATE_MACHINES', JSON.stringify(Object.fromEntries(Object.entries(machines).map(([id, m]) => [id, m.stateMachineArn]))));
    return this;
  }

  /** STATE_MACHINES (SOP id → ARN) + StartExecution on them. */
  bindStateMachines(machines: Record<string, IStateMachine>): this {
    this.nameStateMachines(machines);
    for (const m of Object.values(machines)) m.grantStartExecution(this.fn);
    return this;
  }

  /** Callback rights (SendTaskSuccess/Failure/Heartbeat) on the state machines. */
  bindTaskCallbacks(machines: IStateMachine[]): this {
    for (const m of machines) m.grantTaskResponse(this.fn);
    return this;
  }

  /** MAIL_FROM + sending from that identity. */
  bindMail(mailFrom: string, identityArn: string, configurationSet: string): this {
    this.fn.addEnvironment('MAIL_FROM', mailFrom);
    this.fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [identityArn, `arn:aws:ses:*:*:configuration-set/${configurationSet}`],
    }));
    return this;
  }

  /** LINK_SECRET (the HMAC key of CSRF tokens), resolved from Secrets Manager at deployment. */
  bindLinkSecret(secret: ISecret): this {
    this.fn.addEnvironment('LINK_SECRET', secret.secretValue.unsafeUnwrap());
    return this;
  }

  /** PUBLIC_URL: the base of the links in emails. */
  bindPublicUrl(url: string): this {
    this.fn.addEnvironment('PUBLIC_URL', url);
    return this;
  }
}

/**
 * One Lambda construct for every handler, with `bind*` helpers that grant IAM and set the
 * environment variable the handler's configuration reads, in one call, so the two never drift.
 * Grants follow the function's entry in infra/aws/access.ts: exactly the calls its handler makes.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, ParamsAndSecretsLayerVersion, ParamsAndSecretsLogLevel, ParamsAndSecretsVersions, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionAccess } from '../access';
import { Naming } from '../naming';
import { stateMachineNameOf } from './state-machine-names';
import { lambdaBundling, lambdaEnvironment } from './bundling';

export const REPO_ROOT = join(__dirname, '../../..');

/**
 * Every function's size and processor, in one place: the cost bench (test/bench/cost.ts) prices its
 * Lambda line with these. Graviton (arm64) costs a fifth less per GB-second than x86 at the same memory.
 */
export const FUNCTION_MEMORY_MB = 512;
export const FUNCTION_ARCHITECTURE = Architecture.ARM_64;

export interface TanggapFunctionProps {
  /** Repository-relative entry file, from functions/routes.ts. */
  entry: string;
  /** The function's short name (`http-intake`); its physical name is `tanggap-<stage>-<name>`. */
  name: string;
  description: string;
  timeout?: Duration;
  /** Where an asynchronous invocation that still fails after Lambda's retries is kept (scheduled functions). */
  deadLetterQueue?: IQueue;
  /**
   * The handler reads SSM parameters or secrets at run time (bindPublicUrlParameter, bindLinkSecret,
   * allowSecretReference): the function gets the Parameters and Secrets extension's layer.
   */
  readsParameters?: boolean;
}

/**
 * The AWS Parameters and Secrets Lambda Extension, which functions/adapters/parameters.ts calls on
 * localhost instead of carrying an SSM client. It caches for 300 s as the handler does (a rotated
 * secret is seen within that), and gives up on SSM or Secrets Manager after 2 s, within the handler's
 * own 3 s wait. It calls them with the function's role: the grants below are unchanged by it.
 */
export const parametersExtension = () => ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
  cacheEnabled: true,
  cacheSize: 10,
  parameterStoreTtl: Duration.seconds(300),
  secretsManagerTtl: Duration.seconds(300),
  parameterStoreTimeout: Duration.seconds(2),
  secretsManagerTimeout: Duration.seconds(2),
  logLevel: ParamsAndSecretsLogLevel.WARN,
});

/** The SES identity and configuration set the functions send through. */
export interface MailBinding {
  mailFrom: string;
  identityArn: string;
  configurationSetName: string;
}

/**
 * The name under which SSM's GetParameter returns a Secrets Manager secret: the functions read
 * secrets through the Parameters and Secrets extension's SSM endpoint, so that one call serves both.
 */
export const secretReference = (secretName: string) => `/aws/reference/secretsmanager/${secretName}`;

export class TanggapFunction extends Construct {
  readonly fn: NodejsFunction;
  /** What bindAccess granted (undefined for a function bound otherwise, such as the authorizer). */
  access?: FunctionAccess;

  constructor(scope: Construct, id: string, props: TanggapFunctionProps) {
    super(scope, id);
    const entry = join(REPO_ROOT, props.entry);
    if (!existsSync(entry)) throw new Error(`Handler entry ${props.entry} does not exist (see functions/routes.ts)`);
    const functionName = Naming.of(this).name(props.name);
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: `/aws/lambda/${functionName}`, retention: logs.RetentionDays.SIX_MONTHS });
    // Its own role instead of AWSLambdaBasicExecutionRole: logs go to its own group only.
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `${functionName}: exactly what its handler calls (infra/aws/access.ts)` });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.fn = new NodejsFunction(this, 'Fn', {
      functionName,
      role,
      deadLetterQueue: props.deadLetterQueue,
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(20),
      tracing: Tracing.ACTIVE,
      // Our logger writes JSON lines already (functions/adapters/logger.ts); JSON format lets Lambda add its own fields beside them.
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: lambdaBundling,
      environment: { ...lambdaEnvironment },
      paramsAndSecrets: props.readsParameters ? parametersExtension() : undefined,
    });
    this.readsParameters = props.readsParameters === true;
  }

  private readonly readsParameters: boolean;

  /** A parameter binding on a function built without the extension would fail only at run time: say it at synthesis. */
  private requireParametersExtension(what: string): void {
    if (!this.readsParameters) throw new Error(`${this.node.path}: ${what} needs the Parameters and Secrets extension; construct it with readsParameters: true`);
  }

  /**
   * Everything the configuration reads (TABLE_NAME, STATE_MACHINES, MAIL_FROM) and, from `access`,
   * only the rights this function uses: item actions and queries on the table and the named
   * indexes, sending mail, starting executions, answering task tokens.
   */
  bindAccess(access: FunctionAccess, to: { table: ITable; machines: Record<string, IStateMachine>; reviewMachines?: Record<string, IStateMachine>; mail: MailBinding }): this {
    this.access = access;
    this.bindTable(to.table, access);
    this.nameStateMachines(to.machines);
    if (access.startsExecutions) this.bindStateMachines(to.machines);
    if (access.taskCallbacks?.length) this.bindTaskCallbacks(Object.values(to.machines), access.taskCallbacks);
    const reviews = Object.values(to.reviewMachines ?? {});
    if (access.reviews === 'start' && reviews.length) {
      // The report function starts only the review machines, and answers their tokens (a turn re-entered after its decision).
      this.bindStateMachines(to.reviewMachines!);
      this.bindTaskCallbacks(reviews);
      // STATE_MACHINES names the SOPs' machines too, as every function's configuration does (no right on those).
      this.nameStateMachines({ ...to.machines, ...to.reviewMachines });
    }
    if (access.reviews === 'callback' && reviews.length) this.bindTaskCallbacks(reviews);
    this.bindMail(to.mail, access.mail ?? []);
    return this;
  }

  /** FILES_BUCKET + the object actions of `files` on its prefixes (and ListBucket when asked). */
  bindFiles(bucket: IBucket, files: NonNullable<FunctionAccess['files']>): this {
    this.fn.addEnvironment('FILES_BUCKET', bucket.bucketName);
    if (files.read?.length) this.allow(['s3:GetObject'], files.read.map((p) => bucket.arnForObjects(`${p}/*`)));
    if (files.write?.length) this.allow(['s3:PutObject'], files.write.map((p) => bucket.arnForObjects(`${p}/*`)));
    if (files.list) this.allow(['s3:ListBucket'], [bucket.bucketArn]);
    return this;
  }

  /** TABLE_NAME + the item actions and queries of `access` on the table and its indexes. */
  bindTable(table: ITable, access: Pick<FunctionAccess, 'items' | 'queryTable' | 'queryIndexes'>): this {
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    const actions = access.items.map((a) => `dynamodb:${a}`);
    if (actions.length) this.allow(actions, [table.tableArn]);
    if (access.queryTable) this.allow(['dynamodb:Query'], [table.tableArn]);
    if (access.queryIndexes?.length) this.allow(['dynamodb:Query'], access.queryIndexes.map((i) => `${table.tableArn}/index/${i}`));
    return this;
  }

  /** STATE_MACHINES (SOP id → ARN), which every handler's configuration reads; no right on them. */
  nameStateMachines(machines: Record<string, IStateMachine>): this {
    this.fn.addEnvironment('STATE_MACHINES', JSON.stringify(Object.fromEntries(Object.entries(machines).map(([id, m]) => [id, m.stateMachineArn]))));
    return this;
  }

  /**
   * STATE_MACHINES + StartExecution on them, and DescribeExecution on their executions: a start
   * refused as ExecutionAlreadyExists (the case's execution ended) is looked up (sfn-workflow.ts).
   */
  bindStateMachines(machines: Record<string, IStateMachine>): this {
    this.nameStateMachines(machines);
    const stack = Stack.of(this);
    const list = Object.values(machines);
    this.allow(['states:StartExecution'], list.map((m) => m.stateMachineArn));
    this.allow(['states:DescribeExecution'], list.map((m) => stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachineNameOf(m)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })));
    return this;
  }

  /** Callback rights (by default only SendTaskSuccess: no handler fails or heartbeats a task) on the state machines. */
  bindTaskCallbacks(machines: IStateMachine[], actions: NonNullable<FunctionAccess['taskCallbacks']> = ['SendTaskSuccess']): this {
    this.allow(actions.map((a) => `states:${a}`), machines.map((m) => m.stateMachineArn));
    return this;
  }

  /** MAIL_FROM + sending (the given SES actions) from that identity through its configuration set. */
  bindMail(mail: MailBinding, actions: NonNullable<FunctionAccess['mail']> = ['SendEmail', 'SendRawEmail']): this {
    this.fn.addEnvironment('MAIL_FROM', mail.mailFrom);
    if (actions.length) {
      const configurationSetArn = Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: mail.configurationSetName });
      this.allow(actions.map((a) => `ses:${a}`), [mail.identityArn, configurationSetArn]);
    }
    return this;
  }

  /**
   * LINK_SECRET_PARAMETER: the HMAC key of CSRF tokens, read at run time (the Parameters and Secrets
   * extension, cached) through SSM's reference to the Secrets Manager secret; never in the environment.
   */
  bindLinkSecret(secret: ISecret, secretName: string): this {
    this.requireParametersExtension('bindLinkSecret');
    this.fn.addEnvironment('LINK_SECRET_PARAMETER', secretReference(secretName));
    this.allowSecretReference(secret, secretName);
    return this;
  }

  /** PUBLIC_URL: the base of the links in emails, when it is known at synthesis (a custom domain). */
  bindPublicUrl(url: string): this {
    this.fn.addEnvironment('PUBLIC_URL', url);
    return this;
  }

  /**
   * PUBLIC_URL_PARAMETER: the base of the links, read at run time from an SSM parameter, when it is
   * the CloudFront distribution's own domain: the distribution stands in front of the API that
   * calls these functions, so its domain in their environment would be a dependency cycle.
   */
  bindPublicUrlParameter(parameterName: string): this {
    this.requireParametersExtension('bindPublicUrlParameter');
    this.fn.addEnvironment('PUBLIC_URL_PARAMETER', parameterName);
    // The ARN from the name, not from the parameter resource: the parameter follows the distribution,
    // which follows the API, whose routes follow these functions.
    this.allow(['ssm:GetParameter'], [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.slice(1) })]);
    return this;
  }

  /** GetParameter on SSM's reference to a secret, and GetSecretValue on the secret behind it. */
  allowSecretReference(secret: ISecret, secretName: string): this {
    this.requireParametersExtension('allowSecretReference');
    const stack = Stack.of(this);
    this.allow(['ssm:GetParameter'], [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: secretReference(secretName).slice(1) })]);
    this.allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
    return this;
  }

  private allow(actions: string[], resources: string[]): void {
    this.fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
  }
}

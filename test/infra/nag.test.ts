/**
 * cdk-nag's AwsSolutions and Serverless packs over both stacks, with and without a custom domain:
 * zero findings left unacknowledged. Each accepted finding is acknowledged with its reason in
 * infra/aws/nag-suppressions.ts; everything else is fixed in the constructs.
 */
import { App, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildTanggap } from '../../infra/aws/build';
import { settingsOrThrow } from '../../infra/aws/settings';
import { demoDirectory } from '../../shared/directory';
import { sops } from '../../shared/sops';

/** Synthesises with both packs; returns the validation report's text when synthesis fails on findings. */
function nag(context: Record<string, unknown>, extra?: (app: App) => void): string | undefined {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...context } });
  const settings = settingsOrThrow((key) => app.node.tryGetContext(key), { mailFrom: demoDirectory.regency.mailFrom });
  buildTanggap(app, settings, { sops });
  extra?.(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  try {
    app.synth();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

test('no unacknowledged finding without a custom domain (CloudFront\'s own name, the public URL parameter)', () => {
  expect(nag({ stage: 'nag' })).toBeUndefined();
});

test('no unacknowledged finding with a domain, its hosted zone and the certificate the edge stack makes', () => {
  expect(nag({ stage: 'nagz', domainName: 'pengaduan.muba.go.id', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'muba.go.id', alarmEmails: 'ops@muba.go.id' })).toBeUndefined();
});

test('the packs do run: an unencrypted queue without TLS enforcement added to the stack is reported', () => {
  const report = nag({ stage: 'nagbad' }, (app) => {
    new sqs.Queue(app.node.findChild('Tanggap-nagbad'), 'Careless', { queueName: 'tanggap-nagbad-careless', encryption: sqs.QueueEncryption.UNENCRYPTED });
  });
  expect(report).toContain('AwsSolutions-SQS4');
  expect(report).toContain('Careless');
});

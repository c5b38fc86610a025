/**
 * Synthesises a deployment for the infra tests, without bundling (the entries are checked; esbuild
 * runs in `npm run synth`), so that a test file can afford its one synthesis. Template.fromStack also
 * refuses a template with a dependency cycle.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildTanggap, type TanggapDeployment } from '../../infra/aws/build';
import { settingsOrThrow, type DeploymentSettings } from '../../infra/aws/settings';
import { demoDirectory } from '../../shared/directory';
import { sops } from '../../shared/sops';

export interface Synthesised extends TanggapDeployment {
  app: App;
  settings: DeploymentSettings;
  template: Template;
  edgeTemplate: Template;
}

export function synthesise(context: Record<string, unknown> = {}, opts: { beforeSynth?: (app: App) => void } = {}): Synthesised {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...context } });
  const settings = settingsOrThrow((key) => app.node.tryGetContext(key), { stage: 'test', mailFrom: demoDirectory.regency.mailFrom });
  const deployment = buildTanggap(app, settings, { sops });
  opts.beforeSynth?.(app);
  return { app, settings, ...deployment, template: Template.fromStack(deployment.main), edgeTemplate: Template.fromStack(deployment.edge) };
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** The resources of a template, by logical id. */
export const resourcesOf = (template: Template) => (template.toJSON() as { Resources: Record<string, Resource> }).Resources;

/**
 * The deployment of one stage: the edge stack in us-east-1 (web ACL, certificate) and the main
 * stack in the regency's region, named after the stage, tagged, with the cdk-nag findings that are
 * accepted on purpose suppressed (each with its reason, in nag-suppressions.ts).
 */
import { Tags, type App } from 'aws-cdk-lib';
import type { Sop } from '../../shared/sop/schema';
import { EdgeStack } from './constructs/edge';
import { Naming } from './naming';
import { suppressAcceptedFindings } from './nag-suppressions';
import { EDGE_REGION, type DeploymentSettings } from './settings';
import { TanggapStack } from './stack';

export interface TanggapDeployment {
  naming: Naming;
  edge: EdgeStack;
  main: TanggapStack;
}

export function buildTanggap(app: App, settings: DeploymentSettings, content: { sops: readonly Sop[] }): TanggapDeployment {
  const naming = new Naming(settings.stage);
  // The account: as given, else the CLI's (CDK_DEFAULT_ACCOUNT); unknown offline, which synthesis allows.
  const account = settings.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const edge = new EdgeStack(app, `TanggapEdge-${settings.stage}`, {
    env: { account, region: EDGE_REGION },
    crossRegionReferences: true,
    naming,
    settings,
    description: `Tanggap ${settings.stage}: CloudFront web ACL and certificate (us-east-1)`,
  });
  const main = new TanggapStack(app, `Tanggap-${settings.stage}`, {
    env: { account, region: settings.region },
    crossRegionReferences: true,
    naming,
    settings,
    ...content,
    edge: { webAclArn: edge.webAcl.attrArn, webAclName: edge.webAclName, certificate: edge.certificate },
    description: `Tanggap ${settings.stage}: public complaints handled by each agency SOP`,
  });
  for (const stack of [edge, main]) {
    Tags.of(stack).add('application', 'tanggap');
    Tags.of(stack).add('stage', settings.stage);
    Tags.of(stack).add('owner', settings.owner);
    Tags.of(stack).add('cost-centre', settings.costCentre);
    suppressAcceptedFindings(stack);
  }
  return { naming, edge, main };
}

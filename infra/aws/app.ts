/**
 * The CDK app (`npm run synth`, `npm run deploy`): synthesises offline without credentials. The
 * settings come from context (`-c stage=prod …`) over `infra/aws/stages/<stage>.json`; without any,
 * a `dev` stage on the demo directory's sender, with no custom domain. No directory of officials is
 * compiled in: import one after deploying (`npm run directory -- import <file> --stage <name>`).
 */
import { App } from 'aws-cdk-lib';
import { demoDirectory } from '../../shared/directory';
import { sops } from '../../shared/sops';
import { buildTanggap } from './build';
import { settingsOrThrow } from './settings';

const app = new App();
const settings = settingsOrThrow((key) => app.node.tryGetContext(key), { stage: 'dev', mailFrom: demoDirectory.regency.mailFrom });
buildTanggap(app, settings, { sops });
app.synth();

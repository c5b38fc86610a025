/** The CDK app (`npm run synth`): environment-agnostic, synthesises offline without credentials. */
import { App } from 'aws-cdk-lib';
import { demoDirectory } from '../../shared/directory';
import { sops } from '../../shared/sops';
import { TanggapStack } from './stack';

const app = new App();
const publicUrl = (app.node.tryGetContext('tanggap:publicUrl') as string | undefined) ?? 'https://pengaduan.musitanggap.example.go.id';
new TanggapStack(app, 'Tanggap', { directory: demoDirectory, sops, publicUrl, description: 'Tanggap: public complaints handled by each agency SOP' });
app.synth();

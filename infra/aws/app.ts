/** The CDK app (`npm run synth`): environment-agnostic, synthesises offline without credentials. */
import { App } from 'aws-cdk-lib';
import { demoDirectory } from '../../shared/directory';
import { sops } from '../../shared/sops';
import { TanggapStack } from './stack';

const app = new App();
const publicUrl = (app.node.tryGetContext('tanggap:publicUrl') as string | undefined) ?? 'https://pengaduan.musitanggap.example.go.id';
const stage = app.node.tryGetContext('stage') as string | undefined;
// `-c tanggap:hostedZoneId=Z… -c tanggap:hostedZoneName=example.go.id`: the mail domain's DNS records are created there.
const hostedZoneId = app.node.tryGetContext('tanggap:hostedZoneId') as string | undefined;
const hostedZoneName = app.node.tryGetContext('tanggap:hostedZoneName') as string | undefined;
new TanggapStack(app, 'Tanggap', {
  directory: demoDirectory, sops, publicUrl, stage, description: 'Tanggap: public complaints handled by each agency SOP',
  hostedZone: hostedZoneId && hostedZoneName ? { hostedZoneId, zoneName: hostedZoneName } : undefined,
});
app.synth();

/**
 * The CDK app (`npm run synth`): environment-agnostic, synthesises offline without credentials.
 * Context values (`-c name=value`), each with the demo's value as the default for synth:
 *   stage     prefixes physical names (infra/aws/names.ts)                      default "prod"
 *   mailFrom  the sender of every email; its domain is the SES identity        default tanggap@musitanggap.example.go.id
 *   timeZone  the regency's zone, for the report schedules                    default Asia/Jakarta
 * No directory of officials is compiled in: import one after deploying (`npm run directory -- import <file> --stage <name>`).
 */
import { App } from 'aws-cdk-lib';
import { OfficeCalendarConfig } from '../../shared/calendar/config';
import { sops } from '../../shared/sops';
import { assertStage } from './names';
import { TanggapStack } from './stack';

const app = new App();
const context = (name: string) => app.node.tryGetContext(name) as string | undefined;
const publicUrl = context('tanggap:publicUrl') ?? 'https://pengaduan.musitanggap.example.go.id';
const stage = assertStage(context('stage') ?? 'prod');
const mailFrom = context('mailFrom') ?? context('senderAddress') ?? 'tanggap@musitanggap.example.go.id';
const timeZone = OfficeCalendarConfig.shape.timeZone.parse(context('timeZone') ?? 'Asia/Jakarta');
// `-c tanggap:hostedZoneId=Z… -c tanggap:hostedZoneName=example.go.id`: the mail domain's DNS records are created there.
const hostedZoneId = context('tanggap:hostedZoneId');
const hostedZoneName = context('tanggap:hostedZoneName');
new TanggapStack(app, 'Tanggap', {
  stage, mailFrom, timeZone, sops, publicUrl, description: 'Tanggap: public complaints handled by each agency SOP',
  hostedZone: hostedZoneId && hostedZoneName ? { hostedZoneId, zoneName: hostedZoneName } : undefined,
});
app.synth();

/**
 * `npm run directory -- … --stage <name>` goes to the stage's table as the CDK stack names it
 * (infra/aws/names.ts), through the real AWS SDK with its usual configuration. No AWS account
 * here: dynalite stands in for DynamoDB through AWS_ENDPOINT_URL_DYNAMODB, as on the local runtime.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDirectoryStore } from '../../functions/adapters/dynamo-directory-store';
import { synthesise } from '../infra/synth';
import { demoDirectory } from '../../shared/directory';
import { sops } from '../../shared/sops';
import { runDirectoryCommand } from '../support/directory-command';
import { startDynalite, type TestTable } from '../support/dynalite';

jest.setTimeout(60_000);
const ROOT = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tanggap-stage-'));
let table: TestTable;
let aws: Record<string, string | undefined>;

beforeAll(async () => {
  // The name the stack gives the table of stage "staging".
  const { template } = synthesise({ stage: 'staging' });
  const tables = template.findResources('AWS::DynamoDB::GlobalTable', { Properties: Match.objectLike({ TableName: Match.anyValue() }) });
  const names = Object.values(tables).map((t) => (t as { Properties: { TableName: string } }).Properties.TableName);
  expect(names).toEqual(['tanggap-staging-cases']);
  table = await startDynalite(names[0]);
  aws = { AWS_ENDPOINT_URL_DYNAMODB: table.endpoint, AWS_REGION: 'ap-southeast-3', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PROFILE: undefined, DATA_DIR: join(work, 'unused'), PORT: undefined };
});
afterAll(async () => {
  await table.stop();
  rmSync(work, { recursive: true, force: true });
});

test('import and export with --stage reach the table the stack names for that stage', async () => {
  const imported = await runDirectoryCommand(aws, 'import', join(ROOT, 'shared/directory/demo.json'), '--stage', 'staging', '--by', 'ops@example.go.id');
  expect(imported.code).toBe(0);
  expect(imported.out).toMatch(/into the table tanggap-staging-cases of stage "staging" on AWS \(ap-southeast-3\) as version 1, loaded by ops@example.go.id/);
  expect(await new DynamoDirectoryStore(table.client, 'tanggap-staging-cases').currentVersion()).toMatchObject({ version: 1, loadedBy: 'ops@example.go.id' });
  const out = join(work, 'staging.json');
  expect((await runDirectoryCommand(aws, 'export', out, '--stage', 'staging')).code).toBe(0);
  expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(demoDirectory);
  // The local data was not even opened (opening it creates DATA_DIR).
  expect(existsSync(join(work, 'unused'))).toBe(false);
});

test('a stage that is not deployed is named as such, exit 3', async () => {
  const res = await runDirectoryCommand(aws, 'export', '--stage', 'prod');
  expect(res.code).toBe(3);
  expect(res.err).toMatch(/The table was not found: is the stage deployed in this account and region/);
});

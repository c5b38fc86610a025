/**
 * `npm run deploy` and the settings behind it: what is missing is said in plain words and nothing
 * runs; complete settings give the cdk command for that stage (shown with --dry-run, which runs
 * nothing); a stage file supplies what the command line does not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSettings } from '../../infra/aws/settings';

const deploy = (...args: string[]) => spawnSync('npx', ['tsx', 'infra/aws/deploy.ts', ...args], { encoding: 'utf8', cwd: join(__dirname, '../..') });

test('without settings: exit 2, every missing value named, nothing run', () => {
  const run = deploy('-c', 'alarmEmails=not-an-address', '-c', 'colour=blue');
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('Cannot deploy yet');
  expect(run.stderr).toMatch(/stage is required/);
  expect(run.stderr).toMatch(/mailFrom: the sender address/);
  expect(run.stderr).toMatch(/alarmEmails: every address must be an email address/);
  expect(run.stderr).toMatch(/unknown setting "colour"/);
  expect(run.stdout).not.toContain('cdk deploy');
});

test('complete settings: the cdk command for the stage, with its context, and a summary of what it makes', () => {
  const run = deploy('--stage', 'prod', '-c', 'mailFrom=pengaduan@muba.go.id', '-c', 'alarmEmails=ops@muba.go.id,it@muba.go.id',
    '-c', 'domainName=pengaduan.muba.go.id', '-c', 'certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/abc-123', '--profile', 'muba', '--dry-run');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('npx cdk deploy --all -c stage=prod -c mailFrom=pengaduan@muba.go.id -c alarmEmails=ops@muba.go.id,it@muba.go.id -c domainName=pengaduan.muba.go.id -c certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/abc-123 --profile muba');
  expect(run.stdout).toContain('https://pengaduan.muba.go.id');
  expect(run.stdout).toContain('ops@muba.go.id, it@muba.go.id');
});

test('a deployment needs someone to hear the alarms', () => {
  const run = deploy('--stage', 'prod', '-c', 'mailFrom=pengaduan@muba.go.id', '--dry-run');
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/alarmEmails is empty/);
});

describe('settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tanggap-stages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const context = (values: Record<string, string>) => (key: string) => values[key];

  test('a stage file gives what the command line does not; the command line wins', () => {
    writeFileSync(join(dir, 'staging.json'), JSON.stringify({ mailFrom: 'pengaduan@staging.muba.go.id', alarmEmails: ['ops@muba.go.id'], region: 'ap-southeast-1', owner: 'diskominfo' }));
    const result = readSettings(context({ stage: 'staging', region: 'ap-southeast-3' }), {}, dir);
    expect(result).toEqual({ ok: true, settings: expect.objectContaining({ stage: 'staging', mailFrom: 'pengaduan@staging.muba.go.id', alarmEmails: ['ops@muba.go.id'], region: 'ap-southeast-3', owner: 'diskominfo', costCentre: 'tanggap' }) });
  });

  test('gsi1 is kept unless a stage says otherwise, from its file (a boolean) or the command line (text)', () => {
    const keep = (values: Record<string, string>, file?: Record<string, unknown>) => {
      if (file) writeFileSync(join(dir, 'gsi.json'), JSON.stringify(file));
      const result = readSettings(context({ stage: file ? 'gsi' : 'prod', mailFrom: 'pengaduan@muba.go.id', ...values }), {}, dir);
      return result.ok ? result.settings.keepGsi1 : result.problems;
    };
    expect(keep({})).toBe(true);
    expect(keep({ keepGsi1: 'false' })).toBe(false);
    expect(keep({}, { keepGsi1: false })).toBe(false);
    expect(keep({ keepGsi1: 'true' }, { keepGsi1: false })).toBe(true);
  });

  test.each([
    ['a domain without a certificate or zone', { domainName: 'pengaduan.muba.go.id' }, /needs a certificate/],
    ['a certificate outside us-east-1', { domainName: 'pengaduan.muba.go.id', certificateArn: 'arn:aws:acm:ap-southeast-3:123456789012:certificate/abc' }, /us-east-1/],
    ['half a hosted zone', { domainName: 'pengaduan.muba.go.id', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }, /go together/],
    ['a domain outside its zone', { domainName: 'pengaduan.muba.go.id', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'sekayu.go.id' }, /not inside the hosted zone/],
    ['a URL for a domain', { domainName: 'https://pengaduan.muba.go.id/' }, /no https:\/\//],
    ['an upper-case stage', { stage: 'Prod' }, /lower-case/],
    ['keepGsi1 neither true nor false', { keepGsi1: 'no' }, /keepGsi1: true or false/],
  ])('refuses %s, saying what to fix', (_what, values, message) => {
    const result = readSettings(context({ stage: 'prod', mailFrom: 'pengaduan@muba.go.id', ...values }), {}, dir);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('\n')).toMatch(message);
  });
});

/**
 * `npm run deploy -- --stage <name> [-c key=value …] [--dry-run] [cdk options…]`: checks the
 * deployment settings (infra/aws/settings.ts: context over infra/aws/stages/<stage>.json), says in
 * plain words what is missing, and otherwise runs `cdk deploy --all` for that stage: the edge stack
 * in us-east-1 first, then the main stack. Other options (--profile, --require-approval …) go to cdk.
 */
import { spawnSync } from 'node:child_process';
import { readSettings, SETTING_KEYS, type DeploymentSettings } from './settings';

interface Parsed { context: Record<string, string>; passThrough: string[]; dryRun: boolean; problems: string[] }

function parse(argv: string[]): Parsed {
  const out: Parsed = { context: {}, passThrough: [], dryRun: false, problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dry-run') out.dryRun = true;
    else if (arg === '--stage') out.context.stage = argv[++i] ?? '';
    else if (arg.startsWith('--stage=')) out.context.stage = arg.slice('--stage='.length);
    else if (arg === '-c' || arg === '--context') {
      const pair = argv[++i] ?? '';
      const eq = pair.indexOf('=');
      if (eq < 1) out.problems.push(`"${arg} ${pair}" should be ${arg} key=value`);
      else out.context[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else out.passThrough.push(arg);
  }
  for (const key of Object.keys(out.context)) {
    if (!(SETTING_KEYS as readonly string[]).includes(key)) out.problems.push(`unknown setting "${key}": the settings are ${SETTING_KEYS.join(', ')}`);
  }
  return out;
}

/**
 * What a deployment needs beyond what synthesis needs (which defaults nothing here: stage and sender
 * are required): someone to hear the alarms.
 */
function deployProblems(settings: DeploymentSettings | undefined): string[] {
  const problems: string[] = [];
  if (settings && settings.alarmEmails.length === 0) problems.push('alarmEmails is empty: give at least one address that receives the alarms (-c alarmEmails=ops@muba.go.id,it@muba.go.id)');
  return problems;
}

function main(): number {
  const parsed = parse(process.argv.slice(2));
  const result = readSettings((key) => parsed.context[key]);
  const settings = result.ok ? result.settings : undefined;
  const problems = [...parsed.problems, ...(result.ok ? [] : result.problems), ...deployProblems(settings)];
  if (!settings || problems.length) {
    console.error('Cannot deploy yet. Missing or wrong:');
    for (const p of problems) console.error(`  - ${p}`);
    console.error('\nPut the values in infra/aws/stages/<stage>.json (see example.json there) or pass them as -c key=value. The "Deploy to AWS" section of README.md explains each.');
    return 2;
  }
  const contextArgs = Object.entries(parsed.context).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const command = ['cdk', 'deploy', '--all', ...contextArgs, ...parsed.passThrough];
  console.log([
    `Deploying Tanggap, stage "${settings.stage}":`,
    `  region           ${settings.region} (the edge stack: us-east-1)`,
    `  public address   ${settings.domainName ? `https://${settings.domainName}` : 'the CloudFront domain (no domainName given)'}`,
    `  certificate      ${settings.certificateArn ?? (settings.hostedZoneId ? `made and validated in hosted zone ${settings.hostedZoneName}` : 'CloudFront\'s own')}`,
    `  sender           ${settings.mailFrom}`,
    `  alarms to        ${settings.alarmEmails.join(', ')}`,
    `  tags             owner=${settings.owner} cost-centre=${settings.costCentre}`,
    `  command          npx ${command.join(' ')}`,
  ].join('\n'));
  if (parsed.dryRun) return 0;
  const run = spawnSync('npx', command, { stdio: 'inherit' });
  return run.status ?? 1;
}

process.exitCode = main();

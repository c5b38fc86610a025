/**
 * The coldstart section's work: bundles every Lambda entry with the arguments NodejsFunction derives
 * from `lambdaBundling` (infra/aws/constructs/bundling.ts), then imports each bundle in fresh `node`
 * processes and takes the median init time, beside a handler that imports only the DynamoDB client.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { esbuildArgsFor, lambdaBundling } from '../../infra/aws/constructs/bundling';
import { httpHandlers, mailEventsHandler, originVerifyHandler, reportHandler, sweepHandler, workflowHandlers } from '../../functions/routes';

const ROOT = resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);

export interface Bundle {
  name: string;
  dir: string;
  file: string;
  bytes: number;
  mapBytes: number;
}

/** Every function the stack deploys, by a short name, with its entry file. */
export function functionEntries(): { name: string; entry: string }[] {
  return [
    ...Object.entries(httpHandlers).map(([name, entry]) => ({ name: `http-${name}`, entry })),
    ...Object.entries(workflowHandlers).map(([name, entry]) => ({ name: `workflow-${name}`, entry })),
    { name: 'report', entry: reportHandler },
    { name: 'sweep', entry: sweepHandler },
    { name: 'mail-events', entry: mailEventsHandler },
    { name: 'origin-verify', entry: originVerifyHandler },
  ];
}

/** Bundles one entry into a directory of its own, as `cdk synth` would (esbuild from node_modules). */
export function bundle(name: string, entry: string, outRoot: string, bundling: BundlingOptions = lambdaBundling): Bundle {
  const dir = join(outRoot, name);
  execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [...esbuildArgsFor(join(ROOT, entry), dir, bundling), '--log-level=error'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const files = readdirSync(dir);
  const file = files.find((f) => /^index\.m?js$/.test(f))!;
  const map = files.find((f) => f.endsWith('.map'));
  return { name, dir, file: join(dir, file), bytes: statSync(join(dir, file)).size, mapBytes: map ? statSync(join(dir, map)).size : 0 };
}

/** One import of the bundle in a fresh process, as Lambda's runtime imports a handler; in ms. */
async function initOnce(file: string): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, [join(__dirname, 'init-probe.mjs'), file], { env: { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-3', LANG: 'C' } });
  return Number(stdout);
}

/**
 * The median of `runs` imports of each bundle, each in a fresh process. Interleaved (round after
 * round over every bundle) so that a change of the machine's load colours all of them alike and the
 * ratios to the baseline hold even on a shared machine.
 */
export async function medianInits(files: string[], runs = 10): Promise<number[]> {
  const times = files.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    for (const [i, file] of files.entries()) times[i]!.push(await initOnce(file));
  }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return (t[Math.floor((runs - 1) / 2)]! + t[Math.ceil((runs - 1) / 2)]!) / 2;
  });
}

export function tempOutRoot(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tanggap-bundles-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The coldstart section's work: bundles every Lambda entry with the arguments NodejsFunction derives
 * from `lambdaBundling` (infra/aws/constructs/bundling.ts), then imports each bundle in fresh `node`
 * processes and takes the median init time, beside a handler that imports only the DynamoDB client.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { esbuildArgsFor, lambdaBundling, sdkExternalBundling } from '../../infra/aws/constructs/bundling';
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

/**
 * Bundles one entry into a directory of its own, as `cdk synth` would (esbuild from node_modules).
 * `sourceRoot`: where the entry's sources are (another revision's, checked out by `checkoutRevision`).
 */
export function bundle(name: string, entry: string, outRoot: string, bundling: BundlingOptions = lambdaBundling, sourceRoot = ROOT): Bundle {
  const dir = join(outRoot, name);
  execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [...esbuildArgsFor(resolve(sourceRoot, entry), dir, bundling), '--log-level=error'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const files = readdirSync(dir);
  const file = files.find((f) => /^index\.m?js$/.test(f))!;
  const map = files.find((f) => f.endsWith('.map'));
  return { name, dir, file: join(dir, file), bytes: statSync(join(dir, file)).size, mapBytes: map ? statSync(join(dir, map)).size : 0 };
}

/** One import of the bundle in a fresh process, as Lambda's runtime imports a handler; in ms, wall and CPU. */
async function initOnce(file: string): Promise<{ wall: number; cpu: number }> {
  const { stdout } = await execFileAsync(process.execPath, [join(__dirname, 'init-probe.mjs'), file], { env: { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-3', LANG: 'C' } });
  const [wall, cpu] = stdout.trim().split(' ').map(Number);
  return { wall: wall!, cpu: cpu! };
}

const median = (values: number[]) => {
  const t = [...values].sort((a, b) => a - b);
  return (t[Math.floor((t.length - 1) / 2)]! + t[Math.ceil((t.length - 1) / 2)]!) / 2;
};

/**
 * The median of `runs` imports of each bundle, each in a fresh process: wall time and CPU time.
 * Interleaved (round after round over every bundle) so that a change of the machine's load colours
 * all of them alike and the ratios to the baseline hold even on a shared machine; the CPU time
 * (the work done, not the wait for a CPU) is the steadier figure when the machine is loaded.
 */
export async function medianInits(files: string[], runs = 10): Promise<{ wall: number; cpu: number }[]> {
  const times = files.map(() => [] as { wall: number; cpu: number }[]);
  for (let round = 0; round < runs; round++) {
    for (const [i, file] of files.entries()) times[i]!.push(await initOnce(file));
  }
  return times.map((t) => ({ wall: median(t.map((x) => x.wall)), cpu: median(t.map((x) => x.cpu)) }));
}

/**
 * A temporary directory for bundles. `resolvable`: inside the project, so that a bundle's external
 * imports (`@aws-sdk/*` with `sdkExternalBundling`) resolve to node_modules as Lambda's resolve to
 * the runtime's copy; otherwise in the system's temporary directory, where nothing resolves.
 */
export function tempOutRoot(resolvable = false): { dir: string; remove(): void } {
  const parent = resolvable ? join(ROOT, 'node_modules/.cache') : tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'tanggap-bundles-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Another revision's sources (`git archive`), in a directory inside the project so that they
 * resolve packages from the same node_modules: its bundles differ from today's by its code only.
 * Entries that revision did not have are left out by `existsIn`.
 */
export function checkoutRevision(rev: string): { dir: string; existsIn(entry: string): boolean; remove(): void } {
  const dir = mkdtempSync(join(ROOT, '.bench-rev-'));
  execFileSync('sh', ['-c', `git archive --format=tar "$1" | tar -x -C "$2"`, 'sh', rev, dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { dir, existsIn: (entry) => existsSync(join(dir, entry)), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bundling options plus esbuild's metafile (which inputs went into the bundle), written as `<dir>/<name>.meta.json`. */
export function withMetafile(bundling: BundlingOptions, dir: string, name: string): BundlingOptions {
  return { ...bundling, esbuildArgs: { ...bundling.esbuildArgs, '--metafile': join(dir, `${name}.meta.json`) } };
}

/** The AWS SDK clients, each with one command a function sends through it: what the SDK floor probe sends. */
export const SDK_CLIENTS = {
  dynamodb: { module: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient', command: 'GetItemCommand', input: '{ TableName: event.table, Key: { pk: { S: "x" }, sk: { S: "x" } } }' },
  ses: { module: '@aws-sdk/client-ses', client: 'SESClient', command: 'SendEmailCommand', input: '{ Source: "a@example.com", Destination: { ToAddresses: ["b@example.com"] }, Message: { Subject: { Data: "s" }, Body: { Text: { Data: "t" } } } }' },
  sfn: { module: '@aws-sdk/client-sfn', client: 'SFNClient', command: 'StartExecutionCommand', input: '{ stateMachineArn: event.machine, input: "{}" }' },
} as const;
export type SdkClient = keyof typeof SDK_CLIENTS;

/** The SDK clients a bundle carries, read from its metafile (`withMetafile`): the client packages it was built from. */
export function clientsIn(outRoot: string, name: string): SdkClient[] {
  const meta = JSON.parse(readFileSync(join(outRoot, `${name}.meta.json`), 'utf8')) as { outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }> };
  // The output's inputs that left bytes in it: every client is read (clients.ts imports all three), only the used ones stay.
  const output = Object.values(meta.outputs).find((o) => o.entryPoint)!;
  const inputs = Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([path]) => path);
  return (Object.keys(SDK_CLIENTS) as SdkClient[]).filter((id) => inputs.some((i) => i.includes(`node_modules/${SDK_CLIENTS[id].module}/`)));
}

/**
 * The SDK floor of a set of clients: a handler that makes exactly these clients at init and sends one
 * command through each, written into `probeDir` (inside the project, so that it resolves the SDK from
 * node_modules) and bundled like the functions. What a function weighs above it is its own code and
 * data; the floor is what the design card's clients cost, whoever uses them.
 */
export function sdkFloorEntry(clients: SdkClient[], probeDir: string): string {
  const file = join(probeDir, `sdk-floor-${clients.join('-') || 'none'}.ts`);
  const lines = [
    '// Generated by test/bench/coldstart.ts (sdkFloorEntry): the SDK floor of a client set.',
    ...clients.map((id) => `import { ${SDK_CLIENTS[id].client}, ${SDK_CLIENTS[id].command} } from '${SDK_CLIENTS[id].module}';`),
    ...clients.map((id) => `const ${id} = new ${SDK_CLIENTS[id].client}({});`),
    'export const handler = async (event: { table: string; machine: string }) => Promise.all([',
    ...clients.map((id) => `  ${id}.send(new ${SDK_CLIENTS[id].command}(${SDK_CLIENTS[id].input})),`),
    ']);',
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export { sdkExternalBundling };

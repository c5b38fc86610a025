/**
 * What fills a function's bundle (`npm run bench -- bundle-report`): esbuild's metafile of the deploy
 * options (infra/aws/constructs/bundling.ts, as `coldstart` bundles), each input's bytes in the output
 * summed by kind (AWS SDK, zod, Powertools, other packages, our code), beside the floors a function
 * cannot go below: the SDK clients it carries alone, and the same clients through
 * functions/adapters/deps.ts (what every handler that builds the use cases' dependencies carries).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { lambdaBundling } from '../../infra/aws/constructs/bundling';
import { bundle, type Bundle } from './coldstart';

const ROOT = resolve(__dirname, '../..');

/** The part of esbuild's metafile read here: the bundle's inputs, each with its bytes in the output and its imports. */
export interface Metafile {
  inputs: Record<string, { imports: { path: string }[] }>;
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
}

export type Kind = 'sdk' | 'zod' | 'powertools' | 'packages' | 'ours';
export const KINDS: readonly Kind[] = ['sdk', 'zod', 'powertools', 'packages', 'ours'];

/** `node_modules/@scope/name/…` → `@scope/name`; our files → undefined. */
export function packageOf(input: string): string | undefined {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const path = input.slice(at + 'node_modules/'.length).split('/');
  return path.slice(0, path[0]!.startsWith('@') ? 2 : 1).join('/');
}

const isSdkPackage = (name: string) => /^@(aws-sdk|smithy)\//.test(name);

/**
 * The kind of each package in a bundle. A package the SDK imports (its endpoint cache `mnemonist`,
 * `bowser`, the invoke store it shares with Powertools) counts as SDK: it goes only with the clients.
 */
export function packageKinds(meta: Metafile): Map<string, Kind> {
  const kinds = new Map<string, Kind>();
  for (const input of Object.keys(meta.inputs)) {
    const name = packageOf(input);
    if (!name) continue;
    kinds.set(name, isSdkPackage(name) ? 'sdk' : name === 'zod' ? 'zod' : name.startsWith('@aws-lambda-powertools/') ? 'powertools' : 'packages');
  }
  for (const [input, { imports }] of Object.entries(meta.inputs)) {
    const from = packageOf(input);
    if (!from || !isSdkPackage(from)) continue;
    for (const { path } of imports) {
      const to = packageOf(path);
      if (to && kinds.get(to) === 'packages') kinds.set(to, 'sdk');
    }
  }
  return kinds;
}

export interface Composition {
  /** Bytes of the output file, from the metafile (the banner and esbuild's glue are the small rest). */
  total: number;
  byKind: Record<Kind, number>;
  /** Each package, and each of our files, with its bytes in the output. */
  byUnit: Map<string, { kind: Kind; bytes: number }>;
  /** The SDK clients the bundle carries (`@aws-sdk/client-*`). */
  clients: string[];
}

/** Sums the entry point's output of `meta` by package (our files one by one) and by kind. */
export function compositionOf(meta: Metafile): Composition {
  const output = Object.values(meta.outputs).find((o) => o.entryPoint);
  if (!output) throw new Error('the metafile has no entry point output');
  const kinds = packageKinds(meta);
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  const byUnit = new Map<string, { kind: Kind; bytes: number }>();
  let total = 0;
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    const kind: Kind = name ? kinds.get(name) ?? 'packages' : 'ours';
    const unit = name ?? input;
    const entry = byUnit.get(unit) ?? { kind, bytes: 0 };
    entry.bytes += bytesInOutput;
    byUnit.set(unit, entry);
    byKind[kind] += bytesInOutput;
    total += bytesInOutput;
  }
  const clients = [...byUnit.keys()].filter((u) => u.startsWith('@aws-sdk/client-')).map((u) => u.slice('@aws-sdk/client-'.length)).sort();
  return { total, byKind, byUnit, clients };
}

/** What `of` holds beyond `floor`: each unit's bytes over the floor's, largest first (units the floor lacks, or holds less of). */
export function beyond(of: Composition, floor: Composition): { unit: string; kind: Kind; bytes: number }[] {
  return [...of.byUnit]
    .map(([unit, { kind, bytes }]) => ({ unit, kind, bytes: bytes - (floor.byUnit.get(unit)?.bytes ?? 0) }))
    .filter((u) => u.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** The clients as the SDK packages name them, with the command each probe sends through it (so none is tree-shaken away). */
const probeClients: Record<string, { pkg: string; client: string; command: string; input: string; port?: { name: string; factory: string } }> = {
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient', command: 'DescribeTableCommand', input: '{ TableName: "t" }' },
  ses: { pkg: '@aws-sdk/client-ses', client: 'SESClient', command: 'SendRawEmailCommand', input: '{ RawMessage: { Data: new Uint8Array() } }', port: { name: 'mailer', factory: 'sesMailer' } },
  sfn: { pkg: '@aws-sdk/client-sfn', client: 'SFNClient', command: 'StartExecutionCommand', input: '{ stateMachineArn: "a" }', port: { name: 'workflow', factory: 'sfnWorkflow' } },
};

/**
 * The two floors of a set of clients, as handler sources: `sdk`, the clients alone, each sending one
 * command; `deps`, the same clients through functions/adapters/deps.ts (`dependencies({ mailer: sesMailer, … })`),
 * as every handler of ours builds them, calling nothing else. DynamoDB is always in (deps.ts reads
 * the directory from the table).
 */
export function floorProbes(clients: readonly string[]): { sdk: string; deps: string } {
  const used = ['dynamodb', ...clients.filter((c) => c !== 'dynamodb')].map((c) => {
    const probe = probeClients[c];
    if (!probe) throw new Error(`no floor probe for the SDK client "${c}"`);
    return probe;
  });
  const sdk = [
    ...used.map((c) => `import { ${c.client}, ${c.command} } from '${c.pkg}';`),
    `export const handler = async () => Promise.all([${used.map((c) => `new ${c.client}({}).send(new ${c.command}(${c.input} as never))`).join(', ')}]);`,
  ].join('\n');
  const ports = used.flatMap((c) => (c.port ? [c.port] : []));
  const deps = [
    `import { dependencies${ports.map((p) => `, ${p.factory}`).join('')} } from '${join(ROOT, 'functions/adapters/deps')}';`,
    `export const handler = async () => dependencies({ ${ports.map((p) => `${p.name}: ${p.factory}`).join(', ')} });`,
  ].join('\n');
  return { sdk, deps };
}

/** Bundles `entry` (relative to the project, or absolute) as the bench bundles every function, with its metafile beside it; returns both. */
export function bundleWithComposition(name: string, entry: string, outDir: string): { bundle: Bundle; composition: Composition } {
  const metafile = join(outDir, `${name}.meta.json`);
  const bundled = bundle(name, entry.startsWith('/') ? relative(ROOT, entry) : entry, outDir, { ...lambdaBundling, esbuildArgs: { ...lambdaBundling.esbuildArgs, '--metafile': metafile } });
  return { bundle: bundled, composition: compositionOf(JSON.parse(readFileSync(metafile, 'utf8')) as Metafile) };
}

/** Writes the floor probes of `clients` into `dir` (which must resolve the project's node_modules) and bundles them. */
export function bundleFloors(clients: readonly string[], dir: string): { sdk: Composition & { bytes: number }; deps: Composition & { bytes: number } } {
  const key = ['dynamodb', ...clients.filter((c) => c !== 'dynamodb')].join('+');
  const sources = floorProbes(clients);
  const floors = (['sdk', 'deps'] as const).map((kind) => {
    const file = join(dir, `floor-${kind}-${key}.ts`);
    writeFileSync(file, sources[kind]);
    const { bundle: b, composition } = bundleWithComposition(`floor-${kind}-${key}`, file, dir);
    return { ...composition, bytes: b.bytes };
  });
  return { sdk: floors[0]!, deps: floors[1]! };
}

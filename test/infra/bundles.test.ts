/**
 * No directory of officials is compiled into a function: every Lambda entry is bundled as
 * `npm run synth` bundles it (esbuild), and its metafile — the files the bundle was built from —
 * must not hold the demo directory; each must hold the store it reads the directory from instead.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { httpHandlers, mailEventsHandler, reportHandler, sweepHandler, workflowHandlers } from '../../functions/routes';
import { lambdaBundling } from '../../infra/aws/constructs/bundling';

const ROOT = resolve(__dirname, '../..');
// Every function that builds the use cases' dependencies (the API's authorizer builds none).
const entries = [...Object.values(httpHandlers), ...Object.values(workflowHandlers), reportHandler, sweepHandler, mailEventsHandler];

test('the 13 function bundles read the directory from the table and hold no directory of their own', async () => {
  expect(entries).toHaveLength(Object.keys(httpHandlers).length + Object.keys(workflowHandlers).length + 3);
  const result = await build({
    absWorkingDir: ROOT, entryPoints: entries.map((e) => join(ROOT, e)), bundle: true, platform: 'node', target: 'node22', format: 'cjs',
    outdir: join(ROOT, 'cdk.out', 'bundle-check'), write: false, metafile: true, logLevel: 'silent',
  });
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const inputs = Object.keys(meta.inputs);
    expect({ out, demo: inputs.filter((i) => /shared\/directory\/(demo\.json|index\.ts)$/.test(i)) }).toEqual({ out, demo: [] });
    // The check sees the SOPs (bundled packed; the uploads function reads none) and the directory store: it is not blind.
    if (!out.includes('/uploads/')) expect(inputs).toContain('shared/sops/validated-packed.ts');
    expect(inputs).toContain('functions/adapters/dynamo-directory-store.ts');
  }
});

test('functions/adapters/deps.ts imports neither the demo nor the module that exports it', () => {
  const source = readFileSync(join(ROOT, 'functions/adapters/deps.ts'), 'utf8');
  const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
  expect(imports).not.toContain('../../shared/directory');
  expect(imports.filter((i) => i!.includes('demo'))).toEqual([]);
  expect(source).not.toMatch(/demoDirectory|DIRECTORY_FILE/);
});

describe('the bundles as NodejsFunction builds them (infra/aws/constructs/bundling.ts)', () => {
  // Built once with the construct's own options: ESM, minified, the Lambda-only credential provider.
  let out: { dir: string; remove(): void };
  let bundles: import('../bench/coldstart').Bundle[];
  beforeAll(() => {
    const { bundle, functionEntries, tempOutRoot } = jest.requireActual<typeof import('../bench/coldstart')>('../bench/coldstart');
    out = tempOutRoot();
    bundles = functionEntries().map(({ name, entry }) => bundle(name, entry, out.dir, withMetafile(out.dir, name)));
  }, 120_000);
  afterAll(() => out.remove());
  /** The construct's options plus esbuild's metafile (which inputs went into the bundle), written beside it. */
  const withMetafile = (dir: string, name: string) => ({ ...lambdaBundling, esbuildArgs: { ...lambdaBundling.esbuildArgs, '--metafile': join(dir, `${name}.meta.json`) } });
  const metafileOf = (b: { name: string }): { inputs: Record<string, unknown> } => {
    const meta = JSON.parse(readFileSync(join(out.dir, `${b.name}.meta.json`), 'utf8')) as { outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown> }> };
    return Object.values(meta.outputs).find((o) => o.entryPoint)!;
  };

  test('each loads in a fresh node (ESM: `require` and `__dirname` of CommonJS dependencies work) and exports its handler', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual([...Object.keys(httpHandlers).map((n) => `http-${n}`), ...Object.keys(workflowHandlers).map((n) => `workflow-${n}`), 'report', 'sweep', 'mail-events', 'origin-verify'].sort());
    const probe = [
      "const m = await import(process.argv[1]);",
      "if (typeof m.handler !== 'function') throw new Error('no handler export');",
      "console.log('ok');",
    ].join('');
    for (const b of bundles) {
      const { execFileSync } = jest.requireActual<typeof import('node:child_process')>('node:child_process');
      const { pathToFileURL } = jest.requireActual<typeof import('node:url')>('node:url');
      const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', probe, pathToFileURL(b.file).href], { env: { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-3' }, encoding: 'utf8' });
      expect({ fn: b.name, stdout: stdout.trim() }).toEqual({ fn: b.name, stdout: 'ok' });
    }
  });

  test('each ships its source map beside it, not inlined, and carries only the SDK clients it calls', () => {
    const { readFileSync: read } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const clients = (b: { file: string }) => {
      const text = read(b.file, 'utf8');
      // Each client's wire namespace appears once bundled: its JSON target prefix or its XML namespace.
      const marks = { DynamoDB: 'DynamoDB_20120810', SES: 'SimpleEmailService', SFN: 'AWSStepFunctions', SSM: 'AmazonSSM', S3: 'http://s3.amazonaws.com/doc/2006-03-01/' };
      return Object.entries(marks).filter(([, mark]) => text.includes(mark)).map(([id]) => id);
    };
    for (const b of bundles) {
      expect(b.mapBytes).toBeGreaterThan(0);
      expect(read(b.file, 'utf8')).not.toContain('sourceMappingURL=data:');
    }
    const byName = Object.fromEntries(bundles.map((b) => [b.name, clients(b)]));
    expect(byName).toMatchObject({
      'http-agencies': ['DynamoDB'], 'http-status': ['DynamoDB'], 'http-pages': ['DynamoDB'],
      'http-intake': ['DynamoDB', 'SFN'], 'workflow-notify': ['DynamoDB', 'SES'], report: ['DynamoDB', 'SES', 'SFN'],
      'http-task': ['DynamoDB', 'SES', 'SFN'], 'mail-events': ['DynamoDB', 'SES'], 'origin-verify': [],
    });
    // Parameters come through the Parameters and Secrets extension's HTTP API and files through S3's
    // REST API (functions/adapters/parameters.ts, s3-file-store.ts): no bundle carries either client.
    expect(Object.entries(byName).filter(([, ids]) => ids.includes('SSM') || ids.includes('S3')).map(([name, ids]) => `${name}: ${ids.join(', ')}`)).toEqual([]);
  });

  test('no bundle holds the SSM or S3 client, their presigners, S3 middleware or Powertools Parameters (by the files they were built from)', () => {
    const banned = /node_modules\/(@aws-sdk\/(client-ssm|client-s3|s3-presigned-post|s3-request-presigner|middleware-sdk-s3|signature-v4-multi-region)|@aws-lambda-powertools\/parameters)\//;
    for (const b of bundles) {
      const inputs = Object.keys(metafileOf(b).inputs);
      expect({ fn: b.name, banned: inputs.filter((i) => banned.test(i)) }).toEqual({ fn: b.name, banned: [] });
    }
    // Not blind: the functions that handle files carry the file store and the signer it uses.
    const intake = Object.keys(metafileOf(bundles.find((b) => b.name === 'http-intake')!).inputs);
    expect(intake).toContain('functions/adapters/s3-file-store.ts');
    expect(intake.some((i) => i.includes('node_modules/@smithy/signature-v4/'))).toBe(true);
  });

  test('no bundle holds Powertools: the functions log and count with their own logger and EMF writer (Logger 17 KB + Metrics 12 KB + commons 4 KB of every bundle)', () => {
    for (const b of bundles) {
      const powertools = Object.keys(metafileOf(b).inputs).filter((i) => i.includes('node_modules/@aws-lambda-powertools/'));
      expect({ fn: b.name, powertools }).toEqual({ fn: b.name, powertools: [] });
    }
    // Not blind: every function that builds dependencies logs through our logger and counts through our EMF writer.
    const holding = (file: string) => bundles.filter((b) => Object.keys(metafileOf(b).inputs).includes(file)).map((b) => b.name).sort();
    const withDeps = bundles.map((b) => b.name).filter((n) => n !== 'origin-verify').sort();
    expect(holding('functions/adapters/logger.ts')).toEqual(withDeps);
    expect(holding('functions/adapters/metrics.ts')).toEqual(withDeps);
  });

  test('only intake carries the complaint schemas (shared/case/complaint.ts builds them at import): the status, pages and emails read its limits and notices from shared/case/intake-limits.ts', () => {
    const output = (b: { name: string }) => metafileOf(b) as { inputs: Record<string, { bytesInOutput: number }> };
    const holding = (file: string) => bundles.filter((b) => (output(b).inputs[file]?.bytesInOutput ?? 0) > 0).map((b) => b.name).sort();
    expect(holding('shared/case/complaint.ts')).toEqual(['http-intake']);
    // Not blind: the light module is where the others read them.
    expect(holding('shared/case/intake-limits.ts')).toEqual(expect.arrayContaining(['http-status', 'http-pages', 'workflow-notify']));
  });

  test('no bundle holds two copies of one package (the @aws-sdk/* and @smithy/* versions in package.json resolve to one each)', () => {
    for (const b of bundles) {
      const copies = new Map<string, Set<string>>();
      for (const input of Object.keys(metafileOf(b).inputs)) {
        const at = input.lastIndexOf('node_modules/');
        if (at < 0) continue;
        const path = input.slice(at + 'node_modules/'.length).split('/');
        const name = path.slice(0, path[0]!.startsWith('@') ? 2 : 1).join('/');
        copies.set(name, (copies.get(name) ?? new Set()).add(input.slice(0, at)));
      }
      const twice = [...copies].filter(([, dirs]) => dirs.size > 1).map(([name, dirs]) => `${name}: ${[...dirs].join(', ')}`);
      expect({ fn: b.name, twice }).toEqual({ fn: b.name, twice: [] });
      // Not blind: the SDK is in every bundle that builds dependencies, under node_modules (the authorizer calls no AWS API).
      expect({ fn: b.name, sdk: copies.has('@smithy/core') }).toEqual({ fn: b.name, sdk: b.name !== 'origin-verify' });
    }
  });

  test('the authorizer, on every uncached API request, carries neither zod nor the functions\' configuration, and stays within 300 KB', () => {
    const authorizer = bundles.find((b) => b.name === 'origin-verify')!;
    const inputs = Object.keys(metafileOf(authorizer).inputs);
    expect(inputs.filter((i) => /node_modules\/zod\/|functions\/adapters\/config\.ts$/.test(i))).toEqual([]);
    expect(inputs).toContain('functions/adapters/origin-verify-config.ts');
    // It reads its secret through the Parameters and Secrets extension's HTTP API: no SDK at all.
    expect(inputs).toContain('functions/adapters/parameters.ts');
    expect(inputs.filter((i) => /node_modules\/(@aws-sdk|@smithy)\//.test(i))).toEqual([]);
    expect(authorizer.bytes).toBeLessThanOrEqual(300 * 1024);
  });

  test('no function builds the SOP schema at cold start (the SOPs come validated at build time), and only the workflow handlers build the workflow contract\'s schemas', () => {
    const holding = (file: string) => bundles.filter((b) => Object.keys(metafileOf(b).inputs).includes(file)).map((b) => b.name).sort();
    expect(holding('shared/sop/schema.ts')).toEqual([]);
    // The report function runs the review machines' side and the task function takes a reviewer's
    // decision: both parse the review contract, which reuses the deadlines schema.
    expect(holding('shared/workflow/contract.ts')).toEqual([...Object.keys(workflowHandlers).map((n) => `workflow-${n}`), 'http-task', 'report'].sort());
    // Not blind: the run-time pieces that were split from them are there.
    expect(holding('shared/sop/localized-text.ts').length).toBeGreaterThan(10);
    expect(holding('shared/workflow/errors.ts')).toEqual(expect.arrayContaining(['sweep', 'workflow-outcome']));
  });

  test('no function bundle holds zod\'s classic API: the run-time schemas are built with zod/mini (its `z` is ≈ 97 KB of a bundle, zod/mini ≈ 38–42 KB)', () => {
    const zodOf = (b: { name: string }) => Object.keys(metafileOf(b).inputs).filter((i) => /node_modules\/zod\//.test(i));
    for (const b of bundles) {
      // Classic (`import … from 'zod'`), zod 3, or the entry that re-exports either.
      const classic = zodOf(b).filter((i) => /node_modules\/zod\/(v4\/classic\/|v3\/|index\.js$|v4\/index\.js$)/.test(i));
      expect({ fn: b.name, classic }).toEqual({ fn: b.name, classic: [] });
    }
    // Not blind: every function but the authorizer parses with zod/mini, and the check sees it.
    const withMini = bundles.filter((b) => zodOf(b).some((i) => i.includes('node_modules/zod/v4/mini/'))).map((b) => b.name);
    expect(withMini.sort()).toEqual(bundles.map((b) => b.name).filter((n) => n !== 'origin-verify').sort());
  });

  test('the DynamoDB-only functions stay within the 300 KB budget: agencies, status, uploads and pages (npm run bench -- bundle-report)', () => {
    // Sizes are deterministic (the same sources and node_modules give the same bytes). The SDK alone
    // with the DynamoDB client is ≈ 191 KB (≈ 177 without the event-stream codec: see below), and
    // functions/adapters/deps.ts adds ≈ 60 KB of zod/mini, the case store's reads and the directory.
    const budgeted = bundles.filter((b) => ['http-agencies', 'http-status', 'http-uploads', 'http-pages'].includes(b.name));
    expect(budgeted).toHaveLength(4);
    expect(budgeted.filter((b) => b.bytes > 300 * 1024).map((b) => `${b.name} ${(b.bytes / 1024).toFixed(1)} KB`)).toEqual([]);
  });

  test('a function that only reads cases (pages, status, agencies) carries the case store\'s reads, not the writer\'s class', () => {
    const output = (b: { name: string }) => metafileOf(b) as { inputs: Record<string, { bytesInOutput: number }> };
    const holding = (file: string) => bundles.filter((b) => (output(b).inputs[file]?.bytesInOutput ?? 0) > 0).map((b) => b.name).sort();
    const readers = ['http-agencies', 'http-pages', 'http-status'];
    expect(holding('functions/adapters/dynamo-case-store.ts').filter((n) => readers.includes(n))).toEqual([]);
    // Not blind: they hold the reads, and the others the writer.
    expect(holding('functions/adapters/dynamo-case-reads.ts')).toEqual(expect.arrayContaining(readers));
    expect(holding('functions/adapters/dynamo-case-store.ts')).toEqual(expect.arrayContaining(['http-task', 'http-intake', 'workflow-task', 'report']));
  });

  test('no bundle holds the SDK\'s event-stream codec (aliased away in bundling.ts), and no client a bundle holds has an event-stream operation', () => {
    const output = (b: { name: string }) => metafileOf(b) as { inputs: Record<string, { bytesInOutput: number }> };
    const clientsOf = (b: { name: string }) => [...new Set(Object.keys(output(b).inputs).map((i) => /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(i)?.[1]).filter((c): c is string => !!c))];
    // A streaming member is marked with the `streaming` trait in the client's schemas (Lambda's
    // InvokeWithResponseStream; its client is here as aws-local-stepfunctions' dependency).
    const streams = (client: string) => readFileSync(join(ROOT, 'node_modules', client, 'dist-es/schemas/schemas_0.js'), 'utf8').includes('"streaming"');
    for (const b of bundles) {
      const codec = Object.keys(output(b).inputs).filter((i) => i.includes('node_modules/@smithy/core/dist-es/submodules/event-streams/') && output(b).inputs[i]!.bytesInOutput > 0);
      expect({ fn: b.name, codec, streaming: clientsOf(b).filter(streams) }).toEqual({ fn: b.name, codec: [], streaming: [] });
    }
    // Not blind: the check finds the clients, and a client with event streams would be seen.
    expect(clientsOf(bundles.find((b) => b.name === 'http-task')!).sort()).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-ses', '@aws-sdk/client-sfn']);
    expect(streams('@aws-sdk/client-lambda')).toBe(true);
  });

  test('only a function that names the SOPs (`sops: bundledSops`) carries them: uploads reads none', () => {
    const output = (b: { name: string }) => metafileOf(b) as { inputs: Record<string, { bytesInOutput: number }> };
    const holding = (file: string) => bundles.filter((b) => (output(b).inputs[file]?.bytesInOutput ?? 0) > 0).map((b) => b.name).sort();
    expect(holding('shared/sops/validated-packed.ts')).toEqual(bundles.map((b) => b.name).filter((n) => n !== 'http-uploads' && n !== 'origin-verify').sort());
  });

  test('every bundle stays within 900 KB: a guard against a whole package or locale set coming back, not the budget (npm run bench -- coldstart)', () => {
    // The chart's font makes report the largest; CommonJS output with zod's locales was 1.2 MB, and the S3
    // client with its presigners added ≈ 150 KB to intake, uploads and task. The 300 KB budget is the bench's.
    expect(bundles.filter((b) => b.bytes > 900 * 1024).map((b) => `${b.name} ${Math.round(b.bytes / 1024)} KB`)).toEqual([]);
  });
});

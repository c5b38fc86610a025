/**
 * The report function's bundle, read from esbuild's metafile of the deploy options, and the
 * arithmetic `npm run bench -- bundle-report` prints from such metafiles (test/bench/bundle-composition.ts).
 */
import { beyond, compositionOf, floorProbes, type Metafile } from '../bench/bundle-composition';
import { reportHandler } from '../../functions/routes';

describe('bundle composition (npm run bench -- bundle-report)', () => {
  // A bundle of our handler, zod, Powertools, middy and the DynamoDB client with the cache package it imports.
  const meta: Metafile = {
    inputs: {
      'functions/x/handler.ts': { imports: [{ path: 'node_modules/@aws-sdk/client-dynamodb/dist-es/index.js' }, { path: 'node_modules/zod/v4/mini/index.js' }] },
      'node_modules/@aws-sdk/client-dynamodb/dist-es/index.js': { imports: [{ path: 'node_modules/mnemonist/lru-cache.js' }, { path: 'node_modules/@smithy/core/dist-es/index.js' }] },
      'node_modules/@smithy/core/dist-es/index.js': { imports: [] },
      'node_modules/mnemonist/lru-cache.js': { imports: [] },
      'node_modules/zod/v4/mini/index.js': { imports: [] },
      'node_modules/@aws-lambda-powertools/logger/lib/esm/index.js': { imports: [] },
      'node_modules/@middy/core/index.js': { imports: [] },
      'shared/reports/xlsx.ts': { imports: [] },
    },
    outputs: {
      'out/index.mjs.map': { inputs: {} },
      'out/index.mjs': {
        entryPoint: 'functions/x/handler.ts',
        inputs: {
          'functions/x/handler.ts': { bytesInOutput: 100 },
          'node_modules/@aws-sdk/client-dynamodb/dist-es/index.js': { bytesInOutput: 3000 },
          'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 5000 },
          'node_modules/mnemonist/lru-cache.js': { bytesInOutput: 400 },
          'node_modules/zod/v4/mini/index.js': { bytesInOutput: 2000 },
          'node_modules/@aws-lambda-powertools/logger/lib/esm/index.js': { bytesInOutput: 700 },
          'node_modules/@middy/core/index.js': { bytesInOutput: 250 },
          'shared/reports/xlsx.ts': { bytesInOutput: 1300 },
        },
      },
    },
  };

  test('sums the entry\'s inputs by kind; a package the SDK imports counts as SDK, our files one by one', () => {
    const c = compositionOf(meta);
    expect(c.total).toBe(12_750);
    expect(c.byKind).toEqual({ sdk: 8400, zod: 2000, powertools: 700, packages: 250, ours: 1400 });
    expect(c.clients).toEqual(['dynamodb']);
    expect(c.byUnit.get('mnemonist')).toEqual({ kind: 'sdk', bytes: 400 });
    expect(c.byUnit.get('shared/reports/xlsx.ts')).toEqual({ kind: 'ours', bytes: 1300 });
  });

  test('what a bundle holds beyond a floor: only what the floor lacks or holds less of, largest first', () => {
    const of = compositionOf(meta);
    const floorMeta: Metafile = { ...meta, outputs: { 'f/index.mjs': { entryPoint: 'f.ts', inputs: {
      'node_modules/@aws-sdk/client-dynamodb/dist-es/index.js': { bytesInOutput: 3000 },
      'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 4000 },
      'node_modules/zod/v4/mini/index.js': { bytesInOutput: 2000 },
    } } } };
    expect(beyond(of, compositionOf(floorMeta))).toEqual([
      { unit: 'shared/reports/xlsx.ts', kind: 'ours', bytes: 1300 },
      { unit: '@smithy/core', kind: 'sdk', bytes: 1000 },
      { unit: '@aws-lambda-powertools/logger', kind: 'powertools', bytes: 700 },
      { unit: 'mnemonist', kind: 'sdk', bytes: 400 },
      { unit: '@middy/core', kind: 'packages', bytes: 250 },
      { unit: 'functions/x/handler.ts', kind: 'ours', bytes: 100 },
    ]);
  });

  test('the floor probes send a command through each client, and name the same ports to deps.ts', () => {
    const { sdk, deps } = floorProbes(['ses', 'sfn']);
    for (const command of ['DescribeTableCommand', 'SendRawEmailCommand', 'StartExecutionCommand']) expect(sdk).toContain(`.send(new ${command}(`);
    expect(deps).toContain('dependencies({ mailer: sesMailer, workflow: sfnWorkflow })');
    expect(floorProbes([]).deps).toContain('dependencies({  })');
    expect(() => floorProbes(['s3'])).toThrow('no floor probe for the SDK client "s3"');
  });
});

describe('the report function\'s bundle', () => {
  let out: { dir: string; remove(): void };
  let units: Map<string, unknown>;
  beforeAll(() => {
    const { tempOutRoot } = jest.requireActual<typeof import('../bench/coldstart')>('../bench/coldstart');
    const { bundleWithComposition } = jest.requireActual<typeof import('../bench/bundle-composition')>('../bench/bundle-composition');
    out = tempOutRoot();
    units = bundleWithComposition('report', reportHandler, out.dir).composition.byUnit;
  }, 60_000);
  afterAll(() => out.remove());

  test('holds the recap\'s own email template, not the registry of every email (shared/email/templates.ts, ≈ 18 KB)', () => {
    expect(units.has('shared/email/report.ts')).toBe(true);
    expect(units.has('shared/email/templates.ts')).toBe(false);
  });
});

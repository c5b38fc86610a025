/**
 * How every Lambda handler is bundled, in one place: the construct passes `lambdaBundling` to
 * NodejsFunction, and the bench (`npm run bench -- coldstart`) runs esbuild with the arguments
 * `esbuildArgsFor` derives from the same object, the way NodejsFunction does, so what it measures is
 * what deploys, without a `cdk synth`.
 */
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * What a function's bundle may hold, and how to keep it so (for every new function too):
 *  - Its AWS clients through the ports it names: `dependencies({ mailer: sesMailer, workflow: sfnWorkflow })`
 *    (functions/adapters/deps.ts). A client imported at the top of a module every handler reaches
 *    lands in every bundle; a test (test/infra/bundles.test.ts) lists which clients each one carries.
 *  - No `await import()` in code that is bundled for Lambda. One output file cannot defer loading:
 *    esbuild keeps the module in the file and wraps it, and every module it reaches, in a lazy
 *    initialiser that exports its whole namespace, which disables tree shaking down through the
 *    packages (measured: a lazy import of the SSM reader grew every bundle by 100–200 KB, the SSM
 *    client from 77 to 166 KB). A rarely used path that is heavy belongs in a function of its own.
 *  - Nothing built at import that only some paths use: zod schemas are constructed when their module
 *    is evaluated. A module whose importers each use a few of its schemas wraps each in
 *    `/* @__PURE__ *\/ lazy(() => …)` (shared/lazy.ts): built at first use, and dropped from a bundle
 *    that never reads it (shared/workflow/contract.ts: ≈ 3 ms of each workflow function's cold start).
 *    A small check (one variable, one header) is done by hand, as functions/adapters/origin-verify-config.ts.
 *  - Schemas that run in a function are written with `zod/mini` (`import * as z from 'zod/mini'`,
 *    checks as `.check(z.minLength(1))`): `zod`'s classic API lands whole, ≈ 97 KB of every bundle,
 *    where zod/mini's functions tree-shake to ≈ 38–42 KB. shared/zod-locale.ts gives zod/mini the
 *    English messages `zod` registers by itself (≈ 3 KB). Build-time schemas (shared/sop/schema.ts,
 *    infra/) keep `zod`; test/infra/bundles.test.ts fails when a bundle holds zod's classic API.
 *  - Data validated at build time is imported as validated (shared/sops/validated-packed.ts, validated.json
 *    Brotli-compressed), not parsed at init: unpacked at the first `getSop`, each SOP parsed when first
 *    asked for. A function names the SOPs like a port (`sops: bundledSops`); one that reads none (uploads)
 *    does not carry them (≈ 14 KB).
 *  - Logs and metrics through functions/adapters/logger.ts and metrics.ts (JSON lines, EMF), not a
 *    logging library: Powertools Logger and Metrics were ≈ 33 KB of every bundle and their classes ran
 *    at every cold start (test/infra/bundles.test.ts fails when a bundle holds Powertools again).
 *  - A function that only reads cases (pages, status, agencies) builds them with `readingDependencies`
 *    (deps.ts): its store is DynamoCaseReads, without the writer's class (≈ 15 KB; a class's methods are
 *    never tree-shaken). A module-level schema in a module such a function reaches is `lazy` and pure.
 *  - The SDK's event-stream codec is aliased to a stub (no-event-streams.ts): the protocol class loads
 *    it with `await import()` (so esbuild kept it, ≈ 15–19 KB of every bundle) only for an event-stream
 *    operation, which none of our clients has (test/infra/bundles.test.ts checks their schemas).
 *  - No second copy of a package: `@aws-sdk/*` and `@smithy/*` resolve to one version each
 *    (test/infra/bundles.test.ts fails when a bundle holds two copies of one package).
 *
 * ESM, minified, tree-shaken. ESM lets esbuild drop what a function never imports from a package's
 * `module` build (zod's `z` namespace otherwise drags in every locale). The banner gives CommonJS
 * dependencies the `require` that ESM output lacks. The source map is written beside `index.mjs`
 * and uploaded with it, but not loaded at init (`--enable-source-maps` cost 25–33 ms per cold start).
 */
export const lambdaBundling = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.EXTERNAL,
  banner: "import{createRequire as __tgpCreateRequire}from'node:module';const require=__tgpCreateRequire(import.meta.url);",
  // The SDK v3 is in the nodejs22.x runtime, but we bundle our pinned clients: they are the versions
  // the tests ran, and a bundle loads faster than the runtime's CommonJS packages (measured with
  // `BENCH_SDK=external npm run bench -- coldstart`: the one-client baseline took 3–4× longer to
  // import with the SDK external, though its bundle was empty; see README, Bench).
  externalModules: [],
  esbuildArgs: {
    '--tree-shaking': 'true',
    '--legal-comments': 'none',
    // Lambda's credentials are in the environment: see lambda-credentials.ts. (Relative to the project root, where NodejsFunction runs esbuild.)
    // Event streams: none of our clients has an operation that uses them (no-event-streams.ts).
    '--alias': ['@aws-sdk/credential-provider-node=./infra/aws/constructs/lambda-credentials.ts', '@smithy/core/event-streams=./infra/aws/constructs/no-event-streams.ts'],
  },
} satisfies BundlingOptions;

/**
 * The comparison the bench makes with `BENCH_SDK=external` (never deployed): `@aws-sdk/*` left out of
 * the bundle, imported at run time from the runtime's copy (Lambda) or node_modules (the bench).
 * The credential alias goes too: the SDK that would use it is no longer in the bundle.
 */
export const sdkExternalBundling = {
  ...lambdaBundling,
  externalModules: ['@aws-sdk/*'],
  esbuildArgs: { '--tree-shaking': 'true', '--legal-comments': 'none' },
} satisfies BundlingOptions;

/**
 * The environment every function gets: no `--enable-source-maps` (see above). The log level keeps its
 * Powertools name (functions/adapters/logger.ts reads it); the service name is fixed in the logger.
 */
export const lambdaEnvironment = {
  POWERTOOLS_LOG_LEVEL: 'INFO',
} as const;

/** The file NodejsFunction writes: `index.mjs` for ESM. */
export const bundleFile = lambdaBundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js';

/**
 * The esbuild command-line arguments NodejsFunction builds from `lambdaBundling` for one entry
 * (aws-cdk-lib's Bundling.buildEsbuildArgs, for the options used above).
 */
export function esbuildArgsFor(entry: string, outDir: string, bundling: BundlingOptions = lambdaBundling): string[] {
  const mode = bundling.sourceMapMode ?? SourceMapMode.DEFAULT;
  const extra = Object.entries(bundling.esbuildArgs ?? {}).flatMap(([key, value]) =>
    Array.isArray(value) ? value.map((v) => `${key}:${v}`) : value === true || value === '' ? [key] : value ? [`${key}=${value}`] : []);
  return [
    '--bundle', entry,
    `--target=${bundling.target ?? 'node22'}`,
    '--platform=node',
    ...(bundling.format ? [`--format=${bundling.format}`] : []),
    `--outfile=${outDir}/${bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js'}`,
    ...(bundling.minify ? ['--minify'] : []),
    ...(bundling.sourceMap || bundling.sourceMapMode ? [`--sourcemap${mode === SourceMapMode.DEFAULT ? '' : `=${mode}`}`] : []),
    ...(bundling.sourcesContent === false ? ['--sources-content=false'] : []),
    ...(bundling.externalModules ?? []).map((m) => `--external:${m}`),
    ...Object.entries(bundling.define ?? {}).map(([k, v]) => `--define:${k}=${v}`),
    ...(bundling.banner ? [`--banner:js=${bundling.banner}`] : []),
    ...(bundling.mainFields ? [`--main-fields=${bundling.mainFields.join(',')}`] : []),
    ...extra,
  ];
}

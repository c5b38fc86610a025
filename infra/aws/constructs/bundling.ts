/**
 * How every Lambda handler is bundled, in one place: the construct passes `lambdaBundling` to
 * NodejsFunction, and the bench (`npm run bench -- coldstart`) runs esbuild with the arguments
 * `esbuildArgsFor` derives from the same object, the way NodejsFunction does, so what it measures is
 * what deploys, without a `cdk synth`.
 */
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
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
  // The SDK v3 is in the runtime; bundling our pinned clients keeps behaviour identical to the tests.
  externalModules: [],
  esbuildArgs: {
    '--tree-shaking': 'true',
    '--legal-comments': 'none',
    // Lambda's credentials are in the environment: see lambda-credentials.ts. (Relative to the project root, where NodejsFunction runs esbuild.)
    '--alias': ['@aws-sdk/credential-provider-node=./infra/aws/constructs/lambda-credentials.ts'],
  },
} satisfies BundlingOptions;

/** The environment every function gets: no `--enable-source-maps` (see above). */
export const lambdaEnvironment = {
  POWERTOOLS_SERVICE_NAME: 'tanggap',
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

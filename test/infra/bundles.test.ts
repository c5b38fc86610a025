/**
 * No directory of officials is compiled into a function: every Lambda entry is bundled as
 * `npm run synth` bundles it (esbuild), and its metafile — the files the bundle was built from —
 * must not hold the demo directory; each must hold the store it reads the directory from instead.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { httpHandlers, reportHandler, sweepHandler, workflowHandlers } from '../../functions/routes';

const ROOT = resolve(__dirname, '../..');
const entries = [...Object.values(httpHandlers), ...Object.values(workflowHandlers), reportHandler, sweepHandler];

test('the 12 function bundles read the directory from the table and hold no directory of their own', async () => {
  expect(entries).toHaveLength(12);
  const result = await build({
    absWorkingDir: ROOT, entryPoints: entries.map((e) => join(ROOT, e)), bundle: true, platform: 'node', target: 'node22', format: 'cjs',
    outdir: join(ROOT, 'cdk.out', 'bundle-check'), write: false, metafile: true, logLevel: 'silent',
  });
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const inputs = Object.keys(meta.inputs);
    expect({ out, demo: inputs.filter((i) => /shared\/directory\/(demo\.json|index\.ts)$/.test(i)) }).toEqual({ out, demo: [] });
    // The check sees JSON modules (the SOPs are bundled) and the directory store: it is not blind.
    expect(inputs).toContain("shared/sops/validated.json");
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

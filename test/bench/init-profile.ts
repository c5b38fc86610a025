/**
 * Where a function's module init goes, module by module: `npx tsx test/bench/init-profile.ts <function>[,…] [runs]`
 * (names as `npm run bench -- coldstart` prints them: http-task, workflow-notify, report…; default 9 runs).
 *
 * The function is bundled with the deploy options but not minified, so that esbuild writes each
 * module's path before its code; a mark (the process's CPU time) is put at each of those boundaries,
 * the marked bundle is minified as the deployed one is, and imported in fresh processes. Printed: the
 * median CPU time before the first module (reading, parsing and compiling the file, which grows with its
 * bytes), and each module's top-level evaluation (its own statements, and the first compilation of
 * what they call: the first module to build a zod schema also pays for compiling zod's constructors).
 * A figure, not an assertion; the marks add ≈ 10 % to the file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lambdaBundling } from '../../infra/aws/constructs/bundling';
import { bundle, functionEntries, tempOutRoot } from './coldstart';

const ROOT = resolve(__dirname, '../..');

/** The bundle's text with a CPU-time mark before each module esbuild names (`// path` at the start of a line). */
export function markModules(source: string): { text: string; modules: number } {
  const out = ['globalThis.__initMarks = [["<before first module>", process.cpuUsage()]];'];
  let modules = 0;
  for (const line of source.split('\n')) {
    const boundary = /^\/\/ (\S+\.(?:ts|js|mjs|cjs|json))$/.exec(line);
    if (boundary) {
      out.push(`globalThis.__initMarks.push([${JSON.stringify(boundary[1])}, process.cpuUsage()]);`);
      modules++;
    }
    out.push(line);
  }
  out.push('globalThis.__initMarks.push(["<end>", process.cpuUsage()]);');
  return { text: out.join('\n'), modules };
}

// Imports the marked bundle; prints each span's CPU ms by the name of the mark that opens it, as JSON.
const PROBE = `
import { pathToFileURL } from 'node:url';
const c0 = process.cpuUsage();
await import(pathToFileURL(process.argv[2]).href);
const total = process.cpuUsage(c0);
const marks = globalThis.__initMarks;
const ms = (a, b) => (b.user + b.system - a.user - a.system) / 1000;
const spans = { '<import, total>': (total.user + total.system) / 1000, '<before first module>': ms(c0, marks[0][1]) };
for (let i = 1; i + 1 < marks.length; i++) spans[marks[i][0]] = (spans[marks[i][0]] ?? 0) + ms(marks[i][1], marks[i + 1][1]);
process.stdout.write(JSON.stringify(spans));
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

function profile(name: string, runs: number, dir: string): void {
  const entry = functionEntries().find((f) => f.name === name)?.entry;
  if (!entry) throw new Error(`no function "${name}"; known: ${functionEntries().map((f) => f.name).join(', ')}`);
  const plain = bundle(name, entry, dir, { ...lambdaBundling, minify: false });
  const { text, modules } = markModules(readFileSync(plain.file, 'utf8'));
  const marked = join(plain.dir, 'marked.mjs');
  const minified = join(plain.dir, 'marked.min.mjs');
  writeFileSync(marked, text);
  execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [marked, '--minify', '--format=esm', '--platform=node', `--target=${lambdaBundling.target}`, `--outfile=${minified}`, '--log-level=error']);
  writeFileSync(join(dir, 'probe.mjs'), PROBE);
  const spans: Record<string, number[]> = {};
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [join(dir, 'probe.mjs'), minified], { env: { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-3', LANG: 'C' }, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    for (const [k, v] of Object.entries(JSON.parse(out) as Record<string, number>)) (spans[k] ??= []).push(v);
  }
  const rows = Object.entries(spans).map(([k, v]) => ({ k, ms: median(v) }));
  const sum = (pick: (k: string) => boolean) => rows.filter((r) => pick(r.k)).reduce((s, r) => s + r.ms, 0);
  const ours = sum((k) => !k.startsWith('<') && !k.includes('node_modules/'));
  const packages = sum((k) => k.includes('node_modules/'));
  console.log(`${name}: ${modules} modules, marked and minified ${(readFileSync(minified).length / 1024).toFixed(0)} KB; medians of ${runs} fresh processes, CPU ms: import ${rows.find((r) => r.k === '<import, total>')!.ms.toFixed(1)}, before the first module ${rows.find((r) => r.k === '<before first module>')!.ms.toFixed(1)}, our modules ${ours.toFixed(1)}, packages ${packages.toFixed(1)}`);
  for (const r of rows.filter((x) => !x.k.startsWith('<')).sort((a, b) => b.ms - a.ms).slice(0, Number(process.env.TOP ?? 15))) {
    console.log(`  ${r.ms.toFixed(2).padStart(6)}  ${r.k}`);
  }
}

if (require.main === module) {
  const [names, runs] = process.argv.slice(2);
  if (!names) {
    console.error('usage: npx tsx test/bench/init-profile.ts <function>[,<function>…] [runs]');
    process.exit(2);
  }
  const out = tempOutRoot();
  try {
    for (const name of names.split(',')) profile(name, Number(runs ?? 9), out.dir);
  } finally {
    out.remove();
  }
}

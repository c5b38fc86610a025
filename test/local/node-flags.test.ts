/**
 * The runtime's process starts with RUNTIME_NODE_FLAGS wherever it is started as a process: `npm start`,
 * and the tests that spawn it (the bench's sections add them too). A flag kept in one place but missing
 * from the start script would leave the runtime people run with V8's defaults.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RUNTIME_NODE_FLAGS } from '../../infra/local/node-flags';

const ROOT = join(__dirname, '..', '..');

test('npm start runs main.ts with the runtime flags', () => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(scripts.start).toBe(`node ${RUNTIME_NODE_FLAGS.join(' ')} --import tsx infra/local/main.ts`);
});

test('with the flags, the young generation the runtime can grow to is 8 MiB, not 32', async () => {
  // V8 sizes the young generation at start from the flag; the new space's capacity says what it allows.
  const probe = 'const v8=require("v8");let a=[];for(let i=0;i<3e6;i++){a.push({i});if(a.length>2e5)a=[]}console.log(JSON.stringify({size:v8.getHeapSpaceStatistics().find((x)=>x.space_name==="new_space").space_size}))';
  const { stdout } = await promisify(execFile)(process.execPath, [...RUNTIME_NODE_FLAGS, '-e', probe]);
  expect((JSON.parse(stdout) as { size: number }).size).toBeLessThanOrEqual(8 * 1024 * 1024);
});

test('with the flags, the old generation grows by a tenth of what it holds, not up to fourfold: the committed heap stays near the live one', async () => {
  // About 50 MiB kept for good, and batches that live across a few young-generation collections and then die
  // in the old generation (as a burst of complaints' objects do): what V8 commits for it, at its highest.
  const probe = [
    'const keep=Array.from({length:400000},(_,i)=>({i,s:"k"+i,a:[i]}));let w=[];let peak=0;',
    'for(let r=0;r<200;r++){w.push(Array.from({length:20000},(_,i)=>({r,i,s:"w"+i})));if(w.length>8)w.shift();peak=Math.max(peak,process.memoryUsage().heapTotal)}',
    'console.log(JSON.stringify({peak,kept:keep.length}))',
  ].join('');
  const peakMiB = async (flags: readonly string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, '-e', probe]);
    return (JSON.parse(stdout) as { peak: number }).peak / 1024 / 1024;
  };
  const youngOnly = RUNTIME_NODE_FLAGS.filter((f) => f.startsWith('--max-semi-space-size'));
  // V8's own growing factor (up to 4× when collections are quick) lets the same work commit far more.
  expect(await peakMiB(youngOnly)).toBeGreaterThan(180);
  expect(await peakMiB(RUNTIME_NODE_FLAGS)).toBeLessThan(130);
}, 60_000);

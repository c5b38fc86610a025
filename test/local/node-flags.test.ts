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

/**
 * The local runtime as a process of its own (`npm start`'s `node <RUNTIME_NODE_FLAGS> --import tsx infra/local/main.ts`: one process,
 * not the tsx CLI that forks, so that SIGKILL hits the runtime itself), for tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { RUNTIME_NODE_FLAGS } from '../../infra/local/node-flags';

const ROOT = join(__dirname, '../..');

export interface SpawnedRuntime {
  child: ChildProcess;
  url: string;
}

/** Starts the runtime on `dataDir` (port 0) and resolves once it prints its URL. */
export function spawnRuntime(dataDir: string, env: Record<string, string> = {}): Promise<SpawnedRuntime> {
  const child = spawn(process.execPath, [...RUNTIME_NODE_FLAGS, '--import', 'tsx', join(ROOT, 'infra/local/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env, PORT: '0', DATA_DIR: dataDir, CLOCK_START: '2026-11-23T02:00:00Z', POWERTOOLS_LOG_LEVEL: 'ERROR',
      // The per-client rate limit of the local front would refuse a load test from one address.
      COMPLAINT_RATE_LIMIT: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`runtime did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /complaint form\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1]! }); }
    });
    child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`runtime exited (${code}): ${out}`)); });
  });
}

/** SIGKILL, resolved once the process is gone. */
export function killed(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

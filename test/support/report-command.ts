/** Runs `npm run report`'s command (tsx) in a child process with DATA_DIR. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** Runs the command as `npm run report` does (tsx), with DATA_DIR; resolves with its output and exit code. */
export async function runReportCommand(dataDir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'infra/local/report-cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir }, timeout: 60_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}


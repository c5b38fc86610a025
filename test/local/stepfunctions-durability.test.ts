/**
 * Durability of the local engine: executions waiting on a callback task and on future Waits survive a
 * `kill -9` of the process that ran them. A new engine on the same data directory resumes them: the
 * callback is re-invoked (its token re-bound, no second mail), the old token is refused, the new one
 * completes the step, and the timers still fire at their instants.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '../..');

interface Child {
  process: ChildProcessWithoutNullStreams;
  resumed: number;
  ask(command: object): Promise<{ result?: unknown; error?: string }>;
}

/** Starts an engine process on `dataDir` and resolves once it has resumed what the directory holds. */
function startChild(dataDir: string): Promise<Child> {
  // One process (not the tsx CLI, which forks a second): SIGKILL must hit the engine itself, and
  // no engine may outlive the test on the same data directory.
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'stepfunctions-child.ts'), dataDir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting = new Map<number, (answer: { result?: unknown; error?: string }) => void>();
  let nextId = 1;
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the engine process did not start: ${stderr}`)), 30_000);
    child.on('exit', (code, signal) => { clearTimeout(timer); if (signal !== 'SIGKILL') reject(new Error(`the engine process exited (${code}): ${stderr}`)); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { ready?: boolean; resumed?: number; id?: number; result?: unknown; error?: string };
      if (message.ready) {
        clearTimeout(timer);
        resolve({
          process: child,
          resumed: message.resumed!,
          ask: (command) => new Promise((answer) => {
            const id = nextId++;
            waiting.set(id, answer);
            child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
          }),
        });
      } else if (message.id !== undefined) {
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      }
    });
  });
}

const killHard = (child: Child) => new Promise<void>((resolve) => {
  child.process.on('exit', () => {
    for (const stream of [child.process.stdin, child.process.stdout, child.process.stderr]) stream.destroy();
    resolve();
  });
  child.process.kill('SIGKILL');
});
const lines = <T>(file: string): T[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T) : []);

let dataDir: string;
let child: Child | undefined;

beforeEach(() => { dataDir = mkdtempSync(join(tmpdir(), 'tanggap-sfn-kill-')); });
afterEach(async () => {
  if (child && child.process.exitCode === null && child.process.signalCode === null) await killHard(child);
  child = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

test('kill -9 while one execution waits on a callback and another on a future Wait; a new engine resumes both', async () => {
  type Call = { fn: string; caseId: string; token?: string; template?: string };
  type Mail = { slot: string; caseId: string; template: string; level?: number; enteredAt?: string };
  const calls = () => lines<Call>(join(dataDir, 'calls.jsonl'));
  const mail = () => lines<Mail>(join(dataDir, 'mail.jsonl'));
  const tokenOf = (caseId: string) => calls().filter((c) => c.fn === 'task' && c.caseId === caseId).map((c) => c.token!);

  // Prepare: case a waits on its callback (its SLA clock on the reminder); case b was decided and waits to close.
  child = await startChild(dataDir);
  expect(child.resumed).toBe(0);
  const a = (await child.ask({ op: 'start', name: 'case-a', input: { caseId: 'a' } })).result as string;
  const b = (await child.ask({ op: 'start', name: 'case-b', input: { caseId: 'b' } })).result as string;
  expect(await child.ask({ op: 'success', token: tokenOf('b')[0], output: { action: 'done' } })).toEqual({ id: 3, result: null });
  const timersBefore = (await child.ask({ op: 'timers' })).result as string[];
  expect(timersBefore).toEqual(expect.arrayContaining(['2026-11-23T03:00:00.000Z', '2026-11-26T02:00:00.000Z']));
  const oldTokenA = tokenOf('a')[0]!;

  // Act: kill -9, then a new engine on the same directory.
  await killHard(child);
  child = await startChild(dataDir);

  // Assess: both resumed; a's task was re-bound with a new token but mailed once.
  expect(child.resumed).toBe(2);
  expect(tokenOf('a')).toHaveLength(2);
  expect(tokenOf('a')[1]).not.toBe(oldTokenA);
  expect(mail().filter((m) => m.template === 'task').map((m) => m.caseId)).toEqual(['a', 'b']);
  expect(await child.ask({ op: 'describe', arn: a })).toMatchObject({ result: 'RUNNING' });
  expect(await child.ask({ op: 'describe', arn: b })).toMatchObject({ result: 'RUNNING' });
  expect((await child.ask({ op: 'timers' })).result).toEqual(expect.arrayContaining(timersBefore.filter((t) => t < '2027')));

  // The old token is refused; the timers fire at their instants (a is reminded and escalated, once each).
  expect(await child.ask({ op: 'success', token: oldTokenA, output: {} })).toMatchObject({ error: 'TaskDoesNotExist' });
  await child.ask({ op: 'advance', duration: 'PT2H' });
  expect(mail().filter((m) => m.caseId === 'a' && m.template !== 'task').map((m) => [m.template, m.level, m.enteredAt])).toEqual([
    ['reminder', 0, '2026-11-23T03:00:00.000Z'],
    ['escalation', 1, '2026-11-23T03:30:00.000Z'],
  ]);

  // The new token completes a; the close Waits of both fire; nothing was mailed twice.
  expect(await child.ask({ op: 'success', token: tokenOf('a')[1], output: { action: 'late' } })).toMatchObject({ result: null });
  await child.ask({ op: 'advance', duration: 'P3D' });
  expect(await child.ask({ op: 'describe', arn: a })).toMatchObject({ result: 'SUCCEEDED' });
  expect(await child.ask({ op: 'describe', arn: b })).toMatchObject({ result: 'SUCCEEDED' });
  const slots = mail().map((m) => m.slot);
  expect(new Set(slots).size).toBe(slots.length);
  expect(mail().filter((m) => m.template === 'closed').map((m) => [m.caseId, m.enteredAt])).toEqual([
    ['b', '2026-11-26T02:00:00.000Z'],
    ['a', '2026-11-26T02:00:00.000Z'],
  ]);

  // A third start finds nothing left to resume.
  await killHard(child);
  child = await startChild(dataDir);
  expect(child.resumed).toBe(0);
}, 120_000);

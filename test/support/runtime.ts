/**
 * Starts the local runtime for a test file (free port, fresh temporary DATA_DIR) and gives the
 * calls a person or an outside client would make: the public API, the mailbox, the task links.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RateLimit } from '../../infra/local/http-front';
import { startRuntime, type Runtime } from '../../infra/local/runtime';
import type { StoredMail } from '../../infra/local/ses';
import type { TaskView } from '../../shared/usecases/views';

export interface TestRuntime extends Runtime {
  dataDir: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  mail(): Promise<StoredMail[]>;
  /**
   * The assignees' task keys, oldest first: the links of every new-task and handed-over email so far.
   * Reminders and escalations carry links of their own (grants): read those with `taskKeyIn`.
   */
  /**
   * The keys of the task emails sent so far, oldest first; with `trackingId`, only that case's (a
   * runtime shared by a file's tests may still be moving an earlier test's case when the next files
   * one, so the newest task email overall need not be this case's).
   */
  taskKeys(trackingId?: string): Promise<string[]>;
  advance(duration: string): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * `complaintRateLimit` is `off` by default here: tests file many complaints from loopback, one
 * client to the rate limit; a test of the limit itself turns it on. `signInRateLimit` likewise.
 */
export async function startTestRuntime(opts: { clockStart?: Date; dataDir?: string; complaintRateLimit?: RateLimit | 'off'; signInRateLimit?: RateLimit | 'off'; sweepIntervalMs?: number } = {}): Promise<TestRuntime> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tanggap-e2e-'));
  const runtime = await startRuntime({ port: 0, dataDir, clockStart: opts.clockStart, complaintRateLimit: opts.complaintRateLimit ?? 'off', signInRateLimit: opts.signInRateLimit ?? 'off', sweepIntervalMs: opts.sweepIntervalMs });
  const call: TestRuntime['call'] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  const mail = async () => (await call('GET', '/_local/mail')).body as StoredMail[];
  return {
    ...runtime,
    dataDir,
    call,
    mail,
    async taskKeys(trackingId) {
      return (await mail()).filter((m) => ASSIGNMENT.test(m.subject) && (!trackingId || m.subject.endsWith(` — ${trackingId}`))).map(taskKeyIn).filter((k): k is string => !!k);
    },
    async advance(duration) {
      const res = await call('POST', '/_local/clock', { advance: duration });
      if (res.status !== 200) throw new Error(`clock: ${res.text}`);
    },
    async dispose() {
      await runtime.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Subjects of the emails that hand a task to its assignee (new task, handed over), in both languages. */
const ASSIGNMENT = /^(Tugas baru|New task|Tugas dialihkan kepada Anda|Task handed to you):/;

/** The task key in an email's task-page link, if it has one. */
export function taskKeyIn(mail: Pick<StoredMail, 'links'>): string | undefined {
  return mail.links.find((l) => l.includes('/tasks/'))?.split('/tasks/')[1];
}

export const complaint = (agencyId: string, category: string, extra: Record<string, unknown> = {}) => ({
  agencyId,
  category,
  title: 'Pelayanan terlalu lama',
  description: 'Saya menunggu lebih dari tiga jam tanpa kejelasan dari petugas di loket.',
  location: 'Sekayu',
  incidentDate: '2026-11-20',
  reporter: { name: 'Siti Rahma', email: 'siti.rahma@example.com', phone: '081234567890' },
  ...extra,
});

/** Fills an action's required fields the way an official would (text, the first option). */
export function fill(action: TaskView['actions'][number], overrides: Record<string, string> = {}): Record<string, string> {
  const body: Record<string, string> = { action: action.id };
  for (const f of action.fields) {
    if (overrides[f.name] !== undefined) body[f.name] = overrides[f.name]!;
    else if (f.value) body[f.name] = f.value;
    else if (f.required) body[f.name] = f.options?.[0]?.value ?? (f.type === 'date' ? '2026-12-07' : `Isi ${f.name} untuk uji.`);
  }
  return body;
}

/**
 * Acts on the newest task link, with `choose` picking the action (default actions[0], the SOP's
 * normal path). Returns the step acted on.
 */
export async function actOnNewestTask(rt: TestRuntime, choose: (view: TaskView) => { action: string; fields?: Record<string, string> } = (v) => ({ action: v.actions[0]!.id })): Promise<string> {
  const key = (await rt.taskKeys()).at(-1)!;
  const view = await rt.call('GET', `/api/tasks/${key}`);
  if (view.status !== 200) throw new Error(`task ${view.status}: ${view.text}`);
  const v = view.body as TaskView;
  const choice = choose(v);
  const action = v.actions.find((a) => a.id === choice.action)!;
  const res = await rt.call('POST', `/api/tasks/${key}`, fill(action, choice.fields));
  if (res.status !== 200) throw new Error(`act ${res.status}: ${res.text}`);
  await rt.engine.waitForIdle();
  return v.task.stepId;
}

/** The reporter's reply key from the newest answer email. */
export async function replyKey(rt: TestRuntime): Promise<string | undefined> {
  const link = (await rt.mail()).flatMap((m) => m.links).filter((l) => l.includes('/reply?key=')).at(-1);
  return link ? new URL(link).searchParams.get('key') ?? undefined : undefined;
}

/**
 * Crash points of the HTTP decision paths: an official's decision (`actOnTask`) and the reporter's
 * reply or answer (`submitFeedback`). The process is made to die right after each store or Step
 * Functions call in turn; then what really follows happens — the execution records any decision it
 * accepted (outcome handler), and the person sends the same form again — and the end state must be
 * the uninterrupted one: the decision stored once, word for word, delivered to the execution once,
 * recorded on the case once.
 *
 * The execution is a small fake: a token accepts one SendTaskSuccess; a second answers
 * TaskDoesNotExist, as on AWS. Each accepted delivery is then recorded by `recordOutcome`, as the
 * compiled state machine's `record` state would.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { taskSlot, type TaskKind } from '../../shared/case/task';
import { demoDirectory } from '../../shared/directory';
import { Conflict, Unavailable } from '../../shared/errors';
import type { CaseStore, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { deliverStalledDecisions, submitComplaint, submitFeedback } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { actOnTask } from '../../shared/usecases/tasks';
import { openTask, recordOutcome } from '../../shared/usecases/workflow';
import type { ReporterFeedback, StepDecision } from '../../shared/workflow/contract';
import { MemoryCaseStore } from '../support/memory-case-store';
import { MemoryFileStore } from '../support/memory-file-store';
import { pdf } from '../support/images';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const at = '2026-11-23T09:30:00+07:00';
const text = 'Baris "satu" \\ garis miring.\nBaris dua\tTab 😀 👩‍👩‍👧 <b>tebal</b> &amp; \u200Fمرحبا\u200E.';

class Crash extends Error {
  constructor() { super('crash'); this.name = 'Crash'; }
}

interface Delivery { token: string; output: unknown }

function world() {
  const store = new MemoryCaseStore();
  const consumed = new Set<string>();
  /** Deliveries the execution accepted and has not recorded yet. */
  const inbox: Delivery[] = [];
  const accepted: Delivery[] = [];
  const sent: string[] = [];
  let draws = 0;
  const workflow: Workflow = {
    start: async (_s, name) => ({ executionArn: `arn:local:${name}` }),
    taskSucceeded: async (token, output) => {
      if (consumed.has(token)) throw Object.assign(new Error('Task does not exist anymore'), { name: 'TaskDoesNotExist' });
      consumed.add(token);
      inbox.push({ token, output });
      accepted.push({ token, output });
    },
    taskFailed: async () => undefined,
  };
  const files = new MemoryFileStore();
  const deps: Deps = {
    files, store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m.text); return { messageId: `m-${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    // Deterministic, so that every run files the same case with the same keys and the end states compare.
    randomBytes: (n) => { draws++; return Uint8Array.from({ length: n }, (_, i) => (draws * 37 + i * 11) & 255); },
    log: { info: () => undefined, warn: () => undefined },
  };
  return { deps, store, files, inbox, accepted, sent };
}
type World = ReturnType<typeof world>;

/**
 * The same deps, except that the process dies right after its `crashAt`-th call to the store or to
 * Step Functions (the call itself took effect). `calls()` counts them.
 */
function crashing(w: World, crashAt: number): { deps: Deps; calls: () => number } {
  let n = 0;
  const after = async <T>(p: Promise<T>): Promise<T> => {
    const value = await p;
    n++;
    if (n === crashAt) throw new Crash();
    return value;
  };
  const store = new Proxy(w.store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (...args: unknown[]) => after(Promise.resolve(v.apply(target, args))) : v;
    },
  }) as CaseStore;
  const workflow: Workflow = { ...w.deps.workflow, taskSucceeded: (t, o) => after(w.deps.workflow.taskSucceeded(t, o)) };
  // The file store's write too: an official's file is written before the decision is stored.
  const files = { ...w.files, size: w.files.size.bind(w.files), read: w.files.read.bind(w.files), readUrl: w.files.readUrl.bind(w.files), uploadTarget: w.files.uploadTarget.bind(w.files), write: (k: string, b: Uint8Array, t: string) => after(w.files.write(k, b, t)) };
  return { deps: { ...w.deps, store, workflow, files }, calls: () => n };
}

interface Scenario {
  name: string;
  /** Opens the task the person acts on; returns what the machine needs to record the outcome. */
  arrange(w: World): Promise<{ caseId: string; act(deps: Deps): Promise<unknown>; record(d: Delivery): Promise<unknown> }>;
}

async function fileCase(w: World): Promise<string> {
  const parsed = parseComplaint({ agencyId: 'perpus-muba', category: 'layanan', title: 'Buku hilang', description: 'Buku yang saya pinjam tercatat belum kembali padahal sudah.', reporter: { name: 'Siti Rahma', email: 'siti@example.com' } }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  return (await submitComplaint(w.deps, parsed.complaint, NOW, 'id')).caseId;
}

const keyIn = (mail: string, pattern: RegExp) => pattern.exec(mail)![1]!;

const official: Scenario = {
  name: "an official's decision (the response to the reporter)",
  async arrange(w) {
    const caseId = await fileCase(w);
    await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: 'token-solusi', kind: 'official', stepId: 'solusi', visit: 1 });
    const key = keyIn(w.sent.at(-1)!, /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/);
    return {
      caseId,
      act: (deps) => actOnTask(deps, key, { action: 'respond', response: text }, { lang: 'id', now: NOW, viaForm: false }),
      record: (d) => recordOutcome(w.deps, { caseId, executionId: 'x', enteredAt: at, kind: 'stepDone', stepId: 'solusi', visit: 1, decision: d.output as StepDecision }),
    };
  },
};

/** The same decision with a PDF attached: written to the file store first, then the decision. */
const officialWithFile: Scenario = {
  name: "an official's decision with a file for the reporter",
  async arrange(w) {
    const arranged = await official.arrange(w);
    const key = keyIn(w.sent.at(-1)!, /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/);
    return { ...arranged, act: (deps) => actOnTask(deps, key, { action: 'respond', response: text }, { lang: 'id', now: NOW, viaForm: false, file: { name: 'balasan "resmi".pdf', bytes: pdf() } }) };
  },
};

const reporter = (kind: Extract<TaskKind, 'reporterReply' | 'reporterAnswer'>): Scenario => ({
  name: kind === 'reporterReply' ? "the reporter's unsatisfied reply" : "the reporter's answer to a question",
  async arrange(w) {
    const caseId = await fileCase(w);
    const c = (await w.store.getCase(caseId))!;
    await w.store.updateCase(caseId, c.version, { response: { text: 'Jawaban', at, byPersonId: 'perpus-kabid' }, question: 'Kapan?' });
    await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: `token-${kind}`, kind, stepId: 'solusi', visit: 1 });
    const key = keyIn(w.sent.at(-1)!, /reply\?key=((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/);
    const trackingId = c.trackingId;
    return {
      caseId,
      act: (deps) => submitFeedback(deps, trackingId, { key, satisfied: false, rating: 2, comment: text }, NOW),
      record: (d) => (kind === 'reporterReply'
        ? recordOutcome(w.deps, { caseId, executionId: 'x', enteredAt: at, kind: 'reporterFeedback', stepId: 'solusi', visit: 1, feedback: d.output as ReporterFeedback })
        : recordOutcome(w.deps, { caseId, executionId: 'x', enteredAt: at, kind: 'reporterAnswered', stepId: 'solusi', visit: 1 })),
    };
  },
});

/** The execution records what it accepted, as its `record` state would. */
async function runMachine(w: World, record: (d: Delivery) => Promise<unknown>): Promise<void> {
  while (w.inbox.length) await record(w.inbox.shift()!);
}

/** What must not depend on where the process died: the case, its history, the task, what the execution got. */
async function endState(w: World, caseId: string) {
  const c = (await w.store.getCase(caseId))!;
  const { version: _v, ...caseRecord } = c;
  const events = (await w.store.listEvents(caseId)).map(({ seq: _s, ...ev }) => ev);
  const tasks = await Promise.all((['official', 'reporterReply', 'reporterAnswer'] as const).map((k) => w.store.getTask(caseId, taskSlot(k, 'solusi', 1))));
  return {
    case: caseRecord,
    events,
    tasks: tasks.filter((t) => !!t).map(({ version: _v2, keyHash: _k, deliveredAt, ...t }) => ({ ...t, delivered: !!deliveredAt })),
    accepted: w.accepted.map((d) => d.output),
    files: Object.fromEntries(await Promise.all([...(c.attachments ?? [])].map(async (a) => [a.name, Buffer.from((await w.files.read(a.by === 'official' ? `cases/${caseId}/response-${a.slot!.replace(/[^A-Za-z0-9_-]/g, '_')}` : `cases/${caseId}/${a.n}`))!).toString('base64')]))),
  };
}

describe.each([official, officialWithFile, reporter('reporterReply'), reporter('reporterAnswer')])('crash points of $name', (scenario) => {
  test('the uninterrupted run: the words are stored and recorded as typed; only ids and flags reach the execution', async () => {
    const w = world();
    const { caseId, act, record } = await scenario.arrange(w);
    await act(w.deps);
    await runMachine(w, record);
    const end = await endState(w, caseId);
    expect(JSON.stringify(end.accepted)).not.toContain('Baris');
    expect(end.accepted).toHaveLength(1);
    expect(end.tasks.find((t) => t.status === 'done')).toMatchObject({ delivered: true, given: expect.objectContaining(scenario === official || scenario === officialWithFile ? { fields: { response: text } } : { comment: text }) });
    if (scenario === officialWithFile) expect(end.case.response?.file).toMatchObject({ name: 'balasan "resmi".pdf', by: 'official' });
    if (scenario === officialWithFile) expect(Object.keys(end.files)).toEqual(['balasan "resmi".pdf']);
    const recorded = scenario === official || scenario === officialWithFile ? end.case.response?.text
      : scenario.name.includes('reply') ? end.events.find((ev) => ev.type === 'reporter_replied')?.data?.comment
        : end.events.find((ev) => ev.type === 'reporter_answered')?.data?.answer;
    expect(recorded).toBe(text);
  });

  test.each(['the person sends it again', 'the sweep delivers it'] as const)('dying after any store or Step Functions call, then %s, ends as the uninterrupted run', async (recovery) => {
    const reference = world();
    const ref = await scenario.arrange(reference);
    const counted = crashing(reference, Number.POSITIVE_INFINITY);
    await ref.act(counted.deps);
    const points = counted.calls();
    await runMachine(reference, ref.record);
    const expected = await endState(reference, ref.caseId);
    expect(points).toBeGreaterThanOrEqual(4);

    let swept = 0;
    for (let crashAt = 1; crashAt <= points; crashAt++) {
      const w = world();
      const { caseId, act, record } = await scenario.arrange(w);
      // Right after SendTaskSuccess the failure looks like a lost answer from Step Functions: the person is
      // told 503. The last call marks the delivery, best effort: a failure there is logged, not raised.
      const died = await act(crashing(w, crashAt).deps).then(() => 'answered', (err: unknown) => (err instanceof Crash || err instanceof Unavailable ? 'died' : err));
      expect({ crashAt, died }).toEqual({ crashAt, died: crashAt < points ? 'died' : 'answered' });
      await runMachine(w, record);
      if (recovery === 'the sweep delivers it') {
        // Not within the grace period (the person's own retry comes first), then on its own.
        expect(await deliverStalledDecisions(w.deps, NOW)).toEqual([]);
        swept += (await deliverStalledDecisions(w.deps, new Date(NOW.getTime() + 10 * 60_000))).length;
        await runMachine(w, record);
        // Died before anything was stored: the person was told (an error), and sends it again.
        if ((await endState(w, caseId)).tasks.every((t) => t.status === 'open')) await act(w.deps);
      } else {
        // Sent again: delivered now (200), or already delivered and recorded (409 naming it). Never lost, never twice.
        const again = await act(w.deps).then(() => 'ok', (err: unknown) => err);
        if (again !== 'ok') expect(again).toBeInstanceOf(Conflict);
      }
      await runMachine(w, record);
      expect({ crashAt, ...(await endState(w, caseId)) }).toEqual({ crashAt, ...expected });
      // Nothing left for the sweep.
      expect(await deliverStalledDecisions(w.deps, new Date(NOW.getTime() + 20 * 60_000))).toEqual([]);
    }
    // The crash between storing the decision and handing it over is one the sweep heals on its own.
    if (recovery === 'the sweep delivers it') expect(swept).toBeGreaterThanOrEqual(1);
  });
});

test('Step Functions refusing an official\'s decision: 503, the decision stays stored; another decision is 409; the same one again is delivered once', async () => {
  // Prepare
  const w = world();
  const { caseId, record } = await official.arrange(w);
  const key = /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(w.sent.at(-1)!)![1]!;
  const refusing: Deps = { ...w.deps, workflow: { ...w.deps.workflow, taskSucceeded: async () => { throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' }); } } };
  const post = (deps: Deps, response: string) => actOnTask(deps, key, { action: 'respond', response }, { lang: 'id', now: NOW, viaForm: false });

  // Act & assess
  await expect(post(refusing, text)).rejects.toBeInstanceOf(Unavailable);
  expect(await w.store.getTask(caseId, taskSlot('official', 'solusi', 1))).toMatchObject({ status: 'done', given: { fields: { response: text } } });
  expect(w.accepted).toEqual([]);
  // Another text meanwhile: the stored decision is delivered, and this one is refused naming it.
  await expect(post(w.deps, 'Teks lain')).rejects.toBeInstanceOf(Conflict);
  expect(w.accepted.map((d) => d.output)).toEqual([{ action: 'respond' }]);
  await runMachine(w, record);
  expect((await w.store.getCase(caseId))!.response?.text).toBe(text);
  // Delivered: the same one again is 409 and reaches nothing.
  await expect(post(w.deps, text)).rejects.toBeInstanceOf(Conflict);
  expect(w.accepted).toHaveLength(1);
});

test('the same decision sent again after a refusal is answered as done (200) and delivered once', async () => {
  const w = world();
  const { caseId, record } = await official.arrange(w);
  const key = /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(w.sent.at(-1)!)![1]!;
  const refusing: Deps = { ...w.deps, workflow: { ...w.deps.workflow, taskSucceeded: async () => { throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' }); } } };
  const body = { action: 'respond', response: `  ${text}  ` };
  await expect(actOnTask(refusing, key, body, { lang: 'id', now: NOW, viaForm: false })).rejects.toBeInstanceOf(Unavailable);
  await expect(actOnTask(w.deps, key, body, { lang: 'id', now: NOW, viaForm: false })).resolves.toEqual({ next: '@reporter' });
  await runMachine(w, record);
  expect(w.accepted.map((d) => d.output)).toEqual([{ action: 'respond' }]);
  expect((await w.store.getCase(caseId))!.response?.text).toBe(text);
});

test('an execution started before the texts moved to the task still delivers them in its decision and feedback: they are recorded as before', async () => {
  // Prepare: tasks decided the old way (no stored decision on them), as a deployment finds them.
  const w = world();
  const caseId = await fileCase(w);
  await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: 't-1', kind: 'official', stepId: 'solusi', visit: 1 });
  const slot = taskSlot('official', 'solusi', 1);
  const task = (await w.store.getTask(caseId, slot))!;
  await w.store.updateTask(caseId, slot, task.version, { status: 'done', decidedAt: at, decidedBy: 'perpus-kabid', decision: 'Kirim jawaban' });

  // Act: the old shapes, as the contract still accepts them.
  await recordOutcome(w.deps, {
    caseId, executionId: 'x', enteredAt: at, kind: 'stepDone', stepId: 'solusi', visit: 1,
    decision: { action: 'respond', fields: { response: text }, actor: { personId: 'perpus-kabid', role: 'kabid-layanan' }, decidedAt: at },
  });
  await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: 't-2', kind: 'reporterReply', stepId: 'solusi', visit: 1 });
  await recordOutcome(w.deps, { caseId, executionId: 'x', enteredAt: at, kind: 'reporterFeedback', visit: 1, feedback: { satisfied: false, comment: text, at } });

  // Assess
  const c = (await w.store.getCase(caseId))!;
  expect(c.response).toEqual({ text, at, byPersonId: 'perpus-kabid' });
  const events = await w.store.listEvents(caseId);
  expect(events.find((ev) => ev.type === 'step_completed')).toMatchObject({ actor: { personId: 'perpus-kabid', role: 'kabid-layanan' }, data: { action: 'respond' } });
  expect(events.find((ev) => ev.type === 'reporter_replied')?.data).toEqual({ comment: text });
  expect(c.replies).toBe(1);
});

test('what the outcome handler answers today\'s machines: a satisfied reply closes the case in the same call; an action the step lacks is refused, nothing recorded', async () => {
  // Prepare
  const w = world();
  const caseId = await fileCase(w);
  await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: 't-1', kind: 'official', stepId: 'catat', visit: 1 });
  const eventsBefore = (await w.store.listEvents(caseId)).length;

  // Act & assess: a step with one action has no route in the machine, so the record itself refuses another.
  await expect(recordOutcome(w.deps, { caseId, executionId: 'x', enteredAt: at, kind: 'stepDone', stepId: 'catat', visit: 1, decision: { action: 'respond' } }))
    .rejects.toThrow('Step catat has no action "respond"');
  expect((await w.store.listEvents(caseId)).length).toBe(eventsBefore);

  // An unsatisfied reply answers its verdict and leaves the case open, even when the machine would close a satisfied one.
  const reply = { caseId, executionId: 'x', enteredAt: at, kind: 'reporterFeedback', stepId: 'solusi', closeWhenSatisfied: true } as const;
  expect(await recordOutcome(w.deps, { ...reply, visit: 1, feedback: { satisfied: false } })).toEqual({ satisfied: false });
  expect((await w.store.getCase(caseId))!.status).not.toBe('closed');
  // A satisfied one closes it (rated) in the same call, once however often it runs.
  expect(await recordOutcome(w.deps, { ...reply, visit: 2, feedback: { satisfied: true, rating: 5 } })).toEqual({ satisfied: true });
  expect(await recordOutcome(w.deps, { ...reply, visit: 2, feedback: { satisfied: true, rating: 5 } })).toEqual({ satisfied: true });
  expect((await w.store.getCase(caseId))!).toMatchObject({ status: 'closed', closeReason: 'rated', closedAt: at });
  expect((await w.store.listEvents(caseId)).filter((ev) => ev.type === 'closed')).toHaveLength(1);
});

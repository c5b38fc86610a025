/**
 * Continue-as-new, as use cases on the in-memory store: an execution old enough hands the task it
 * waits for over to a successor execution. Nobody can act through the ending execution once the task
 * is held; the successor re-binds the same task (same link, no email) and the case follows it; every
 * step is safe to repeat, and an older execution never takes a task back.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { taskSlot } from '../../shared/case/task';
import { demoDirectory } from '../../shared/directory';
import { DomainError, Unavailable } from '../../shared/errors';
import type { OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { actOnTask } from '../../shared/usecases/tasks';
import { computeStepDeadlines, openTask, recordOutcome } from '../../shared/usecases/workflow';
import type { ExecutionInput, OutcomeRequest, StepDecision } from '../../shared/workflow/contract';
import { CONTINUE_AS_NEW_AFTER_SECONDS, EXECUTION_TIMEOUT_SECONDS, executionName, generationOf, isLaterExecution, successorName } from '../../shared/workflow/executions';
import { MemoryCaseStore } from '../support/memory-case-store';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const at = '2026-11-23T09:30:00+07:00';
const arn = (name: string) => `arn:aws:states:ap-southeast-3:000000000000:execution:tanggap-perpustakaan-muba:${name}`;

interface World {
  deps: Deps;
  store: MemoryCaseStore;
  sent: OutgoingEmail[];
  started: { name: string; input: ExecutionInput }[];
  decisions: { token: string; decision: StepDecision }[];
  failStarts: (n: number) => void;
}

function world(): World {
  const store = new MemoryCaseStore();
  const sent: OutgoingEmail[] = [];
  const started: World['started'] = [];
  const decisions: World['decisions'] = [];
  let failures = 0;
  const workflow: Workflow = {
    start: async (_sop, name, input) => {
      if (failures > 0) { failures--; throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }); }
      started.push({ name, input: input as ExecutionInput });
      return { executionArn: arn(name) };
    },
    taskSucceeded: async (token, output) => { decisions.push({ token, decision: output as StepDecision }); },
    taskFailed: async () => undefined,
  };
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m); return { messageId: `m-${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  return { deps, store, sent, started, decisions, failStarts: (n) => { failures = n; } };
}

/** A library complaint whose first execution (named after the case) has opened `catat`, visit 1. */
async function waitingCase(w: World): Promise<{ caseId: string; key: string }> {
  const parsed = parseComplaint({ agencyId: 'perpus-muba', category: 'layanan', title: 'Buku hilang', description: 'Buku yang saya pinjam tercatat belum kembali padahal sudah.', reporter: { name: 'Siti Rahma', email: 'siti@example.com' } }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(w.deps, parsed.complaint, NOW, 'id');
  await openTask(w.deps, { caseId, executionId: arn(caseId), enteredAt: at, taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });
  return { caseId, key: /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(w.sent.at(-1)!.text)![1]! };
}

type HandOver = Extract<OutcomeRequest, { kind: 'continueAsNew' }>;
/** The hand-over the first execution's race at `stepId` asks for. */
const handOver = (caseId: string, stepId = 'catat'): HandOver => ({
  caseId, executionId: arn(caseId), enteredAt: '2027-11-18T09:30:00+07:00', kind: 'continueAsNew',
  task: { kind: 'official', stepId, visit: 1 },
  resume: { at: stepId, visits: { catat: { n: 1 }, periksa: { n: stepId === 'periksa' ? 1 : 0 }, solusi: { n: 0 }, reporter: { n: 0 } } },
});
const act = (w: World, key: string) => actOnTask(w.deps, key, { action: 'recorded', registerNumber: 'R-1' }, { lang: 'id', now: NOW, viaForm: false });
const refusal = async (p: Promise<unknown>): Promise<Error> => p.then(() => { throw new Error('expected a refusal'); }, (err: unknown) => err as Error);

describe('execution names', () => {
  test.each([
    ['c0123456789abcdef0123456789', 'c0123456789abcdef0123456789', 1, 'c0123456789abcdef0123456789-c2'],
    ['c0123456789abcdef0123456789', 'c0123456789abcdef0123456789-c2', 2, 'c0123456789abcdef0123456789-c3'],
    ['c01', 'c01-c41', 41, 'c01-c42'],
  ])('case %s, execution %s: generation %i, continued by %s', (caseId, name, generation, next) => {
    expect(generationOf(caseId, arn(name))).toBe(generation);
    expect(executionName(caseId, generation)).toBe(name);
    expect(successorName(caseId, arn(name))).toBe(next);
  });

  test('an execution that is not named as the case\'s has no generation and no successor; a name past 80 characters is refused', () => {
    for (const name of ['c02', 'c01-c', 'c01-c1', 'c01-cx', 'c01-c2-c3', 'other']) expect(generationOf('c01', arn(name))).toBeUndefined();
    expect(() => successorName('c01', arn('other'))).toThrow(/not one of case c01's/);
    expect(isLaterExecution('c01', arn('c01-c2'), arn('c01'))).toBe(true);
    expect(isLaterExecution('c01', arn('c01'), arn('c01-c2'))).toBe(false);
    expect(isLaterExecution('c01', arn('other'), arn('c01'))).toBe(false);
    expect(() => executionName('c'.repeat(78), 2)).toThrow(/longer than 80/);
  });

  test('an execution hands over five days before its year is up', () => {
    expect(EXECUTION_TIMEOUT_SECONDS - CONTINUE_AS_NEW_AFTER_SECONDS).toBe(5 * 24 * 3600);
  });
});

test('started answers when the execution hands over: 360 days on, the same on a retry, its own for a successor', async () => {
  // Prepare
  const w = world();
  const { caseId } = await waitingCase(w);
  const started = (executionId: string, enteredAt: string): OutcomeRequest => ({ caseId, executionId, enteredAt, kind: 'started' });

  // Act
  const first = await recordOutcome(w.deps, started(arn(caseId), '2026-11-23T09:00:00+07:00'));
  const retried = await recordOutcome(w.deps, started(arn(caseId), '2026-11-23T09:00:05+07:00'));
  const successor = await recordOutcome(w.deps, started(arn(`${caseId}-c2`), '2027-11-18T09:00:00+07:00'));

  // Assess
  expect(first).toEqual({ continueBy: '2027-11-18T09:00:00+07:00' });
  expect(retried).toEqual(first);
  expect(successor).toEqual({ continueBy: '2028-11-12T09:00:00+07:00' });
  expect((await w.store.listEvents(caseId)).filter((e) => e.type === 'workflow_started')).toHaveLength(1);
});

test('a hand-over holds the task, starts the successor once with where to go back in, and the case follows it', async () => {
  // Prepare
  const w = world();
  const { caseId } = await waitingCase(w);

  // Act: the hand-over, and a retry of it (Lambda retry).
  await recordOutcome(w.deps, handOver(caseId));
  await recordOutcome(w.deps, handOver(caseId));

  // Assess
  const expected = { name: `${caseId}-c2`, input: { caseId, sopId: 'perpustakaan-muba', resume: handOver(caseId).resume } };
  expect(w.started.slice(1)).toEqual([expected, expected]); // after intake's start of the first execution
  expect(await w.store.getTask(caseId, taskSlot('official', 'catat', 1))).toMatchObject({ status: 'open', handingOverTo: `${caseId}-c2`, taskToken: 'token-1' });
  const c = (await w.store.getCase(caseId))!;
  expect(c.executionArn).toBe(arn(`${caseId}-c2`));
  expect(c.status).toBe('in_progress');
  expect((await w.store.listEvents(caseId)).filter((e) => e.type === 'workflow_continued')).toEqual([
    expect.objectContaining({ data: { from: arn(caseId), to: arn(`${caseId}-c2`), at: 'catat' } }),
  ]);
});

test('a visit whose last rung would come after the hand-over instant is refused by its deadlines (ContinueDue), its instants remembered; one that fits is answered', async () => {
  // Prepare: the library's next step (periksa) begins; its ladder's last rung is days after its start.
  const w = world();
  const { caseId } = await waitingCase(w);
  const request = { caseId, executionId: arn(caseId), enteredAt: at, scope: 'step' as const, id: 'periksa', visit: 1, sopId: 'perpustakaan-muba' };
  const fits = await computeStepDeadlines(w.deps, request);
  const last = fits.rungs.at(-1)!.at;

  // Act: the same visit, told a hand-over instant a minute before that rung, and one at that rung.
  const err = await refusal(computeStepDeadlines(w.deps, { ...request, continueBy: new Date(Date.parse(last) - 60_000).toISOString() }));
  const atRung = await computeStepDeadlines(w.deps, { ...request, continueBy: last });

  // Assess: refused by name (the machine hands the visit over before it begins); the remembered instants are the visit's either way.
  expect(err.name).toBe('ContinueDue');
  expect(atRung).toEqual(fits);
  // A reply window likewise: its end is its last instant.
  const window = { ...request, scope: 'replyWindow' as const, id: 'solusi' };
  const end = (await computeStepDeadlines(w.deps, window)).dueAt;
  expect((await refusal(computeStepDeadlines(w.deps, { ...window, continueBy: new Date(Date.parse(end) - 1).toISOString() }))).name).toBe('ContinueDue');
  expect((await w.store.getCase(caseId))!.deadlines?.step).toMatchObject({ key: 'periksa#1', value: expect.objectContaining({ dueAt: fits.dueAt }) });
});

test('a visit handed over before it begins: nothing to hold, the successor is given the visit counted, and a retry starts the same successor', async () => {
  // Prepare: catat was decided (visit 1 closed); periksa's deadlines raised ContinueDue before its task opened.
  const w = world();
  const { caseId, key } = await waitingCase(w);
  await act(w, key);
  const request: HandOver = {
    ...handOver(caseId, 'periksa'), beforeVisit: true,
    resume: { at: 'periksa', visits: { catat: { n: 1 }, periksa: { n: 0 }, solusi: { n: 0 }, reporter: { n: 0 } } },
  };

  // Act: the hand-over, and its retry.
  await recordOutcome(w.deps, request);
  await recordOutcome(w.deps, request);

  // Assess: no task was opened or held; the successor's resume holds periksa's visit 1, which its resume uncounts and counts again.
  const resume = { at: 'periksa', visits: { catat: { n: 1 }, periksa: { n: 1 }, solusi: { n: 0 }, reporter: { n: 0 } } };
  expect(w.started.slice(1)).toEqual([{ name: `${caseId}-c2`, input: { caseId, sopId: 'perpustakaan-muba', resume } }, { name: `${caseId}-c2`, input: { caseId, sopId: 'perpustakaan-muba', resume } }]);
  expect(await w.store.getTask(caseId, taskSlot('official', 'periksa', 1))).toBeUndefined();
  expect(await w.store.getTask(caseId, taskSlot('official', 'catat', 1))).not.toHaveProperty('handingOverTo');
  expect((await w.store.getCase(caseId))!.executionArn).toBe(arn(`${caseId}-c2`));
});

test.each([
  // The next step's race has begun but its task handler has not stored the task yet.
  ['its task is not open yet', async (w: World, caseId: string) => handOver(caseId, 'periksa')],
  ['a decision was just taken (on its way to this execution)', async (w: World, caseId: string, key: string) => { await act(w, key); return handOver(caseId); }],
])('no hand-over while %s: ContinuePending, nothing started', async (_why, prepare) => {
  // Prepare
  const w = world();
  const { caseId, key } = await waitingCase(w);
  const request = await prepare(w, caseId, key);
  const before = (await w.store.getCase(caseId))!.executionArn;

  // Act
  const err = await refusal(recordOutcome(w.deps, request));

  // Assess
  expect(err.name).toBe('ContinuePending');
  expect(w.started.map((s) => s.name)).toEqual([caseId]);
  expect((await w.store.getCase(caseId))!.executionArn).toBe(before);
});

test('while the task is held nobody can act (503, nothing lost); once the successor re-binds it, the same link acts on the successor, and no email was sent twice', async () => {
  // Prepare
  const w = world();
  const { caseId, key } = await waitingCase(w);
  const emails = w.sent.length;
  await recordOutcome(w.deps, handOver(caseId));

  // Act 1: acting during the hand-over.
  const held = await refusal(act(w, key));
  // Assess 1
  expect(held).toBeInstanceOf(Unavailable);
  expect((held as DomainError).messageIn('en')).toContain('send it again in a minute');
  expect(await w.store.getTask(caseId, taskSlot('official', 'catat', 1))).toMatchObject({ status: 'open' });
  expect(w.decisions).toEqual([]);

  // Act 2: the successor enters the same wait, re-binding the task; then the person sends again.
  await openTask(w.deps, { caseId, executionId: arn(`${caseId}-c2`), enteredAt: '2027-11-18T09:30:01+07:00', taskToken: 'token-2', kind: 'official', stepId: 'catat', visit: 1 });
  await act(w, key);

  // Assess 2
  expect(w.sent.length).toBe(emails);
  expect(w.decisions).toEqual([{ token: 'token-2', decision: expect.objectContaining({ action: 'recorded' }) }]);
});

test('a successor that could not be started keeps the hold and is started by the retry', async () => {
  const w = world();
  const { caseId } = await waitingCase(w);
  w.failStarts(1);

  const err = await refusal(recordOutcome(w.deps, handOver(caseId)));
  expect(err.name).toBe('ContinuePending');
  expect(await w.store.getTask(caseId, taskSlot('official', 'catat', 1))).toMatchObject({ handingOverTo: `${caseId}-c2` });
  await recordOutcome(w.deps, handOver(caseId));

  expect(w.started.map((s) => s.name)).toEqual([caseId, `${caseId}-c2`]);
  expect((await w.store.getCase(caseId))!.executionArn).toBe(arn(`${caseId}-c2`));
});

test('an older execution never takes the task back: neither its re-entered wait nor a late retry of its hand-over', async () => {
  // Prepare: handed over, and the successor has re-bound the task.
  const w = world();
  const { caseId, key } = await waitingCase(w);
  await recordOutcome(w.deps, handOver(caseId));
  await openTask(w.deps, { caseId, executionId: arn(`${caseId}-c2`), enteredAt: '2027-11-18T09:30:01+07:00', taskToken: 'token-2', kind: 'official', stepId: 'catat', visit: 1 });

  // Act: the predecessor re-enters its wait (a local restart), and its hand-over is retried.
  await openTask(w.deps, { caseId, executionId: arn(caseId), enteredAt: '2027-11-18T09:30:02+07:00', taskToken: 'token-old', kind: 'official', stepId: 'catat', visit: 1 });
  await recordOutcome(w.deps, handOver(caseId));

  // Assess: the successor keeps the task, unheld; acting reaches it.
  const task = (await w.store.getTask(caseId, taskSlot('official', 'catat', 1)))!;
  expect(task).toMatchObject({ taskToken: 'token-2', executionId: arn(`${caseId}-c2`) });
  expect(task.handingOverTo).toBeUndefined();
  await act(w, key);
  expect(w.decisions.map((d) => d.token)).toEqual(['token-2']);
});

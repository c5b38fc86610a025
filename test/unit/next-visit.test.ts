/**
 * The task before a race begins its visit (statemachines/README.md, "The task before a race begins
 * its visit"): Record start the first step's, a step's record the visit its decision leads to. As use
 * cases on the in-memory store: the visit is counted, its deadlines are the ones its own deadlines task
 * would compute at that instant (remembered, so a re-run answers the same), a ladder outlasting the
 * hand-over instant raises ContinueDue only once the decision is recorded, and a successor begins nothing.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import type { CaseRecord } from '../../shared/case/model';
import type { OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { actOnTask } from '../../shared/usecases/tasks';
import { computeStepDeadlines, openTask, recordOutcome } from '../../shared/usecases/workflow';
import type { Deadlines, NextVisit, OutcomeRequest, Run } from '../../shared/workflow/contract';
import { MemoryCaseStore } from '../support/memory-case-store';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const STARTED = '2026-11-23T09:30:00+07:00';
const arn = (name: string) => `arn:aws:states:ap-southeast-3:000000000000:execution:tanggap-perpustakaan-muba:${name}`;
const periksa: NextVisit = { counter: 'periksa', deadlines: { scope: 'step', id: 'periksa', handsOver: true } };
const window: NextVisit = { counter: 'reporter', deadlines: { scope: 'replyWindow', handsOver: true } };

function world(): { deps: Deps; store: MemoryCaseStore; sent: OutgoingEmail[] } {
  const store = new MemoryCaseStore();
  const sent: OutgoingEmail[] = [];
  const workflow: Workflow = { start: async (_sop, name) => ({ executionArn: arn(name) }), taskSucceeded: async () => undefined, taskFailed: async () => undefined };
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m); return { messageId: `m-${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  return { deps, store, sent };
}

async function newCase(deps: Deps): Promise<string> {
  // Free text of every kind: none of it may reach what the record answers the machine.
  const parsed = parseComplaint({
    agencyId: 'perpus-muba', category: 'layanan', title: 'Buku "hilang" \\ <b>', description: 'Baris satu\nbaris\tdua 📚 — buku yang saya pinjam tercatat belum kembali.',
    reporter: { name: 'Siti Rahma', email: 'siti@example.com' },
  }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  return (await submitComplaint(deps, parsed.complaint, NOW, 'id')).caseId;
}

/** `catat` decided (stored on its task by the official's POST) with `action`, as the race delivers it. */
async function decided(deps: Deps, sent: OutgoingEmail[], caseId: string, action: 'recorded' | 'settle'): Promise<void> {
  await openTask(deps, { caseId, executionId: arn(caseId), enteredAt: STARTED, taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });
  const key = /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(sent.at(-1)!.text)![1]!;
  const fields = action === 'recorded' ? { registerNumber: 'R-1' } : { response: 'Sudah "kembali"\nterima kasih \\ 🙏' };
  await actOnTask(deps, key, { action, ...fields }, { lang: 'id', now: new Date('2026-11-24T02:00:00Z'), viaForm: false });
}

const record = (caseId: string, run: Run, action: string, enteredAt: string): OutcomeRequest => ({
  caseId, executionId: arn(caseId), enteredAt, kind: 'stepDone', stepId: 'catat', visit: 1, decision: { action },
  run, next: { recorded: periksa, settle: window }, answering: true,
});

describe('Record start begins the first visit', () => {
  test('a new case: the first step counted, with the deadlines its own deadlines task would compute at the start', async () => {
    // Prepare
    const { deps } = world();
    const caseId = await newCase(deps);
    const req: OutcomeRequest = { caseId, executionId: arn(caseId), enteredAt: STARTED, kind: 'started', first: { counter: 'catat', deadlines: { scope: 'step', id: 'catat', handsOver: true } }, input: {} };
    // Act
    const answer = await recordOutcome(deps, req) as { continueBy: string; first: { n: number; sla: Deadlines } };
    const again = await recordOutcome(deps, { ...req, enteredAt: '2026-11-23T10:00:00+07:00' });
    // Assess: counted as visit 1; the instants are those of catat#1 at the start (remembered: the retry answers the same).
    expect(answer.first.n).toBe(1);
    expect(answer.first.sla).toEqual(await computeStepDeadlines(deps, { caseId, executionId: arn(caseId), enteredAt: '2026-11-30T09:30:00+07:00', scope: 'step', id: 'catat', visit: 1, sopId: 'perpustakaan-muba' }));
    expect(Date.parse(answer.first.sla.startedAt)).toBe(Date.parse(STARTED));
    expect(Date.parse(answer.first.sla.dueAt)).toBeGreaterThan(Date.parse(STARTED));
    expect(again).toEqual(answer);
    expect(answer.continueBy).toBe((await deps.store.getCase(caseId))!.continueBy!.at);
  });

  test('told its SOP by the execution input, the start and the first visit\'s deadlines are one write, answering what the deadlines task would', async () => {
    // Prepare: two cases of one world, one started by a machine passing its input (sopId), one not.
    const { deps, store } = world();
    const toldId = await newCase(deps);
    const plainId = await newCase(deps);
    const calls: string[] = [];
    const counted = new Proxy(store, { get: (t, p, r) => { const v = Reflect.get(t, p, r) as unknown; return typeof v === 'function' ? (...a: unknown[]) => { calls.push(String(p)); return (v as (...x: unknown[]) => unknown).apply(t, a); } : v; } });
    const req = (caseId: string, input: { sopId?: string }): OutcomeRequest => ({ caseId, executionId: arn(caseId), enteredAt: STARTED, kind: 'started', first: { counter: 'catat', deadlines: { scope: 'step', id: 'catat', handsOver: true } }, input });
    // Act
    const answer = await recordOutcome({ ...deps, store: counted }, req(toldId, { sopId: 'perpustakaan-muba' }));
    const writes = calls.splice(0);
    const retried = await recordOutcome({ ...deps, store: counted }, { ...req(toldId, { sopId: 'perpustakaan-muba' }), enteredAt: '2026-11-23T10:00:00+07:00' });
    const reference = await recordOutcome(deps, req(plainId, {}));
    // Assess: one store call (the start's write) where the deadlines task's write came after it; the same
    // answer and the same remembered deadlines as those two writes; a retry (a later instant) answers the same.
    expect(writes).toEqual(['recordStart']);
    expect(answer).toEqual(reference);
    expect(retried).toEqual(answer);
    const fields = (c: CaseRecord) => ({ deadlines: c.deadlines, stepDueAt: c.stepDueAt, calendarVersion: c.calendarVersion, continueBy: c.continueBy?.at });
    const told = (await store.getCase(toldId))!;
    expect(fields(told)).toEqual(fields((await store.getCase(plainId))!));
    expect(told.deadlines?.step?.key).toBe('catat#1');
    expect(told.version).toBe((await store.getCase(plainId))!.version - 1);
  });

  test('a case that keeps no deadlines map (written before cases did): the start alone, then the first visit\'s deadlines as its deadlines task computes them', async () => {
    // Prepare
    const { deps, store } = world();
    const caseId = await newCase(deps);
    const c = (await store.getCase(caseId))!;
    await store.updateCase(caseId, c.version, { deadlines: undefined });
    const req: OutcomeRequest = { caseId, executionId: arn(caseId), enteredAt: STARTED, kind: 'started', first: { counter: 'catat', deadlines: { scope: 'step', id: 'catat', handsOver: true } }, input: { sopId: 'perpustakaan-muba' } };
    // Act
    const answer = await recordOutcome(deps, req) as { continueBy: string; first: { n: number; sla: Deadlines } };
    // Assess: started by this execution, its event once, visit 1 with the deadlines of catat#1 at the start.
    const stored = (await store.getCase(caseId))!;
    expect(stored.continueBy).toEqual({ executionId: arn(caseId), at: answer.continueBy });
    expect((await store.listEvents(caseId)).filter((e) => e.type === 'workflow_started')).toHaveLength(1);
    expect(answer.first.n).toBe(1);
    expect(Date.parse(answer.first.sla.startedAt)).toBe(Date.parse(STARTED));
    expect(stored.stepDueAt).toBe(answer.first.sla.dueAt);
  });

  test('a successor begins nothing: its counters come from its resume, and the remembered deadlines stay those of the waiting visit', async () => {
    // Prepare: the first execution's first visit remembered.
    const { deps } = world();
    const caseId = await newCase(deps);
    const first = { counter: 'catat', deadlines: { scope: 'step' as const, id: 'catat', handsOver: true } };
    await recordOutcome(deps, { caseId, executionId: arn(caseId), enteredAt: STARTED, kind: 'started', first, input: {} });
    const kept = (await deps.store.getCase(caseId))!.deadlines;
    // Act
    const answer = await recordOutcome(deps, {
      caseId, executionId: arn(`${caseId}-c2`), enteredAt: '2027-11-18T09:30:00+07:00', kind: 'started', first,
      input: { sopId: 'perpustakaan-muba', resume: { at: 'periksa', visits: { catat: { n: 1 }, periksa: { n: 1 } } } },
    });
    // Assess
    expect(answer).toMatchObject({ first: { n: 0 } });
    expect((answer as { first: object }).first).toEqual({ n: 0 });
    expect((await deps.store.getCase(caseId))!.deadlines).toEqual(kept);
  });
});

describe("a step's record begins the visit its decision leads to", () => {
  const run: Run = { continueBy: '2027-11-18T09:30:00+07:00', visits: { catat: { n: 1 }, periksa: { n: 2 }, solusi: { n: 0 }, reporter: { n: 0 } } };

  test("the next step's visit counted, its deadlines computed at the record's instant; a re-run answers the same", async () => {
    // Prepare
    const { deps, sent } = world();
    const caseId = await newCase(deps);
    await decided(deps, sent, caseId, 'recorded');
    const at = '2026-11-24T09:05:00+07:00';
    // Act
    const answer = await recordOutcome(deps, record(caseId, run, 'recorded', at)) as Run & { answered: { stepId: string } };
    const again = await recordOutcome(deps, record(caseId, run, 'recorded', '2026-11-24T11:00:00+07:00'));
    // Assess: periksa's third visit, its deadlines those of periksa#3 computed at the record's instant.
    expect(answer.visits.periksa!.n).toBe(3);
    const sla = answer.visits.periksa!['sla'] as Deadlines;
    expect(Date.parse(sla.startedAt)).toBe(Date.parse(at));
    expect(sla).toEqual(await computeStepDeadlines(deps, { caseId, executionId: arn(caseId), enteredAt: '2026-12-01T09:00:00+07:00', scope: 'step', id: 'periksa', visit: 3, sopId: 'perpustakaan-muba' }));
    expect((await deps.store.getCase(caseId))!.stepDueAt).toBe(sla.dueAt);
    // Everything else kept as given; the step noted as the one that answered (it may answer the reporter).
    expect({ ...answer, visits: { ...answer.visits, periksa: { n: 2 } } }).toEqual({ ...run, answered: { stepId: 'catat' } });
    expect(again).toEqual(answer);
    // The decision recorded once, and nothing a person typed in what goes back to the machine.
    expect((await deps.store.listEvents(caseId)).filter((e) => e.type === 'step_completed')).toHaveLength(1);
    expect(JSON.stringify(answer)).not.toMatch(/R-1|Buku|Siti|siti@/);
  });

  test('answering the reporter: the reply window begun for the step that answered', async () => {
    const { deps, sent } = world();
    const caseId = await newCase(deps);
    await decided(deps, sent, caseId, 'settle');
    const answer = await recordOutcome(deps, record(caseId, run, 'settle', '2026-11-24T09:05:00+07:00')) as Run & { answered: { stepId: string } };
    expect(answer.answered).toEqual({ stepId: 'catat' });
    expect(answer.visits.periksa).toEqual({ n: 2 });
    expect(answer.visits.reporter!.n).toBe(1);
    expect((answer.visits.reporter!['sla'] as Deadlines).dueAt).toBe((await deps.store.getCase(caseId))!.replyWindowEndsAt);
    expect(JSON.stringify(answer)).not.toMatch(/kembali|terima kasih/);
  });

  test('a visit whose ladder would outlast the hand-over instant: ContinueDue, raised only once the decision is recorded, every time', async () => {
    // Prepare: the execution hands over an hour after the decision.
    const { deps, sent } = world();
    const caseId = await newCase(deps);
    await decided(deps, sent, caseId, 'recorded');
    const soon = { ...run, continueBy: '2026-11-24T10:05:00+07:00' };
    // Act
    const first = await recordOutcome(deps, record(caseId, soon, 'recorded', '2026-11-24T09:05:00+07:00')).then(() => undefined, (e: Error) => e);
    const second = await recordOutcome(deps, record(caseId, soon, 'recorded', '2026-11-24T09:06:00+07:00')).then(() => undefined, (e: Error) => e);
    // Assess: the decision is on the case; the machine goes to periksa's own deadlines task, which hands it over.
    expect(first?.name).toBe('ContinueDue');
    expect(second?.name).toBe('ContinueDue');
    expect((await deps.store.listEvents(caseId)).filter((e) => e.type === 'step_completed')).toEqual([expect.objectContaining({ stepId: 'catat', visit: 1, data: expect.objectContaining({ action: 'recorded' }) })]);
  });

  test('a machine compiled before (no run given) is answered nothing, as before', async () => {
    const { deps, sent } = world();
    const caseId = await newCase(deps);
    await decided(deps, sent, caseId, 'recorded');
    const { run: _run, next: _next, answering: _answering, ...old } = record(caseId, run, 'recorded', '2026-11-24T09:05:00+07:00') as Extract<OutcomeRequest, { kind: 'stepDone' }>;
    expect(await recordOutcome(deps, old)).toBeUndefined();
  });
});

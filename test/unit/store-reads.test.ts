/**
 * What the use cases ask of the store, on the in-memory store (held to the adapter by the contract
 * suite): a complaint and its first steps read the case once per step (the task's read carries its
 * assignee's suppression entry: one request) and a new task not at all,
 * a re-entered task state re-binds its task without a second email, and a change applied to a case
 * the caller holds loses nothing another writer wrote meanwhile.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import type { CaseStore, OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import { mutateCase, type Deps } from '../../shared/usecases/deps';
import { computeStepDeadlines, notify, openTask, recordOutcome } from '../../shared/usecases/workflow';
import { MemoryCaseStore } from '../support/memory-case-store';

/** The store, recording each port method the use cases call (not the store's calls to itself). */
function recording(store: CaseStore) {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  /** The reads since the last call of `reads`. */
  const reads = () => calls.splice(0).filter((name) => name.startsWith('get'));
  return { store: proxy, reads };
}

function setup() {
  const memory = new MemoryCaseStore();
  const { store, reads } = recording(memory);
  const sent: OutgoingEmail[] = [];
  const workflow: Workflow = { start: async (sopId, name) => ({ executionArn: `arn:aws:states:local:0:execution:${sopId}:${name}` }), taskSucceeded: async () => undefined, taskFailed: async () => undefined };
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m); return { messageId: `m-${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  return { memory, deps, reads, sent };
}

const enteredAt = '2026-11-23T09:00:00+07:00';

async function filed(deps: Deps) {
  const parsed = parseComplaint({
    agencyId: 'dinkes-muba', category: 'obat', title: 'Obat kosong', description: 'Obat di puskesmas kosong sejak dua minggu.', reporter: { email: 'warga@example.com' },
  }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  return submitComplaint(deps, parsed.complaint, new Date('2026-11-23T02:00:00Z'), 'id', 'key-reads-1');
}

test('a complaint and its first steps read the case once per step (the start and the deadlines none: each one write), and a new task not at all', async () => {
  const { memory, deps, reads, sent } = setup();
  const sop = getSop('dinkes-muba');
  const first = sop.startAt ?? sop.steps[0]!.id;

  const { caseId } = await filed(deps);
  expect(reads()).toEqual([]);
  const base = { caseId, executionId: `arn:aws:states:local:0:execution:dinkes-muba:${caseId}`, enteredAt };
  await recordOutcome(deps, { ...base, kind: 'started' });
  expect(reads()).toEqual([]);
  await notify(deps, { ...base, template: 'acknowledgement' });
  expect(reads()).toEqual(['getCase']);
  // Told its SOP, the deadlines state reads nothing: one conditional write remembers them.
  await computeStepDeadlines(deps, { ...base, scope: 'step', id: first, visit: 1, sopId: 'dinkes-muba' });
  expect(reads()).toEqual([]);
  await openTask(deps, { ...base, taskToken: 'token-1', kind: 'official', stepId: first, visit: 1 });
  // The step's role is one person whatever the case: their suppression entry comes with the case.
  expect(reads()).toEqual(['getCaseWithSuppressions']);

  const c = (await memory.getCase(caseId))!;
  expect(c).toMatchObject({ status: 'in_progress', executionArn: base.executionId, currentStep: { stepId: first, visit: 1, dueAt: c.stepDueAt } });
  expect(c.stepDueAt).toEqual(expect.any(String));
  expect((await memory.listEvents(caseId)).map((e) => e.type)).toEqual(['submitted', 'workflow_started', 'email_sent', 'step_opened', 'email_sent']);
  expect(sent.map((m) => m.to)).toEqual([['warga@example.com'], [expect.any(String)]]);
});

test('a re-entered task state re-binds its task to the new token and mails nobody again', async () => {
  const { memory, deps, reads, sent } = setup();
  const sop = getSop('dinkes-muba');
  const first = sop.startAt ?? sop.steps[0]!.id;
  const { caseId } = await filed(deps);
  const request = { caseId, executionId: 'arn:x', enteredAt, kind: 'official' as const, stepId: first, visit: 1 };
  await openTask(deps, { ...request, taskToken: 'token-1' });
  reads();

  await openTask(deps, { ...request, taskToken: 'token-2' });

  // The claim of its announcement says whether anything is left to finish (here: nothing).
  expect(reads()).toEqual(['getCaseWithSuppressions', 'getMailClaim', 'getTask']);
  expect(await memory.getTask(caseId, `official#${first}#1`)).toMatchObject({ taskToken: 'token-2', status: 'open', version: 2 });
  expect(sent).toHaveLength(1);
  expect((await memory.listEvents(caseId)).filter((e) => e.type === 'step_opened')).toHaveLength(1);
});

test('a change applied to a case the caller holds, behind what another writer stored meanwhile, is applied again to the stored case', async () => {
  const { memory, deps } = setup();
  const { caseId } = await filed(deps);
  const held = (await memory.getCase(caseId))!;
  await memory.updateCase(caseId, held.version, { replies: 1 });

  const after = await mutateCase(deps, caseId, (x) => ({ deliveryFailures: x.deliveryFailures + 1 }), held);

  expect(after).toMatchObject({ replies: 1, deliveryFailures: 1, version: held.version + 2 });
  expect(await memory.getCase(caseId)).toEqual(after);
});

test('the acknowledgement reads the case eventually consistently (what it shows, intake wrote), and consistently when that read finds no case yet', async () => {
  const { memory, deps, sent } = setup();
  const { caseId } = await filed(deps);
  const base = { caseId, executionId: `arn:aws:states:local:0:execution:dinkes-muba:${caseId}`, enteredAt };
  const asked: (boolean | undefined)[] = [];
  // An eventually consistent read that does not show the case written a moment ago (as DynamoDB may answer).
  const lagging = Object.create(memory) as MemoryCaseStore;
  lagging.getCase = async (id: string, read?: { consistent: boolean }) => {
    asked.push(read?.consistent);
    return read?.consistent === false ? undefined : memory.getCase(id);
  };

  await notify({ ...deps, store: lagging }, { ...base, template: 'acknowledgement' });

  expect(asked).toEqual([false, undefined]);
  expect(sent.map((m) => m.to)).toEqual([['warga@example.com']]);
  // Once it shows, one read: the eventually consistent one.
  asked.length = 0;
  lagging.getCase = async (id: string, read?: { consistent: boolean }) => { asked.push(read?.consistent); return memory.getCase(id); };
  await notify({ ...deps, store: lagging }, { ...base, template: 'acknowledgement' });
  expect(asked).toEqual([false]);
  expect(sent).toHaveLength(1);
});

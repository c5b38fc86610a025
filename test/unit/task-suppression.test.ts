/**
 * A task's announcement and the suppression list, when the assignee's entry is read with the case
 * (`getCaseWithSuppressions`, one request) instead of by the mailer: the same emails go, and none to an
 * address that bounced or complained — also when the case's real assignee is not the one expected
 * from the directory (a case routed to another unit).
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import { assigneeOf, headOf } from '../../shared/directory/resolve';
import type { OutgoingEmail, Suppression, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { addressHash, suppressingMailer } from '../../shared/usecases/mail-events';
import { computeStepDeadlines, openTask, recordOutcome } from '../../shared/usecases/workflow';
import { MemoryCaseStore } from '../support/memory-case-store';
import { MemorySuppressionList } from '../support/memory-suppressions';

const enteredAt = '2026-11-23T09:00:00+07:00';

function world() {
  const suppressions = new MemorySuppressionList();
  /** Each read of the list, by whoever reads it (the store's batch or the mailer). */
  const listReads: string[] = [];
  const get = suppressions.get.bind(suppressions);
  suppressions.get = async (hash) => { listReads.push(hash); return get(hash); };
  const store = new MemoryCaseStore(suppressions);
  const sent: OutgoingEmail[] = [];
  const workflow: Workflow = { start: async (sopId, name) => ({ executionArn: `arn:aws:states:local:0:execution:${sopId}:${name}` }), taskSucceeded: async () => undefined, taskFailed: async () => undefined };
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: suppressingMailer({ send: async (m) => { sent.push(m); return { messageId: `m-${sent.length}` }; } }, { suppressions }),
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  const suppress = (email: string, reason: Suppression['reason'] = 'bounce') => suppressions.put({ addressHash: addressHash(email), reason, at: enteredAt });
  return { store, deps, sent, listReads, suppress };
}

/** A complaint filed and its execution started, as the machine does before its first task. */
async function filed(w: ReturnType<typeof world>, agencyId: string, category: string) {
  const parsed = parseComplaint({
    agencyId, category, title: 'Judul "dengan" kutip\\ dan <tag>', description: 'Baris satu\nbaris dua\tdengan tab 😀 dan <b>tebal</b>.', reporter: { email: 'warga@example.com' },
  }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error(`fixture: ${JSON.stringify(parsed)}`);
  const { caseId } = await submitComplaint(w.deps, parsed.complaint, new Date('2026-11-23T02:00:00Z'), 'id');
  const base = { caseId, executionId: `arn:aws:states:local:0:execution:x:${caseId}`, enteredAt };
  await recordOutcome(w.deps, { ...base, kind: 'started' });
  return base;
}

/** Whom the task of `stepId` goes to for this case, by the directory (as openTask decides it). */
async function assigneeFor(w: ReturnType<typeof world>, caseId: string, stepId: string) {
  const c = (await w.store.getCase(caseId))!;
  const sop = getSop(c.sopId);
  const role = sop.steps.find((s) => s.id === stepId)!.role;
  const units = { agencyId: c.agencyId, routedAgencyId: c.routedAgencyId };
  return (assigneeOf(demoDirectory, sop, role, units) ?? headOf(demoDirectory, sop, role, units))!;
}

test('the first task is announced to its assignee, whose entry is read once, with the case, and not again by the mailer', async () => {
  const w = world();
  const base = await filed(w, 'perpus-muba', 'layanan');
  await computeStepDeadlines(w.deps, { ...base, scope: 'step', id: 'catat', visit: 1, sopId: 'perpustakaan-muba' });
  const assignee = await assigneeFor(w, base.caseId, 'catat');
  w.listReads.length = 0;

  await openTask(w.deps, { ...base, taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });

  expect(w.sent.map((m) => m.to)).toEqual([[assignee.email]]);
  expect(w.sent[0]!.text).toContain('Judul "dengan" kutip\\ dan <tag>');
  expect(w.listReads).toEqual([addressHash(assignee.email)]);
  expect(await w.store.getTask(base.caseId, 'official#catat#1')).toMatchObject({ status: 'open', assigneeId: assignee.id });
});

test('an assignee whose address bounced gets no task email: given up at once and recorded, the task open all the same', async () => {
  const w = world();
  const base = await filed(w, 'perpus-muba', 'layanan');
  const assignee = await assigneeFor(w, base.caseId, 'catat');
  await w.suppress(assignee.email.toUpperCase());

  await openTask(w.deps, { ...base, taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });

  expect(w.sent.filter((m) => m.to.includes(assignee.email))).toEqual([]);
  const events = await w.store.listEvents(base.caseId);
  expect(events.filter((e) => e.type === 'email_undeliverable').map((e) => e.data)).toEqual([expect.objectContaining({ template: 'newTask', errorName: 'RecipientSuppressed' })]);
  expect(events.filter((e) => e.type === 'step_opened')).toHaveLength(1);
  expect(await w.store.getTask(base.caseId, 'official#catat#1')).toMatchObject({ status: 'open', assigneeId: assignee.id });
});

describe('a case routed to another unit: its task goes to that unit, whose address the mailer looks up itself', () => {
  async function routed(w: ReturnType<typeof world>) {
    const base = await filed(w, 'kominfo-muara-enim', demoDirectory.agencies.find((a) => a.id === 'kominfo-muara-enim')!.categories[0]!.id);
    const c = (await w.store.getCase(base.caseId))!;
    await w.store.updateCase(base.caseId, c.version, { routedAgencyId: 'dinkes-muba' });
    return { base, assignee: await assigneeFor(w, base.caseId, 'verifikasi-instansi') };
  }

  test('not suppressed: mailed', async () => {
    const w = world();
    const { base, assignee } = await routed(w);
    expect(assignee.email).toMatch(/@/);
    w.listReads.length = 0;

    await openTask(w.deps, { ...base, taskToken: 'token-1', kind: 'official', stepId: 'verifikasi-instansi', visit: 1 });

    expect(w.sent.map((m) => m.to)).toEqual([[assignee.email]]);
    expect(w.listReads).toContain(addressHash(assignee.email));
  });

  test('suppressed (a complaint): not mailed', async () => {
    const w = world();
    const { base, assignee } = await routed(w);
    await w.suppress(assignee.email, 'complaint');

    await openTask(w.deps, { ...base, taskToken: 'token-1', kind: 'official', stepId: 'verifikasi-instansi', visit: 1 });

    // Only the regency admin's report that the task email could not go.
    expect(w.sent.map((m) => [m.to, m.tags?.template])).toEqual([[[demoDirectory.admin.email], 'deliveryFailed']]);
    expect(await w.store.getTask(base.caseId, 'official#verifikasi-instansi#1')).toMatchObject({ status: 'open', assigneeId: assignee.id });
  });
});

test('an expectation it cannot form (an agency whose SOP is unknown here) costs nothing: the case is read alone, the mailer reads the entry', async () => {
  const w = world();
  const base = await filed(w, 'perpus-muba', 'layanan');
  const assignee = await assigneeFor(w, base.caseId, 'catat');
  // A directory of its own (expectations are kept per directory), one agency's SOP unknown to this function.
  const deps: Deps = { ...w.deps, directory: { ...demoDirectory }, getSop: (id) => (id === 'dukcapil-mura' ? (() => { throw new Error(`Unknown SOP "${id}"`); })() : getSop(id)) };
  const reads: string[] = [];
  const store = new Proxy(w.store, { get: (t, p, r) => { const v = Reflect.get(t, p, r); return typeof v === 'function' && String(p).startsWith('get') ? (...a: unknown[]) => { reads.push(String(p)); return v.apply(t, a); } : v; } });
  w.listReads.length = 0;

  await openTask({ ...deps, store }, { ...base, taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });

  expect(reads).toEqual(['getCase']);
  expect(w.sent.map((m) => m.to)).toEqual([[assignee.email]]);
  expect(w.listReads).toEqual([addressHash(assignee.email)]);
});

/**
 * Filing a complaint as a use case, on the in-memory store (held to the adapter by the contract
 * suite) and a fake Workflow: what is stored, idempotency by key and complaint, tracking-id
 * collisions, and complaints whose start failed being started later by the sweep.
 */
import { parseComplaint, type Complaint } from '../../shared/case/complaint';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import { Unavailable, ValidationFailed } from '../../shared/errors';
import type { Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { resumeStalledSubmissions, submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { MemoryCaseStore } from '../support/memory-case-store';
import { caseIdOfTracking } from '../../shared/case/tracking-id';

/** A Workflow that records starts and can be told to be unreachable. */
class FakeWorkflow implements Workflow {
  starts: { sopId: string; name: string; input: unknown }[] = [];
  down = false;
  async start(sopId: string, name: string, input: unknown) {
    if (this.down) throw Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' });
    this.starts.push({ sopId, name, input });
    return { executionArn: `arn:aws:states:local:0:execution:${sopId}:${name}` };
  }
  async taskSucceeded() {}
  async taskFailed() {}
}

function setup(random: () => Uint8Array = () => crypto.getRandomValues(new Uint8Array(16))) {
  const store = new MemoryCaseStore();
  const workflow = new FakeWorkflow();
  const warnings: Record<string, unknown>[] = [];
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async () => ({ messageId: 'm' }) }, publicUrl: 'https://tanggap.example', mailFrom: 'noreply@tanggap.example',
    linkSecret: 'x'.repeat(32), randomBytes: (n) => random().slice(0, n),
    log: { info: () => undefined, warn: (_m, f) => { warnings.push(f ?? {}); } },
  };
  return { store, workflow, deps, warnings };
}

function complaint(over: Record<string, unknown> = {}): Complaint {
  const r = parseComplaint({
    agencyId: 'dukcapil-mura', category: 'ktp-el', title: 'KTP-el belum jadi',
    description: 'Sudah tiga bulan KTP-el saya belum dicetak tanpa penjelasan.', reporter: { email: 'warga@example.com' }, ...over,
  }, demoDirectory, 'id', '2026-11-30');
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.complaint;
}
/** 23:30 UTC on 30 November is 1 December in Musi Rawas (WIB, UTC+7). */
const at = new Date('2026-11-30T23:30:00Z');

test('a complaint is stored as received in the regency\'s month, with its first event, and its execution started', async () => {
  const { store, workflow, deps } = setup();
  const out = await submitComplaint(deps, complaint(), at, 'id');
  const stored = (await store.getCaseByTrackingId(out.trackingId))!;
  expect(stored).toMatchObject({ status: 'received', month: '2026-12', submittedAt: '2026-12-01T06:30:00+07:00', agencyId: 'dukcapil-mura', sopId: 'dukcapil-mura', reporter: { email: 'warga@example.com' } });
  // Intake writes the case once: the execution names itself on it in its first state (workflow.ts, `started`).
  expect(stored.executionArn).toBeUndefined();
  expect(await store.listEvents(stored.caseId)).toEqual([expect.objectContaining({ seq: 1, type: 'submitted', actor: { kind: 'reporter' } })]);
  expect(workflow.starts).toEqual([{ sopId: 'dukcapil-mura', name: stored.caseId, input: { caseId: stored.caseId, sopId: 'dukcapil-mura' } }]);
  expect(out).toEqual({ caseId: stored.caseId, trackingId: stored.trackingId, status: 'received', statusUrl: `https://tanggap.example/complaints/${stored.trackingId}`, submittedAt: stored.submittedAt, hasEmail: true, acknowledgement: 'sending' });
});

test('with a key: the same complaint is the same case; another complaint under the same key is refused within a day, its own case after', async () => {
  const { store, workflow, deps } = setup();
  const first = await submitComplaint(deps, complaint(), at, 'id', 'key-12345678');
  const again = await submitComplaint(deps, complaint(), at, 'id', 'key-12345678');
  expect(again).toEqual(first);
  // The retry came before the execution named itself on the case, so it starts it again: the same
  // name and input, which Step Functions answers with the same execution.
  expect(workflow.starts.map((s) => s.name)).toEqual([first.caseId, first.caseId]);
  expect(workflow.starts[1]).toEqual(workflow.starts[0]);

  // Another complaint under the key within its day: 400 on the key, nothing stored, nothing started.
  const casesBefore = store.snapshot().cases.length;
  const refused = await submitComplaint(deps, complaint({ title: 'Akta kelahiran salah nama' }), new Date(at.getTime() + 23 * 3600_000), 'en', 'key-12345678').catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(ValidationFailed);
  expect((refused as ValidationFailed).issues).toEqual([{ path: 'Idempotency-Key', message: 'This key was used for another complaint; use a new key for a new complaint.' }]);
  expect(store.snapshot().cases).toHaveLength(casesBefore);
  expect(workflow.starts).toHaveLength(2);

  // After a day the key is free again: a case of its own, under the key's next tracking id; its retry is the same.
  const nextDay = new Date(at.getTime() + 25 * 3600_000);
  const other = await submitComplaint(deps, complaint({ title: 'Akta kelahiran salah nama' }), nextDay, 'id', 'key-12345678');
  expect(other.caseId).not.toBe(first.caseId);
  expect(other.trackingId).not.toBe(first.trackingId);
  expect(await submitComplaint(deps, complaint({ title: 'Akta kelahiran salah nama' }), nextDay, 'id', 'key-12345678')).toEqual(other);
  // The first complaint still answers its own retries.
  expect(await submitComplaint(deps, complaint(), nextDay, 'id', 'key-12345678')).toEqual(first);
  // The case holds a keyed hash of the key, never the key.
  expect(JSON.stringify(store.snapshot())).not.toContain('key-12345678');
});

test('a tracking id that is taken is drawn again: at random without a key, the key\'s next one with a key (and its retry walks the same way)', async () => {
  const draws = [1, 7, 2, 7, 9].map((n) => new Uint8Array(16).fill(n));
  let i = 0;
  // Without a key the case id and the tracking id are drawn: 1s (case), 7s (tracking); then 2s (case), 7s (taken), 9s.
  const { store, deps } = setup(() => (i < draws.length ? draws[i++]! : crypto.getRandomValues(new Uint8Array(16))));
  const a = await submitComplaint(deps, complaint(), at, 'id');
  const b = await submitComplaint(deps, complaint({ title: 'Kartu keluarga belum diperbarui' }), at, 'id');
  expect(a.trackingId).not.toBe(b.trackingId);
  expect((await store.getCaseByTrackingId(b.trackingId))?.caseId).toBe(b.caseId);

  // With a key: the key's first tracking id is taken by another case (learnt from a first filing in
  // another world with the same secret); the complaint takes the key's second one, and so does its retry.
  const probe = setup();
  const firstChoice = (await submitComplaint(probe.deps, complaint({ title: 'Kartu keluarga belum diperbarui' }), at, 'id', 'key-cccccccc')).trackingId;
  const { store: taken, deps: keyed } = setup();
  // Another case under the id of that tracking id (a case is its tracking id's record).
  await taken.putCase({ ...(await probe.store.getCaseByTrackingId(firstChoice))!, submission: undefined, title: 'Kasus orang lain' }, { caseId: caseIdOfTracking(firstChoice), at: '2026-11-02T09:00:00+07:00', type: 'submitted', actor: { kind: 'reporter' } });
  const c = await submitComplaint(keyed, complaint({ title: 'Kartu keluarga belum diperbarui' }), at, 'id', 'key-cccccccc');
  expect(c.trackingId).not.toBe(firstChoice);
  expect(await submitComplaint(keyed, complaint({ title: 'Kartu keluarga belum diperbarui' }), at, 'id', 'key-cccccccc')).toEqual(c);
  expect((await taken.getCaseByTrackingId(c.trackingId))?.caseId).toBe(c.caseId);
});

test('when the workflow is unreachable the complaint is kept (503), and the sweep starts it once the grace period has passed', async () => {
  const { store, workflow, deps, warnings } = setup();
  workflow.down = true;
  const refused = submitComplaint(deps, complaint(), at, 'id');
  await expect(refused).rejects.toBeInstanceOf(Unavailable);
  const err = await refused.catch((e: Unavailable) => e);
  const trackingId = (err as Unavailable).details.trackingId as string;
  const kept = (await store.getCaseByTrackingId(trackingId))!;
  expect(kept.executionArn).toBeUndefined();
  expect(JSON.stringify(warnings)).not.toContain('warga@example.com');

  workflow.down = false;
  expect(await resumeStalledSubmissions(deps, new Date(at.getTime() + 60_000))).toEqual([]);
  expect(await resumeStalledSubmissions(deps, new Date(at.getTime() + 6 * 60_000))).toEqual([kept.caseId]);
  expect((await store.getCase(kept.caseId))?.executionArn).toContain(kept.caseId);
  expect(await resumeStalledSubmissions(deps, new Date(at.getTime() + 12 * 60_000))).toEqual([]);
  expect(workflow.starts.map((s) => s.name)).toEqual([kept.caseId]);
});

test('a sweep goes on past a case it cannot start', async () => {
  const { workflow, deps } = setup();
  workflow.down = true;
  for (const title of ['KTP-el belum jadi', 'Antrean akta panjang']) await submitComplaint(deps, complaint({ title }), at, 'id').catch(() => undefined);
  const failing = workflow.start.bind(workflow);
  let calls = 0;
  workflow.down = false;
  workflow.start = async (...args) => { if (calls++ === 0) throw new Error('throttled'); return failing(...args); };
  const later = new Date(at.getTime() + 10 * 60_000);
  expect(await resumeStalledSubmissions(deps, later)).toHaveLength(1);
  expect(await resumeStalledSubmissions(deps, later)).toHaveLength(1);
  expect(await resumeStalledSubmissions(deps, later)).toHaveLength(0);
});

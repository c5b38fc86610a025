/**
 * A parked case (shared/usecases/attention.ts): a workflow state that failed after its retries is
 * stored on the case with its token, recorded once, counted, told to the regency admin once, shown
 * publicly only as "being handled by our staff"; an operator resumes it, and it is no longer parked.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import type { MetricName, OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { parkFailedState, resumeParkedCase } from '../../shared/usecases/attention';
import { publicStatus, submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import type { TaskView } from '../../shared/usecases/views';
import { renderTaskPage } from '../../shared/web/pages';
import { renderTrackingPage } from '../../shared/web/tracking';
import type { ParkRequest } from '../../shared/workflow/contract';
import { MemoryCaseStore } from '../support/memory-case-store';

function world() {
  const store = new MemoryCaseStore();
  const sent: OutgoingEmail[] = [];
  const counted: MetricName[] = [];
  const resumed: { token: string; output: unknown }[] = [];
  const stale = new Set<string>();
  const workflow: Workflow = {
    start: async (_s, name) => ({ executionArn: `arn:local:${name}` }),
    taskSucceeded: async (token, output) => {
      if (stale.has(token)) throw Object.assign(new Error('gone'), { name: 'TaskTimedOut' });
      resumed.push({ token, output });
    },
    taskFailed: async () => undefined,
  };
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m); return { messageId: 'm' }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
    metrics: { count: (name) => counted.push(name) },
  };
  return { deps, store, sent, counted, resumed, stale };
}

async function filed(deps: Deps) {
  const parsed = parseComplaint({ agencyId: 'dinkes-muba', category: 'obat', title: 'Obat kosong', description: 'Obat di puskesmas kosong sejak dua minggu.', reporter: { email: 'warga@example.com' } }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  return submitComplaint(deps, parsed.complaint, new Date('2026-11-23T02:00:00Z'), 'id');
}

const park = (caseId: string, over: Partial<ParkRequest> = {}): ParkRequest => ({
  caseId, executionId: 'arn:aws:states:x:1:execution:dinkes-muba:c1', enteredAt: '2026-11-23T09:05:00+07:00',
  taskToken: 'token-1', kind: 'park', state: 'registrasi: deadlines', error: 'ProvisionedThroughputExceededException', ...over,
});

test('a parked state is on the case with its token, recorded, counted and told to the admin once; the public sees only that staff are on it', async () => {
  // Prepare
  const w = world();
  const { caseId, trackingId } = await filed(w.deps);

  // Act: parked, then the same entry again (a Lambda retry of the parking call, with a new token).
  await parkFailedState(w.deps, park(caseId));
  await parkFailedState(w.deps, park(caseId, { taskToken: 'token-2' }));

  // Assess
  const c = (await w.store.getCase(caseId))!;
  expect(c.needsAttention).toEqual([expect.objectContaining({ state: 'registrasi: deadlines', error: 'ProvisionedThroughputExceededException', taskToken: 'token-2' })]);
  const events = (await w.store.listEvents(caseId)).filter((e) => e.type === 'workflow_parked');
  expect(events.map((e) => e.data)).toEqual([{ state: 'registrasi: deadlines', error: 'ProvisionedThroughputExceededException' }]);
  expect(w.counted).toEqual(['WorkflowTaskFailed']);
  expect(w.sent.map((m) => m.to)).toEqual([[demoDirectory.admin.email]]);
  expect(w.sent[0]!.text).toContain(trackingId);
  expect(w.sent[0]!.text).toContain('"resume":"' + trackingId + '"');
  const status = await publicStatus(w.deps, trackingId, 'id');
  expect(status.handledByStaff).toBe(true);
  expect(JSON.stringify(status)).not.toMatch(/deadlines|Provisioned|token/);
});

test('an operator resumes it: the current token gets SendTaskSuccess, the case is no longer parked, and a stale entry is dropped', async () => {
  const w = world();
  const { caseId, trackingId } = await filed(w.deps);
  await parkFailedState(w.deps, park(caseId, { taskToken: 'token-2' }));
  await parkFailedState(w.deps, park(caseId, { state: 'registrasi: continue as new', taskToken: 'token-old' }));
  w.stale.add('token-old');

  const resumed = await resumeParkedCase(w.deps, trackingId, new Date('2026-11-23T03:00:00Z'));

  expect(resumed).toEqual(['registrasi: deadlines']);
  expect(w.resumed.map((r) => r.token)).toEqual(['token-2']);
  expect((await w.store.getCase(caseId))!.needsAttention).toEqual([]);
  expect((await w.store.listEvents(caseId)).filter((e) => e.type === 'workflow_resumed').map((e) => e.data)).toEqual([{ state: 'registrasi: deadlines' }]);
  expect((await publicStatus(w.deps, trackingId, 'id')).handledByStaff).toBeUndefined();
  // Nothing parked: nothing to do.
  expect(await resumeParkedCase(w.deps, trackingId, new Date('2026-11-23T03:01:00Z'))).toEqual([]);
  await expect(resumeParkedCase(w.deps, 'TGP-0000-0000-0', new Date())).rejects.toMatchObject({ status: 404 });
});

test('the pages say it: the task page that the process stopped and staff handle it, the tracking page only "sedang ditangani petugas"', () => {
  const now = '2026-11-23T09:30:00+07:00';
  const view: TaskView = {
    task: { stepId: 's', stepName: 'Registrasi', role: 'r', status: 'open', dueAt: null, expects: 'Catat', visit: 1, assignee: null },
    link: { holder: 'assignee', may: 'act' },
    case: { trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'a', name: 'Dinas' }, status: 'in_progress', title: 'Judul', description: 'Isi', category: 'k', submittedAt: now, reporter: 'anonymous', needsAttention: true, reporterMessages: [], history: [{ at: now, event: 'workflow_parked' }] },
    actions: [],
  };
  const page = renderTaskPage({ view, csrfToken: 'c', now: new Date(now), lang: 'id' });
  expect(page).toContain('sedang ditangani petugas');
  expect(page).toContain('Proses berhenti, menunggu petugas sistem');
  expect(renderTaskPage({ view: { ...view, case: { ...view.case, needsAttention: undefined } }, csrfToken: 'c', now: new Date(now), lang: 'id' })).not.toContain('sedang ditangani petugas');
  const status = { trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'a', name: 'Dinas' }, status: 'in_progress' as const, currentStep: null, timeline: [] };
  expect(renderTrackingPage({ status: { ...status, handledByStaff: true }, way: { steps: [] }, lang: 'id', now: new Date(now) })).toContain('Sedang ditangani petugas.');
  expect(renderTrackingPage({ status: { ...status, handledByStaff: true }, way: { steps: [] }, lang: 'en', now: new Date(now) })).toContain('Being handled by our staff.');
  expect(renderTrackingPage({ status, way: { steps: [] }, lang: 'id', now: new Date(now) })).not.toContain('ditangani petugas');
});

/**
 * The use cases count what operators must see (the Metrics port): a late verdict once (SlaBreached),
 * an on-time one not at all, and a complaint stored whose execution could not start (ExecutionStartFailed).
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import type { MetricName, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { recordOutcome } from '../../shared/usecases/workflow';
import { MemoryCaseStore } from '../support/memory-case-store';

function world(startFails = false) {
  const counted: MetricName[] = [];
  const workflow: Workflow = {
    start: async (_s, name) => { if (startFails) throw Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' }); return { executionArn: `arn:local:${name}` }; },
    taskSucceeded: async () => undefined, taskFailed: async () => undefined,
  };
  const deps: Deps = {
    store: new MemoryCaseStore(), workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async () => ({ messageId: 'm' }) },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
    metrics: { count: (name) => counted.push(name) },
  };
  return { deps, counted };
}

const complaint = () => {
  const parsed = parseComplaint({ agencyId: 'dinkes-muba', category: 'obat', title: 'Obat kosong', description: 'Obat di puskesmas kosong sejak dua minggu.', reporter: { email: 'warga@example.com' } }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  return parsed.complaint;
};

const sla = { startedAt: '2026-11-23T09:00:00+07:00', remindAt: '2026-11-23T09:07:30+07:00', dueAt: '2026-11-23T09:10:00+07:00', rungs: [], calendarVersion: 'test' };
const done = (caseId: string, visit: number, decidedAt: string) => ({
  caseId, executionId: 'arn:local:x', enteredAt: decidedAt, kind: 'stepDone' as const, stepId: 'registrasi', visit, sla,
  decision: { action: 'registered', fields: { registerNumber: 'R-1' }, actor: { personId: 'p', role: 'r' }, decidedAt },
});

test('a step decided late counts one SlaBreached, even when its outcome is recorded twice; one decided on time counts none', async () => {
  const { deps, counted } = world();
  const { caseId } = await submitComplaint(deps, complaint(), new Date('2026-11-23T02:00:00Z'), 'id');

  await recordOutcome(deps, done(caseId, 1, '2026-11-23T09:05:00+07:00'));
  expect(counted).toEqual([]);
  await recordOutcome(deps, done(caseId, 2, '2026-11-23T09:45:00+07:00'));
  await recordOutcome(deps, done(caseId, 2, '2026-11-23T09:45:00+07:00'));
  expect(counted).toEqual(['SlaBreached']);
});

test('a complaint stored whose execution cannot start counts ExecutionStartFailed (and is answered 503, stored)', async () => {
  const { deps, counted } = world(true);
  await expect(submitComplaint(deps, complaint(), new Date('2026-11-23T02:00:00Z'), 'id')).rejects.toMatchObject({ status: 503 });
  expect(counted).toEqual(['ExecutionStartFailed']);
});

/**
 * The repair sweep's part for email (finishPendingMail), on the in-memory store: a task whose
 * opening died before its announcement went (and whose execution never re-ran), a new-task email SES
 * refused, a notice the state machine gave up on, a notice made moot — each found through the index
 * of pending claims once older than the grace, and finished under the email rule. An email that still
 * fails at its last attempt is given up: recorded on the case, logged, reported to the regency admin
 * once — never swallowed, never looping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseComplaint } from '../../shared/case/complaint';
import { taskSlot } from '../../shared/case/task';
import type { Mailer } from '../../shared/ports';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { computeStepDeadlines, finishPendingMail, MAIL_ATTEMPTS, notify, openTask, recordOutcome } from '../../shared/usecases/workflow';
import type { OpenTaskRequest } from '../../shared/workflow/contract';
import { CrashPlan, CrashWorld, normaliseKeys } from '../support/crash-points';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const at = '2026-11-23T09:30:00+07:00';
const minutesLater = (m: number) => new Date(NOW.getTime() + m * 60_000);

/** A world whose mailer refuses the next `n` messages (SES throttling), and records log lines. */
function world(seed: string) {
  const w = new CrashWorld(seed);
  let refusals = 0;
  const logs: { message: string; fields?: Record<string, unknown> }[] = [];
  const deps = (plan?: CrashPlan): Deps => {
    const d = w.deps(plan);
    const inner = d.mailer;
    const mailer: Mailer = { send: async (m) => { if (refusals > 0) { refusals--; throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' }); } return inner.send(m); } };
    return { ...d, mailer, log: { info: (message, fields) => logs.push({ message, fields }), warn: (message, fields) => logs.push({ message, fields }) } };
  };
  return { w, deps, logs, refuse: (n: number) => { refusals = n; } };
}

async function caseWithDeadlines(deps: Deps): Promise<string> {
  const parsed = parseComplaint({ agencyId: 'perpus-muba', category: 'layanan', title: 'Buku hilang', description: 'Buku yang saya pinjam tercatat belum kembali padahal sudah.', reporter: { name: 'Siti', email: 'siti@example.com' } }, deps.directory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(deps, parsed.complaint, NOW, 'id');
  await recordOutcome(deps, { caseId, executionId: 'x', enteredAt: at, kind: 'started' });
  await computeStepDeadlines(deps, { caseId, executionId: 'x', enteredAt: at, scope: 'step', id: 'catat', visit: 1 });
  return caseId;
}
const opening = (caseId: string): OpenTaskRequest => ({ caseId, executionId: 'x', enteredAt: at, taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 });
const newTaskEmails = (w: CrashWorld) => w.sent.filter((m) => m.subject.startsWith('Tugas baru'));
const events = async (w: CrashWorld, caseId: string) => (await w.store.listEvents(caseId)).map((e) => e.type);

test('a task stored by a run that died before announcing it (and never re-ran) is announced by the sweep once its grace has passed', async () => {
  // Prepare: the opening dies right after the task is stored.
  const { w, deps } = world('died-after-task');
  const caseId = await caseWithDeadlines(deps());
  const plan = new CrashPlan();
  await openTask(deps(plan), opening(caseId));
  const afterPut = plan.trace.indexOf('after store.putTask') + 1;
  const { w: w2, deps: deps2 } = world('died-after-task');
  await caseWithDeadlines(deps2());
  await openTask(deps2(new CrashPlan(afterPut)), opening(caseId)).catch(() => undefined);
  expect((await w2.store.getTask(caseId, taskSlot('official', 'catat', 1)))?.status).toBe('open');
  expect((await w2.store.getCase(caseId))!.currentStep).toBeUndefined();
  expect(newTaskEmails(w2)).toHaveLength(0);

  // Act: a sweep within the grace, then one after it, then another.
  const early = await finishPendingMail(deps2(), minutesLater(5));
  const due = await finishPendingMail(deps2(), minutesLater(11));
  const again = await finishPendingMail(deps2(), minutesLater(30));

  // Assess: announced once, as the uninterrupted run would have; its link opens the task.
  expect(early).toEqual([]);
  expect(due).toEqual([`${caseId}/task#official#catat#1`]);
  expect(again).toEqual([]);
  expect(newTaskEmails(w2)).toHaveLength(1);
  expect(normaliseKeys(newTaskEmails(w2)[0]!.text)).toBe(normaliseKeys(newTaskEmails(w)[0]!.text));
  expect(await w2.brokenLinks()).toEqual([]);
  const c = (await w2.store.getCase(caseId))!;
  expect(c).toMatchObject({ status: 'in_progress', currentStep: { stepId: 'catat', visit: 1, assigneeId: 'perpus-staf' } });
  expect((await events(w2, caseId)).filter((t) => t === 'step_opened' || t === 'email_sent')).toEqual(['step_opened', 'email_sent']);
  expect(await w2.store.getMailClaim(caseId, 'task#official#catat#1')).toMatchObject({ state: 'sent', attempts: 2 });
});

test('a new-task email SES refused leaves the task open and the failure recorded; the sweep sends it', async () => {
  // Prepare
  const { w, deps, refuse } = world('refused-once');
  const caseId = await caseWithDeadlines(deps());
  refuse(1);

  // Act: the opening goes on without its email; then the sweep.
  await openTask(deps(), opening(caseId));
  const before = { emails: newTaskEmails(w).length, c: (await w.store.getCase(caseId))! };
  await finishPendingMail(deps(), minutesLater(11));

  // Assess
  expect(before.emails).toBe(0);
  expect(before.c.currentStep?.stepId).toBe('catat');
  expect(newTaskEmails(w)).toHaveLength(1);
  expect(await w.brokenLinks()).toEqual([]);
  const failed = (await w.store.listEvents(caseId)).filter((e) => e.type === 'email_failed');
  expect(failed).toEqual([expect.objectContaining({ data: { template: 'newTask', recipientRole: 'staf', attempt: 1, errorName: 'Throttling' } })]);
  expect((await w.store.getCase(caseId))!.deliveryFailures).toBe(1);
});

test('an email that fails at every attempt is given up: recorded on the case (no address), logged, reported to the admin once', async () => {
  // Prepare: SES refuses everything sent to the official.
  const { w, deps, logs, refuse } = world('refused-always');
  const caseId = await caseWithDeadlines(deps());
  refuse(MAIL_ATTEMPTS);

  // Act: the opening, then sweeps until the attempts are spent, and more.
  await openTask(deps(), opening(caseId));
  for (let i = 1; i <= MAIL_ATTEMPTS + 2; i++) await finishPendingMail(deps(), minutesLater(11 * i));

  // Assess
  expect(newTaskEmails(w)).toHaveLength(0);
  expect(await w.store.getMailClaim(caseId, 'task#official#catat#1')).toMatchObject({ state: 'failed', attempts: MAIL_ATTEMPTS });
  const log = await w.store.listEvents(caseId);
  expect(log.filter((e) => e.type === 'email_failed')).toHaveLength(MAIL_ATTEMPTS);
  const given = log.filter((e) => e.type === 'email_undeliverable');
  expect(given).toEqual([expect.objectContaining({ data: { template: 'newTask', recipientRole: 'staf', attempts: MAIL_ATTEMPTS, errorName: 'Throttling' } })]);
  expect(JSON.stringify(log)).not.toMatch(/@/); // no address anywhere in the case's history
  const admin = w.sent.filter((m) => m.to.includes(deps().directory.admin.email));
  expect(admin).toHaveLength(1);
  expect(admin[0]!.text).toContain('newTask');
  expect(admin[0]!.text).toContain((await w.store.getCase(caseId))!.trackingId);
  expect(logs.filter((l) => l.message === 'mail delivery failed')).toEqual([
    { message: 'mail delivery failed', fields: expect.objectContaining({ caseId, template: 'newTask', errorName: 'Throttling' }) },
  ]);
  // The task is open all along: the ladder (reminder, escalations) still runs.
  expect((await w.store.getCase(caseId))!.currentStep?.stepId).toBe('catat');
});

test('a notice the state machine gave up on (refused at every retry) is sent by the sweep, at its last attempt', async () => {
  // Prepare: a reminder refused at each of the state machine's attempts but the last, which the sweep makes.
  const { w, deps, refuse } = world('gave-up');
  const caseId = await caseWithDeadlines(deps());
  await openTask(deps(), opening(caseId));
  const reminder = { caseId, executionId: 'x', enteredAt: at, template: 'reminder' as const, stepId: 'catat', visit: 1 };
  refuse(MAIL_ATTEMPTS - 1);
  for (let i = 1; i < MAIL_ATTEMPTS; i++) await expect(notify(deps(), reminder)).rejects.toMatchObject({ name: 'MailDeliveryFailed' });

  // Act
  const finished = await finishPendingMail(deps(), minutesLater(11));

  // Assess: sent once, its grant link works, its event written.
  expect(finished).toEqual([`${caseId}/notify#reminder#catat#1#0`]);
  expect(w.sent.filter((m) => m.subject.startsWith('Pengingat'))).toHaveLength(1);
  expect(await w.store.getMailClaim(caseId, 'notify#reminder#catat#1#0')).toMatchObject({ state: 'sent', attempts: MAIL_ATTEMPTS });
  expect(await w.brokenLinks()).toEqual([]);
  expect((await events(w, caseId)).filter((t) => t === 'reminder_sent')).toHaveLength(1);
});

test('a pending ladder notice whose step was done meanwhile is dropped by the sweep, not sent', async () => {
  // Prepare
  const { w, deps, refuse } = world('moot');
  const caseId = await caseWithDeadlines(deps());
  await openTask(deps(), opening(caseId));
  refuse(1);
  await expect(notify(deps(), { caseId, executionId: 'x', enteredAt: at, template: 'escalation', stepId: 'catat', visit: 1, level: 1 })).rejects.toMatchObject({ name: 'MailDeliveryFailed' });
  const task = (await w.store.getTask(caseId, taskSlot('official', 'catat', 1)))!;
  await w.store.updateTask(caseId, task.slot, task.version, { status: 'done', decidedAt: at, decision: 'recorded' });

  // Act
  const finished = await finishPendingMail(deps(), minutesLater(11));

  // Assess
  expect(finished).toEqual([]);
  expect(w.sent.filter((m) => m.subject.startsWith('Eskalasi'))).toHaveLength(0);
  expect(await w.store.getMailClaim(caseId, 'notify#escalation#catat#1#1')).toBeUndefined();
  expect(await finishPendingMail(deps(), minutesLater(30))).toEqual([]);
});

test('an email gets no more attempts than the state machine retries a notice (compile.ts mailRetry)', () => {
  // The notify task's retry of MailDeliveryFailed in a compiled machine: the first attempt and MaxAttempts retries.
  const asl = JSON.parse(readFileSync(join(__dirname, '../../statemachines/perpustakaan-muba.asl.json'), 'utf8')) as unknown;
  const retries: number[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o.ErrorEquals) && o.ErrorEquals.includes('MailDeliveryFailed') && typeof o.MaxAttempts === 'number') retries.push(o.MaxAttempts);
      Object.values(o).forEach(visit);
    }
  };
  visit(asl);
  expect(retries.length).toBeGreaterThan(0);
  for (const n of retries) expect(MAIL_ATTEMPTS).toBeLessThanOrEqual(1 + n);
});

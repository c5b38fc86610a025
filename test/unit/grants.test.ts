/**
 * The links the escalation ladder mails (grants), as use cases on the in-memory store: a re-entered
 * notice mints nothing twice; a refused email leaves a grant nobody can use; what a grant holder
 * sees and may do follows the SOP; acting is recorded on behalf of the assignee, and then every link
 * of the step answers 409 naming who acted.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { taskSlot } from '../../shared/case/task';
import { demoDirectory } from '../../shared/directory';
import { Conflict, DomainError, Forbidden, Gone } from '../../shared/errors';
import type { OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { actOnTask, viewTask } from '../../shared/usecases/tasks';
import { notify, openTask } from '../../shared/usecases/workflow';
import type { NotifyRequest, StepDecision } from '../../shared/workflow/contract';
import { MemoryCaseStore } from '../support/memory-case-store';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const at = '2026-11-23T09:30:00+07:00';

interface World {
  deps: Deps;
  store: MemoryCaseStore;
  /** Every message handed to the mailer, refused ones included. */
  attempted: OutgoingEmail[];
  sent: OutgoingEmail[];
  decisions: { token: string; decision: StepDecision }[];
  refuseNext: (n: number) => void;
}

function world(): World {
  const store = new MemoryCaseStore();
  const attempted: OutgoingEmail[] = [];
  const sent: OutgoingEmail[] = [];
  const decisions: World['decisions'] = [];
  let refusals = 0;
  const workflow: Workflow = {
    start: async (_s, name) => ({ executionArn: `arn:local:${name}` }),
    taskSucceeded: async (token, output) => { decisions.push({ token, decision: output as StepDecision }); },
    taskFailed: async () => undefined,
  };
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: {
      send: async (m) => {
        attempted.push(m);
        if (refusals > 0) { refusals--; throw Object.assign(new Error('Throttling'), { name: 'Throttling' }); }
        sent.push(m);
        return { messageId: `m-${sent.length}` };
      },
    },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  return { deps, store, attempted, sent, decisions, refuseNext: (n) => { refusals = n; } };
}

/** Files a library complaint and opens `stepId` (visit 1) as the state machine would. */
async function caseAt(w: World, stepId: string, extra: Record<string, unknown> = {}, agencyId = 'perpus-muba', category = 'layanan'): Promise<{ caseId: string; assigneeKey: string }> {
  const parsed = parseComplaint({ agencyId, category, title: 'Buku hilang', description: 'Buku yang saya pinjam tercatat belum kembali padahal sudah.', reporter: { name: 'Siti Rahma', email: 'siti@example.com' }, ...extra }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(w.deps, parsed.complaint, NOW, 'id');
  await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: `token-${stepId}`, kind: 'official', stepId, visit: 1 });
  return { caseId, assigneeKey: keyIn(w.sent.at(-1)!) };
}

const keyIn = (m: OutgoingEmail) => /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(m.text)![1]!;
const ladder = (caseId: string, stepId: string, template: NotifyRequest['template'], level?: number, phaseId?: string): NotifyRequest =>
  ({ caseId, executionId: 'x', enteredAt: at, template, stepId, visit: 1, ...(level ? { level } : {}), ...(phaseId ? { phaseId } : {}) });
/** Notifies and returns the key of the email it sent. */
async function notified(w: World, req: NotifyRequest): Promise<string> {
  const before = w.sent.length;
  await notify(w.deps, req);
  expect(w.sent.length).toBe(before + 1);
  return keyIn(w.sent.at(-1)!);
}
const refusal = async (p: Promise<unknown>): Promise<DomainError> => p.then(() => { throw new Error('expected a refusal'); }, (err: unknown) => err as DomainError);

test('a re-entered ladder notice mints no second grant and sends no second email', async () => {
  // Prepare
  const w = world();
  const { caseId } = await caseAt(w, 'catat');
  const request = ladder(caseId, 'catat', 'escalation', 1);

  // Act: the same state entered three times (Lambda retry, resumed execution).
  await notify(w.deps, request);
  await notify(w.deps, request);
  await notify(w.deps, request);

  // Assess
  const toKasi = w.sent.filter((m) => m.to.includes('kasi.layanan@perpus.musitanggap.example.go.id'));
  expect(toKasi).toHaveLength(1);
  expect(await w.store.listGrants(caseId, taskSlot('official', 'catat', 1))).toEqual([
    expect.objectContaining({ personId: 'perpus-kasi', role: 'kasi-layanan', may: 'act', reason: 'escalation', level: 1, status: 'active' }),
  ]);
});

test('a refused ladder email leaves its grant pending — its link answers 410 — and the retry mints a new key that works', async () => {
  // Prepare
  const w = world();
  const { caseId } = await caseAt(w, 'catat');
  w.refuseNext(1);
  const request = ladder(caseId, 'catat', 'escalation', 1);

  // Act
  await expect(notify(w.deps, request)).rejects.toMatchObject({ name: 'MailDeliveryFailed' });
  await notify(w.deps, request);

  // Assess: two attempts with two keys; only the email that went carries a working one.
  const [refused, delivered] = w.attempted.slice(-2).map(keyIn);
  expect(refused).not.toBe(delivered);
  expect(await refusal(viewTask(w.deps, refused!, 'id'))).toBeInstanceOf(Gone);
  expect((await viewTask(w.deps, delivered!, 'id')).view.link).toMatchObject({ holder: 'grant', may: 'act' });
  const grants = await w.store.listGrants(caseId, taskSlot('official', 'catat', 1));
  expect(grants.map((g) => g.status).sort()).toEqual(['active', 'pending']);
  expect((await w.store.getCase(caseId))!.deliveryFailures).toBe(1);
});

test('the reminder gives the assignee a link of their own that acts, beside the original one', async () => {
  // Prepare
  const w = world();
  const { caseId, assigneeKey } = await caseAt(w, 'catat');

  // Act
  const reminderKey = await notified(w, ladder(caseId, 'catat', 'reminder'));
  const view = (await viewTask(w.deps, reminderKey, 'id')).view;

  // Assess: the reminder's link acts as the assignee (not on anyone's behalf); the original still opens.
  expect(w.sent.at(-1)!.to).toEqual(['staf.layanan@perpus.musitanggap.example.go.id']);
  expect(reminderKey).not.toBe(assigneeKey);
  expect(view.link).toEqual({ holder: 'grant', may: 'act', reason: 'reminder', note: expect.stringContaining('sebagai pengingat') });
  expect(view.actions[0]!.id).toBe('recorded');
  expect((await viewTask(w.deps, assigneeKey, 'id')).view.actions[0]!.id).toBe('recorded');
  await actOnTask(w.deps, reminderKey, { action: 'recorded' }, { lang: 'id', now: NOW, viaForm: false });
  // The execution gets the action only; who acted is stored with the decision on the task.
  expect(w.decisions.at(-1)!.decision).toEqual({ action: 'recorded' });
  expect((await w.store.getTask(caseId, taskSlot('official', 'catat', 1)))!.given).toMatchObject({ actor: { personId: 'perpus-staf', role: 'staf' } });
});

test('a superior acts on behalf of the assignee; then every link of the step answers 409 naming them', async () => {
  // Prepare: the reminder, then the ladder up to the Bupati.
  const w = world();
  const { caseId, assigneeKey } = await caseAt(w, 'catat');
  const reminderKey = await notified(w, ladder(caseId, 'catat', 'reminder'));
  const kasiKey = await notified(w, ladder(caseId, 'catat', 'escalation', 1));
  const headKey = await notified(w, ladder(caseId, 'catat', 'escalation', 2));
  const bupatiKey = await notified(w, ladder(caseId, 'catat', 'escalation', 3));
  const kasiView = (await viewTask(w.deps, kasiKey, 'id')).view;
  expect(kasiView.link).toMatchObject({ holder: 'grant', may: 'act', reason: 'escalation', level: 1 });
  expect(kasiView.task.assignee).toEqual({ name: 'Rina Marlina', title: 'Staf Layanan' });

  // Act
  const result = await actOnTask(w.deps, kasiKey, { action: kasiView.actions[0]!.id, registerNumber: 'R-12' }, { lang: 'id', now: NOW, viaForm: false });

  // Assess: the decision reached the execution as the Kasi's, for the staff officer.
  expect(result.next).toBe('periksa');
  expect(w.decisions).toEqual([{ token: 'token-catat', decision: { action: 'recorded' } }]);
  expect((await w.store.getTask(caseId, taskSlot('official', 'catat', 1)))!.given).toEqual({
    kind: 'official', action: 'recorded', fields: { registerNumber: 'R-12' }, actor: { personId: 'perpus-kasi', role: 'staf', onBehalfOf: 'perpus-staf' }, decidedAt: expect.any(String),
  });
  for (const key of [assigneeKey, reminderKey, kasiKey, headKey, bupatiKey]) {
    const err = await refusal(actOnTask(w.deps, key, { action: 'recorded' }, { lang: 'id', now: NOW, viaForm: false }));
    expect(err).toBeInstanceOf(Conflict);
    expect(err.details).toMatchObject({ decidedBy: 'Andi Pratama, S.IP.', onBehalfOf: 'Rina Marlina' });
    expect(err.messageIn('id')).toContain('oleh Andi Pratama, S.IP. atas nama Rina Marlina');
  }
  expect(w.decisions).toHaveLength(1);
});

test('the Bupati\'s link shows the case and the step without actions; a POST is 403 saying what to do instead', async () => {
  // Prepare
  const w = world();
  const { caseId } = await caseAt(w, 'catat');
  const bupatiKey = await notified(w, ladder(caseId, 'catat', 'escalation', 3));

  // Act
  const { view } = await viewTask(w.deps, bupatiKey, 'id');
  const refused = await refusal(actOnTask(w.deps, bupatiKey, { action: 'recorded' }, { lang: 'id', now: NOW, viaForm: false }));

  // Assess
  expect(w.sent.at(-1)!.to).toEqual([demoDirectory.bupati.email]);
  expect(view.link).toEqual({ holder: 'grant', may: 'view', reason: 'escalation', level: 3, note: expect.stringContaining('Anda menerima tautan ini sebagai eskalasi tingkat 3: tahap ini melewati batas waktu.') });
  expect(view.actions).toEqual([]);
  expect(view.task).toMatchObject({ stepId: 'catat', status: 'open', assignee: { name: 'Rina Marlina' } });
  expect(view.case.history.map((h) => h.event)).toContain('escalated');
  expect(refused).toBeInstanceOf(Forbidden);
  expect(refused.messageIn('id')).toContain('Tautan ini hanya untuk melihat');
  expect(refused.messageIn('id')).toContain('Rina Marlina');
  expect(refused.messageIn('en')).toContain('This link is for viewing only');
  expect(w.decisions).toEqual([]);
});

test('a confidential reporter is shown to a grant holder only if their role sees reporters; never to the Bupati', async () => {
  // Prepare: in the library the staff, the Kasi and the Kabid see reporters; the Kepala Dinas does not.
  const w = world();
  const { caseId } = await caseAt(w, 'catat', { confidential: true });
  const keys = {
    reminded: await notified(w, ladder(caseId, 'catat', 'reminder')),
    superior: await notified(w, ladder(caseId, 'catat', 'escalation', 1)),
    head: await notified(w, ladder(caseId, 'catat', 'escalation', 2)),
    bupati: await notified(w, ladder(caseId, 'catat', 'escalation', 3)),
  };

  // Act
  const seen = Object.fromEntries(await Promise.all(Object.entries(keys).map(async ([who, key]) => [who, (await viewTask(w.deps, key, 'id')).view.case.reporter])));

  // Assess
  expect(seen).toEqual({ reminded: expect.objectContaining({ email: 'siti@example.com' }), superior: expect.objectContaining({ email: 'siti@example.com' }), head: 'hidden', bupati: 'hidden' });
  for (const m of w.sent.filter((x) => /^Eskalasi/.test(x.subject))) expect(m.text).not.toContain('siti@example.com');
});

test('the head hands the task to the Plh: the assignee\'s links answer 410, the head\'s still works, the Plh\'s new link acts', async () => {
  // Prepare: the Kabid's step, reminded and escalated to the head of office — rung 1: the Kabid's
  // superior is the head of office (rung 2, naming him again, goes to the Bupati).
  const w = world();
  const { caseId, assigneeKey } = await caseAt(w, 'solusi');
  const reminderKey = await notified(w, ladder(caseId, 'solusi', 'reminder'));
  const headKey = await notified(w, ladder(caseId, 'solusi', 'escalation', 1));
  expect(w.sent.at(-1)!.to).toEqual(['kepala@perpus.musitanggap.example.go.id']);
  const headView = (await viewTask(w.deps, headKey, 'id')).view;
  const reassign = headView.actions.find((a) => a.id === 'reassign')!;
  expect(reassign.fields[0]!.options!.map((o) => o.value)).toEqual(['perpus-plh-kabid']);

  // Act
  await actOnTask(w.deps, headKey, { action: 'reassign', to: 'perpus-plh-kabid' }, { lang: 'id', now: NOW, viaForm: false });

  // Assess
  const handedOver = w.sent.at(-1)!;
  expect(handedOver.to).toEqual(['plh.kabid@perpus.musitanggap.example.go.id']);
  expect(handedOver.text).toContain('Drs. Hendra Saputra, M.M. mengalihkan tugas ini');
  for (const key of [assigneeKey, reminderKey]) expect(await refusal(viewTask(w.deps, key, 'id'))).toBeInstanceOf(Gone);
  expect((await viewTask(w.deps, headKey, 'id')).view.task.assignee).toEqual({ name: 'Bambang Irawan, S.E.', title: 'Plh. Kepala Bidang Layanan' });
  const events = await w.store.listEvents(caseId);
  expect(events.find((e) => e.type === 'task_reassigned')).toMatchObject({ actor: { personId: 'perpus-kadin', onBehalfOf: 'perpus-kabid' }, from: 'perpus-kabid', to: 'perpus-plh-kabid' });
  const plhKey = keyIn(handedOver);
  await actOnTask(w.deps, plhKey, { action: 'respond', response: 'Buku sudah tercatat kembali.' }, { lang: 'id', now: NOW, viaForm: false });
  expect(w.decisions.at(-1)!.decision).toEqual({ action: 'respond' });
  const solusi = (await w.store.getTask(caseId, taskSlot('official', 'solusi', 1)))!;
  expect(solusi.given).toMatchObject({ actor: { personId: 'perpus-plh-kabid', role: 'kabid-layanan' }, fields: { response: 'Buku sudah tercatat kembali.' } });
});

test('each link has its own CSRF token: the page of one key cannot post through another', async () => {
  // Prepare
  const w = world();
  const { caseId, assigneeKey } = await caseAt(w, 'catat');
  const kasiKey = await notified(w, ladder(caseId, 'catat', 'escalation', 1));
  const assigneeCsrf = (await viewTask(w.deps, assigneeKey, 'id')).csrf;
  const kasiCsrf = (await viewTask(w.deps, kasiKey, 'id')).csrf;

  // Act
  const crossed = await refusal(actOnTask(w.deps, kasiKey, { action: 'recorded' }, { lang: 'id', now: NOW, viaForm: true, csrf: assigneeCsrf }));
  await actOnTask(w.deps, kasiKey, { action: 'recorded' }, { lang: 'id', now: NOW, viaForm: true, csrf: kasiCsrf });

  // Assess
  expect(kasiCsrf).not.toBe(assigneeCsrf);
  expect(crossed).toBeInstanceOf(Forbidden);
  expect(w.decisions).toHaveLength(1);
});

test('a ladder notice that arrives after the step was decided sends nothing and mints nothing', async () => {
  // Prepare
  const w = world();
  const { caseId, assigneeKey } = await caseAt(w, 'catat');
  await actOnTask(w.deps, assigneeKey, { action: 'recorded' }, { lang: 'id', now: NOW, viaForm: false });
  const mails = w.sent.length;

  // Act: the clock's notice was already in flight when the decision ended the race.
  await notify(w.deps, ladder(caseId, 'catat', 'escalation', 1));

  // Assess
  expect(w.sent).toHaveLength(mails);
  expect(await w.store.listGrants(caseId, taskSlot('official', 'catat', 1))).toEqual([]);
});

test('a phase\'s ladder grants on the task open in the phase, and says it was the phase that ran late', async () => {
  // Prepare: Musi Rawas limits the whole procedure (phase "penanganan"), not its steps.
  const w = world();
  const { caseId } = await caseAt(w, 'terima', {}, 'dukcapil-mura', 'ktp-el');

  // Act
  const key = await notified(w, ladder(caseId, 'terima', 'escalation', 1, 'penanganan'));

  // Assess
  const [grant] = await w.store.listGrants(caseId, taskSlot('official', 'terima', 1));
  expect(grant).toMatchObject({ phaseId: 'penanganan', level: 1, may: 'act' });
  const { view } = await viewTask(w.deps, key, 'en');
  expect(view.link).toMatchObject({ holder: 'grant', note: expect.stringContaining('escalation level 1: "The whole complaint-handling procedure" is past its deadline') });
  expect(view.actions.length).toBeGreaterThan(0);
});

test('a rung with nobody left to tell sends nothing, grants nothing, and is recorded once on the case', async () => {
  // Prepare: the Kabid's step: rung 1 the Kepala Dinas (superior and head), rung 2 the Bupati.
  const w = world();
  const { caseId } = await caseAt(w, 'solusi');
  await notified(w, ladder(caseId, 'solusi', 'escalation', 1));
  await notified(w, ladder(caseId, 'solusi', 'escalation', 2));
  const sentBefore = w.sent.length;

  // Act: rung 3 (the Bupati again), twice — a re-entered state or a Lambda retry.
  await notify(w.deps, ladder(caseId, 'solusi', 'escalation', 3));
  await notify(w.deps, ladder(caseId, 'solusi', 'escalation', 3));

  // Assess
  expect(w.sent).toHaveLength(sentBefore);
  const c = (await w.store.getCase(caseId))!;
  expect(c.escalations.map((e) => [e.level, e.to])).toEqual([[1, 'perpus-kadin'], [2, 'bupati']]);
  const skipped = (await w.store.listEvents(caseId)).filter((e) => e.type === 'escalation_skipped');
  expect(skipped.map((e) => [e.stepId, e.to, e.data])).toEqual([['solusi', 'bupati', { level: 3, reason: 'alreadyTold' }]]);
});

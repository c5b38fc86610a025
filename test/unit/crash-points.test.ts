/**
 * Crash at any point, converge to the same end state. For every workflow handler (open a task of
 * each kind, every notice, the deadlines, every kind of outcome), and for every crash point of an
 * uninterrupted run — just before each port call, just after it took effect, and between the item
 * writes of a store method — the handler dies there and runs again with the same request (a Lambda
 * retry, a resumed execution; before it, what the dead run left in flight is released, as the local
 * runtime does at start). The end state must be the uninterrupted run's: the case, its events,
 * tasks, active grants, claims, the executions started and the emails sent. One difference is allowed,
 * and only where the README's email rule says: a death between SES accepting an email and its claim
 * being marked sent sends that email once more — with links that work.
 */
import { parseComplaint, type Complaint } from '../../shared/case/complaint';
import { taskSlot, type GivenDecision } from '../../shared/case/task';
import type { Deps } from '../../shared/usecases/deps';
import { submitComplaint } from '../../shared/usecases/complaints';
import { computeStepDeadlines, notify, openTask, recordOutcome, releaseInFlightMail } from '../../shared/usecases/workflow';
import type { Deadlines, DeadlinesRequest, NotifyRequest, OpenTaskRequest, OutcomeRequest } from '../../shared/workflow/contract';
import { demoDirectory } from '../../shared/directory';
import { addressHash } from '../../shared/usecases/mail-events';
import { CrashPlan, CrashWorld } from '../support/crash-points';

const NOW = new Date('2026-11-23T02:30:00Z'); // Monday 09:30 WIB
const at = '2026-11-23T09:30:00+07:00';
const later = '2026-11-23T10:30:00+07:00';
const execution = (caseId: string) => `arn:aws:states:ap-southeast-3:000000000000:execution:tanggap:${caseId}`;

type Handler =
  | { deadlines: DeadlinesRequest }
  | { task: OpenTaskRequest }
  | { notify: NotifyRequest }
  | { outcome: OutcomeRequest }
  | { intake: { complaint: Complaint; idempotencyKey: string } };

function run(deps: Deps, h: Handler): Promise<unknown> {
  if ('intake' in h) return submitComplaint(deps, h.intake.complaint, NOW, 'id', h.intake.idempotencyKey);
  if ('deadlines' in h) return computeStepDeadlines(deps, h.deadlines);
  if ('task' in h) return openTask(deps, h.task);
  if ('notify' in h) return notify(deps, h.notify);
  return recordOutcome(deps, h.outcome);
}

/** A complaint filed (and acknowledged) as intake and the first states would leave it. */
async function filed(deps: Deps, agencyId = 'perpus-muba', category = 'layanan', reporter: Record<string, string> = { name: 'Siti "Ina" Rahma', email: 'siti@example.com' }): Promise<string> {
  const parsed = parseComplaint({ agencyId, category, title: 'Buku hilang "lagi"', description: 'Buku yang saya pinjam\ntercatat belum kembali padahal sudah \\ dua kali.', reporter }, deps.directory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId } = await submitComplaint(deps, parsed.complaint, NOW, 'id');
  await recordOutcome(deps, { caseId, executionId: execution(caseId), enteredAt: at, kind: 'started' });
  return caseId;
}

const base = (caseId: string, enteredAt = at) => ({ caseId, executionId: execution(caseId), enteredAt });
const deadlines = (deps: Deps, caseId: string, scope: DeadlinesRequest['scope'], id: string, enteredAt = at): Promise<Deadlines> =>
  computeStepDeadlines(deps, { ...base(caseId, enteredAt), scope, id, visit: 1 });
/** The case waiting at `stepId` (visit 1) of the library, announced. */
async function waitingAt(deps: Deps, stepId = 'catat'): Promise<{ caseId: string; sla: Deadlines }> {
  const caseId = await filed(deps);
  const sla = await deadlines(deps, caseId, 'step', stepId);
  await openTask(deps, { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId, visit: 1 });
  return { caseId, sla };
}
const decision = (action: string, fields: Record<string, string>, personId: string, role: string) => ({ action, fields, actor: { personId, role }, decidedAt: later });
/** Stores a decision on its task as the task page does before delivering it (the texts never travel to the execution). */
async function give(deps: Deps, caseId: string, slot: string, given: GivenDecision): Promise<void> {
  const task = (await deps.store.getTask(caseId, slot))!;
  await deps.store.updateTask(caseId, slot, task.version, { status: 'done', decidedAt: later, given });
}
/** The library case answered at `solusi` (the response recorded, the reply window computed). */
async function answered(deps: Deps): Promise<string> {
  const { caseId, sla } = await waitingAt(deps, 'solusi');
  await recordOutcome(deps, { ...base(caseId, later), kind: 'stepDone', stepId: 'solusi', visit: 1, sla, decision: decision('respond', { response: 'Jawaban "lengkap":\nBaris dua\tdengan \\ dan <b>.' }, 'perpus-kabid', 'kabid-layanan') });
  await deadlines(deps, caseId, 'replyWindow', 'solusi', later);
  return caseId;
}
/** An SP4N-LAPOR! case routed to the Health Office, its executing official's task open (visit 1). */
async function lateFollowUp(deps: Deps): Promise<{ caseId: string; sla: Deadlines }> {
  const caseId = await filed(deps, 'kominfo-muara-enim', 'kesehatan');
  const c = (await deps.store.getCase(caseId))!;
  await deps.store.updateCase(caseId, c.version, { routedAgencyId: 'dinkes-muba' });
  const sla = await deadlines(deps, caseId, 'step', 'tindak-lanjut');
  await openTask(deps, { ...base(caseId), taskToken: 'token-t', kind: 'official', stepId: 'tindak-lanjut', visit: 1 });
  return { caseId, sla };
}
/** A Musi Rawas civil-registry case inside its phase, at `terima`. */
async function inPhase(deps: Deps, enteredAt = at): Promise<{ caseId: string; sla: Deadlines }> {
  const caseId = await filed(deps, 'dukcapil-mura', 'ktp-el');
  const sla = await deadlines(deps, caseId, 'phase', 'penanganan', enteredAt);
  await openTask(deps, { ...base(caseId, enteredAt), taskToken: 'token-1', kind: 'official', stepId: 'terima', visit: 1 });
  return { caseId, sla };
}

/**
 * Suppresses addresses (they bounced or complained) once the world is prepared: the handler under
 * test meets the suppression list, the preparation did not. `officials`: every official's but the
 * regency admin's (whom the give-up is reported to), so the email goes to a suppressed address
 * whoever the directory makes its recipient.
 */
async function suppress(world: CrashWorld, who: { officials?: boolean; addresses?: string[] }): Promise<void> {
  const d = demoDirectory;
  const everyone = [d.bupati, d.inspectorate.head, ...d.inspectorate.officials, ...d.agencies.flatMap((a) => [a.head, ...a.officials])];
  const people = who.officials ? everyone.filter((p) => p.email !== d.admin.email).map((p) => p.email) : [];
  for (const address of [...people, ...(who.addresses ?? [])]) await world.suppressions.put({ addressHash: addressHash(address), reason: 'bounce', at });
}

const scenarios: [string, (deps: Deps, world: CrashWorld) => Promise<Handler>][] = [
  // Intake with an Idempotency-Key: the key's tracking lookup, the case with its first event, the start.
  ['intake with an Idempotency-Key', async (d) => {
    const parsed = parseComplaint({ agencyId: 'perpus-muba', category: 'layanan', title: 'Buku hilang "lagi"', description: 'Buku yang saya pinjam\ntercatat belum kembali padahal sudah \\ dua kali.', reporter: { name: 'Siti "Ina" Rahma', email: 'siti@example.com' } }, d.directory, 'id', '2026-11-23');
    if (!parsed.ok) throw new Error('fixture');
    return { intake: { complaint: parsed.complaint, idempotencyKey: 'crash-intake-0001' } };
  }],
  ['outcome started', async (d) => ({ outcome: { ...base(await filedWithoutStart(d)), kind: 'started' } })],
  // Told its SOP by the execution's input: the first visit's deadlines in the start's one write.
  ['outcome started, beginning the first visit told its SOP', async (d) => {
    const caseId = await filedWithoutStart(d);
    return { outcome: { ...base(caseId), kind: 'started', first: { counter: 'catat', deadlines: { scope: 'step', id: 'catat', handsOver: true } }, input: { caseId, sopId: 'perpustakaan-muba' } } };
  }],
  // A first phase reaching a year without holidays: the start alone, then the gap recorded and the admin warned.
  ['outcome started, beginning a first phase that reaches a year without holidays', async (d) => {
    const caseId = await filedWithoutStart(d, 'dukcapil-mura', 'ktp-el');
    return { outcome: { ...base(caseId, '2026-12-29T09:30:00+07:00'), kind: 'started', first: { counter: 'penanganan', entry: 'terima', deadlines: { scope: 'phase', id: 'penanganan' } }, input: { caseId, sopId: 'dukcapil-mura' } } };
  }],
  ['notify acknowledgement', async (d) => ({ notify: { ...base(await filed(d)), template: 'acknowledgement' } })],
  ['deadlines of a step', async (d) => ({ deadlines: { ...base(await filed(d)), scope: 'step', id: 'catat', visit: 1 } })],
  // Told its SOP (machines compiled since): computed first, remembered with the due fields in one write.
  ['deadlines of a step, told its SOP', async (d) => ({ deadlines: { ...base(await filed(d)), scope: 'step', id: 'catat', visit: 1, sopId: 'perpustakaan-muba' } })],
  ['deadlines of a phase, told its SOP, reaching a year without holidays', async (d) => ({ deadlines: { ...base(await filed(d, 'dukcapil-mura', 'ktp-el'), '2026-12-29T09:30:00+07:00'), scope: 'phase', id: 'penanganan', visit: 1, sopId: 'dukcapil-mura' } })],
  ['deadlines of a phase reaching a year without holidays (the admin is warned)', async (d) => ({ deadlines: { ...base(await filed(d, 'dukcapil-mura', 'ktp-el'), '2026-12-29T09:30:00+07:00'), scope: 'phase', id: 'penanganan', visit: 1 } })],
  ['open task: the new task of an official', async (d) => {
    const caseId = await filed(d);
    await deadlines(d, caseId, 'step', 'catat');
    return { task: { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 } };
  }],
  ['open task: a re-entered wait (new token, nothing to announce)', async (d) => {
    const { caseId } = await waitingAt(d);
    return { task: { ...base(caseId), taskToken: 'token-2', kind: 'official', stepId: 'catat', visit: 1 } };
  }],
  ['open task: a step of a phase', async (d) => {
    const caseId = await filed(d, 'dukcapil-mura', 'ktp-el');
    await deadlines(d, caseId, 'phase', 'penanganan');
    return { task: { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId: 'terima', visit: 1 } };
  }],
  ['open task: the reporter window after the answer', async (d) => ({ task: { ...base(await answered(d), later), taskToken: 'token-r', kind: 'reporterReply', stepId: 'solusi', visit: 1 } })],
  ['open task: the reporter window of a reporter without email', async (d) => {
    const caseId = await filed(d, 'perpus-muba', 'layanan', { name: 'Tanpa Surel', phone: '081234567890' });
    return { task: { ...base(caseId, later), taskToken: 'token-r', kind: 'reporterReply', stepId: 'solusi', visit: 1 } };
  }],
  ['open task: a question to the reporter', async (d) => {
    const caseId = await filed(d);
    const c = (await d.store.getCase(caseId))!;
    await d.store.updateCase(caseId, c.version, { question: 'Nomor "anggota" Anda?\nMohon lengkapi.' });
    await deadlines(d, caseId, 'replyWindow', 'periksa');
    return { task: { ...base(caseId), taskToken: 'token-q', kind: 'reporterAnswer', stepId: 'periksa', visit: 1 } };
  }],
  ['notify reminder (a grant that acts)', async (d) => ({ notify: { ...base((await waitingAt(d)).caseId, later), template: 'reminder', stepId: 'catat', visit: 1 } })],
  ['notify escalation, first rung', async (d) => ({ notify: { ...base((await waitingAt(d)).caseId, later), template: 'escalation', stepId: 'catat', visit: 1, level: 1 } })],
  ['notify escalation, the Bupati\'s rung (a grant that views)', async (d) => ({ notify: { ...base((await waitingAt(d)).caseId, later), template: 'escalation', stepId: 'catat', visit: 1, level: 3 } })],
  ['notify reprimand recommendation', async (d) => ({ notify: { ...base((await waitingAt(d)).caseId, later), template: 'reprimand', stepId: 'catat', visit: 1 } })],
  ['notify escalation of a phase', async (d) => ({ notify: { ...base((await inPhase(d)).caseId, later), template: 'escalation', phaseId: 'penanganan', visit: 1, level: 1 } })],
  ['outcome stepDone with a response', async (d) => {
    const { caseId, sla } = await waitingAt(d, 'solusi');
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'solusi', visit: 1, sla, decision: decision('respond', { response: 'Sudah "diperbaiki".\nTerima kasih \\o/' }, 'perpus-kabid', 'kabid-layanan') } };
  }],
  ['outcome stepDone, the texts stored on the task and only the action delivered', async (d) => {
    const { caseId, sla } = await waitingAt(d, 'solusi');
    await give(d, caseId, taskSlot('official', 'solusi', 1), { kind: 'official', action: 'respond', fields: { response: 'Sudah "diperbaiki".\nTerima kasih \\o/ 😀' }, actor: { personId: 'perpus-kabid', role: 'kabid-layanan' }, decidedAt: later });
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'solusi', visit: 1, sla, decision: { action: 'respond' } } };
  }],
  ['outcome reporterFeedback, the reply stored on the task and only the flags delivered', async (d) => {
    const caseId = await answered(d);
    await openTask(d, { ...base(caseId, later), taskToken: 'token-r', kind: 'reporterReply', stepId: 'solusi', visit: 1 });
    await give(d, caseId, taskSlot('reporterReply', 'solusi', 1), { kind: 'reporter', satisfied: false, comment: 'Belum "selesai".\n\\ <b>', at: later });
    return { outcome: { ...base(caseId, later), kind: 'reporterFeedback', stepId: 'solusi', visit: 1, feedback: { satisfied: false, at: later } } };
  }],
  ['outcome phaseDone', async (d) => {
    const { caseId, sla } = await inPhase(d);
    return { outcome: { ...base(caseId, later), kind: 'phaseDone', phaseId: 'penanganan', visit: 1, sla } };
  }],
  ['outcome reporterFeedback: not satisfied', async (d) => ({ outcome: { ...base(await answered(d), later), kind: 'reporterFeedback', visit: 1, feedback: { satisfied: false, comment: 'Belum "selesai".', at: later } } })],
  ['outcome reporterFeedback: satisfied and rated', async (d) => ({ outcome: { ...base(await answered(d), later), kind: 'reporterFeedback', visit: 1, feedback: { satisfied: true, rating: 4, at: later } } })],
  ['outcome reporterFeedback: satisfied, closing the case in the same call (today\'s machines)', async (d) => {
    const caseId = await answered(d);
    await openTask(d, { ...base(caseId, later), taskToken: 'token-r', kind: 'reporterReply', stepId: 'solusi', visit: 1 });
    await give(d, caseId, taskSlot('reporterReply', 'solusi', 1), { kind: 'reporter', satisfied: true, rating: 5, comment: 'Sudah "beres".\n\\ terima kasih', at: later });
    return { outcome: { ...base(caseId, later), kind: 'reporterFeedback', stepId: 'solusi', visit: 1, feedback: { satisfied: true, rating: 5 }, closeWhenSatisfied: true } };
  }],
  ['outcome closed', async (d) => ({ outcome: { ...base(await answered(d), later), kind: 'closed', reason: 'rated' } })],
  ['notify closing', async (d) => {
    const caseId = await answered(d);
    await recordOutcome(d, { ...base(caseId, later), kind: 'closed', reason: 'rated' });
    return { notify: { ...base(caseId, later), template: 'closing' } };
  }],
  ['notify rejection', async (d) => {
    const caseId = await filed(d);
    await recordOutcome(d, { ...base(caseId, later), kind: 'stepDone', stepId: 'periksa', visit: 1, decision: decision('reject', { reason: 'Bukan "wewenang" kami.' }, 'perpus-kasi', 'kasi-layanan') });
    await recordOutcome(d, { ...base(caseId, later), kind: 'closed', reason: 'rejected' });
    return { notify: { ...base(caseId, later), template: 'rejection' } };
  }],
  ['outcome continueAsNew', async (d) => {
    const { caseId } = await waitingAt(d);
    return { outcome: { ...base(caseId, '2027-11-18T09:30:00+07:00'), kind: 'continueAsNew', task: { kind: 'official', stepId: 'catat', visit: 1 }, resume: { at: 'catat', visits: { catat: { n: 1 }, periksa: { n: 0 }, solusi: { n: 0 }, reporter: { n: 0 } } } } };
  }],
  // Issue 13: the paths added for fidelity to the seeds.
  ['outcome stepDone: the library staff settle a complaint, the Kasi informed by email', async (d) => {
    const { caseId, sla } = await waitingAt(d, 'catat');
    await give(d, caseId, taskSlot('official', 'catat', 1), { kind: 'official', action: 'settle', fields: { response: 'Sudah "beres".\nBaris \\ 😀 <b>', registerNumber: 'R-1' }, actor: { personId: 'perpus-staf', role: 'staf' }, decidedAt: later });
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'catat', visit: 1, sla, decision: { action: 'settle' } } };
  }],
  ['outcome stepDone: the Health Office sends the approved response', async (d) => {
    const caseId = await filed(d, 'dinkes-muba', 'pelayanan');
    const sla6 = await deadlines(d, caseId, 'step', 'persetujuan');
    await openTask(d, { ...base(caseId), taskToken: 'token-6', kind: 'official', stepId: 'persetujuan', visit: 1 });
    await give(d, caseId, taskSlot('official', 'persetujuan', 1), { kind: 'official', action: 'approve', fields: { approved: 'Disetujui "apa adanya".\n\\ <b> 😀' }, actor: { personId: 'dinkes-kadin', role: 'kepala-dinas' }, decidedAt: later });
    await recordOutcome(d, { ...base(caseId, later), kind: 'stepDone', stepId: 'persetujuan', visit: 1, sla: sla6, decision: { action: 'approve' } });
    const sla8 = await deadlines(d, caseId, 'step', 'kirim-tanggapan', later);
    await openTask(d, { ...base(caseId, later), taskToken: 'token-8', kind: 'official', stepId: 'kirim-tanggapan', visit: 1 });
    await give(d, caseId, taskSlot('official', 'kirim-tanggapan', 1), { kind: 'official', action: 'send', fields: {}, actor: { personId: 'dinkes-petugas', role: 'petugas' }, decidedAt: later });
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'kirim-tanggapan', visit: 1, sla: sla8, decision: { action: 'send' } } };
  }],
  ['open task: the inspectorate\'s monitoring task of a late follow-up', async (d) => {
    const { caseId } = await lateFollowUp(d);
    await deadlines(d, caseId, 'step', 'pantau-apip', later);
    return { task: { ...base(caseId, later), taskToken: 'token-m', kind: 'official', stepId: 'pantau-apip', visit: 1 } };
  }],
  ['outcome stepDone: the inspectorate recommends a reprimand', async (d) => {
    const { caseId } = await lateFollowUp(d);
    const sla = await deadlines(d, caseId, 'step', 'pantau-apip', later);
    await openTask(d, { ...base(caseId, later), taskToken: 'token-m', kind: 'official', stepId: 'pantau-apip', visit: 1 });
    await give(d, caseId, taskSlot('official', 'pantau-apip', 1), { kind: 'official', action: 'recommendReprimand', fields: { reasons: 'Lewat "12 hari".\n\\ 😀' }, actor: { personId: 'apip-pemantau', role: 'apip-pemantau' }, decidedAt: later });
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'pantau-apip', visit: 1, sla, decision: { action: 'recommendReprimand' } } };
  }],
  ['outcome stepDone: the Bupati records the reprimand issued', async (d) => {
    const { caseId } = await lateFollowUp(d);
    await openTask(d, { ...base(caseId, later), taskToken: 'token-b', kind: 'official', stepId: 'teguran-bupati', visit: 1 });
    await give(d, caseId, taskSlot('official', 'teguran-bupati', 1), { kind: 'official', action: 'reprimandIssued', fields: { reference: '800/"12"\\2026', issuedOn: '2026-11-23' }, actor: { personId: 'bupati', role: 'bupati' }, decidedAt: later });
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'teguran-bupati', visit: 1, decision: { action: 'reprimandIssued' } } };
  }],
  ['outcome stepDone: the late follow-up comes, the open monitoring task ends', async (d) => {
    const { caseId, sla } = await lateFollowUp(d);
    await openTask(d, { ...base(caseId, later), taskToken: 'token-m', kind: 'official', stepId: 'pantau-apip', visit: 1 });
    await give(d, caseId, taskSlot('official', 'tindak-lanjut', 1), { kind: 'official', action: 'respond', fields: { followUp: 'Sudah "ditindaklanjuti".' }, actor: { personId: 'dinkes-pelaksana', role: 'pejabat-pelaksana' }, decidedAt: later });
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'tindak-lanjut', visit: 1, sla, decision: { action: 'respond' } } };
  }],
  ['outcome stepDone: a coordination done within its SLG', async (d) => {
    const caseId = await filed(d, 'kominfo-muara-enim', 'kesehatan');
    const c = (await d.store.getCase(caseId))!;
    await d.store.updateCase(caseId, c.version, { routedAgencyId: 'dinkes-muba' });
    const sla = await deadlines(d, caseId, 'step', 'koordinasi');
    await openTask(d, { ...base(caseId), taskToken: 'token-k', kind: 'official', stepId: 'koordinasi', visit: 1 });
    await give(d, caseId, taskSlot('official', 'koordinasi', 1), { kind: 'official', action: 'coordinated', fields: { result: 'Hasil "rapat".\n\\' }, actor: { personId: 'dinkes-penghubung', role: 'penghubung-instansi' }, decidedAt: later });
    return { outcome: { ...base(caseId, later), kind: 'stepDone', stepId: 'koordinasi', visit: 1, sla, decision: { action: 'coordinated' } } };
  }],
  // A recipient on the suppression list: the email is given up at once (claim failed, email_failed and
  // email_undeliverable with attempt 1, deliveryFailures 1, the admin told once), whatever the death.
  ['open task: the new task of an official whose address bounced', async (d, w) => {
    const caseId = await filed(d);
    await deadlines(d, caseId, 'step', 'catat');
    await suppress(w, { officials: true });
    return { task: { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId: 'catat', visit: 1 } };
  }],
  ['open task: a step of a phase, its official\'s address bounced (the entry not read with the case)', async (d, w) => {
    const caseId = await filed(d, 'dukcapil-mura', 'ktp-el');
    await deadlines(d, caseId, 'phase', 'penanganan');
    await suppress(w, { officials: true });
    return { task: { ...base(caseId), taskToken: 'token-1', kind: 'official', stepId: 'terima', visit: 1 } };
  }],
  ['open task: the answer to a reporter whose address complained', async (d, w) => {
    const caseId = await answered(d);
    await suppress(w, { addresses: ['siti@example.com'] });
    return { task: { ...base(caseId, later), taskToken: 'token-r', kind: 'reporterReply', stepId: 'solusi', visit: 1 } };
  }],
  ['notify reminder to an assignee whose address bounced (a grant that acts)', async (d, w) => {
    const { caseId } = await waitingAt(d);
    await suppress(w, { officials: true });
    return { notify: { ...base(caseId, later), template: 'reminder', stepId: 'catat', visit: 1 } };
  }],
  ['notify escalation, the Bupati\'s rung, to a suppressed address', async (d, w) => {
    const { caseId } = await waitingAt(d);
    await suppress(w, { officials: true });
    return { notify: { ...base(caseId, later), template: 'escalation', stepId: 'catat', visit: 1, level: 3 } };
  }],
  ['notify rejection to a reporter whose address bounced', async (d, w) => {
    const caseId = await filed(d);
    await recordOutcome(d, { ...base(caseId, later), kind: 'stepDone', stepId: 'periksa', visit: 1, decision: decision('reject', { reason: 'Bukan "wewenang" kami.\n\\ 😀 <b>' }, 'perpus-kasi', 'kasi-layanan') });
    await recordOutcome(d, { ...base(caseId, later), kind: 'closed', reason: 'rejected' });
    await suppress(w, { addresses: ['SITI@example.com '] });
    return { notify: { ...base(caseId, later), template: 'rejection' } };
  }],
];

/**
 * The scenarios whose email goes to a suppressed address, by the template given up, and whom that is
 * reported to: the regency admin for an official's address (the task needs someone), nobody for a
 * reporter's (nothing to act on; and anyone can file with an address they made bounce).
 */
const givenUp: Record<string, { template: string; reported: boolean }> = {
  'open task: the new task of an official whose address bounced': { template: 'newTask', reported: true },
  'open task: a step of a phase, its official\'s address bounced (the entry not read with the case)': { template: 'newTask', reported: true },
  'open task: the answer to a reporter whose address complained': { template: 'answer', reported: false },
  'notify reminder to an assignee whose address bounced (a grant that acts)': { template: 'reminder', reported: true },
  'notify escalation, the Bupati\'s rung, to a suppressed address': { template: 'escalation', reported: true },
  'notify rejection to a reporter whose address bounced': { template: 'rejection', reported: false },
};

/** A complaint stored and started, before its execution's first state. */
async function filedWithoutStart(deps: Deps, agencyId = 'perpus-muba', category = 'layanan'): Promise<string> {
  const parsed = parseComplaint({ agencyId, category, title: 'Buku hilang', description: 'Buku yang saya pinjam tercatat belum kembali padahal sudah.', reporter: { email: 'siti@example.com' } }, deps.directory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  return (await submitComplaint(deps, parsed.complaint, NOW, 'id')).caseId;
}

const totals = { points: 0, duplicates: 0 };
afterAll(() => {
  // The figures the report quotes: how many deaths were tried, and how many hit the duplicate window.
  console.info(`crash points: ${totals.points} deaths re-run over ${scenarios.length} handlers; ${totals.duplicates} in the window between SES accepting an email and its claim marked sent`);
});

test.each(scenarios)('%s: a death at any point, then a re-run, ends as the uninterrupted run', async (name, prepare) => {
  // Prepare: the uninterrupted run, counting its crash points.
  const reference = new CrashWorld(name);
  const request = await prepare(reference.deps(), reference);
  const counting = new CrashPlan();
  const prepared = reference.sent.length;
  const expected = await run(reference.deps(counting), request);
  const points = counting.count;
  // At least the points around one write (the execution's start is one write of the case).
  expect(points).toBeGreaterThanOrEqual(2);
  expect(await reference.brokenLinks()).toEqual([]);
  if (givenUp[name]) {
    // What every re-run must match exactly: the email given up at its first attempt, counted once, the admin told once (or not).
    const { template, reported } = givenUp[name];
    const state = reference.state();
    const failures = state.events.filter((e) => e.type === 'email_failed' || e.type === 'email_undeliverable');
    expect(failures.map((e) => [e.type, e.data])).toEqual([
      ['email_failed', expect.objectContaining({ template, attempt: 1, errorName: 'RecipientSuppressed' })],
      ['email_undeliverable', expect.objectContaining({ template, attempts: 1, errorName: 'RecipientSuppressed' })],
    ]);
    expect(state.cases[0]!.deliveryFailures).toBe(1);
    expect(state.once.filter((o) => o.mail?.state === 'failed').map((o) => [o.mail!.template, o.mail!.attempts])).toEqual([[template, 1]]);
    expect(reference.sent.slice(prepared).map((m) => [m.to, m.tags?.template])).toEqual(reported ? [[[demoDirectory.admin.email], 'deliveryFailed']] : []);
  }
  // Where a death leaves an email accepted by SES but its claim not yet marked sent.
  const window = new Set<number>();
  counting.trace.forEach((label, i) => {
    if (label === 'after mailer.send') for (let j = i; j < counting.trace.length && counting.trace[j] !== 'after store.markMailSent'; j++) window.add(j + 1);
  });

  for (let n = 1; n <= points; n++) {
    // Act: die at point n; run again with the same request; and once more (it must settle).
    const world = new CrashWorld(name);
    const again = await prepare(world.deps(), world);
    expect(again).toEqual(request);
    const before = { emails: world.sent.length, claims: world.sentClaims() };
    const plan = new CrashPlan(n);
    // Whatever a catch block made of the death (nothing it tried reached a port), the process is gone.
    await run(world.deps(plan), request).catch(() => undefined);
    expect({ point: n, died: plan.dead }).toEqual({ point: n, died: true });
    const resent = (world.sent.length - before.emails) - (world.sentClaims() - before.claims);
    // The re-run as the local runtime makes it after a restart, which first ends the dead process's
    // email leases (on AWS a lease runs out instead: test/unit/mail-claims.test.ts).
    await releaseInFlightMail(world.deps());
    const result = await run(world.deps(), request);
    await run(world.deps(), request);

    // Assess: the same end state; an email twice only in the window, and then the same email.
    const where = `${name}, death at ${n}/${points}: ${plan.diedAt}`;
    expect({ where, result }).toEqual({ where, result: expected });
    expect({ where, state: world.state() }).toEqual({ where, state: reference.state() });
    expect({ where, resent: resent > 0 }).toEqual({ where, resent: window.has(n) });
    expect({ where, count: world.sent.length }).toEqual({ where, count: reference.sent.length + resent });
    expect({ where, emails: dedupe(world.emails()) }).toEqual({ where, emails: reference.emails() });
    expect({ where, broken: await world.brokenLinks() }).toEqual({ where, broken: [] });
    totals.points++;
    if (resent) totals.duplicates++;
  }
});

/** Consecutive copies of one email (the window's resend) counted once. */
function dedupe<T>(emails: T[]): T[] {
  return emails.filter((m, i) => i === 0 || JSON.stringify(m) !== JSON.stringify(emails[i - 1]));
}

/**
 * The citizen's side: file a complaint, follow it, list where a complaint can go, reply and rate.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Complaint } from '../case/complaint';
import { ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY, acknowledgementWithheldNotice, mailboxOf } from '../case/intake-limits';
import { taskSlot, type GivenDecision, type ReporterDecision, type TaskRecord } from '../case/task';
import type { CaseRecord } from '../case/model';
import { hashKey, isWellFormedLinkKey, keyLocator } from '../case/keys';
import { caseIdOfTracking, trackingIdFrom, parseTrackingId } from '../case/tracking-id';
import { Conflict, Gone, NotFound, Unavailable, ValidationFailed } from '../errors';
import type { Language } from '../i18n';
import { ConditionFailed } from '../ports';
import type { ExecutionInput, ReporterFeedback, StepDecision } from '../workflow/contract';
import { claimAttachments } from './attachments';
import { agencyName, mutateCase, statusUrl, type Deps } from './deps';
import type { PublicStatus } from './views';

export interface Submitted {
  caseId: string;
  trackingId: string;
  status: CaseRecord['status'];
  statusUrl: string;
  submittedAt: string;
  hasEmail: boolean;
  /** Whether intake acknowledges by email: `sending`, `withheld` (the address's daily limit), or `none` (no email given). */
  acknowledgement: 'sending' | 'withheld' | 'none';
}

/**
 * Takes one of today's acknowledgements of the reporter's address: true when it may be sent. The
 * counter is named by a keyed hash of the address (never the address itself) and the office day.
 */
async function mayAcknowledge(deps: Deps, email: string, now: Date): Promise<boolean> {
  const mailbox = createHmac('sha256', deps.linkSecret).update(`acknowledgement-quota\n${mailboxOf(email)}`).digest('base64url').slice(0, 32);
  const expiresAt = Math.floor(now.getTime() / 1000) + 2 * 24 * 3600;
  return deps.store.takeQuota(`ack#${mailbox}#${deps.calendar.localDate(now)}`, ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY, expiresAt);
}

/** How long an Idempotency-Key holds its complaint: after a day the key may file another one. */
const KEY_HOLDS_MS = 24 * 3600_000;

const keyReused = {
  id: 'Kunci ini sudah dipakai untuk pengaduan lain; buat kunci baru untuk pengaduan baru.',
  en: 'This key was used for another complaint; use a new key for a new complaint.',
};

/**
 * Stores the complaint and starts its SOP's execution (named after the case id, so a second start
 * is the same execution).
 *
 * The case is stored under the id of its tracking id (`caseIdOfTracking`), so the case item is the
 * tracking id's record and the first write of a complaint is the case itself, conditionally (no
 * lookup item). With an Idempotency-Key the case item is also the key's record: the tracking id is a
 * keyed hash of the key (`attempt` 0, 1, …), and the case keeps the key's hash and the complaint's
 * fingerprint (`submission`). A retry finds its own case (same key, same complaint) and finishes what
 * is missing — the start — answering as the first time; the same key with another complaint within a
 * day is refused (400, nothing stored); after a day it files a case of its own under the key's next
 * tracking id. A tracking id held by another case (a collision) moves on to the next attempt, which a
 * retry walks the same way.
 */
export async function submitComplaint(deps: Deps, complaint: Complaint, now: Date, lang: Language, idempotencyKey?: string): Promise<Submitted> {
  const agency = deps.directory.agencies.find((a) => a.id === complaint.agencyId)!;
  const submission = idempotencyKey
    ? {
        keyHash: createHmac('sha256', deps.linkSecret).update(`idempotency-key\n${idempotencyKey}`).digest('base64url').slice(0, 32),
        fingerprint: createHash('sha256').update(`idempotency:${idempotencyKey}\n${JSON.stringify(complaint)}`).digest('hex').slice(0, 26),
      }
    : undefined;
  const trackingIdOf = (attempt: number) => (idempotencyKey
    ? trackingIdFrom(createHmac('sha256', deps.linkSecret).update(`idempotency-tracking\n${idempotencyKey}\n${attempt}`).digest().subarray(0, 5))
    : trackingIdFrom(deps.randomBytes(5)));
  const reporter = complaint.anonymous ? undefined : { name: complaint.reporter.name, email: complaint.reporter.email, phone: complaint.reporter.phone };
  // Decided before the case is written, so the case carries it from its first version (the workflow's
  // acknowledgement reads it). A retry whose case exists spends one more count and keeps the stored
  // decision: the error is always toward fewer emails.
  const withheld = !!reporter?.email && !(await mayAcknowledge(deps, reporter.email, now));
  const submittedAt = deps.calendar.format(now);
  let stored: CaseRecord | undefined;
  for (let attempt = 0; !stored; attempt++) {
    if (attempt > 4) throw new ConditionFailed('no free tracking id for the complaint');
    const trackingId = trackingIdOf(attempt);
    const caseId = caseIdOfTracking(trackingId);
    // Attachments are checked and copied to the case's keys before the case exists (never a case
    // without its files); a refusal (400) comes at the first attempt, before anything is stored. A
    // complaint with files reads its id first, so that its copies never land under another case's id
    // (the same key's earlier complaint, a retry's own case: found, nothing copied).
    let holder = complaint.attachments?.length ? await deps.store.getCase(caseId) : undefined;
    if (!holder) {
      const attachments = await claimAttachments(deps, caseId, complaint, lang);
      const candidate: CaseRecord = {
        caseId,
        trackingId,
        agencyId: agency.id,
        sopId: agency.sopId,
        status: 'received',
        channel: complaint.channel,
        language: lang,
        title: complaint.title,
        description: complaint.description,
        category: complaint.category,
        location: complaint.location,
        incidentDate: complaint.incidentDate,
        reporter,
        anonymous: complaint.anonymous,
        confidential: complaint.confidential,
        submittedAt,
        month: deps.calendar.localDate(now).slice(0, 7),
        replies: 0,
        verdicts: [],
        escalations: [],
        deliveryFailures: 0,
        // The deadlines of its visits are remembered here, each in the write that sets its due fields.
        deadlines: {},
        directoryVersion: deps.directoryVersion,
        ...(withheld ? { acknowledgementWithheld: 'daily_limit' as const } : {}),
        ...(attachments.length ? { attachments } : {}),
        ...(submission ? { submission } : {}),
        version: 1,
      };
      holder = await deps.store.putCase(candidate, { caseId, at: submittedAt, type: 'submitted', actor: { kind: 'reporter' }, data: { channel: complaint.channel, ...(withheld ? { acknowledgement: 'withheld' } : {}) } });
      if (!holder) {
        stored = candidate;
        break;
      }
    }
    const sameKey = !!submission && holder.trackingId === trackingId && holder.submission?.keyHash === submission.keyHash;
    // This complaint, stored by a run before (a retry): it answers as the first time.
    if (sameKey && holder.submission!.fingerprint === submission!.fingerprint) {
      stored = holder;
      break;
    }
    // The key's own case for another complaint, within its day: refused, nothing stored.
    if (sameKey && now.getTime() - Date.parse(holder.submittedAt) < KEY_HOLDS_MS) {
      throw new ValidationFailed([{ path: 'Idempotency-Key', message: keyReused[lang] }]);
    }
    // Another case's tracking id (or the key's expired use): the next one.
  }
  const caseId = stored.caseId;
  if (!stored.executionArn) {
    const input: ExecutionInput = { caseId, sopId: stored.sopId };
    try {
      // The execution names itself on the case in its first state (shared/usecases/workflow.ts,
      // `started`): no second write of the case here. A retry before then starts it again, which
      // Step Functions answers with the same execution (idempotent by name and input).
      await deps.workflow.start(stored.sopId, caseId, input);
    } catch (err) {
      // The complaint is stored and safe; the start is retried by the caller with the same key.
      deps.log.warn('workflow start failed; the case is stored', { caseId, errorName: err instanceof Error ? err.name : 'unknown' });
      deps.metrics?.count('ExecutionStartFailed');
      throw new Unavailable({
        id: 'Pengaduan Anda sudah tersimpan tetapi belum dapat diproses; kirim ulang sebentar lagi (dengan Idempotency-Key yang sama).',
        en: 'Your complaint is stored but could not be started yet; send it again shortly (with the same Idempotency-Key).',
      }, { trackingId: stored.trackingId });
    }
  }
  return {
    caseId,
    trackingId: stored.trackingId,
    // The answer to the submission, the same on every retry: every case is received first.
    status: 'received',
    statusUrl: statusUrl(deps, stored.trackingId),
    submittedAt: stored.submittedAt,
    hasEmail: !!stored.reporter?.email,
    acknowledgement: !stored.reporter?.email ? 'none' : stored.acknowledgementWithheld ? 'withheld' : 'sending',
  };
}

/**
 * Starts the executions that intake stored but could not start (Step Functions was unreachable and
 * the citizen did not retry): every case still `received` without an execution, submitted more than
 * `graceMinutes` before `now`. Run on a schedule. Starting is idempotent by name, so a sweep racing
 * a late retry is harmless. Returns the case ids it started.
 */
export async function resumeStalledSubmissions(deps: Deps, now: Date, graceMinutes = 5): Promise<string[]> {
  const cutoff = now.getTime() - graceMinutes * 60_000;
  const started: string[] = [];
  for (const agency of deps.directory.agencies) {
    for await (const c of deps.store.caseHeadsByAgencyStatus(agency.id, 'received')) {
      if (c.executionArn || Date.parse(c.submittedAt) > cutoff) continue;
      try {
        const input: ExecutionInput = { caseId: c.caseId, sopId: c.sopId };
        const { executionArn } = await deps.workflow.start(c.sopId, c.caseId, input);
        await mutateCase(deps, c.caseId, (current) => (current.executionArn ? undefined : { executionArn }));
        started.push(c.caseId);
      } catch (err) {
        // One stubborn case must not hold back the others; the next sweep tries it again.
        deps.log.warn('stalled submission not started', { caseId: c.caseId, errorName: err instanceof Error ? err.name : 'unknown' });
      }
    }
  }
  if (started.length) deps.log.info('stalled submissions started', { count: started.length });
  return started;
}

/**
 * Delivers the decisions that were stored but never reached their execution (Step Functions refused,
 * or the process died right after storing one) and that nobody sent again: the case would otherwise
 * wait, its reminders silent. Run on a schedule, after `graceMinutes` (the person's own retry comes
 * first). Looks at each open case's task in progress: the current step's, or the reporter's reply or
 * answer (its slot from the latest `response_sent` / `reporter_asked` event). Returns the slots delivered.
 */
export async function deliverStalledDecisions(deps: Deps, now: Date, graceMinutes = 5): Promise<string[]> {
  const cutoff = now.getTime() - graceMinutes * 60_000;
  const delivered: string[] = [];
  for (const agency of deps.directory.agencies) {
    for (const status of ['in_progress', 'resolved', 'awaiting_reporter'] as const) {
      for await (const c of deps.store.caseHeadsByAgencyStatus(agency.id, status)) {
        let slot: string | undefined;
        if (status === 'in_progress') slot = c.currentStep && taskSlot('official', c.currentStep.stepId, c.currentStep.visit);
        else {
          const sent = (await deps.store.listEvents(c.caseId)).filter((ev) => ev.type === (status === 'resolved' ? 'response_sent' : 'reporter_asked')).at(-1);
          slot = sent?.stepId && sent.visit ? taskSlot(status === 'resolved' ? 'reporterReply' : 'reporterAnswer', sent.stepId, sent.visit) : undefined;
        }
        const task = slot ? await deps.store.getTask(c.caseId, slot) : undefined;
        if (!task?.given || !isUndelivered(task) || Date.parse(task.decidedAt ?? '') > cutoff) continue;
        try {
          await deliverDecision(deps, task, executionOutput(task.given), now);
          delivered.push(`${c.caseId}/${task.slot}`);
        } catch (err) {
          // One stubborn case must not hold back the others; the next sweep tries it again.
          deps.log.warn('stored decision still not delivered', { caseId: c.caseId, slot: task.slot, errorName: err instanceof Error ? err.name : 'unknown' });
        }
      }
    }
  }
  if (delivered.length) deps.log.info('stored decisions delivered by the sweep', { count: delivered.length });
  return delivered;
}

/** Reads a case by the tracking id a person typed; 404 when there is none. */
export async function caseByTrackingId(deps: Pick<Deps, 'store'>, typed: string): Promise<CaseRecord> {
  const trackingId = parseTrackingId(typed);
  const found = trackingId ? await deps.store.getCaseByTrackingId(trackingId) : undefined;
  if (!found) throw new NotFound({ id: 'Tidak ada pengaduan dengan nomor pelacakan ini. Periksa nomornya lalu coba lagi.', en: 'No complaint has this tracking number. Check it and try again.' });
  return found;
}

const PUBLIC_EVENTS = new Set(['submitted', 'step_opened', 'step_completed', 'escalated', 'reprimand_recommended', 'monitoring_opened', 'reprimand_declined', 'reprimand_issued', 'coordination_requested', 'coordination_done', 'response_sent', 'reporter_asked', 'reporter_answered', 'reporter_replied', 'rated', 'closed', 'rejected']);

/** The public status: where the complaint is and when it is due, never who filed it. */
export async function publicStatus(deps: Deps, typed: string, lang: Language): Promise<PublicStatus> {
  const c = await caseByTrackingId(deps, typed);
  const sop = deps.getSop(c.sopId);
  const step = c.currentStep && sop.steps.find((s) => s.id === c.currentStep!.stepId);
  const role = step && sop.roles.find((r) => r.id === step.role);
  const events = await deps.store.listEvents(c.caseId);
  return {
    trackingId: c.trackingId,
    agency: { id: c.agencyId, name: agencyName(deps, c.agencyId) },
    status: c.status,
    currentStep: step && c.status !== 'closed' && c.status !== 'rejected'
      ? { id: step.id, name: step.name[lang], role: role?.name[lang] ?? step.role, dueAt: c.currentStep?.dueAt ?? null }
      : null,
    timeline: events.filter((ev) => PUBLIC_EVENTS.has(ev.type)).map((ev) => ({ at: ev.at, event: ev.type, ...(ev.stepId ? { stepId: ev.stepId } : {}) })),
    ...(c.response ? { response: c.response.text } : {}),
    ...(c.closedAt ? { closedAt: c.closedAt } : {}),
    ...(c.rating?.rating ? { rating: c.rating.rating } : {}),
    ...(c.acknowledgementWithheld ? { acknowledgement: { email: 'withheld' as const, reason: c.acknowledgementWithheld, message: acknowledgementWithheldNotice[lang] } } : {}),
    ...(c.needsAttention?.length ? { handledByStaff: true as const } : {}),
  };
}

/** Where a complaint can go (`GET /api/agencies`). */
export function listAgencies(deps: Pick<Deps, 'directory' | 'getSop'>, lang: Language) {
  return deps.directory.agencies.filter((a) => a.acceptsComplaints).map((a) => {
    const sop = deps.getSop(a.sopId);
    return { id: a.id, name: a.name[lang], sop: { id: sop.id, title: sop.title[lang] }, categories: a.categories.map((k) => ({ id: k.id, name: k.name[lang] })) };
  });
}

/** An agency and its SOP, for the public page of how a complaint is handled; 404 for an agency the directory does not list. */
export function howHandled(deps: Pick<Deps, 'directory' | 'getSop'>, agencyId: string, lang: Language) {
  const agency = deps.directory.agencies.find((a) => a.id === agencyId);
  if (!agency) throw new NotFound({ id: 'Instansi ini tidak dikenal. Pilih instansi dari halaman pengaduan.', en: 'This agency is not known. Choose an agency from the complaint page.' });
  return { agency: { id: agency.id, name: agency.name[lang], acceptsComplaints: agency.acceptsComplaints }, sop: deps.getSop(agency.sopId) };
}

/** The reporter's reply window, as their link shows it. */
export async function replyContext(deps: Deps, typed: string, key: string) {
  const c = await caseByTrackingId(deps, typed);
  const task = isWellFormedLinkKey(key) ? await deps.store.getTaskByKeyHash(hashKey(key), keyLocator(key)) : undefined;
  if (!task || task.caseId !== c.caseId || task.kind === 'official') throw new NotFound({ id: 'Tautan balasan ini tidak dikenal. Buka tautan lengkap dari email Anda.', en: 'This reply link is not known. Open the whole link from your email.' });
  return { case: c, task };
}

const alreadyReplied = { id: 'Anda sudah menanggapi jawaban ini.', en: 'You have already replied to this answer.' };

/**
 * The reporter replies to the answer or rates it, or answers the officer's question, with the key
 * sent only to them. Their words are stored on the task (with `status: done`, in one conditional
 * write) before the execution is told; it gets only the flags (satisfied, rating). 409 if already
 * given, 410 once the window has closed. Only a satisfied reply to the answer closes the complaint.
 * A reply stored but not delivered (a crash, Step Functions refusing) is delivered by the next POST.
 */
export async function submitFeedback(deps: Deps, typed: string, input: { key: string; satisfied: boolean; rating?: number; comment?: string; lang?: Language }, now: Date): Promise<{ closed: boolean }> {
  const { case: c, task } = await replyContext(deps, typed, input.key);
  const answering = task.kind === 'reporterAnswer';
  const comment = input.comment?.trim() || undefined;
  if (isUndelivered(task) && task.given?.kind === 'reporter') {
    const given = task.given;
    await deliverDecision(deps, task, verdictOf(given), now);
    if (given.satisfied === input.satisfied && given.rating === input.rating && given.comment === comment) return { closed: !answering && given.satisfied };
  }
  if (task.status === 'done') throw new Conflict(alreadyReplied, { decidedAt: task.decidedAt });
  if (task.status !== 'open' || c.status === 'closed' || c.status === 'rejected') {
    throw new Gone({ id: 'Batas waktu menanggapi jawaban ini sudah lewat.', en: 'The reply window for this answer has closed.' }, { status: c.status, statusUrl: statusUrl(deps, c.trackingId) });
  }
  // An answer to the officer's question is its text; a reply to the answer says what is missing.
  if (!comment && (answering || !input.satisfied)) {
    const message = answering
      ? { id: 'Tulis jawaban Anda atas pertanyaan petugas.', en: 'Write your answer to the officer\'s question.' }
      : { id: 'Jelaskan apa yang masih kurang agar petugas dapat melanjutkan jawabannya.', en: 'Tell us what is still missing so the officer can continue the answer.' };
    throw new ValidationFailed([{ path: 'comment', message: message[input.lang ?? 'id'] }]);
  }
  assertNotHandingOver(task);
  const at = deps.calendar.format(now);
  const given: ReporterDecision = { kind: 'reporter', satisfied: input.satisfied, ...(input.rating ? { rating: input.rating } : {}), ...(comment ? { comment } : {}), at };
  let done;
  try {
    done = await deps.store.updateTask(task.caseId, task.slot, task.version, { status: 'done', decidedAt: at, decision: answering ? 'answered' : input.satisfied ? 'satisfied' : 'reply', given });
  } catch (err) {
    if (err instanceof ConditionFailed) throw new Conflict(alreadyReplied);
    throw err;
  }
  await deliverDecision(deps, done, verdictOf(given), now);
  return { closed: !answering && input.satisfied };
}

/** What the execution is told of the reporter's feedback: flags only, never their words. */
const verdictOf = (given: ReporterDecision): ReporterFeedback => ({ satisfied: given.satisfied, ...(given.rating ? { rating: given.rating } : {}) });

/** What the execution is told of a stored decision: the action's id, or the reporter's flags. */
const executionOutput = (given: GivenDecision): StepDecision | ReporterFeedback => (given.kind === 'official' ? { action: given.action } : verdictOf(given));

/**
 * Refuses (503, send again in a minute) a decision on a task its execution is handing over to a
 * successor (continue-as-new): the ending execution must not receive it, and within moments the
 * successor holds the task. The hold is read with the task's version, so a decision racing the hold
 * loses its conditional write instead.
 */
export function assertNotHandingOver(task: TaskRecord): void {
  if (!task.handingOverTo) return;
  throw new Unavailable({
    id: 'Tugas ini sedang dipindahkan ke proses lanjutan. Tidak ada yang hilang: kirim lagi dalam satu menit.',
    en: 'This task is being moved on to its continued process. Nothing is lost: please send it again in a minute.',
  }, {}, 60);
}

/** A task whose decision is stored but not known to have reached its execution. */
export function isUndelivered(task: TaskRecord): boolean {
  return task.status === 'done' && !!task.given && !task.deliveredAt;
}

/**
 * Hands a decision, already stored on its task, to the waiting execution. If Step Functions refuses
 * or cannot be reached, nothing is undone: the decision stays stored and the person is asked to send
 * it again, which delivers it (to the task's token of then: a resumed execution re-binds it). A
 * process that dies before or after the call leaves the same state, healed the same way.
 */
export async function deliverDecision(deps: Deps, task: TaskRecord, output: unknown, now: Date): Promise<void> {
  try {
    await deps.workflow.taskSucceeded(task.taskToken, output);
  } catch (err) {
    deps.log.warn('task decision stored, not delivered yet: the next POST delivers it', { caseId: task.caseId, slot: task.slot, errorName: err instanceof Error ? err.name : 'unknown' });
    throw new Unavailable({ id: 'Tanggapan Anda sudah tersimpan tetapi belum dapat diteruskan saat ini. Kirim lagi dalam satu menit: tidak akan tercatat dua kali.', en: 'Your answer is stored but could not be passed on just now. Please send it again in a minute: it will not be recorded twice.' }, {}, 60);
  }
  await noteDelivered(deps, task, deps.calendar.format(now));
}

/**
 * Marks a stored decision as delivered (Step Functions accepted it, or its outcome arrived), so a
 * later POST is told "already done" instead of delivering it again. Best effort: the outcome handler
 * marks it too, and an unmarked delivered decision only costs a refused re-delivery.
 */
export async function noteDelivered(deps: Pick<Deps, 'store' | 'log'>, task: TaskRecord, at: string): Promise<void> {
  let current: TaskRecord | undefined = task;
  for (let attempt = 0; current && isUndelivered(current) && attempt < 3; attempt++) {
    try {
      await deps.store.updateTask(current.caseId, current.slot, current.version, { deliveredAt: at });
      return;
    } catch (err) {
      if (!(err instanceof ConditionFailed)) {
        deps.log.warn('delivered decision not marked', { caseId: task.caseId, slot: task.slot, errorName: err instanceof Error ? err.name : 'unknown' });
        return;
      }
      current = await deps.store.getTask(task.caseId, task.slot);
    }
  }
}

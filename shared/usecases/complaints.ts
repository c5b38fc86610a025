/**
 * The citizen's side: file a complaint, follow it, list where a complaint can go, reply and rate.
 */
import { createHash } from 'node:crypto';
import type { Complaint } from '../case/complaint';
import type { TaskRecord } from '../case/task';
import type { CaseRecord } from '../case/model';
import { hashKey, isWellFormedKey } from '../case/keys';
import { trackingIdFrom, parseTrackingId } from '../case/tracking-id';
import { Conflict, Gone, NotFound, Unavailable, ValidationFailed } from '../errors';
import type { Language } from '../i18n';
import { ConditionFailed } from '../ports';
import type { ExecutionInput, ReporterFeedback } from '../workflow/contract';
import { agencyName, mutateCase, statusUrl, type Deps } from './deps';
import type { PublicStatus } from './views';

export interface Submitted {
  caseId: string;
  trackingId: string;
  status: CaseRecord['status'];
  statusUrl: string;
  submittedAt: string;
  hasEmail: boolean;
}

/**
 * Stores the complaint and starts its SOP's execution (named after the case id, so a second start
 * is the same execution). With an idempotency key the case id derives from the key and the
 * complaint: a retry after a failure finds the stored case and finishes the start instead of filing
 * a second complaint, while another complaint that happens to reuse a key (after the idempotency
 * record expired) is a case of its own, never someone else's.
 */
export async function submitComplaint(deps: Deps, complaint: Complaint, now: Date, lang: Language, idempotencyKey?: string): Promise<Submitted> {
  const agency = deps.directory.agencies.find((a) => a.id === complaint.agencyId)!;
  const caseId = idempotencyKey
    ? `c${createHash('sha256').update(`idempotency:${idempotencyKey}\n${JSON.stringify(complaint)}`).digest('hex').slice(0, 26)}`
    : `c${Buffer.from(deps.randomBytes(13)).toString('hex')}`;
  // Created first, read only when that fails: a new complaint (nearly every one) costs no read, and a
  // retry whose case exists loses the race on the case item (its tracking lookup stays unreachable).
  let stored: CaseRecord | undefined;
  for (let attempt = 0; !stored; attempt++) {
    const submittedAt = deps.calendar.format(now);
    const reporter = complaint.anonymous ? undefined : { name: complaint.reporter.name, email: complaint.reporter.email, phone: complaint.reporter.phone };
    const candidate: CaseRecord = {
      caseId,
      trackingId: trackingIdFrom(deps.randomBytes(5)),
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
      version: 1,
    };
    try {
      await deps.store.createCase(candidate, { caseId, at: submittedAt, type: 'submitted', actor: { kind: 'reporter' }, data: { channel: complaint.channel } });
      stored = candidate;
    } catch (err) {
      if (!(err instanceof ConditionFailed) || attempt >= 4) throw err;
      // A tracking-id collision (try another), or the case exists: a retry with the same key (read it).
      stored = await deps.store.getCase(caseId);
    }
  }
  if (!stored.executionArn) {
    const input: ExecutionInput = { caseId, sopId: stored.sopId };
    try {
      const { executionArn } = await deps.workflow.start(stored.sopId, caseId, input);
      stored = await mutateCase(deps, caseId, (c) => (c.executionArn ? undefined : { executionArn }), stored);
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
    status: stored.status,
    statusUrl: statusUrl(deps, stored.trackingId),
    submittedAt: stored.submittedAt,
    hasEmail: !!stored.reporter?.email,
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
    for await (const c of deps.store.casesByAgencyStatus(agency.id, 'received')) {
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

/** Reads a case by the tracking id a person typed; 404 when there is none. */
export async function caseByTrackingId(deps: Pick<Deps, 'store'>, typed: string): Promise<CaseRecord> {
  const trackingId = parseTrackingId(typed);
  const found = trackingId ? await deps.store.getCaseByTrackingId(trackingId) : undefined;
  if (!found) throw new NotFound({ id: 'Tidak ada pengaduan dengan nomor pelacakan ini. Periksa nomornya lalu coba lagi.', en: 'No complaint has this tracking number. Check it and try again.' });
  return found;
}

const PUBLIC_EVENTS = new Set(['submitted', 'step_opened', 'step_completed', 'escalated', 'reprimand_recommended', 'response_sent', 'reporter_asked', 'reporter_replied', 'rated', 'closed', 'rejected']);

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

/** The reporter's reply window, as their link shows it. */
export async function replyContext(deps: Deps, typed: string, key: string) {
  const c = await caseByTrackingId(deps, typed);
  const task = isWellFormedKey(key) ? await deps.store.getTaskByKeyHash(hashKey(key)) : undefined;
  if (!task || task.caseId !== c.caseId || task.kind === 'official') throw new NotFound({ id: 'Tautan balasan ini tidak dikenal. Buka tautan lengkap dari email Anda.', en: 'This reply link is not known. Open the whole link from your email.' });
  return { case: c, task };
}

const alreadyReplied = { id: 'Anda sudah menanggapi jawaban ini.', en: 'You have already replied to this answer.' };

/**
 * The reporter replies to the answer or rates it, or answers the officer's question, with the key
 * sent only to them. The decision goes to the waiting execution; 409 if already given, 410 once the
 * window has closed. Only a satisfied reply to the answer closes the complaint.
 */
export async function submitFeedback(deps: Deps, typed: string, input: { key: string; satisfied: boolean; rating?: number; comment?: string; lang?: Language }, now: Date): Promise<{ closed: boolean }> {
  const { case: c, task } = await replyContext(deps, typed, input.key);
  if (task.status === 'done') throw new Conflict(alreadyReplied, { decidedAt: task.decidedAt });
  if (task.status !== 'open' || c.status === 'closed' || c.status === 'rejected') {
    throw new Gone({ id: 'Batas waktu menanggapi jawaban ini sudah lewat.', en: 'The reply window for this answer has closed.' }, { status: c.status, statusUrl: statusUrl(deps, c.trackingId) });
  }
  // An answer to the officer's question is its text; a reply to the answer says what is missing.
  const answering = task.kind === 'reporterAnswer';
  if (!input.comment?.trim() && (answering || !input.satisfied)) {
    const message = answering
      ? { id: 'Tulis jawaban Anda atas pertanyaan petugas.', en: 'Write your answer to the officer\'s question.' }
      : { id: 'Jelaskan apa yang masih kurang agar petugas dapat melanjutkan jawabannya.', en: 'Tell us what is still missing so the officer can continue the answer.' };
    throw new ValidationFailed([{ path: 'comment', message: message[input.lang ?? 'id'] }]);
  }
  assertNotHandingOver(task);
  const feedback: ReporterFeedback = { satisfied: input.satisfied, rating: input.rating, comment: input.comment?.trim() || undefined, at: deps.calendar.format(now) };
  let done;
  try {
    done = await deps.store.updateTask(task.caseId, task.slot, task.version, { status: 'done', decidedAt: feedback.at, decision: answering ? 'answered' : input.satisfied ? 'satisfied' : 'reply' });
  } catch (err) {
    if (err instanceof ConditionFailed) throw new Conflict(alreadyReplied);
    throw err;
  }
  await deliverDecision(deps, done, feedback);
  return { closed: !answering && input.satisfied };
}

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

/**
 * Hands a decision to the waiting execution. If Step Functions refuses or cannot be reached, the
 * task is opened again so that nothing the person sent is lost: they are asked to retry.
 */
export async function deliverDecision(deps: Deps, task: TaskRecord, output: unknown): Promise<void> {
  try {
    await deps.workflow.taskSucceeded(task.taskToken, output);
  } catch (err) {
    deps.log.warn('task decision not delivered; task reopened', { caseId: task.caseId, slot: task.slot, errorName: err instanceof Error ? err.name : 'unknown' });
    await deps.store.updateTask(task.caseId, task.slot, task.version, { status: 'open', decidedAt: undefined, decision: undefined, decidedBy: undefined, decidedOnBehalfOf: undefined });
    throw new Unavailable({ id: 'Tanggapan Anda belum dapat diteruskan saat ini. Tidak ada yang hilang: kirim lagi dalam satu menit.', en: 'Your answer could not be passed on just now. Nothing is lost: please send it again in a minute.' }, {}, 60);
  }
}

/**
 * Officials act through links: the key in the link maps to the task (only its hash is stored) and
 * the task to the current Step Functions token (never in a URL). Reading changes nothing; acting is a
 * POST, once; a superseded or ended link answers 410 with where the case is now.
 *
 * A task has the assignee's own key and the keys of its grants: links the escalation ladder mailed
 * to the reminded assignee, the superior, the head of office, the Bupati (shared/case/task.ts). A
 * grant that may `act` acts and reassigns as the assignee would, recorded as on their behalf; one
 * that may only `view` sees the case and the step, and a POST answers 403. Once the step is done,
 * every link of it answers 409, naming who acted.
 */
import { attachmentLinks, storeResponseFile, uploadedFile } from './attachments';
import { Buffer } from 'node:buffer';
import type { CaseRecord } from '../case/model';
import { csrfMatches, csrfToken, hashKey, isWellFormedLinkKey, keyLocator, locatedKey } from '../case/keys';
import type { OfficialDecision, TaskGrant, TaskRecord } from '../case/task';
import { findPerson, headOf, reassignmentCandidates } from '../directory/resolve';
import { renderEmail } from '../email/templates';
import { Conflict, Forbidden, Gone, NotFound, ValidationFailed, type Issue, type Localized } from '../errors';
import type { Language } from '../i18n';
import { eventLabel, formatDateTime } from '../i18n';
import { ConditionFailed } from '../ports';
import type { Action, Sop, Step } from '../sop/schema';
import { checkText } from '../text/rules';
import type { StepDecision } from '../workflow/contract';
import { assertNotHandingOver, deliverDecision, isUndelivered } from './complaints';
import { agencyName, record, statusUrl, type Deps } from './deps';
import type { ActionView, LinkView, TaskView } from './views';
import { inboxGrantHolds } from './inbox';
import { dashboardGrantHolds } from './dashboard';
import { caseSummary, findApprovedResponse, maySeeReporter, reporterMessages } from './workflow';
import { stepDueReading } from '../sla/reading';

const REASSIGN = 'reassign';

interface Loaded {
  /** As the key sees it: a replaced assignee key sees it as `superseded`. */
  task: TaskRecord;
  /** Present when the link is a grant's. */
  grant?: TaskGrant;
  /** The link key's hash: the page's CSRF token is bound to it, so each key has its own. */
  keyHash: string;
  case: CaseRecord;
  sop: Sop;
  step: Step;
}

/** Finds the task of a link key: 404 when the key is unknown. */
async function load(deps: Deps, key: string): Promise<Loaded> {
  const keyHash = isWellFormedLinkKey(key) ? hashKey(key) : undefined;
  const link = keyHash ? await deps.store.getTaskLink(keyHash, keyLocator(key)) : undefined;
  if (!keyHash || !link || link.task.kind !== 'official') {
    throw new NotFound({ id: 'Tautan tugas ini tidak dikenal. Pastikan Anda membuka tautan lengkap dari email Anda.', en: 'This task link is not known. Check that you opened the whole link from your email.' });
  }
  const c = await deps.store.getCase(link.task.caseId);
  if (!c) throw new NotFound({ id: 'Tautan tugas ini tidak dikenal.', en: 'This task link is not known.' });
  const sop = deps.getSop(c.sopId);
  const step = sop.steps.find((s) => s.id === link.task.stepId)!;
  return { task: link.task, grant: link.grant, keyHash, case: c, sop, step };
}

const nameOf = (deps: Deps, personId: string | undefined) => (personId ? findPerson(deps.directory, personId)?.name ?? personId : undefined);

/** Who acts through this link, and for whom: a grant holder acts on behalf of the assignee (unless they are the assignee). */
function actorOf(l: Loaded): { personId: string; onBehalfOf?: string } {
  const assigneeId = l.task.assigneeId;
  if (!l.grant || l.grant.personId === assigneeId) return { personId: assigneeId ?? 'unknown' };
  return { personId: l.grant.personId, ...(assigneeId ? { onBehalfOf: assigneeId } : {}) };
}

function whereNow(deps: Deps, c: CaseRecord, sop: Sop, lang: Language): Record<string, unknown> {
  const step = c.currentStep && sop.steps.find((s) => s.id === c.currentStep!.stepId);
  return { status: c.status, currentStep: step ? step.name[lang] : null, statusUrl: statusUrl(deps, c.trackingId) };
}

/**
 * Throws 410 unless this link still opens its task: the assignee's key replaced by a reassignment
 * (and the reminder grant of an assignee who handed the task over: it was theirs as the assignee),
 * or a grant whose email was never confirmed sent.
 */
function assertLinkValid(deps: Deps, l: Loaded, lang: Language): void {
  const { task, grant, case: c, sop } = l;
  // An inbox grant (opened from "Tugas saya") is as good as the ground it was minted on, now.
  const inboxLapsed = (grant?.reason === 'inbox' && !inboxGrantHolds(deps.directory, sop, task, c, grant))
    // A dashboard's view lasts as long as its holder's dashboard of the agency.
    || (grant?.reason === 'dashboard' && !dashboardGrantHolds(deps.directory, c, grant));
  if (task.status === 'superseded' || (grant?.reason === 'reminder' && grant.personId !== task.assigneeId) || inboxLapsed) {
    throw new Gone({ id: 'Tautan ini sudah diganti: tugas dialihkan kepada pejabat lain.', en: 'This link was replaced: the task was handed to another official.' }, whereNow(deps, c, sop, lang));
  }
  if (grant && grant.status !== 'active') {
    throw new Gone({
      id: 'Tautan ini tidak aktif: email yang memuatnya tidak terkonfirmasi terkirim. Gunakan tautan dari email yang lebih baru, atau lihat status publik pengaduan.',
      en: 'This link is not active: the email that carried it was not confirmed sent. Use the link of a newer email, or see the public status of the complaint.',
    }, whereNow(deps, c, sop, lang));
  }
}

/** Throws 409/410 unless the task can still be acted on (through any of its links). */
function assertActionable(deps: Deps, l: Loaded, lang: Language): void {
  const { task, case: c, sop } = l;
  if (task.status === 'done') {
    const who = nameOf(deps, task.decidedBy);
    const behalf = nameOf(deps, task.decidedOnBehalfOf);
    const when = (lg: Language) => (task.decidedAt ? `${lg === 'id' ? ' pada' : ' on'} ${formatDateTime(task.decidedAt, lg)}` : '');
    throw new Conflict({
      id: `Tugas ini sudah ditindaklanjuti${who ? ` oleh ${who}` : ''}${behalf ? ` atas nama ${behalf}` : ''}${when('id')}: ${task.decision ?? ''}.`,
      en: `This task was already acted on${who ? ` by ${who}` : ''}${behalf ? ` on behalf of ${behalf}` : ''}${when('en')}: ${task.decision ?? ''}.`,
    }, { decision: task.decision, decidedBy: who, ...(behalf ? { onBehalfOf: behalf } : {}), decidedAt: task.decidedAt });
  }
  if (task.status === 'expired' || c.status === 'closed' || c.status === 'rejected') {
    throw new Gone({ id: 'Tugas ini sudah berakhir.', en: 'This task has ended.' }, whereNow(deps, c, sop, lang));
  }
}

/** Why the ladder sent this link, and what it allows, for the top of the page. */
function grantNote(deps: Deps, l: Loaded, grant: TaskGrant, lang: Language): string {
  const assignee = nameOf(deps, l.task.assigneeId) ?? l.step.role;
  const phase = grant.phaseId ? l.sop.phases.find((p) => p.id === grant.phaseId) : undefined;
  const late = phase
    ? { id: `"${phase.name.id}" melewati batas waktu`, en: `"${phase.name.en}" is past its deadline` }
    : { id: 'tahap ini melewati batas waktu', en: 'this step is past its deadline' };
  const why: Localized = grant.reason === 'inbox'
    ? { id: 'Anda membuka tugas ini dari daftar Tugas saya.', en: 'You opened this task from your task list.' }
    : grant.reason === 'dashboard'
    ? { id: 'Anda membuka pengaduan ini dari dasbor.', en: 'You opened this complaint from the dashboard.' }
    : grant.reason === 'reminder'
    ? { id: 'Anda menerima tautan ini sebagai pengingat: batas waktu tahap ini sudah dekat.', en: 'You received this link as a reminder: the deadline of this step is near.' }
    : grant.reason === 'reprimand'
      ? { id: `Anda menerima tautan ini bersama rekomendasi teguran (tingkat ${grant.level}): ${late.id} tanpa tindak lanjut.`, en: `You received this link with a reprimand recommendation (level ${grant.level}): ${late.en} without follow-up.` }
      : { id: `Anda menerima tautan ini sebagai eskalasi tingkat ${grant.level}: ${late.id}.`, en: `You received this link as escalation level ${grant.level}: ${late.en}.` };
  const may: Localized | undefined = grant.may === 'view'
    ? { id: `Tautan ini hanya untuk melihat; tindak lanjutnya tetap pada ${assignee}.`, en: `This link is for viewing only; the follow-up stays with ${assignee}.` }
    : actorOf(l).onBehalfOf
      ? { id: `Anda dapat menindaklanjutinya atas nama ${assignee} atau mengalihkannya kepada pejabat lain pada peran ini.`, en: `You may act on it on behalf of ${assignee} or hand it to another holder of its role.` }
      : undefined;
  return may ? `${why[lang]} ${may[lang]}` : why[lang];
}

/** The 403 of a view-only link: what its holder can do instead. */
function viewOnly(deps: Deps, l: Loaded): Forbidden {
  const assignee = l.task.assigneeId ? findPerson(deps.directory, l.task.assigneeId) : undefined;
  const head = headOf(deps.directory, l.sop, l.step.role, { agencyId: l.case.agencyId, routedAgencyId: l.case.routedAgencyId });
  const who = assignee?.name ?? l.step.role;
  const also = head && head.id !== assignee?.id ? { id: ` atau ${head.name} (${head.title})`, en: ` or ${head.name} (${head.title})` } : { id: '', en: '' };
  return new Forbidden({
    id: `Tautan ini hanya untuk melihat: Anda tidak dapat menindaklanjuti atau mengalihkan tahap ini. Tindak lanjutnya ada pada ${who}; untuk mendorong penyelesaiannya, hubungi ${who}${also.id}, dan ikuti perkembangannya di halaman ini.`,
    en: `This link is for viewing only: you cannot act on or hand over this step. Its follow-up is with ${who}; to move it on, contact ${who}${also.en}, and follow it on this page.`,
  }, { may: 'view', assignee: assignee?.name, statusUrl: statusUrl(deps, l.case.trackingId) });
}

/** Whether this link shows a confidential reporter: by the holder's SOP role (the Bupati holds none, so never). */
function showsReporter(l: Loaded): boolean {
  return maySeeReporter(l.sop, l.grant ? l.grant.role ?? '' : l.step.role, l.case);
}

function actionsOf(deps: Deps, l: Loaded, lang: Language): ActionView[] {
  const { task, case: c, sop, step } = l;
  const agencies = deps.directory.agencies.map((a) => ({ value: a.id, label: a.name[lang] }));
  const views: ActionView[] = step.actions.map((a) => ({
    id: a.id,
    label: a.label[lang],
    fields: a.fields.map((f) => ({
      name: f.name,
      label: f.label[lang],
      type: f.type === 'textarea' ? 'textarea' : f.type === 'text' ? 'text' : f.type === 'date' ? 'date' : 'select',
      required: f.required,
      ...(f.type === 'agency' ? { options: agencies } : f.options ? { options: f.options.map((o) => ({ value: o.value, label: o.label[lang] })) } : {}),
      ...(f.prefill === 'responseDraft' && c.responseDraft ? { value: c.responseDraft } : {}),
    })),
    ...(answersReporter(a) ? { file: true as const } : {}),
  }));
  const candidates = reassignmentCandidates(deps.directory, sop, step.role, { agencyId: c.agencyId, routedAgencyId: c.routedAgencyId }, task.assigneeId ?? '');
  if (candidates.length) {
    views.push({
      id: REASSIGN,
      label: lang === 'id' ? 'Alihkan kepada pelaksana tugas (Plt/Plh)' : 'Hand over to an acting official (Plt/Plh)',
      fields: [{ name: 'to', label: lang === 'id' ? 'Pejabat' : 'Official', type: 'select', required: true, options: candidates.map((p) => ({ value: p.id, label: `${p.name} — ${p.title}` })) }],
    });
  }
  return views;
}

/** An action whose decision answers the reporter: only such a decision may carry an official's file. */
export const answersReporter = (a: Pick<Action, 'goto' | 'sends'>): boolean => a.goto === '@reporter' || a.sends === 'approved';

/** What the holder of a task link sees; reading changes nothing. */
export async function viewTask(deps: Deps, key: string, lang: Language): Promise<{ view: TaskView; csrf: string }> {
  const l = await load(deps, key);
  assertLinkValid(deps, l, lang);
  const { task, grant, case: c, sop, step } = l;
  const role = sop.roles.find((r) => r.id === step.role);
  const events = await deps.store.listEvents(c.caseId);
  const open = task.status === 'open' && c.status !== 'closed' && c.status !== 'rejected';
  const assignee = task.assigneeId ? findPerson(deps.directory, task.assigneeId) : undefined;
  const link: LinkView = grant
    ? { holder: 'grant', may: grant.may, reason: grant.reason, ...(grant.level ? { level: grant.level } : {}), note: grantNote(deps, l, grant, lang) }
    : { holder: 'assignee', may: 'act' };
  const view: TaskView = {
    task: {
      stepId: step.id, stepName: step.name[lang], role: role?.name[lang] ?? step.role, status: open ? 'open' : task.status === 'open' ? 'expired' : task.status,
      dueAt: task.dueAt ?? null, dueReading: stepDueReading(sop, step, lang) ?? null, expects: step.expects[lang], visit: task.visit, assignee: assignee ? { name: assignee.name, title: assignee.title } : null,
      ...(task.status === 'done' ? { decided: { by: nameOf(deps, task.decidedBy), onBehalfOf: nameOf(deps, task.decidedOnBehalfOf), at: task.decidedAt, decision: task.decision } } : {}),
    },
    link,
    case: {
      trackingId: c.trackingId,
      agency: { id: c.agencyId, name: agencyName(deps, c.agencyId) },
      status: c.status,
      title: c.title,
      description: c.description,
      category: caseSummary(deps, c, false).category,
      location: c.location,
      incidentDate: c.incidentDate,
      submittedAt: c.submittedAt,
      reporter: c.anonymous || !c.reporter ? 'anonymous' : showsReporter(l) ? { ...c.reporter } : 'hidden',
      responseDraft: c.responseDraft,
      ...(step.actions.some((a) => a.sends === 'approved') ? { approvedResponse: (await findApprovedResponse(deps, c, sop)) ?? null } : {}),
      reporterMessages: reporterMessages(events),
      ...(c.needsAttention?.length ? { needsAttention: true as const } : {}),
      ...(c.attachments?.length ? { attachments: await attachmentLinks(deps, c) } : {}),
      history: events.filter((ev) => ev.type in eventLabel).map((ev) => ({
        at: ev.at, event: ev.type, stepId: ev.stepId,
        by: ev.actor.kind === 'official' ? nameOf(deps, ev.actor.personId) : undefined,
        onBehalfOf: ev.actor.kind === 'official' ? nameOf(deps, ev.actor.onBehalfOf) : undefined,
        note: ev.type === 'step_completed' && ev.data ? Object.entries(ev.data).filter(([k]) => k !== 'action').map(([, v]) => String(v)).join(' — ') || undefined : undefined,
      })),
    },
    actions: open && link.may === 'act' ? actionsOf(deps, l, lang) : [],
  };
  return { view, csrf: csrfToken(deps.linkSecret, l.keyHash, task.version) };
}

/**
 * Acts on a task. From the HTML page the CSRF token is required; the JSON API is protected by
 * requiring `application/json`, which no cross-site form can send. A grant holder acts on behalf of
 * the assignee; a view-only link is refused (403) with what its holder can do instead.
 */
export async function actOnTask(deps: Deps, key: string, body: Record<string, unknown>, opts: { lang: Language; now: Date; csrf?: string; viaForm: boolean; file?: { name: string; bytes: Uint8Array } }): Promise<{ next: string }> {
  const l = await load(deps, key);
  const { task, step } = l;
  // A decision stored but perhaps never delivered (the process died, or Step Functions refused):
  // any POST on the task delivers it first; this very decision sent again is then answered as done.
  if (isUndelivered(task) && task.given?.kind === 'official') {
    const given = task.given;
    await deliverDecision(deps, task, { action: given.action } satisfies StepDecision, opts.now);
    const action = step.actions.find((a) => a.id === given.action);
    const again = action && body.action === action.id && l.grant?.may !== 'view' ? readFields(deps, action, body, opts.lang) : undefined;
    if (action && again && !again.issues.length && sameFields(again.fields, given.fields)) return { next: action.goto };
  }
  const readOnly = l.grant?.may === 'view';
  // What the link's GET would show anyway comes before the CSRF check: a form sent again after the
  // step was done (its token is stale then) hears "already done by …" (409) or "replaced" (410), not
  // "form expired". A view-only link acts on nothing, so it needs no token to be refused.
  assertLinkValid(deps, l, opts.lang);
  assertActionable(deps, l, opts.lang);
  if (!readOnly && opts.viaForm && !(typeof opts.csrf === 'string' && csrfMatches(deps.linkSecret, l.keyHash, task.version, opts.csrf))) {
    throw new Forbidden({ id: 'Formulir ini sudah kedaluwarsa atau tidak berasal dari halaman tugas. Buka tautan lagi dan kirim ulang.', en: 'This form has expired or did not come from the task page. Open the link again and resend.' });
  }
  if (readOnly) throw viewOnly(deps, l);
  const actionId = typeof body.action === 'string' ? body.action : '';
  const decidedAt = deps.calendar.format(opts.now);
  if (actionId === REASSIGN) return reassign(deps, l, String(body.to ?? ''), opts);
  const action = step.actions.find((a) => a.id === actionId);
  if (!action) throw new ValidationFailed([{ path: 'action', message: `${opts.lang === 'id' ? 'Pilih salah satu' : 'Choose one of'}: ${[...step.actions.map((a) => a.id), REASSIGN].join(', ')}.` }]);
  const { fields, issues } = readFields(deps, action, body, opts.lang);
  if (issues.length) throw new ValidationFailed(issues);
  // A file uploaded to the store first (the page's script, the page without JavaScript, or an API
  // client through POST /api/uploads), named by its upload id: read and then checked as a posted one.
  if (!opts.file && body.fileUploadId !== undefined && body.fileUploadId !== '') {
    opts = { ...opts, file: await uploadedFile(deps, body.fileUploadId, body.fileName, opts.lang) };
  }
  if (opts.file && !answersReporter(action)) {
    throw new ValidationFailed([{ path: 'file', message: opts.lang === 'id' ? `Berkas "${opts.file.name}" hanya dapat dilampirkan pada jawaban kepada pelapor.` : `The file "${opts.file.name}" can only be attached to an answer to the reporter.` }]);
  }
  assertNotHandingOver(task);
  // The file first, under the task's own key: a crash before the decision leaves an orphan the retry overwrites.
  const file = opts.file ? await storeResponseFile(deps, task.caseId, task.slot, opts.file, (l.case.attachments?.length ?? 0) + 1, opts.lang) : undefined;
  const actor = actorOf(l);
  // The step's role is the capacity the decision is taken in; `onBehalfOf` says it was for its assignee.
  const given: OfficialDecision = { kind: 'official', action: action.id, fields, actor: { personId: actor.personId, role: step.role, ...(actor.onBehalfOf ? { onBehalfOf: actor.onBehalfOf } : {}) }, decidedAt, ...(file ? { file } : {}) };
  let done: TaskRecord;
  try {
    // One conditional write stores the decision word for word and closes the task: a second POST loses it.
    done = await deps.store.updateTask(task.caseId, task.slot, task.version, { status: 'done', decidedAt, decidedBy: actor.personId, decidedOnBehalfOf: actor.onBehalfOf, decision: action.label.id, given });
  } catch (err) {
    if (err instanceof ConditionFailed) throw new Conflict({ id: 'Tugas ini baru saja ditindaklanjuti.', en: 'This task was acted on a moment ago.' });
    throw err;
  }
  // Only the action's id goes to the execution; the outcome handler reads the texts from the task.
  await deliverDecision(deps, done, { action: action.id } satisfies StepDecision, opts.now);
  return { next: action.goto };
}

/** The action's fields from a POST body, trimmed, each checked against the SOP; what to fix when not. */
function readFields(deps: Deps, action: Action, body: Record<string, unknown>, lang: Language): { fields: Record<string, string>; issues: Issue[] } {
  const issues: Issue[] = [];
  const fields: Record<string, string> = {};
  for (const f of action.fields) {
    // Every field, free text or a choice, under the one set of text rules (shared/text/rules.ts). An
    // official's text fields all take line breaks and tabs: a register number or a note is written as the
    // official writes it.
    const checked = checkText(body[f.name], { multiline: f.type === 'text' || f.type === 'textarea', required: f.required, max: f.maxLength });
    if (!checked.ok) { issues.push({ path: f.name, message: checked.message[lang] }); continue; }
    const value = checked.value ?? '';
    if (f.type === 'agency' && value && !deps.directory.agencies.some((a) => a.id === value)) { issues.push({ path: f.name, message: lang === 'id' ? 'Instansi tidak dikenal.' : 'Unknown agency.' }); continue; }
    if (f.type === 'date' && value && !isCalendarDate(value)) { issues.push({ path: f.name, message: lang === 'id' ? 'Tulis tanggal sebagai TTTT-BB-HH, misalnya 2026-12-07.' : 'Write the date as YYYY-MM-DD, e.g. 2026-12-07.' }); continue; }
    if (f.type === 'select' && value && !f.options?.some((o) => o.value === value)) { issues.push({ path: f.name, message: lang === 'id' ? 'Bukan salah satu pilihan.' : 'Not one of the options.' }); continue; }
    if (value) fields[f.name] = value;
  }
  return { fields, issues };
}

/** A real calendar date written YYYY-MM-DD (not 2026-02-30). */
function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const sameFields = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * Hands the task to another holder of the step's role (a Plt/Plh): a new key is mailed to them, the
 * assignee's old link answers 410, the grants of the ladder stay, the token stays.
 */
async function reassign(deps: Deps, l: Loaded, toId: string, opts: { lang: Language; now: Date }): Promise<{ next: string }> {
  const { task, case: c, sop, step } = l;
  const to = reassignmentCandidates(deps.directory, sop, step.role, { agencyId: c.agencyId, routedAgencyId: c.routedAgencyId }, task.assigneeId ?? '').find((p) => p.id === toId);
  if (!to) throw new ValidationFailed([{ path: 'to', message: opts.lang === 'id' ? 'Pilih pejabat dari daftar.' : 'Choose an acting official from the list.' }]);
  const key = locatedKey(Buffer.from(deps.randomBytes(32)).toString('base64url'), { caseId: task.caseId, slot: task.slot });
  const at = deps.calendar.format(opts.now);
  try {
    await deps.store.updateTask(task.caseId, task.slot, task.version, { keyHash: hashKey(key), keyLocated: true, assigneeId: to.id });
  } catch (err) {
    if (err instanceof ConditionFailed) throw new Conflict({ id: 'Tugas ini baru saja berubah; buka tautan lagi.', en: 'This task changed a moment ago; open the link again.' });
    throw err;
  }
  const actor = actorOf(l);
  const by = findPerson(deps.directory, actor.personId);
  await record(deps, { caseId: c.caseId, at, type: 'task_reassigned', actor: { kind: 'official', personId: actor.personId, role: step.role, ...(actor.onBehalfOf ? { onBehalfOf: actor.onBehalfOf } : {}) }, stepId: step.id, visit: task.visit, from: task.assigneeId, to: to.id });
  const email = renderEmail({
    template: 'reassignment', recipientName: to.name, fromName: by?.name ?? '', case: caseSummary(deps, c, maySeeReporter(sop, step.role, c)),
    step: { name: step.name[to.language], expects: step.expects[to.language], role: step.role, dueAt: task.dueAt, dueReading: task.dueAt ? stepDueReading(sop, step, to.language) : undefined }, taskUrl: `${deps.publicUrl}/tasks/${key}`, now: at,
  }, to.language);
  await deps.mailer.send({ from: deps.mailFrom, to: [to.email], ...email, tags: { caseId: c.caseId, template: 'reassignment' } });
  return { next: `reassigned:${to.id}` };
}

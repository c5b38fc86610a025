/**
 * Officials act through links: the key in the link maps to the task (only its hash is stored) and
 * the task to the current Step Functions token (never in a URL). Reading changes nothing; acting is a
 * POST, once; a superseded or ended link answers 410 with where the case is now.
 */
import { Buffer } from 'node:buffer';
import type { CaseRecord } from '../case/model';
import { csrfMatches, csrfToken, hashKey, isWellFormedKey } from '../case/keys';
import type { TaskRecord } from '../case/task';
import { findPerson, reassignmentCandidates } from '../directory/resolve';
import { renderEmail } from '../email/templates';
import { Conflict, Forbidden, Gone, NotFound, ValidationFailed, type Issue } from '../errors';
import type { Language } from '../i18n';
import { eventLabel } from '../i18n';
import { ConditionFailed } from '../ports';
import type { Sop } from '../sop/schema';
import type { StepDecision } from '../workflow/contract';
import { deliverDecision } from './complaints';
import { agencyName, record, statusUrl, type Deps } from './deps';
import type { ActionView, TaskView } from './views';
import { caseSummary, maySeeReporter } from './workflow';

const REASSIGN = 'reassign';

interface Loaded {
  task: TaskRecord;
  case: CaseRecord;
  sop: Sop;
}

/** Finds the task of a link key: 404 when the key is unknown. */
async function load(deps: Deps, key: string): Promise<Loaded> {
  const task = isWellFormedKey(key) ? await deps.store.getTaskByKeyHash(hashKey(key)) : undefined;
  if (!task || task.kind !== 'official') throw new NotFound('This task link is not known. Check that you opened the whole link from your email.');
  const c = await deps.store.getCase(task.caseId);
  if (!c) throw new NotFound('This task link is not known.');
  return { task, case: c, sop: deps.getSop(c.sopId) };
}

function whereNow(deps: Deps, c: CaseRecord, sop: Sop, lang: Language): Record<string, unknown> {
  const step = c.currentStep && sop.steps.find((s) => s.id === c.currentStep!.stepId);
  return { status: c.status, currentStep: step ? step.name[lang] : null, statusUrl: statusUrl(deps, c.trackingId) };
}

/** Throws 409/410 unless the task can still be acted on through this key. */
function assertActionable(deps: Deps, l: Loaded, lang: Language): void {
  const { task, case: c, sop } = l;
  if (task.status === 'done') {
    const who = task.decidedBy ? findPerson(deps.directory, task.decidedBy)?.name ?? task.decidedBy : undefined;
    throw new Conflict(`This task was already acted on${who ? ` by ${who}` : ''}${task.decidedAt ? ` at ${task.decidedAt}` : ''}: ${task.decision ?? ''}.`, { decision: task.decision, decidedBy: who, decidedAt: task.decidedAt });
  }
  if (task.status === 'superseded') throw new Gone('This link was replaced: the task was handed to another official.', whereNow(deps, c, sop, lang));
  if (task.status === 'expired' || c.status === 'closed' || c.status === 'rejected') throw new Gone('This task has ended.', whereNow(deps, c, sop, lang));
}

function actionsOf(deps: Deps, l: Loaded, lang: Language): ActionView[] {
  const { task, case: c, sop } = l;
  const step = sop.steps.find((s) => s.id === task.stepId)!;
  const agencies = deps.directory.agencies.map((a) => ({ value: a.id, label: a.name[lang] }));
  const views: ActionView[] = step.actions.map((a) => ({
    id: a.id,
    label: a.label[lang],
    fields: a.fields.map((f) => ({
      name: f.name,
      label: f.label[lang],
      type: f.type === 'textarea' ? 'textarea' : f.type === 'text' ? 'text' : 'select',
      required: f.required,
      ...(f.type === 'agency' ? { options: agencies } : f.options ? { options: f.options.map((o) => ({ value: o.value, label: o.label[lang] })) } : {}),
      ...(f.prefill === 'responseDraft' && c.responseDraft ? { value: c.responseDraft } : {}),
    })),
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

/** What the official sees; reading changes nothing. */
export async function viewTask(deps: Deps, key: string, lang: Language): Promise<{ view: TaskView; csrf: string }> {
  const l = await load(deps, key);
  const { task, case: c, sop } = l;
  if (task.status === 'superseded') throw new Gone('This link was replaced: the task was handed to another official.', whereNow(deps, c, sop, lang));
  const step = sop.steps.find((s) => s.id === task.stepId)!;
  const role = sop.roles.find((r) => r.id === step.role);
  const events = await deps.store.listEvents(c.caseId);
  const open = task.status === 'open' && c.status !== 'closed' && c.status !== 'rejected';
  const view: TaskView = {
    task: { stepId: step.id, stepName: step.name[lang], role: role?.name[lang] ?? step.role, status: open ? 'open' : task.status === 'open' ? 'expired' : task.status, dueAt: task.dueAt ?? null, expects: step.expects[lang], visit: task.visit },
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
      reporter: c.anonymous || !c.reporter ? 'anonymous' : maySeeReporter(sop, step.role, c) ? { ...c.reporter } : 'hidden',
      responseDraft: c.responseDraft,
      history: events.filter((ev) => ev.type in eventLabel).map((ev) => ({
        at: ev.at, event: ev.type, stepId: ev.stepId,
        by: ev.actor.kind === 'official' ? findPerson(deps.directory, ev.actor.personId)?.name : undefined,
        note: ev.type === 'step_completed' && ev.data ? Object.entries(ev.data).filter(([k]) => k !== 'action').map(([, v]) => String(v)).join(' — ') || undefined : undefined,
      })),
    },
    actions: open ? actionsOf(deps, l, lang) : [],
  };
  return { view, csrf: csrfToken(deps.linkSecret, task.keyHash, task.version) };
}

/**
 * Acts on a task. From the HTML page the CSRF token is required; the JSON API is protected by
 * requiring `application/json`, which no cross-site form can send.
 */
export async function actOnTask(deps: Deps, key: string, body: Record<string, unknown>, opts: { lang: Language; now: Date; csrf?: string; viaForm: boolean }): Promise<{ next: string }> {
  const l = await load(deps, key);
  const { task, case: c, sop } = l;
  if (opts.viaForm && !(typeof opts.csrf === 'string' && csrfMatches(deps.linkSecret, task.keyHash, task.version, opts.csrf))) {
    throw new Forbidden('This form has expired or did not come from the task page. Open the link again and resend.');
  }
  assertActionable(deps, l, opts.lang);
  const step = sop.steps.find((s) => s.id === task.stepId)!;
  const actionId = typeof body.action === 'string' ? body.action : '';
  const decidedAt = deps.calendar.format(opts.now);
  if (actionId === REASSIGN) return reassign(deps, l, String(body.to ?? ''), opts);
  const action = step.actions.find((a) => a.id === actionId);
  if (!action) throw new ValidationFailed([{ path: 'action', message: `Choose one of: ${[...step.actions.map((a) => a.id), REASSIGN].join(', ')}.` }]);
  const issues: Issue[] = [];
  const fields: Record<string, string> = {};
  for (const f of action.fields) {
    const raw = body[f.name];
    const value = typeof raw === 'string' ? raw.trim() : raw === undefined || raw === null ? '' : undefined;
    if (value === undefined) { issues.push({ path: f.name, message: 'Must be text.' }); continue; }
    if (f.required && !value) { issues.push({ path: f.name, message: opts.lang === 'id' ? 'Wajib diisi.' : 'Required.' }); continue; }
    if (value.length > f.maxLength) { issues.push({ path: f.name, message: `At most ${f.maxLength} characters.` }); continue; }
    if (f.type === 'agency' && value && !deps.directory.agencies.some((a) => a.id === value)) { issues.push({ path: f.name, message: 'Unknown agency.' }); continue; }
    if (f.type === 'select' && value && !f.options?.some((o) => o.value === value)) { issues.push({ path: f.name, message: 'Not one of the options.' }); continue; }
    if (value) fields[f.name] = value;
  }
  if (issues.length) throw new ValidationFailed(issues);
  let done: TaskRecord;
  try {
    done = await deps.store.updateTask(task.caseId, task.slot, task.version, { status: 'done', decidedAt, decidedBy: task.assigneeId, decision: action.label.id });
  } catch (err) {
    if (err instanceof ConditionFailed) throw new Conflict('This task was acted on a moment ago.');
    throw err;
  }
  const decision: StepDecision = { action: action.id, fields, actor: { personId: task.assigneeId ?? 'unknown', role: step.role }, decidedAt };
  await deliverDecision(deps, done, decision);
  return { next: action.goto };
}

/** Hands the task to an acting official: a new key is mailed to them, the old link answers 410, the token stays. */
async function reassign(deps: Deps, l: Loaded, toId: string, opts: { lang: Language; now: Date }): Promise<{ next: string }> {
  const { task, case: c, sop } = l;
  const step = sop.steps.find((s) => s.id === task.stepId)!;
  const to = reassignmentCandidates(deps.directory, sop, step.role, { agencyId: c.agencyId, routedAgencyId: c.routedAgencyId }, task.assigneeId ?? '').find((p) => p.id === toId);
  if (!to) throw new ValidationFailed([{ path: 'to', message: 'Choose an acting official from the list.' }]);
  const key = Buffer.from(deps.randomBytes(32)).toString('base64url');
  const at = deps.calendar.format(opts.now);
  try {
    await deps.store.updateTask(task.caseId, task.slot, task.version, { keyHash: hashKey(key), assigneeId: to.id });
  } catch (err) {
    if (err instanceof ConditionFailed) throw new Conflict('This task changed a moment ago; open the link again.');
    throw err;
  }
  const from = findPerson(deps.directory, task.assigneeId ?? '');
  await record(deps, { caseId: c.caseId, at, type: 'task_reassigned', actor: { kind: 'official', personId: task.assigneeId ?? 'unknown', role: step.role }, stepId: step.id, visit: task.visit, from: task.assigneeId, to: to.id });
  const email = renderEmail({
    template: 'reassignment', recipientName: to.name, fromName: from?.name ?? '', case: caseSummary(deps, c, maySeeReporter(sop, step.role, c)),
    step: { name: step.name[to.language], expects: step.expects[to.language], role: step.role, dueAt: task.dueAt }, taskUrl: `${deps.publicUrl}/tasks/${key}`, now: at,
  }, to.language);
  await deps.mailer.send({ from: deps.mailFrom, to: [to.email], ...email });
  return { next: `reassigned:${to.id}` };
}

/**
 * Parsing an SOP: the zod schema, then the cross-references the schema cannot see (roles,
 * targets, phases, reachability), each with a message that says what to fix.
 */
import { Sop, type Step } from './schema';

/** Thrown when an SOP definition is not usable; `problems` lists every finding. */
export class InvalidSop extends Error {
  constructor(readonly sopId: string, readonly problems: string[]) {
    super(`SOP ${sopId}: ${problems.join('; ')}`);
    this.name = 'InvalidSop';
  }
}

/** Parses and cross-checks an SOP definition (JSON already decoded). */
export function parseSop(input: unknown): Sop {
  const parsed = Sop.safeParse(input);
  if (!parsed.success) {
    const id = typeof input === 'object' && input && 'id' in input ? String(input.id) : '(unknown)';
    throw new InvalidSop(id, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const sop = parsed.data;
  const problems = crossReferenceProblems(sop);
  if (problems.length > 0) throw new InvalidSop(sop.id, problems);
  return sop;
}

/** Every cross-reference problem of a schema-valid SOP; empty when it is usable. */
export function crossReferenceProblems(sop: Sop): string[] {
  const problems: string[] = [];
  const roleIds = new Set(sop.roles.map((r) => r.id));
  const stepById = new Map<string, Step>();
  const unique = (kind: string, ids: string[]) => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) problems.push(`${kind} "${id}" is defined twice`);
      seen.add(id);
    }
  };
  unique('role', sop.roles.map((r) => r.id));
  unique('step', sop.steps.map((s) => s.id));
  unique('phase', sop.phases.map((p) => p.id));
  for (const step of sop.steps) stepById.set(step.id, step);

  for (const role of sop.roles) {
    if (role.superior && !roleIds.has(role.superior)) problems.push(`role "${role.id}": superior "${role.superior}" is not a role`);
  }
  if (!roleIds.has(sop.headRole)) problems.push(`headRole "${sop.headRole}" is not a role`);
  const start = sop.startAt ?? sop.steps[0]?.id;
  if (sop.startAt && !stepById.has(sop.startAt)) problems.push(`startAt "${sop.startAt}" is not a step`);
  if (!stepById.has(sop.reporterReply.followUpStep)) problems.push(`reporterReply.followUpStep "${sop.reporterReply.followUpStep}" is not a step`);

  for (const step of sop.steps) {
    if (!roleIds.has(step.role)) problems.push(`step "${step.id}": role "${step.role}" is not a role`);
    unique(`action of step "${step.id}"`, step.actions.map((a) => a.id));
    for (const action of step.actions) {
      if (!action.goto.startsWith('@') && !stepById.has(action.goto)) {
        problems.push(`step "${step.id}", action "${action.id}": goto "${action.goto}" is not a step`);
      }
      unique(`field of action "${step.id}.${action.id}"`, action.fields.map((f) => f.name));
      for (const r of action.inform) if (!roleIds.has(r)) problems.push(`step "${step.id}", action "${action.id}": inform "${r}" is not a role`);
      if (action.sends === 'approved' && !sop.steps.some((x) => x.actions.some((a) => a.fields.some((f) => f.meaning === 'approvedResponse')))) {
        problems.push(`step "${step.id}", action "${action.id}": sends the approved response, but no action approves one (a field meaning approvedResponse)`);
      }
      for (const field of action.fields) {
        if (field.type === 'select' && !field.options?.length) problems.push(`field "${step.id}.${action.id}.${field.name}": a select needs options`);
      }
    }
    for (const rung of step.escalation?.rungs ?? []) {
      if (rung.kind === 'monitor' && !(rung.step && stepById.has(rung.step))) problems.push(`step "${step.id}": a monitor rung needs "step", a step of this SOP`);
    }
    if (step.coordination && step.limit?.unit !== 'days' && step.limit?.unit !== 'workingDays') problems.push(`step "${step.id}": a coordination step needs a limit in days (its service level)`);
    if (step.optional && start === step.id) problems.push(`step "${step.id}" is optional and cannot be the first step`);
  }

  const phaseOf = new Map<string, string>();
  for (const phase of sop.phases) {
    for (const id of phase.steps) {
      if (!stepById.has(id)) problems.push(`phase "${phase.id}": step "${id}" is not a step`);
      const other = phaseOf.get(id);
      if (other) problems.push(`step "${id}" is in phases "${other}" and "${phase.id}"`);
      phaseOf.set(id, phase.id);
    }
  }
  for (const report of sop.reports) {
    for (const r of report.recipients) if (r !== 'bupati' && !roleIds.has(r)) problems.push(`report "${report.id}": recipient "${r}" is not a role`);
    for (const turn of report.review) if (!roleIds.has(turn.role)) problems.push(`report "${report.id}": reviewer "${turn.role}" is not a role`);
  }

  // Reachability from the start and from the follow-up step (reached after a reporter's reply).
  const reached = new Set<string>();
  const queue = [start, sop.reporterReply.followUpStep].filter((s): s is string => !!s && stepById.has(s));
  let reachesReporter = false;
  while (queue.length) {
    const id = queue.shift()!;
    if (reached.has(id)) continue;
    reached.add(id);
    // A monitor rung opens its step when this one is late (its path: statemachines/compile.ts).
    for (const rung of stepById.get(id)!.escalation?.rungs ?? []) if (rung.kind === 'monitor' && rung.step && stepById.has(rung.step)) queue.push(rung.step);
    for (const action of stepById.get(id)!.actions) {
      if (action.goto === '@reporter' || action.goto === '@close') reachesReporter = true;
      else if (stepById.has(action.goto) && !reached.has(action.goto)) queue.push(action.goto);
    }
  }
  for (const step of sop.steps) if (!reached.has(step.id)) problems.push(`step "${step.id}" cannot be reached from the start`);
  if (!reachesReporter) problems.push('no path leads to an answer to the reporter (@reporter) or to @close');
  // The normal path (actions[0] each time) must end: no loop on the forward path.
  const forward = new Set<string>();
  for (let id: string | undefined = start; id && !id.startsWith('@'); ) {
    if (forward.has(id)) { problems.push(`the normal path (actions[0]) loops at step "${id}"`); break; }
    forward.add(id);
    id = stepById.get(id)?.actions[0]?.goto;
  }
  return problems;
}

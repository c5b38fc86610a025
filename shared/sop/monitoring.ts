/** Which steps are on a monitoring path: a plain function of the SOP data, kept apart from the schema so that functions need not build it. */
import type { Sop } from './schema';

/**
 * The steps of monitoring paths (`monitor` rungs): each rung's step and every step its actions lead
 * to, short of `@end`. Keyed by step id, with the step whose lateness opened the path.
 */
export function monitoringSteps(sop: Pick<Sop, 'steps'>): Map<string, { lateStep: string }> {
  const out = new Map<string, { lateStep: string }>();
  for (const late of sop.steps) {
    const todo = (late.escalation?.rungs ?? []).filter((r) => r.kind === 'monitor' && r.step).map((r) => r.step!);
    while (todo.length) {
      const id = todo.pop()!;
      if (out.has(id)) continue;
      out.set(id, { lateStep: late.id });
      for (const a of sop.steps.find((x) => x.id === id)?.actions ?? []) if (!a.goto.startsWith('@')) todo.push(a.goto);
    }
  }
  return out;
}

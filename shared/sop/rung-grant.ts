/**
 * What an escalation rung lets the person it tells do, for the workflow at run time: plain data and
 * a function, kept apart from the SOP schema (shared/sop/schema.ts), which only the build needs
 * (see shared/sop/localized-text.ts).
 */
import type { EscalationRung, RungGrant, RungRecipient } from './schema';

/**
 * The grant of a rung that sets none: the superior and the head of office may act, as they can in
 * the office; the Bupati and the inspectorate oversee, so they see. A reprimand rung's email goes
 * to the Bupati whatever its `notify`, so it defaults to `view` too.
 */
export const defaultRungGrant: Record<RungRecipient, RungGrant> = { superior: 'act', head: 'act', bupati: 'view', inspectorate: 'view' };

/** What the person a rung tells may do through their link: the rung's `grant`, else the default for whom it notifies. */
export function rungGrant(rung: EscalationRung): RungGrant {
  return rung.grant ?? (rung.kind === 'reprimand' ? 'view' : defaultRungGrant[rung.notify]);
}

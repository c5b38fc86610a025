/**
 * Who each rung of an escalation ladder reaches, so that no rung tells a person the ladder has
 * already told. Resolved independently, the rungs often repeat a person: the superior of the
 * complaint team *is* the Kepala Dinas, so "superior at the deadline, head 1 hour later" would mail
 * the same Kepala Dinas twice and leave the Bupati a working day away. Pure: the caller resolves
 * each rung's person (`resolve.ts`), this decides.
 */
import type { Person } from './schema';
import type { EscalationLadder, RungRecipient, Sop, Step } from '../sop/schema';
import { headOf, superiorOf, type CaseUnits } from './resolve';
import type { Directory } from './schema';

/** One rung as resolved on its own: the person it names (none when the directory has nobody there). */
export interface RungCandidate {
  person?: Person;
  /** A reprimand recommendation is its own message, not a louder reminder: never skipped or pulled forward. */
  kind: 'escalation' | 'reprimand';
}

/** What one rung does: tell `to` (as rung `via` would have, 0-based), or nothing, and why. */
export type RungDelivery =
  | { level: number; to: Person; via: number }
  | { level: number; skipped: 'alreadyTold' | 'nobody'; sameAs?: Person };

const samePerson = (a: Person, b: Person) => a.id === b.id || a.email.toLowerCase() === b.email.toLowerCase();

/**
 * The ladder's deliveries, rung by rung (level = index + 1). The assignee counts as told (the
 * reminder went to them). An escalation rung whose person was already told goes to the next
 * distinct person named by a later escalation rung, taken with its grant and title (`via`), and that
 * later rung then counts as used; when every remaining escalation rung names someone already told,
 * the rung is skipped (`alreadyTold`, naming who) — the caller records that, so the gap is visible.
 * A reprimand rung always goes to its person.
 */
export function distinctRungDeliveries(rungs: RungCandidate[], assignee?: Person): RungDelivery[] {
  const told: Person[] = assignee ? [assignee] : [];
  const wasTold = (p: Person) => told.some((t) => samePerson(t, p));
  return rungs.map((rung, i): RungDelivery => {
    const level = i + 1;
    if (rung.kind === 'reprimand') {
      return rung.person ? { level, to: rung.person, via: i } : { level, skipped: 'nobody' };
    }
    if (!rung.person) return { level, skipped: 'nobody' };
    for (let j = i; j < rungs.length; j++) {
      const later = rungs[j]!;
      if (later.kind !== 'escalation' || !later.person || wasTold(later.person)) continue;
      told.push(later.person);
      return { level, to: later.person, via: j };
    }
    return { level, skipped: 'alreadyTold', sameAs: rung.person };
  });
}

/** The person a rung names for a step's role on a case, resolved on its own. */
export function rungPerson(directory: Directory, sop: Sop, roleId: string, units: CaseUnits, notify: RungRecipient, kind: 'escalation' | 'reprimand'): Person | undefined {
  if (kind === 'reprimand' || notify === 'bupati') return directory.bupati;
  if (notify === 'head') return headOf(directory, sop, roleId, units);
  if (notify === 'inspectorate') return directory.inspectorate.head;
  return superiorOf(directory, sop, roleId, units);
}

/**
 * The delivery of rung `level` of `ladder` for a step (or phase, through the step at hand) of a
 * case: every rung resolved in the directory, then `distinctRungDeliveries`. A level the ladder
 * does not have (a stale execution of an edited SOP) is resolved alone, as the Bupati's view.
 */
export function ladderDelivery(directory: Directory, sop: Sop, step: Pick<Step, 'role'>, units: CaseUnits, ladder: EscalationLadder, level: number, assignee?: Person, reprimand = false): RungDelivery {
  // A monitoring rung opens a task rather than mailing: like a reprimand, its own message, never taken as a louder reminder.
  const candidates = ladder.rungs.map((r): RungCandidate => ({ person: rungPerson(directory, sop, step.role, units, r.notify, r.kind === 'monitor' ? 'escalation' : r.kind), kind: r.kind === 'escalation' ? 'escalation' : 'reprimand' }));
  const rung = ladder.rungs[level - 1];
  if (!rung) {
    const alone = reprimand ? directory.bupati : superiorOf(directory, sop, step.role, units);
    return alone ? { level, to: alone, via: level - 1 } : { level, skipped: 'nobody' };
  }
  if (reprimand && rung.kind !== 'reprimand') candidates[level - 1] = { person: directory.bupati, kind: 'reprimand' };
  return distinctRungDeliveries(candidates, assignee)[level - 1]!;
}

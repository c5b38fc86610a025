/**
 * The SOPs this deployment runs, as `npm run compile-sops` validated them: `validated.json` holds
 * each SOP of sources.ts after the zod schema and the cross-checks (defaults filled in), so a cold
 * start neither builds the SOP schema nor parses with it (20–50 ms). A test checks that the file is
 * exactly what parsing the sources gives, so it cannot drift from them.
 */
import type { Sop } from '../sop/schema';
import validated from './validated.json';

/** Every SOP, validated and cross-checked (at build time: see above). */
export const sops: readonly Sop[] = validated as unknown as readonly Sop[];

/** The SOP with this id; throws when there is none. */
export function getSop(id: string): Sop {
  const sop = sops.find((s) => s.id === id);
  if (!sop) throw new Error(`Unknown SOP "${id}"; known: ${sops.map((s) => s.id).join(', ')}`);
  return sop;
}

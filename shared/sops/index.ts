/**
 * The SOPs this deployment runs, as `npm run compile-sops` validated them: `validated.json` holds
 * each SOP of sources.ts after the zod schema and the cross-checks (defaults filled in), so a cold
 * start neither builds the SOP schema nor parses with it (20–50 ms). A test checks that the file is
 * exactly what parsing the sources gives, so it cannot drift from them.
 *
 * The bundles carry it deflated (`validated-packed.ts`, the same JSON, checked by the same test):
 * a third of the bytes in every function; inflating and JSON.parse take about 1 ms at import.
 */
import { inflateRawSync } from 'node:zlib';
import type { Sop } from '../sop/schema';
import { packedSops } from './validated-packed';

/** Every SOP, validated and cross-checked (at build time: see above). */
export const sops: readonly Sop[] = JSON.parse(inflateRawSync(Buffer.from(packedSops, 'base64')).toString('utf8')) as readonly Sop[];

/** The SOP with this id; throws when there is none. */
export function getSop(id: string): Sop {
  const sop = sops.find((s) => s.id === id);
  if (!sop) throw new Error(`Unknown SOP "${id}"; known: ${sops.map((s) => s.id).join(', ')}`);
  return sop;
}

/**
 * The SOPs this deployment runs, one JSON file each. Adding an agency's SOP is adding a file
 * here (and naming it below); the compiler and the handlers need no change.
 */
import type { Sop } from '../sop/schema';
import { parseSop } from '../sop/validate';
import perpustakaanMuba from './perpustakaan-muba.sop.json';
import dukcapilMura from './dukcapil-mura.sop.json';
import sp4nLaporMuaraEnim from './sp4n-lapor-muara-enim.sop.json';
import dinkesMuba from './dinkes-muba.sop.json';

/** Every SOP, parsed and cross-checked at load. */
export const sops: readonly Sop[] = [perpustakaanMuba, dukcapilMura, sp4nLaporMuaraEnim, dinkesMuba].map(parseSop);

/** The SOP with this id; throws when there is none. */
export function getSop(id: string): Sop {
  const sop = sops.find((s) => s.id === id);
  if (!sop) throw new Error(`Unknown SOP "${id}"; known: ${sops.map((s) => s.id).join(', ')}`);
  return sop;
}

/**
 * The SOPs this deployment runs, as `npm run compile-sops` validated them: `validated.json` holds
 * each SOP of sources.ts after the zod schema and the cross-checks (defaults filled in), so a cold
 * start neither builds the SOP schema nor parses with it (20–50 ms). A test checks that the file is
 * exactly what parsing the sources gives, so it cannot drift from them.
 *
 * The bundles carry it compressed, one string per SOP (`validated-packed.ts`, checked by the same
 * test). Nothing is unpacked at import: `getSop` unpacks the SOP asked for the first time it is asked
 * (≈ 0.5 ms, where all four took ≈ 1.2 ms at every cold start), so a function unpacks the SOPs of the
 * cases it handles, and one that never asks (the uploads function) unpacks none. The module has no
 * work at its top level, so a bundle that imports neither `getSop` nor `sops` drops the packed data.
 */
import { brotliDecompressSync } from 'node:zlib';
import type { Sop } from '../sop/schema';
import { packedSops } from './validated-packed';

const unpacked = new Map<string, Sop>();

/** The SOP with this id; throws when there is none. */
export function getSop(id: string): Sop {
  let sop = unpacked.get(id);
  if (sop) return sop;
  const packed = Object.hasOwn(packedSops, id) ? packedSops[id] : undefined;
  if (packed === undefined) throw new Error(`Unknown SOP "${id}"; known: ${Object.keys(packedSops).join(', ')}`);
  sop = JSON.parse(brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8')) as Sop;
  unpacked.set(id, sop);
  return sop;
}

/** Every SOP, in validated.json's order. */
function allSops(): readonly Sop[] {
  return Object.keys(packedSops).map(getSop);
}

/**
 * Every SOP, validated and cross-checked (at build time: see above). For the tools, the stack and the
 * local runtime, which need all of them; a handler asks `getSop` for the one it needs. Pure, so that a
 * bundle that never reads it does not carry or run it.
 */
export const sops: readonly Sop[] = /* @__PURE__ */ allSops();

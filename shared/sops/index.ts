/**
 * The SOPs this deployment runs, as `npm run compile-sops` validated them: `validated.json` holds
 * each SOP of sources.ts after the zod schema and the cross-checks (defaults filled in), so a cold
 * start neither builds the SOP schema nor parses with it (20–50 ms). A test checks that the file is
 * exactly what parsing the sources gives, so it cannot drift from them.
 *
 * The bundles carry it compressed (`validated-packed.ts`, checked by the same test). Nothing is
 * unpacked at import: the first `getSop` decompresses the text (≈ 0.6 ms) and each SOP is parsed
 * when first asked for, so a function parses the SOPs of the cases it handles, and one that never
 * asks pays nothing (the uploads function does not even carry them: functions/adapters/deps.ts). The
 * module has no work at its top level, so a bundle that imports neither `getSop` nor `sops` drops it.
 */
import { brotliDecompressSync } from 'node:zlib';
import type { Sop } from '../sop/schema';
import { packedSopIds, packedSops } from './validated-packed';

let lines: string[] | undefined;
const parsed = new Map<string, Sop>();

/** The SOP with this id; throws when there is none. */
export function getSop(id: string): Sop {
  const known = parsed.get(id);
  if (known) return known;
  const at = packedSopIds.indexOf(id);
  if (at < 0) throw new Error(`Unknown SOP "${id}"; known: ${packedSopIds.join(', ')}`);
  lines ??= brotliDecompressSync(Buffer.from(packedSops, 'base64')).toString('utf8').split('\n');
  const sop = JSON.parse(lines[at]!) as Sop;
  parsed.set(id, sop);
  return sop;
}

/** Every SOP, in validated.json's order. */
function allSops(): readonly Sop[] {
  return packedSopIds.map(getSop);
}

/**
 * Every SOP, validated and cross-checked (at build time: see above). For the tools, the stack and the
 * local runtime, which need all of them; a handler asks `getSop` for the one it needs. Pure, so that a
 * bundle that never reads it does not carry or run it.
 */
export const sops: readonly Sop[] = /* @__PURE__ */ allSops();

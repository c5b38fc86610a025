/**
 * `npm run compile-sops` (before the state machines, which are compiled from its output): validates every SOP of sources.ts and writes
 * validated.json, the form the handlers load without parsing, and validated-packed.ts, the same JSON compressed
 * and base64'd, which is what the bundles carry (≈ 14 KB instead of ≈ 48 KB of object literal in each of them).
 * Exits non-zero on an invalid SOP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { parseSop } from '../sop/validate';
import { sopSources } from './sources';

export const validatedPath = join(__dirname, 'validated.json');
export const packedPath = join(__dirname, 'validated-packed.ts');

/** The file's text: the parsed SOPs, one per line-indented JSON array. */
export function validatedJson(): string {
  return `${JSON.stringify(sopSources.map(parseSop), null, 1)}\n`;
}

/**
 * The module of the packed SOPs (shared/sops/index.ts unpacks it when an SOP is first asked for): the
 * SOPs of validated.json minified, one per line, Brotli-compressed and base64'd; and their ids, in the
 * same order, so that a function parses only the SOPs it is asked for. One stream: four separate ones
 * weigh ≈ 18.2 KB (Brotli) or 20.7 KB (deflate) where this one weighs ≈ 13.8 KB (one deflate stream: 15.8).
 */
export function packedModule(json = validatedJson()): string {
  const parsed = JSON.parse(json) as { id: string }[];
  const lines = parsed.map((sop) => JSON.stringify(sop)).join('\n');
  const packed = brotliCompressSync(lines, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }).toString('base64');
  return `/**
 * The SOPs of validated.json, minified, one per line, Brotli-compressed and base64'd, and their ids in
 * the same order: written by \`npm run compile-sops\` (shared/sops/build.ts), do not edit. Read through
 * shared/sops/index.ts.
 */
export const packedSopIds: readonly string[] = ${JSON.stringify(parsed.map((s) => s.id))};

export const packedSops =
  '${packed.replace(/.{1,100}/g, (line) => `${line}'\n  + '`).replace(/\n {2}\+ '$/, '')};
`;
}

if (require.main === module) {
  try {
    const json = validatedJson();
    writeFileSync(validatedPath, json);
    writeFileSync(packedPath, packedModule(json));
    console.log(`wrote ${validatedPath} and ${packedPath}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

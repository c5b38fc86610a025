/**
 * `npm run compile-sops` (before the state machines, which are compiled from its output): validates every SOP of sources.ts and writes
 * validated.json, the form the handlers load without parsing, and validated-packed.ts, the same JSON compressed
 * and base64'd one SOP apiece, which is what the bundles carry (≈ 18 KB instead of ≈ 48 KB of object literal in each of them).
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
 * The module of the packed SOPs (shared/sops/index.ts unpacks one when it is first asked for): each SOP of
 * validated.json, minified, Brotli-compressed and base64'd, by id in the file's order. One string per
 * SOP, so that a function unpacks only the SOPs of the cases it handles; Brotli because four separate
 * deflate streams weigh ≈ 20.7 KB where Brotli's weigh ≈ 18.2 KB (one deflate stream of all four: 15.8 KB).
 */
export function packedModule(json = validatedJson()): string {
  const entries = (JSON.parse(json) as { id: string }[]).map((sop) => {
    const packed = brotliCompressSync(JSON.stringify(sop), { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }).toString('base64');
    return `  ${JSON.stringify(sop.id)}:\n    '${packed.replace(/.{1,100}/g, (line) => `${line}'\n    + '`).replace(/\n {4}\+ '$/, '')},`;
  });
  return `/**
 * The SOPs of validated.json, each minified, Brotli-compressed and base64'd, by id: written by
 * \`npm run compile-sops\` (shared/sops/build.ts), do not edit. Read through shared/sops/index.ts.
 */
export const packedSops: Readonly<Record<string, string>> = {
${entries.join('\n')}
};
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

/**
 * `npm run compile-sops` (before the state machines, which are compiled from its output): validates every SOP of sources.ts and writes
 * validated.json, the form the handlers load without parsing, and validated-packed.ts, the same JSON raw-deflated
 * and base64'd, which is what the bundles carry (≈ 16 KB instead of ≈ 48 KB of object literal in each of them).
 * Exits non-zero on an invalid SOP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import { parseSop } from '../sop/validate';
import { sopSources } from './sources';

export const validatedPath = join(__dirname, 'validated.json');
export const packedPath = join(__dirname, 'validated-packed.ts');

/** The file's text: the parsed SOPs, one per line-indented JSON array. */
export function validatedJson(): string {
  return `${JSON.stringify(sopSources.map(parseSop), null, 1)}\n`;
}

/** The module of the packed SOPs (shared/sops/index.ts inflates it on first use): validated.json, minified, deflated, base64. */
export function packedModule(json = validatedJson()): string {
  const packed = deflateRawSync(JSON.stringify(JSON.parse(json)), { level: constants.Z_BEST_COMPRESSION }).toString('base64');
  return `/**
 * The SOPs of validated.json, minified, raw-deflated and base64'd: written by \`npm run compile-sops\`
 * (shared/sops/build.ts), do not edit. Read through shared/sops/index.ts.
 */
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

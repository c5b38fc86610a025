/**
 * `npm run compile-sops` (before the state machines, which are compiled from its output): validates every SOP of sources.ts and writes
 * validated.json, the form the handlers load without parsing. Exits non-zero on an invalid SOP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSop } from '../sop/validate';
import { sopSources } from './sources';

export const validatedPath = join(__dirname, 'validated.json');

/** The file's text: the parsed SOPs, one per line-indented JSON array. */
export function validatedJson(): string {
  return `${JSON.stringify(sopSources.map(parseSop), null, 1)}\n`;
}

if (require.main === module) {
  try {
    writeFileSync(validatedPath, validatedJson());
    console.log(`wrote ${validatedPath}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

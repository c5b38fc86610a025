/**
 * `npm run sop -- table <sopId> [--lang en]`: prints an SOP's traceability table (Markdown).
 * `npm run sop -- diagram <sopId> [--lang en] [--out file.svg]`: writes its SVG flow (default
 *   docs/sops/<sopId>.svg, or <sopId>.en.svg in English).
 * `npm run sop -- docs`: regenerates docs/sops/ for every SOP (the test that keeps them fresh
 *   compares with exactly this output).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getSop, sops } from '../shared/sops';

const sopIds = () => sops.map((s) => s.id);
import { sopTraceDocument, sopTraceMarkdown } from '../shared/sop/trace';
import { sopDiagramSvg } from '../shared/sop/diagram';
import type { Language } from '../shared/i18n';

export const docsDir = join(__dirname, '..', 'docs', 'sops');

/** Every file of docs/sops/ and its content, as `npm run sop -- docs` writes them. */
export function sopDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const id of sopIds()) {
    const sop = getSop(id);
    files.set(`${id}.md`, sopTraceDocument(sop));
    files.set(`${id}.svg`, sopDiagramSvg(sop, 'id'));
    files.set(`${id}.en.svg`, sopDiagramSvg(sop, 'en'));
  }
  return files;
}

function main(argv: string[]): number {
  const [command, sopId] = argv;
  const flag = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const lang: Language = flag('--lang') === 'en' ? 'en' : 'id';
  const known = (id: string | undefined): id is string => !!id && sopIds().includes(id);
  if (command === 'docs') {
    mkdirSync(docsDir, { recursive: true });
    for (const [name, content] of sopDocs()) { writeFileSync(join(docsDir, name), content); console.log(`wrote docs/sops/${name}`); }
    return 0;
  }
  if ((command === 'table' || command === 'diagram') && !known(sopId)) {
    console.error(`Unknown SOP "${sopId ?? ''}". Known: ${sopIds().join(', ')}`);
    return 2;
  }
  if (command === 'table') {
    process.stdout.write(`${sopTraceMarkdown(getSop(sopId!), lang)}\n`);
    return 0;
  }
  if (command === 'diagram') {
    const out = flag('--out') ?? join(docsDir, `${sopId}${lang === 'en' ? '.en' : ''}.svg`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, sopDiagramSvg(getSop(sopId!), lang));
    console.log(`wrote ${out}`);
    return 0;
  }
  console.error('Usage: npm run sop -- table <sopId> [--lang en] | diagram <sopId> [--lang en] [--out file.svg] | docs');
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

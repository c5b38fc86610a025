/**
 * Traceability (issue 13, item 9): the Markdown table and the SVG flow of each SOP, generated from
 * the SOP files, committed under docs/sops/ and kept fresh here (like the ASL).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { docsDir, sopDocs } from '../../statemachines/sop-docs';
import { sopDiagramSvg, wrap } from '../../shared/sop/diagram';
import { graceReading, mdCell, sopTraceMarkdown } from '../../shared/sop/trace';
import { getSop, sops } from '../../shared/sops';
import type { Sop } from '../../shared/sop/schema';
import { renderHowHandled } from '../../shared/web/how-handled';

/** The text content of an SVG, parsed by a strict XML parser (throws on anything malformed). */
function svgTexts(svg: string): string[] {
  const parser = new SaxesParser();
  const texts: string[] = [];
  let inText = false;
  parser.on('opentag', (tag) => { if (tag.name === 'text' || tag.name === 'title') inText = true; });
  parser.on('closetag', () => { inText = false; });
  parser.on('text', (s) => { if (inText) texts.push(s); });
  parser.on('error', (err) => { throw err; });
  parser.write(svg).close();
  return texts;
}

describe('docs/sops is fresh', () => {
  test('every generated file is committed as generated (run `npm run sop -- docs` when this fails)', () => {
    const expected = sopDocs();
    for (const [name, content] of expected) {
      expect({ name, content: readFileSync(join(docsDir, name), 'utf8') }).toEqual({ name, content });
    }
    // Nothing stale left behind either.
    expect(readdirSync(docsDir).sort()).toEqual([...expected.keys()].sort());
  });

  test('the README links each SOP\'s table and diagram', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const sop of sops) {
      expect(readme).toContain(`docs/sops/${sop.id}.md`);
      expect(readme).toContain(`docs/sops/${sop.id}.svg`);
    }
  });
});

describe.each(sops.map((s) => [s.id, s] as const))('%s', (_id, sop) => {
  test.each(['id', 'en'] as const)('the table (%s) has a row per step: seed row, name, role, limit reading, every action and where it leads', (lang) => {
    const md = sopTraceMarkdown(sop, lang);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    for (const step of sop.steps) {
      const row = rows.find((r) => r.startsWith(`| ${step.sopNumber} | ${mdCell(step.name[lang])}`));
      expect(row).toBeDefined();
      expect(row).toContain(mdCell(sop.roles.find((r) => r.id === step.role)!.name[lang]));
      for (const action of step.actions) expect(row).toContain(`${mdCell(action.label[lang])}`);
      // Every row keeps its five cells: no text broke it.
      expect(row!.replace(/\\\|/g, '').split('|')).toHaveLength(7);
    }
    expect(md).toContain(lang === 'id' ? 'Tingkat 1' : 'Rung 1');
  });

  test.each(['id', 'en'] as const)('the diagram (%s) is well-formed SVG naming every step, action, limit and rung', (lang) => {
    const texts = svgTexts(sopDiagramSvg(sop, lang)).join(' ').replace(/\s+/g, ' ');
    for (const step of sop.steps) {
      expect(texts).toContain(wrap(step.name[lang], 44)[0]);
      if (step.limit) expect(texts).toContain(`${lang === 'id' ? 'Batas' : 'Limit'}: ${graceReading(step.limit, lang)}`);
      for (const action of step.actions.filter((a) => !['@reject', '@askReporter', '@close'].includes(a.goto))) expect(texts).toContain(wrap(action.label[lang], 40)[0]);
    }
    expect(texts).toContain(lang === 'id' ? 'Tingkat 3' : 'Rung 3');
    expect(texts).toContain(lang === 'id' ? 'Tidak puas' : 'Not satisfied');
  });
});

test('SP4N-LAPOR!\'s table reads its days one way and shows the reprimand and the branches', () => {
  const md = sopTraceMarkdown(getSop('sp4n-lapor-muara-enim'), 'id');
  expect(md).toContain('| 2 | Verifikasi dan distribusi laporan | Admin Kabupaten | 2 hari kalender sejak diterima; bila jatuh pada hari libur atau di luar jam kerja, akhir jam kerja hari kerja berikutnya |');
  expect(md).toContain('1 hari kerja: akhir jam kerja hari kerja ke-1 setelah hari diterima');
  expect(md).toContain('Tingkat 2: tugas pemantauan: langkah 5 «APIP memantau tindak lanjut yang melewati 12 hari» (tugas langkah ini tetap terbuka), bersamaan dengan tingkat sebelumnya');
  expect(md).toContain('| 5 | Bupati memberikan teguran atas rekomendasi APIP | Bupati | – | **Catat teguran yang diterbitkan** → pemantauan selesai');
  expect(md).toContain('→ pengaduan ditolak; pelapor diberi tahu alasannya');
  expect(md).toContain('→ pertanyaan ke pelapor; langkah ini berlanjut dengan jawabannya');
});

test('text that could break the table or the SVG is escaped in both', () => {
  const evil = '<script>alert("x")</script> | a & b\nline';
  const base = getSop('perpustakaan-muba');
  const sop: Sop = { ...base, steps: base.steps.map((s, i) => (i === 0 ? { ...s, name: { id: evil, en: evil }, actions: s.actions.map((a) => ({ ...a, label: { id: evil, en: evil } })) } : s)) };
  const md = sopTraceMarkdown(sop, 'id');
  expect(md).not.toContain('<script>');
  expect(md).toContain('&lt;script&gt;alert("x")&lt;/script&gt; \\| a &amp; b line');
  const svg = sopDiagramSvg(sop, 'en');
  expect(svg).not.toContain('<script>');
  expect(svgTexts(svg).join(' ')).toContain('<script>alert("x")</script>');
});

test('the public page escapes the directory\'s and the SOP\'s text, in the page and in its inline SVG', () => {
  const evil = '"><img src=x onerror=alert(1)><script>alert(1)</script>';
  const base = getSop('dinkes-muba');
  const sop: Sop = { ...base, title: { id: evil, en: evil }, steps: base.steps.map((s, i) => (i === 0 ? { ...s, name: { id: evil, en: evil } } : s)) };
  for (const lang of ['id', 'en'] as const) {
    const page = renderHowHandled({ agency: { id: 'x', name: evil, acceptsComplaints: true }, sop, lang });
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(svgTexts(/<svg[\s\S]*<\/svg>/.exec(page)![0]).join(' ')).toContain(evil);
  }
});

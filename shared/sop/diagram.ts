/**
 * An SOP drawn as an SVG flow a head of office can read: the steps as boxes in the SOP's order
 * (seed row, role, limit), the normal path as straight arrows, every other action as a labelled
 * arrow — to another step (routed in its own lane on the right), or to an end (rejected, a question
 * to the reporter) — the reporter's window with its three outcomes, the phases as dashed frames, and
 * the escalation ladder written out below. Hand-written SVG, pure and deterministic: no browser, no
 * layout library. Every text is escaped.
 */
import type { Language } from '../i18n';
import { graceReading, ladderLines } from './trace';
import type { Sop, Step } from './schema';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

/** XML-escapes a text for an SVG text node or attribute. */
export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Greedy word wrap to at most `max` characters a line (a longer word is cut). */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const raw of text.replace(/\s+/g, ' ').trim().split(' ')) {
    let word = raw;
    while (word.length > max) {
      if (line) { lines.push(line); line = ''; }
      lines.push(word.slice(0, max));
      word = word.slice(max);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= max) line += ` ${word}`;
    else { lines.push(line); line = word; }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

// Geometry (px). Boxes in one column; labels and end pills right of them; lanes for other arrows further right.
const BOX_X = 40;
const BOX_W = 420;
const LABEL_X = BOX_X + BOX_W + 14;
const LABEL_W = 270;
const LANE_X = LABEL_X + LABEL_W + 24;
const LANE_STEP = 18;
const GAP = 64;
const SLOT = 44;
const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

interface Box { id: string; y: number; h: number; title: string[]; meta: string; limit: string; slots: number }
interface Outgoing { from: string; label: string; to: string; normal: boolean }

/** The SVG of an SOP's flow, in one language. */
export function sopDiagramSvg(sop: Sop, lang: Language): string {
  const order = sop.steps.map((s) => s.id);
  const REPORTER = '@reporter';
  const roleName = (id: string) => sop.roles.find((r) => r.id === id)?.name[lang] ?? id;

  // Every action, and the reporter's unsatisfied reply, as an edge.
  const edges: Outgoing[] = sop.steps.flatMap((s) => s.actions.map((a, i) => ({ from: s.id, label: a.label[lang], to: a.goto, normal: i === 0 })));
  edges.push({ from: REPORTER, label: t(lang, 'Tidak puas', 'Not satisfied'), to: sop.reporterReply.followUpStep, normal: false });
  // A monitor rung: lateness opens another step's task beside this one.
  for (const s of sop.steps) for (const r of s.escalation?.rungs ?? []) if (r.kind === 'monitor' && r.step) edges.push({ from: s.id, label: t(lang, 'Lewat batas waktu: tugas pemantauan', 'Past its deadline: a monitoring task'), to: r.step, normal: false });
  const nodeOrder = [...order, REPORTER];
  const isNext = (e: Outgoing) => nodeOrder.indexOf(e.to) === nodeOrder.indexOf(e.from) + 1 && e.normal;
  const isEnd = (e: Outgoing) => e.to === '@reject' || e.to === '@close' || e.to === '@askReporter' || e.to === '@end';

  // Boxes: height from their text and from the arrows that leave their right side.
  const boxes: Box[] = [];
  let y = 100;
  const phaseTop = new Map<string, number>();
  for (const id of nodeOrder) {
    const step = sop.steps.find((s) => s.id === id);
    const phase = step && sop.phases.find((p) => p.steps.includes(step.id));
    if (phase && !phaseTop.has(phase.id)) { y += 22; phaseTop.set(phase.id, y); }
    const slots = edges.filter((e) => e.from === id && !isNext(e)).length + (id === REPORTER ? 2 : 0);
    const title = step ? wrap(step.name[lang], 44) : wrap(t(lang, 'Pelapor membaca jawaban dan dapat membalas', 'The reporter reads the answer and may reply'), 44);
    const meta = step
      ? `${t(lang, 'Baris SOP', 'SOP row')} ${step.sopNumber} · ${roleName(step.role)}${step.optional ? t(lang, ' · bila perlu', ' · if needed') : ''}`
      : t(lang, 'Pelapor', 'Reporter');
    const limit = step ? stepLimit(sop, step, lang) : `${t(lang, 'Jendela balasan', 'Reply window')}: ${graceReading(sop.reporterReply.window, lang)}`;
    const limitLines = wrap(limit, 60).length;
    const textH = 30 + title.length * 18 + limitLines * 15 + 12;
    const h = Math.max(textH, 44 + slots * SLOT);
    boxes.push({ id, y, h, title, meta, limit, slots });
    y += h + GAP;
    const next = nodeOrder[nodeOrder.indexOf(id) + 1];
    const nextPhase = next ? sop.phases.find((p) => p.steps.includes(next)) : undefined;
    if (phase && nextPhase?.id !== phase.id) y += 10;
  }
  const box = (id: string) => boxes.find((b) => b.id === id)!;

  const parts: string[] = [];
  const text = (x: number, ty: number, s: string, attrs = '') => `<text x="${x}" y="${ty}"${attrs ? ` ${attrs}` : ''}>${xml(s)}</text>`;

  // Phases: a dashed frame around their (consecutive) steps, named with their limit.
  for (const phase of sop.phases) {
    const members = boxes.filter((b) => phase.steps.includes(b.id));
    if (!members.length) continue;
    const top = Math.min(...members.map((b) => b.y)) - 24;
    const bottom = Math.max(...members.map((b) => b.y + b.h)) + 12;
    parts.push(`<rect x="${BOX_X - 18}" y="${top}" width="${BOX_W + 36}" height="${bottom - top}" rx="10" fill="#f6f8fa" stroke="#8c959f" stroke-dasharray="6 4"/>`);
    parts.push(text(BOX_X - 8, top + 15, `${t(lang, 'Fase', 'Phase')}: ${phase.name[lang]} — ${graceReading(phase.limit, lang)}`, 'font-size="11" fill="#57606a" font-style="italic"'));
  }

  // Boxes.
  for (const b of boxes) {
    const reporter = b.id === REPORTER;
    const own = sop.steps.find((s) => s.id === b.id)?.escalation;
    parts.push(`<rect x="${BOX_X}" y="${b.y}" width="${BOX_W}" height="${b.h}" rx="8" fill="${reporter ? '#fff8c5' : '#ffffff'}" stroke="${reporter ? '#9a6700' : '#0969da'}" stroke-width="1.5"/>`);
    let ty = b.y + 18;
    parts.push(text(BOX_X + 12, ty, b.meta, 'font-size="11" fill="#57606a"'));
    for (const line of b.title) { ty += 18; parts.push(text(BOX_X + 12, ty, line, 'font-size="14" font-weight="bold" fill="#1f2328"')); }
    for (const line of wrap(b.limit, 60)) { ty += 15; parts.push(text(BOX_X + 12, ty, line, 'font-size="11" fill="#9a3412"')); }
    if (own) parts.push(text(BOX_X + BOX_W - 10, b.y + 18, t(lang, 'eskalasi sendiri', 'own ladder'), 'font-size="10" fill="#cf222e" text-anchor="end"'));
  }

  // The start.
  const first = box(sop.startAt ?? order[0]!);
  parts.push(`<rect x="${BOX_X + BOX_W / 2 - 110}" y="40" width="220" height="30" rx="15" fill="#dafbe1" stroke="#1a7f37"/>`);
  parts.push(text(BOX_X + BOX_W / 2, 60, t(lang, 'Pengaduan diterima (formulir)', 'Complaint received (the form)'), 'font-size="12" text-anchor="middle" fill="#1a7f37"'));
  parts.push(arrow([[BOX_X + BOX_W / 2, 70], [BOX_X + BOX_W / 2, first.y]]));

  // Arrows.
  let lane = 0;
  const slotUsed = new Map<string, number>();
  const nextSlot = (id: string) => { const n = slotUsed.get(id) ?? 0; slotUsed.set(id, n + 1); return box(id).y + 52 + n * SLOT; };
  for (const e of edges) {
    const from = box(e.from);
    if (isNext(e)) {
      const x = BOX_X + BOX_W / 2;
      const to = box(e.to);
      parts.push(arrow([[x, from.y + from.h], [x, to.y]], '#1a7f37', 2));
      wrap(e.label, 48).slice(0, 2).forEach((l, i) => parts.push(text(x + 8, from.y + from.h + 16 + i * 13, l, 'font-size="11" fill="#1a7f37"')));
      continue;
    }
    const sy = nextSlot(e.from);
    const labelLines = wrap(e.label, 40).slice(0, 2);
    const color = e.to === '@reject' ? '#cf222e' : e.normal ? '#1a7f37' : '#6639ba';
    if (isEnd(e)) {
      // A short arrow to an end pill holding the label and what happens.
      const what = e.to === '@reject' ? t(lang, 'Ditolak; pelapor diberi tahu alasannya', 'Rejected; the reporter is told why')
        : e.to === '@close' ? t(lang, 'Kasus ditutup', 'Case closed')
        : e.to === '@end' ? t(lang, 'Pemantauan selesai', 'Monitoring ends')
        : t(lang, 'Pertanyaan ke pelapor; langkah ini berlanjut dengan jawabannya', 'Question to the reporter; this step resumes with the answer');
      const lines = [...wrap(e.label, 40).slice(0, 1), ...wrap(`→ ${what}`, 40).slice(0, 2)];
      const ph = 8 + lines.length * 13;
      parts.push(arrow([[BOX_X + BOX_W, sy], [LABEL_X + 10, sy]], color));
      parts.push(`<rect x="${LABEL_X + 10}" y="${sy - ph / 2}" width="${LABEL_W}" height="${ph}" rx="${Math.min(12, ph / 2)}" fill="#ffffff" stroke="${color}"/>`);
      lines.forEach((l, i) => parts.push(text(LABEL_X + 20, sy - ph / 2 + 15 + i * 13, l, `font-size="11" fill="${color}"`)));
      continue;
    }
    // Another step (or the reporter's window), through a lane of its own on the right.
    const to = box(e.to === REPORTER ? REPORTER : e.to);
    const lx = LANE_X + lane++ * LANE_STEP;
    // Arrows arrive near the top of a box, above the labels of the arrows that leave it.
    const ty = to.y + 8 + (lane % 3) * 4;
    parts.push(arrow([[BOX_X + BOX_W, sy], [lx, sy], [lx, ty], [BOX_X + BOX_W, ty]], color));
    labelLines.forEach((l, i) => parts.push(text(LABEL_X, sy - 5 - (labelLines.length - 1 - i) * 13, l, `font-size="11" fill="${color}"`)));
  }

  // The reporter's window: satisfied and silent end the case.
  const rep = box(REPORTER);
  const ends = [
    [t(lang, 'Puas (dengan penilaian)', 'Satisfied (with a rating)'), t(lang, 'Selesai', 'Closed')],
    [t(lang, 'Tidak membalas sampai batas', 'No reply by the deadline'), t(lang, 'Ditutup otomatis', 'Closed by the system')],
  ];
  ends.forEach(([label, what]) => {
    const sy = nextSlot(REPORTER);
    parts.push(arrow([[BOX_X + BOX_W, sy], [LABEL_X + 10, sy]], '#1a7f37'));
    parts.push(`<rect x="${LABEL_X + 10}" y="${sy - 17}" width="${LABEL_W}" height="34" rx="17" fill="#dafbe1" stroke="#1a7f37"/>`);
    parts.push(text(LABEL_X + 20, sy - 3, label!, 'font-size="11" fill="#1a7f37"'));
    parts.push(text(LABEL_X + 20, sy + 11, `→ ${what}`, 'font-size="11" fill="#1a7f37" font-weight="bold"'));
  });

  // The ladder, written out.
  let ly = rep.y + rep.h + 40;
  const legend: string[] = [];
  const heading = (s: string) => { legend.push(text(BOX_X, ly, s, 'font-size="13" font-weight="bold" fill="#1f2328"')); ly += 18; };
  const line = (s: string) => { for (const l of wrap(s, 120)) { legend.push(text(BOX_X + 10, ly, l, 'font-size="11" fill="#1f2328"')); ly += 15; } };
  heading(t(lang, 'Eskalasi bila batas waktu terlewati', 'Escalation when a limit passes'));
  ladderLines(sop.escalation, lang).forEach((l) => line(l));
  for (const step of sop.steps.filter((s) => s.escalation)) {
    ly += 6;
    heading(t(lang, `Eskalasi sendiri: baris ${step.sopNumber}, ${step.name.id}`, `Own ladder: row ${step.sopNumber}, ${step.name.en}`));
    ladderLines(step.escalation!, lang, sop).forEach((l) => line(l));
  }
  ly += 6;
  heading(t(lang, 'Cara membaca batas waktu', 'How limits read'));
  line(t(lang, '"Hari kerja": berakhir pada akhir jam kerja hari kerja ke-n setelah hari diterima (hari diterima = hari ke-0).', '"Working days": due at the close of office hours on the n-th working day after the day received (that day is day 0).'));
  line(t(lang, '"Hari": hari kalender; bila jatuh pada hari libur atau di luar jam kerja, berakhir pada akhir jam kerja hari kerja berikutnya.', '"Days": calendar days; if that falls on a non-working day or outside office hours, due at the close of the next working day.'));
  line(t(lang, 'Menit dan jam: hanya jam kerja yang dihitung.', 'Minutes and hours: only office hours count.'));
  parts.push(...legend);

  const width = Math.max(LANE_X + lane * LANE_STEP + 30, 900);
  const height = ly + 20;
  const title = `${sop.title[lang]} — ${sop.source.office}`;
  const titleLines = wrap(title, 110).slice(0, 2);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" role="img" aria-labelledby="sop-title">`,
    `<title id="sop-title">${xml(title)}</title>`,
    '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...titleLines.map((l, i) => text(12, 16 + i * 15, l, 'font-size="12" font-weight="bold" fill="#1f2328"')),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function stepLimit(sop: Sop, step: Step, lang: Language): string {
  // The amount only: how each unit reads is written once, under the flow.
  if (step.limit) return `${t(lang, 'Batas', 'Limit')}: ${graceReading(step.limit, lang)}`;
  const phase = sop.phases.find((p) => p.steps.includes(step.id));
  return phase ? t(lang, `Batas: dalam fase (${graceReading(phase.limit, 'id')})`, `Limit: within the phase (${graceReading(phase.limit, 'en')})`) : t(lang, 'Tanpa batas sendiri', 'No limit of its own');
}

function arrow(points: [number, number][], color = '#57606a', width = 1.5): string {
  const d = points.map(([x, y], i) => `${i ? 'L' : 'M'} ${x} ${y}`).join(' ');
  return `<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}" marker-end="url(#arrowhead)"/>`;
}

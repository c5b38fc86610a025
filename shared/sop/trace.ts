/**
 * Traceability a head of office can read: an SOP as a Markdown table, row by row against the signed
 * paper (seed row → step → role → limit and how it reads → actions → where each leads), with its
 * phases, its escalation ladder and the reporter's window. Pure: `npm run sop -- table <sopId>`
 * prints it, `docs/sops/<sopId>.md` holds it, and a test keeps that file fresh.
 */
import type { Language } from '../i18n';
import { limitReading } from '../sla/reading';
import type { ActionTarget, EscalationLadder, Grace, RungRecipient, Sop, Step } from './schema';

const t = (lang: Language, id: string, en: string) => (lang === 'id' ? id : en);

/** A grace between rungs in words: "1 jam kerja" / "1 office hour", "2 hari" / "2 days". */
export function graceReading(g: Grace, lang: Language): string {
  const n = g.amount;
  const plural = (word: string) => `${word}${n === 1 ? '' : 's'}`;
  switch (g.unit) {
    case 'minutes': return t(lang, `${n} menit jam kerja`, `${n} office ${plural('minute')}`);
    case 'hours': return t(lang, `${n} jam kerja`, `${n} office ${plural('hour')}`);
    case 'days': return t(lang, `${n} hari kalender`, `${n} calendar ${plural('day')}`);
    case 'workingDays': return t(lang, `${n} hari kerja`, `${n} working ${plural('day')}`);
  }
}

const recipientWords: Record<RungRecipient, { id: string; en: string }> = {
  superior: { id: 'atasan langsung pelaksana', en: "the assignee's direct superior" },
  head: { id: 'kepala unit kerja', en: 'the head of office' },
  bupati: { id: 'Bupati', en: 'the Bupati' },
  inspectorate: { id: 'Inspektur', en: 'the Inspector' },
};

/** The ladder in words, one line per rung, reminder first. */
export function ladderLines(ladder: EscalationLadder, lang: Language, sop?: Pick<Sop, 'steps'>): string[] {
  const lines = [t(lang, `Pengingat kepada pelaksana pada ${Math.round(ladder.reminderAt * 100)} % batas waktu`, `Reminder to the assignee at ${Math.round(ladder.reminderAt * 100)} % of the limit`)];
  ladder.rungs.forEach((r, i) => {
    const when = r.after.amount === 0
      ? t(lang, i === 0 ? 'saat batas waktu' : 'bersamaan dengan tingkat sebelumnya', i === 0 ? 'at the deadline' : 'with the previous rung')
      : t(lang, `${graceReading(r.after, 'id')} setelah ${i === 0 ? 'batas waktu' : 'tingkat sebelumnya'}`, `${graceReading(r.after, 'en')} after ${i === 0 ? 'the deadline' : 'the previous rung'}`);
    const monitored = r.kind === 'monitor' ? sop?.steps.find((s) => s.id === r.step) ?? { sopNumber: '?', name: { id: r.step ?? '?', en: r.step ?? '?' } } : undefined;
    const what = monitored
      ? t(lang, `tugas pemantauan: langkah ${monitored.sopNumber} «${monitored.name.id}» (tugas langkah ini tetap terbuka)`, `a monitoring task: step ${monitored.sopNumber} «${monitored.name.en}» (this step's task stays open)`)
      : r.kind === 'reprimand'
      ? t(lang, 'rekomendasi teguran kepada Bupati', 'a recommendation to the Bupati to reprimand the agency')
      : recipientWords[r.notify][lang];
    lines.push(t(lang, `Tingkat ${i + 1}: ${what}, ${when}`, `Rung ${i + 1}: ${what}, ${when}`));
  });
  lines.push(t(lang,
    'Setiap tingkat sampai kepada orang yang belum diberi tahu; bila semua tingkat sisanya orang yang sama, tingkat itu dilewati dan dicatat. Email dikirim pada jam kerja.',
    'Each rung reaches a person not told yet; when every remaining rung names someone already told, the rung is skipped and recorded. Emails go out in office hours.'));
  return lines;
}

/** Where an action leads, in words. */
export function targetWords(sop: Sop, target: ActionTarget, lang: Language): string {
  switch (target) {
    case '@reporter': return t(lang, `jawaban dikirim ke pelapor (${graceReading(sop.reporterReply.window, 'id')} untuk membalas)`, `answer sent to the reporter (${graceReading(sop.reporterReply.window, 'en')} to reply)`);
    case '@askReporter': return t(lang, 'pertanyaan ke pelapor; langkah ini berlanjut dengan jawabannya', 'a question to the reporter; this step resumes with the answer');
    case '@reject': return t(lang, 'pengaduan ditolak; pelapor diberi tahu alasannya', 'complaint rejected; the reporter is told why');
    case '@close': return t(lang, 'kasus ditutup', 'case closed');
    case '@end': return t(lang, 'pemantauan selesai; tugas langkah yang terlambat tetap berjalan', 'monitoring ends; the late step\'s own task goes on');
    default: {
      const step = sop.steps.find((s) => s.id === target);
      return step ? t(lang, `langkah ${step.sopNumber} «${step.name.id}»`, `step ${step.sopNumber} «${step.name.en}»`) : target;
    }
  }
}

const roleName = (sop: Sop, roleId: string, lang: Language) => sop.roles.find((r) => r.id === roleId)?.name[lang] ?? roleId;

/** Markdown table cells: no pipe or line break may break the row; `<` and `&` shown as typed. */
export function mdCell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

/** A limit as the table shows it: its reading, led by its amount where the reading does not start with it. */
export function limitText(limit: Grace, lang: Language): string {
  return limit.unit === 'workingDays' ? `${graceReading(limit, lang)}: ${limitReading(limit, lang)}` : limitReading(limit, lang);
}

/** The limit of a step in words, with the phase that holds it when it has none of its own. */
function stepLimitCell(sop: Sop, step: Step, lang: Language): string {
  if (step.limit) return limitText(step.limit, lang);
  const phase = sop.phases.find((p) => p.steps.includes(step.id));
  return phase ? t(lang, `dalam batas fase «${phase.name.id}»`, `within the phase «${phase.name.en}»`) : '–';
}

function table(sop: Sop, lang: Language): string[] {
  const head = t(lang, '| Baris SOP | Langkah | Pelaksana | Batas waktu (cara membacanya) | Tindakan → ke mana |', '| SOP row | Step | Role | Limit (how it reads) | Actions → where each leads |');
  const rows = [head, '|---|---|---|---|---|'];
  for (const x of sop.setup) rows.push(`| ${mdCell(x.sopNumber)} | ${mdCell(x.description[lang])} | ${t(lang, '(pengaturan, sekali)', '(setup, once)')} | ${x.limit ? mdCell(graceReading(x.limit, lang)) : '–'} | – |`);
  for (const x of sop.intake) rows.push(`| ${mdCell(x.sopNumber)} | ${mdCell(x.description[lang])} | ${t(lang, 'Pelapor (formulir)', 'Reporter (the form)')} | ${x.limit ? mdCell(graceReading(x.limit, lang)) : '–'} | ${t(lang, 'tanda terima ke pelapor', 'acknowledgement to the reporter')} |`);
  for (const step of sop.steps) {
    const actions = step.actions.map((a, i) => `${i === 0 ? '**' : ''}${mdCell(a.label[lang])}${i === 0 ? '**' : ''} → ${mdCell(targetWords(sop, a.goto, lang))}`).join('<br>');
    const name = `${mdCell(step.name[lang])}${step.optional ? t(lang, ' — langkah opsional', ' — optional step') : ''}${step.escalation ? t(lang, ' — eskalasi sendiri', ' — own ladder') : ''}`;
    rows.push(`| ${mdCell(step.sopNumber)} | ${name} | ${mdCell(roleName(sop, step.role, lang))} | ${mdCell(stepLimitCell(sop, step, lang))} | ${actions} |`);
  }
  const w = sop.reporterReply.window;
  rows.push(`| – | ${t(lang, 'Pelapor membaca jawaban', 'The reporter reads the answer')} | ${t(lang, 'Pelapor', 'Reporter')} | ${mdCell(limitText(w, lang))} | ${mdCell(t(lang,
    `puas (dengan penilaian) → selesai<br>tidak puas → ${targetWords(sop, sop.reporterReply.followUpStep, 'id')}<br>tidak membalas → ditutup otomatis`,
    `satisfied (with a rating) → closed<br>not satisfied → ${targetWords(sop, sop.reporterReply.followUpStep, 'en')}<br>no reply → closed by the system`)).replace(/&lt;br&gt;/g, '<br>')} |`);
  return rows;
}

/** The whole traceability document of an SOP, in one language. */
export function sopTraceMarkdown(sop: Sop, lang: Language): string {
  const out: string[] = [];
  out.push(`## ${mdCell(sop.title[lang])} — ${mdCell(sop.source.office)}`, '');
  out.push(t(lang, `Nomor SOP: ${mdCell(sop.source.number)}. Naskah sumber: \`${sop.source.seedFile}\`. Baris pertama tindakan (**tebal**) adalah jalur normal.`,
    `SOP number: ${mdCell(sop.source.number)}. Source text: \`${sop.source.seedFile}\`. The first action of each step (**bold**) is the normal path.`), '');
  out.push(...table(sop, lang), '');
  for (const phase of sop.phases) {
    const rows = [...new Set(phase.steps.map((id) => sop.steps.find((s) => s.id === id)?.sopNumber ?? id))].join(', ');
    out.push(t(lang, `**Fase «${mdCell(phase.name.id)}»** (baris ${rows}): ${mdCell(limitText(phase.limit, 'id'))}.`,
      `**Phase «${mdCell(phase.name.en)}»** (rows ${rows}): ${mdCell(limitText(phase.limit, 'en'))}.`), '');
  }
  out.push(t(lang, '**Eskalasi (seluruh SOP)**', '**Escalation ladder (whole SOP)**'), '');
  out.push(...ladderLines(sop.escalation, lang).map((l) => `- ${mdCell(l)}`), '');
  for (const step of sop.steps.filter((s) => s.escalation)) {
    out.push(t(lang, `**Eskalasi langkah ${step.sopNumber} «${mdCell(step.name.id)}»**`, `**Ladder of step ${step.sopNumber} «${mdCell(step.name.en)}»**`), '');
    out.push(...ladderLines(step.escalation!, lang, sop).map((l) => `- ${mdCell(l)}`), '');
  }
  if (sop.reports.length) {
    out.push(t(lang, '**Laporan berkala**', '**Periodic reports**'), '');
    for (const r of sop.reports) {
      const to = r.recipients.map((x) => (x === 'bupati' ? 'Bupati' : roleName(sop, x, lang))).join(', ');
      const period = { monthly: ['Bulanan', 'Monthly'], quarterly: ['Triwulanan', 'Quarterly'], semiannual: ['Semesteran', 'Half-yearly'] }[r.period];
      // A review chain (reports[].review): each turn's role and limit, then the recipients.
      const chain = r.review.map((turn) => `${roleName(sop, turn.role, lang)} (${limitText(turn.limit, lang)})`).join(' → ');
      out.push(`- ${t(lang, period[0]!, period[1]!)}: ${mdCell(chain ? `${chain} → ${to}` : to)}${r.letters ? t(lang, ', dengan draf surat tindak lanjut', ', with draft follow-up letters') : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** `docs/sops/<sopId>.md`: Bahasa Indonesia first, then English, then the notes (the choices made where the seed is silent). */
export function sopTraceDocument(sop: Sop): string {
  const notes = sop.notes.map((n) => `- ${mdCell(n)}`);
  return [
    `<!-- Generated by \`npm run sop -- docs\` from shared/sops/${sop.id}.sop.json; do not edit (test/unit/sop-docs.test.ts fails when stale). -->`,
    `# ${mdCell(sop.title.id)} (${sop.id})`, '',
    `![${mdCell(sop.title.id)}](./${sop.id}.svg)`, '',
    sopTraceMarkdown(sop, 'id'),
    sopTraceMarkdown(sop, 'en'),
    '## Notes (choices where the seed is silent)', '', ...notes, '',
  ].join('\n');
}

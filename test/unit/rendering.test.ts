import { renderEmail, type CaseSummary, type EmailModel } from '../../shared/email/templates';
import { renderComplaintForm, renderErrorPage, renderReplyPage, renderTaskPage } from '../../shared/web/pages';
import { renderTrackingPage } from '../../shared/web/tracking';
import { buildMime, headerSafe } from '../../shared/email/mime';
import type { TaskView } from '../../shared/usecases/views';
import { createOfficeCalendar } from '../../shared/calendar';
import { demoDirectory } from '../../shared/directory';
import { RecapBuilder } from '../../shared/reports/aggregate';
import { parsePeriod } from '../../shared/reports/period';
import { getSop } from '../../shared/sops';
import { limitReading, stepDueReading } from '../../shared/sla/reading';

const attack = '"><img src=x onerror=alert(1)><script>alert(1)</script>';
const evilCase: CaseSummary = {
  trackingId: 'TGP-7KQ4-M9XD-R', title: `Judul ${attack}\r\nBcc: victim@example.com`, description: `Uraian ${attack}`,
  agencyName: 'Dinas Kesehatan', category: 'Pelayanan', location: `Lokasi ${attack}`, submittedAt: '2026-11-23T09:30:00+07:00',
  reporter: { name: `Nama ${attack}`, email: 'r@example.com' },
  reporterMessages: [{ at: '2026-11-24T09:00:00+07:00', kind: 'reply', text: `Balasan ${attack}`, satisfied: false, rating: 2 }, { at: '2026-11-24T10:00:00+07:00', kind: 'answer', text: `Jawaban ${attack}` }],
};
const step = { name: 'Analisa', expects: 'Analisa dan survei', role: 'Tim', dueAt: '2026-11-26T16:00:00+07:00' };
const now = '2026-11-23T10:00:00+07:00';
const emptyFigures = new RecapBuilder({ calendar: createOfficeCalendar(demoDirectory.calendar), period: parsePeriod('2026-10', 420), weeks: [] }).result().totals;

const models: EmailModel[] = [
  { template: 'newTask', recipientName: 'Andi', case: evilCase, step, taskUrl: 'https://x/tasks/k', now },
  { template: 'reminder', recipientName: 'Andi', case: evilCase, step, taskUrl: 'https://x/tasks/r', statusUrl: 'https://x/c', now },
  { template: 'escalation', recipientName: 'Kadin', level: 2, ladderTitle: 'kepala unit kerja', assigneeName: 'Andi', case: evilCase, step, now, statusUrl: 'https://x/c', link: { taskUrl: 'https://x/tasks/g', may: 'act' } },
  { template: 'reprimand', recipientName: 'Bupati', agencyName: 'Dinas Kesehatan', assigneeName: 'Andi', case: evilCase, step, now, statusUrl: 'https://x/c', link: { taskUrl: 'https://x/tasks/b', may: 'view' } },
  { template: 'reassignment', recipientName: 'Plh', fromName: 'Andi', case: evilCase, step, taskUrl: 'https://x/tasks/k2', now },
  { template: 'acknowledgement', case: evilCase, statusUrl: 'https://x/c', firstStep: step, sopTitle: 'Penanganan Pengaduan' },
  { template: 'answer', case: evilCase, response: `Jawaban ${attack}`, replyUrl: 'https://x/r', statusUrl: 'https://x/c', windowEndsAt: '2026-12-03T10:00:00+07:00' },
  { template: 'question', case: evilCase, question: `Pertanyaan ${attack}`, replyUrl: 'https://x/r', windowEndsAt: '2026-12-03T10:00:00+07:00' },
  { template: 'closing', case: evilCase, reason: 'reply_window_elapsed', statusUrl: 'https://x/c' },
  { template: 'rejection', case: evilCase, reason: `Alasan ${attack}`, statusUrl: 'https://x/c' },
  { template: 'calendarGap', recipientName: `Admin ${attack}`, year: 2027, trackingId: 'TGP-7KQ4-M9XD-R', at: now },
  {
    template: 'report', recipientName: `Kadin ${attack}`, periodLabel: 'Oktober 2026', previousLabel: 'September 2026', scopeName: `Dinas ${attack}`,
    recap: emptyFigures, previous: emptyFigures, agencies: [{ name: attack, figures: emptyFigures }], steps: [], attachments: ['kasus.csv'], rows: 0, xlsxRows: 0, csvIncluded: true,
  },
];

describe.each(models.map((m) => [m.template, m]))('email %s', (_name, model) => {
  test.each(['id', 'en'] as const)('renders in %s with a safe subject and inert HTML', (lang) => {
    const mail = renderEmail(model, lang);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text.length).toBeGreaterThan(20);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img src=x');
    if ('case' in model && mail.html.includes('Uraian')) expect(mail.html).toContain('Uraian &quot;&gt;&lt;img src=x');
  });
});

test.each(['id', 'en'] as const)('the acknowledgement (%s) carries the escaped title and the tracking number, and nothing else the submitter wrote', (lang) => {
  const submitter = { ...evilCase, title: 'Judul <b>tebal</b> & "kutip"', description: 'Klik http://phish.example/login sekarang', location: 'Lihat https://evil.example', reporter: { name: 'Nama Palsu', email: 'korban@example.com', phone: '0812' } };
  const mail = renderEmail({ template: 'acknowledgement', case: submitter, statusUrl: 'https://tanggap.example/complaints/TGP-7KQ4-M9XD-R', firstStep: step, sopTitle: 'Penanganan Pengaduan' }, lang);
  for (const part of [mail.subject, mail.text, mail.html]) {
    for (const foreign of ['phish.example', 'evil.example', 'Klik', 'Nama Palsu', 'korban@example.com', '0812']) expect(part).not.toContain(foreign);
  }
  expect(mail.html).toContain('Judul &lt;b&gt;tebal&lt;/b&gt; &amp; &quot;kutip&quot;');
  expect(mail.html).not.toContain('<b>tebal');
  expect(mail.text).toContain('Judul <b>tebal</b> & "kutip"');
  expect(mail.text).toContain('TGP-7KQ4-M9XD-R');
  // The only links are our own: the tracking page.
  const links = [...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThan(0);
  for (const link of links) expect(link).toBe('https://tanggap.example/complaints/TGP-7KQ4-M9XD-R');
  expect(mail.text).toContain(lang === 'id' ? 'tidak akan menerima lebih dari 3 email tanda terima sehari' : 'at most 3 acknowledgements a day');
});

test('the texts carry what each recipient needs, in both languages', () => {
  const task = renderEmail(models[0]!, 'id');
  expect(task.subject).toBe('Tugas baru: Analisa — TGP-7KQ4-M9XD-R');
  expect(task.text).toContain('Batas waktu: Kamis, 26 November 2026 pukul 16.00 WIB');
  expect(task.text).toContain('Buka tugas: https://x/tasks/k');
  expect(renderEmail(models[0]!, 'en').text).toContain('Due: Thursday 26 November 2026, 16:00 WIB');
  const ack = renderEmail(models[5]!, 'id');
  expect(ack.text).toContain('Nomor pelacakan: TGP-7KQ4-M9XD-R');
  expect(ack.text).not.toContain('r@example.com');
  const answer = renderEmail(models[6]!, 'id');
  expect(answer.text).toContain('balas sebelum Kamis, 3 Desember 2026 pukul 10.00 WIB');
  expect(renderEmail(models[3]!, 'id').text).toContain('merekomendasikan agar Bupati memberikan teguran kepada Dinas Kesehatan');
  expect(renderEmail(models[2]!, 'en').subject).toBe('Escalation level 2: Analisa is overdue — TGP-7KQ4-M9XD-R');
});

test('ladder emails link the recipient\'s own task page, the button saying what it allows, and the public status beside it', () => {
  // Prepare: the same escalation with an acting link, a viewing link, and no task link at all.
  const escalation = models[2] as Extract<EmailModel, { template: 'escalation' }>;
  const viewing = { ...escalation, link: { taskUrl: 'https://x/tasks/v', may: 'view' as const } };
  const statusOnly = { ...escalation, link: undefined };

  // Act
  const act = renderEmail(escalation, 'id');
  const view = renderEmail(viewing, 'id');
  const none = renderEmail(statusOnly, 'id');
  const reminder = renderEmail(models[1]!, 'id');
  const actEn = renderEmail(escalation, 'en');

  // Assess
  expect(act.text).toContain('Lihat dan tindak lanjuti: https://x/tasks/g');
  expect(act.text).toContain('atas nama Andi');
  expect(act.text).toContain('Status publik: https://x/c');
  expect(act.html).toContain('href="https://x/tasks/g"');
  expect(actEn.text).toContain('View and act: https://x/tasks/g');
  expect(view.text).toContain('Lihat pengaduan: https://x/tasks/v');
  expect(view.text).not.toContain('tindak lanjuti:');
  expect(view.text).toContain('tindak lanjutnya tetap pada Andi');
  expect(none.text).toContain('Lihat status pengaduan: https://x/c');
  expect(none.text).not.toContain('/tasks/');
  expect(renderEmail(models[3]!, 'id').text).toContain('Lihat pengaduan: https://x/tasks/b');
  expect(reminder.text).toContain('Buka tugas: https://x/tasks/r');
  expect(reminder.text).toContain('Status publik: https://x/c');
});

test('every page escapes user text', () => {
  const view: TaskView = {
    task: { stepId: 's', stepName: `Step ${attack}`, role: 'r', status: 'open', dueAt: null, expects: attack, visit: 1, assignee: { name: attack, title: attack } },
    link: { holder: 'grant', may: 'act', reason: 'escalation', level: 1, note: attack },
    case: { trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'a', name: attack }, status: 'in_progress', title: attack, description: attack, category: attack, location: attack, submittedAt: now, reporter: { name: attack }, responseDraft: attack, reporterMessages: [{ at: now, kind: 'reply', text: attack, satisfied: false }, { at: now, kind: 'answer', text: attack }], history: [{ at: now, event: 'step_completed', note: attack, by: attack, onBehalfOf: attack }] },
    actions: [{ id: 'a', label: attack, fields: [{ name: 'f', label: attack, type: 'textarea', required: true, value: attack }] }],
  };
  const done: TaskView = { ...view, task: { ...view.task, status: 'done', decided: { by: attack, onBehalfOf: attack, at: now, decision: attack } }, actions: [] };
  const pages = [
    renderTaskPage({ view, csrfToken: attack, now: new Date(now), lang: 'id' }),
    renderTaskPage({ view: done, csrfToken: attack, now: new Date(now), lang: 'en' }),
    renderTrackingPage({ status: { trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'a', name: attack }, status: 'resolved', currentStep: null, timeline: [{ at: now, event: attack }], response: attack }, way: { steps: [] }, lang: 'en', now: new Date(now) }),
    renderReplyPage({ trackingId: attack, key: attack, response: attack, lang: 'id' }),
    renderErrorPage({ status: 400, message: attack, details: { issues: [{ path: attack, message: attack }] }, lang: 'id' }),
    renderComplaintForm({ agencies: [{ id: 'a', name: attack, categories: [{ id: 'c', name: attack }] }], lang: 'id', values: { title: attack }, issues: [{ path: 'title', message: attack }] }),
  ];
  for (const html of pages) {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  }
});

test('the reporter\'s words reach the official as typed: in the new-task email (text exact, HTML escaped with its line breaks) and on the task page', () => {
  const reply = 'Belum ada "nomor antrean".\nBaris dua\tkolom <b>tebal</b> &amp; \\ 😀 \u200F';
  const answer = 'Di loket 3 — <script>x</script>';
  const summary: CaseSummary = { ...evilCase, reporter: undefined, reporterMessages: [
    { at: '2026-11-24T09:00:00+07:00', kind: 'reply', text: reply, satisfied: false },
    { at: '2026-11-24T10:00:00+07:00', kind: 'answer', text: answer },
  ] };
  const mail = renderEmail({ template: 'newTask', recipientName: 'Andi', case: summary, step, taskUrl: 'https://x/tasks/k', now }, 'id');
  expect(mail.text).toContain("Balasan pelapor (belum puas), Selasa, 24 November 2026 pukul 09.00 WIB:");
  expect(mail.text).toContain(`:\n${reply}\n`);
  expect(mail.text).toContain(`:\n${answer}`);
  expect(mail.html).toContain('Belum ada &quot;nomor antrean&quot;.<br>Baris dua\tkolom &lt;b&gt;tebal&lt;/b&gt; &amp;amp; \\ 😀 \u200F');
  expect(mail.html).toContain('Di loket 3 — &lt;script&gt;x&lt;/script&gt;');
  expect(mail.html.indexOf('nomor antrean')).toBeLessThan(mail.html.indexOf('Di loket 3'));
  const view: TaskView = {
    task: { stepId: 's', stepName: 'Analisa', role: 'r', status: 'open', dueAt: null, expects: 'x', visit: 2, assignee: null },
    link: { holder: 'assignee', may: 'act' },
    case: { trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'a', name: 'A' }, status: 'in_progress', title: 't', description: 'd', category: 'c', submittedAt: now, reporter: 'hidden',
      reporterMessages: summary.reporterMessages!, history: [] },
    actions: [],
  };
  const page = renderTaskPage({ view, csrfToken: 'c', now: new Date(now), lang: 'en' });
  expect(page).toContain('Messages from the reporter');
  expect(page).toContain('The reporter replied: not satisfied');
  expect(page).toContain('white-space:pre-wrap');
  expect(page).toContain('Belum ada &quot;nomor antrean&quot;.\nBaris dua\tkolom &lt;b&gt;tebal&lt;/b&gt; &amp;amp; \\ 😀 \u200F');
  expect(page).not.toContain('<script>x');
  expect(renderTaskPage({ view: { ...view, case: { ...view.case, reporterMessages: [] } }, csrfToken: 'c', now: new Date(now), lang: 'en' })).not.toContain('Messages from the reporter');
});

test('the form has a label for every input and shows errors next to their fields', () => {
  const html = renderComplaintForm({ agencies: [{ id: 'dinkes', name: 'Dinkes', categories: [{ id: 'obat', name: 'Obat' }] }], lang: 'id', values: { title: 'Antrean' }, issues: [{ path: 'description', message: 'Minimal 20 karakter.' }] });
  const ids = [...html.matchAll(/<(?:input|textarea|select) id="([^"]+)"/g)].map((m) => m[1]);
  for (const id of ids) expect(html).toContain(`<label for="${id}">`);
  expect(html).toMatch(/<textarea id="f-description"[^>]*aria-invalid="true"/);
  expect(html).toContain('Minimal 20 karakter.');
});

test('MIME: headers keep no CR/LF, attachments are base64 parts', () => {
  expect(headerSafe('a\r\nBcc: x')).toBe('a Bcc: x');
  const raw = buildMime({ from: 'a@b.id', to: ['c@d.id'], subject: 'Rekap\r\nBcc: x — Oktober', text: 't', html: '<p>h</p>', attachments: [{ filename: 'kasus.csv', contentType: 'text/csv', content: Buffer.from('a,b\n') }] });
  const headers = raw.split('\r\n\r\n')[0]!;
  expect(headers).not.toMatch(/^Bcc:/m);
  expect(raw).toContain('Content-Disposition: attachment; filename="kasus.csv"');
  expect(raw).toContain(Buffer.from('a,b\n').toString('base64'));
});

test('the form carries a honeypot that people never meet: off-screen, hidden from screen readers, out of the tab order, never autofilled', () => {
  const html = renderComplaintForm({ agencies: [{ id: 'dinkes', name: 'Dinkes', categories: [{ id: 'obat', name: 'Obat' }] }], lang: 'id' });
  const trap = /<div class="hp" aria-hidden="true">(.*?)<\/div>/.exec(html)?.[1] ?? '';
  expect(trap).toContain('<label for="f-website">Jangan diisi</label>');
  expect(trap).toMatch(/<input id="f-website" type="text" name="website" value="" tabindex="-1" autocomplete="off">/);
  expect(html).toMatch(/\.hp\{position:absolute;left:-10000px/);
  // A person who filled it anyway reads why, above the form, and gets the form back with it emptied.
  const again = renderComplaintForm({ agencies: [], lang: 'en', values: { website: 'x' }, issues: [{ path: 'website', message: 'The "Leave empty" field must stay empty.' }] });
  expect(again).toMatch(/role="alert">[^]*The &quot;Leave empty&quot; field must stay empty\./);
});

test('the tracking page says why no acknowledgement came, when intake withheld it', () => {
  const status = { trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'a', name: 'Dinkes' }, status: 'received' as const, currentStep: null, timeline: [] };
  const message = 'Email tanda terima tidak dikirim untuk pengaduan ini.';
  expect(renderTrackingPage({ status: { ...status, acknowledgement: { email: 'withheld', reason: 'daily_limit', message } }, way: { steps: [] }, lang: 'id', now: new Date(now) })).toContain(message);
  expect(renderTrackingPage({ status, way: { steps: [] }, lang: 'id', now: new Date(now) })).not.toContain('tanda terima tidak dikirim');
});

describe('the day-0 rule is spelled out where an official reads the deadline', () => {
  const dinkes = getSop('dinkes-muba');
  const analisa = dinkes.steps.find((s) => s.id === 'analisa')!;
  test.each([
    ['id', 'Batas waktu: akhir jam kerja hari kerja ke-3 setelah hari diterima (Kamis, 26 November 2026 pukul 16.00 WIB;'],
    ['en', 'Due: the close of office hours on the 3rd working day after the day received (Thursday 26 November 2026, 16:00 WIB;'],
  ] as const)('in the task email (%s)', (lang, expected) => {
    const reading = stepDueReading(dinkes, analisa, lang);
    const mail = renderEmail({ template: 'newTask', recipientName: 'Andi', case: evilCase, step: { ...step, dueReading: reading }, taskUrl: 'https://x/tasks/k', now }, lang);
    expect(mail.text).toContain(expected);
    expect(mail.html).toContain(reading);
  });

  test.each([
    [{ amount: 2, unit: 'workingDays' }, 'akhir jam kerja hari kerja ke-2 setelah hari diterima', 'the close of office hours on the 2nd working day after the day received'],
    [{ amount: 1, unit: 'workingDays' }, 'akhir jam kerja hari kerja ke-1 setelah hari diterima', 'the close of office hours on the 1st working day after the day received'],
    [{ amount: 2, unit: 'days' }, '2 hari kalender sejak diterima; bila jatuh pada hari libur atau di luar jam kerja, akhir jam kerja hari kerja berikutnya', '2 calendar days after receipt; if that falls on a non-working day or outside office hours, the close of the next working day'],
    [{ amount: 30, unit: 'minutes' }, '30 menit jam kerja sejak diterima (hanya jam kerja dihitung)', '30 office minutes after receipt (only office hours count)'],
    [{ amount: 1, unit: 'hours' }, '1 jam kerja sejak diterima (hanya jam kerja dihitung)', '1 office hour after receipt (only office hours count)'],
  ] as const)('a limit of %j reads one way', (limit, id, en) => {
    expect(limitReading(limit, 'id')).toBe(id);
    expect(limitReading(limit, 'en')).toBe(en);
  });

  test('a step of a limited phase reads as the phase\'s limit', () => {
    const mura = getSop('dukcapil-mura');
    expect(stepDueReading(mura, mura.steps[0]!, 'id')).toMatch(/^Seluruh prosedur penanganan pengaduan: /);
  });

  test.each(['id', 'en'] as const)('on the task page (%s), escaped', (lang) => {
    const view: TaskView = {
      task: { stepId: 'analisa', stepName: 'Analisa', role: 'Tim', status: 'open', dueAt: '2026-12-07T16:00:00+07:00', dueReading: `${stepDueReading(dinkes, analisa, lang)} <i>`, expects: 'x', visit: 1, assignee: null },
      link: { holder: 'assignee', may: 'act' },
      case: { trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'a', name: 'A' }, status: 'in_progress', title: 't', description: 'd', category: 'c', submittedAt: now, reporter: 'anonymous', history: [], reporterMessages: [] },
      actions: [],
    } as unknown as TaskView;
    const html = renderTaskPage({ view, csrfToken: 'c', now: new Date(now), lang });
    expect(html).toContain(lang === 'id'
      ? 'Batas waktu: akhir jam kerja hari kerja ke-3 setelah hari diterima &lt;i&gt; (<strong>Senin, 7 Desember 2026 pukul 16.00 WIB</strong>)'
      : 'Due: the close of office hours on the 3rd working day after the day received &lt;i&gt; (<strong>Monday 7 December 2026, 16:00 WIB</strong>)');
  });
});

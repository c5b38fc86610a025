/**
 * Every email the service sends: subject, plain text and HTML, in Bahasa Indonesia (default) or
 * English, rendered from a typed model with shared partials. User text is escaped in the HTML and
 * stripped of CR/LF before it reaches a subject. Links come in the model: templates build no secrets.
 */
import { ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY } from '../case/intake-limits';
import { escapeHtml as e, escapeMultiline } from '../html';
import { formatDateTime, timeLeft, type Language, type Zone, WIB } from '../i18n';
import { button, frame, t } from './layout';
import { headerSafe } from './mime';
import { renderReport, type ReportEmailModel } from './report';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Something the reporter wrote to the officials: a reply to the answer (`reply`: what is still
 * missing; they were not satisfied) or an answer to an officer's question (`answer`).
 */
export interface ReporterMessage {
  at: string;
  kind: 'reply' | 'answer';
  text: string;
  /** `reply`: always false (a satisfied reporter closes the case instead of writing to anyone). */
  satisfied?: boolean;
  /** `reply`: the rating given with it, if any. */
  rating?: number;
  /** `answer`: the step whose question it answers. */
  stepId?: string;
}

/** The case as an email shows it; `reporter` only when the recipient may see it. */
export interface CaseSummary {
  trackingId: string;
  title: string;
  description: string;
  agencyName: string;
  category: string;
  location?: string;
  submittedAt: string;
  reporter?: { name?: string; email?: string; phone?: string };
  /** What the reporter wrote to the officials (officials' emails only), oldest first. */
  reporterMessages?: ReporterMessage[];
}

export interface StepSummary {
  name: string;
  expects: string;
  role: string;
  dueAt?: string;
  /** How the limit reads in words (`limitReading`): shown before the instant, so the day-0 rule is explicit. */
  dueReading?: string;
}

/** The recipient's own link to the task page in a ladder email, and what it lets them do. */
export interface LadderLink {
  taskUrl: string;
  may: 'act' | 'view';
}

export type EmailModel =
  | { template: 'newTask'; recipientName: string; case: CaseSummary; step: StepSummary; taskUrl: string; now: string }
  | { template: 'reminder'; recipientName: string; case: CaseSummary; step: StepSummary; taskUrl: string; statusUrl?: string; now: string }
  | { template: 'escalation'; recipientName: string; level: number; ladderTitle: string; assigneeName: string; case: CaseSummary; step: StepSummary; now: string; statusUrl: string; link?: LadderLink }
  | { template: 'reprimand'; recipientName: string; agencyName: string; assigneeName: string; case: CaseSummary; step: StepSummary; now: string; statusUrl: string; link?: LadderLink }
  | { template: 'reassignment'; recipientName: string; fromName: string; case: CaseSummary; step: StepSummary; taskUrl: string; now: string }
  | { template: 'acknowledgement'; case: CaseSummary; statusUrl: string; firstStep?: StepSummary; sopTitle: string }
  | { template: 'answer'; case: CaseSummary; response: string; replyUrl: string; statusUrl: string; windowEndsAt: string }
  | { template: 'question'; case: CaseSummary; question: string; replyUrl: string; windowEndsAt: string }
  | { template: 'closing'; case: CaseSummary; reason: 'rated' | 'reply_window_elapsed' | 'closed_by_official' | 'rejected'; statusUrl: string }
  | { template: 'rejection'; case: CaseSummary; reason: string; statusUrl: string }
  | { template: 'calendarGap'; recipientName: string; year: number; trackingId: string; at: string }
  | { template: 'officialUnreachable'; recipientName: string; official: { name: string; title: string; id: string }; reason: 'bounce' | 'complaint'; at: string; openTasks: { trackingId: string; stepName: string; dueAt?: string }[] }
  | { template: 'workflowParked'; recipientName: string; trackingId: string; state: string; error: string; at: string; resumeHint: string }
  /** To the regency admin: an email of a case was given up after its attempts (no address: the recipient's role). */
  | { template: 'deliveryFailed'; recipientName: string; trackingId: string; failedTemplate: string; recipientRole: string; attempts: number; errorName: string; at: string }
  /** To an official told (not tasked) that a step was settled: who did what, and the text sent. */
  | { template: 'informed'; recipientName: string; actorName: string; stepName: string; actionLabel: string; text?: string; case: CaseSummary; statusUrl: string; now: string }
  | ({ template: 'report' } & ReportEmailModel);

function caseHtml(c: CaseSummary, lang: Language, zone: Zone): string {
  const rows: [string, string][] = [
    [t(lang, 'Nomor', 'Tracking number'), c.trackingId],
    [t(lang, 'Judul', 'Title'), c.title],
    [t(lang, 'Instansi', 'Agency'), c.agencyName],
    [t(lang, 'Kategori', 'Category'), c.category],
    [t(lang, 'Diterima', 'Received'), formatDateTime(c.submittedAt, lang, zone)],
    ...(c.location ? [[t(lang, 'Lokasi', 'Location'), c.location] as [string, string]] : []),
    ...(c.reporter ? [[t(lang, 'Pelapor', 'Reporter'), [c.reporter.name, c.reporter.email, c.reporter.phone].filter(Boolean).join(' · ')] as [string, string]] : []),
  ];
  return `<table role="presentation" cellpadding="4" cellspacing="0" style="font-size:14px;border-collapse:collapse;margin:8px 0">${rows.map(([k, v]) => `<tr><td style="color:#57606a;vertical-align:top;padding-right:12px">${e(k)}</td><td>${e(v)}</td></tr>`).join('')}</table>
<p style="background:#f6f8fa;border-left:4px solid #0b5394;padding:8px 12px;margin:8px 0">${escapeMultiline(c.description)}</p>${messagesHtml(c.reporterMessages, lang, zone)}`;
}

const messageHeading = (m: ReporterMessage, lang: Language, zone: Zone) =>
  `${m.kind === 'reply' ? t(lang, 'Balasan pelapor (belum puas)', 'The reporter\'s reply (not satisfied)') : t(lang, 'Jawaban pelapor atas pertanyaan', 'The reporter\'s answer to the question')}, ${formatDateTime(m.at, lang, zone)}${m.rating ? ` · ${t(lang, 'nilai', 'rating')} ${m.rating}/5` : ''}`;

function messagesHtml(messages: ReporterMessage[] | undefined, lang: Language, zone: Zone): string {
  if (!messages?.length) return '';
  return messages.map((m) => `<p style="margin:12px 0 4px;color:#57606a;font-size:13px">${e(messageHeading(m, lang, zone))}</p>
<p style="background:#fff8e1;border-left:4px solid #b7791f;padding:8px 12px;margin:0 0 8px">${escapeMultiline(m.text)}</p>`).join('');
}

function messagesText(messages: ReporterMessage[] | undefined, lang: Language, zone: Zone): string[] {
  return (messages ?? []).flatMap((m) => ['', `${messageHeading(m, lang, zone)}:`, m.text]);
}

function caseText(c: CaseSummary, lang: Language, zone: Zone): string {
  return [
    `${t(lang, 'Nomor', 'Tracking number')}: ${c.trackingId}`,
    `${t(lang, 'Judul', 'Title')}: ${c.title}`,
    `${t(lang, 'Instansi', 'Agency')}: ${c.agencyName}`,
    `${t(lang, 'Kategori', 'Category')}: ${c.category}`,
    `${t(lang, 'Diterima', 'Received')}: ${formatDateTime(c.submittedAt, lang, zone)}`,
    ...(c.location ? [`${t(lang, 'Lokasi', 'Location')}: ${c.location}`] : []),
    ...(c.reporter ? [`${t(lang, 'Pelapor', 'Reporter')}: ${[c.reporter.name, c.reporter.email, c.reporter.phone].filter(Boolean).join(' · ')}`] : []),
    '',
    c.description,
    ...messagesText(c.reporterMessages, lang, zone),
  ].join('\n');
}

/**
 * The ladder email's links: the recipient's task page (the button says what the link allows), the
 * public status as a secondary link; without a task link, the public status only.
 */
function ladderLinks(link: LadderLink | undefined, statusUrl: string, assigneeName: string, lang: Language): { text: string[]; html: string } {
  if (!link) {
    const label = t(lang, 'Lihat status pengaduan', 'See the status of the complaint');
    return { text: [`${label}: ${statusUrl}`], html: button(statusUrl, label) };
  }
  const label = link.may === 'act' ? t(lang, 'Lihat dan tindak lanjuti', 'View and act') : t(lang, 'Lihat pengaduan', 'View the complaint');
  const may = link.may === 'act'
    ? t(lang, `Melalui tautan ini Anda dapat menindaklanjuti tahap ini atas nama ${assigneeName} atau mengalihkannya kepada pejabat lain pada peran yang sama.`,
        `Through this link you may act on this step on behalf of ${assigneeName} or hand it to another holder of the same role.`)
    : t(lang, `Melalui tautan ini Anda dapat melihat pengaduan, riwayatnya dan tahap yang tertunda; tindak lanjutnya tetap pada ${assigneeName}.`,
        `Through this link you may see the complaint, its history and the overdue step; the follow-up stays with ${assigneeName}.`);
  const yours = t(lang, 'Tautan ini khusus untuk Anda; jangan diteruskan.', 'This link is yours alone; do not forward it.');
  const status = t(lang, 'Status publik', 'Public status');
  return {
    text: [may, `${label}: ${link.taskUrl}`, yours, '', `${status}: ${statusUrl}`],
    html: `<p>${e(may)}</p>${button(link.taskUrl, label)}<p style="font-size:12px;color:#57606a">${e(yours)} ${e(status)}: <a href="${e(statusUrl)}">${e(statusUrl)}</a></p>`,
  };
}

function due(step: StepSummary, now: string, lang: Language, zone: Zone): { text: string; html: string } {
  if (!step.dueAt) return { text: '', html: '' };
  const when = formatDateTime(step.dueAt, lang, zone);
  const left = timeLeft(step.dueAt, new Date(now), lang);
  const label = t(lang, 'Batas waktu', 'Due');
  if (step.dueReading) {
    return { text: `${label}: ${step.dueReading} (${when}; ${left})`, html: `<p><strong>${label}:</strong> ${e(step.dueReading)} (<strong>${e(when)}</strong>; ${e(left)})</p>` };
  }
  return { text: `${label}: ${when} (${left})`, html: `<p><strong>${label}:</strong> ${e(when)} (${e(left)})</p>` };
}

/** Renders one email. */
export function renderEmail(model: EmailModel, lang: Language, zone: Zone = WIB): RenderedEmail {
  const out = render(model, lang, zone);
  return { ...out, subject: headerSafe(out.subject) };
}

function render(m: EmailModel, lang: Language, zone: Zone): RenderedEmail {
  switch (m.template) {
    case 'newTask':
    case 'reminder': {
      const d = due(m.step, m.now, lang, zone);
      const reminder = m.template === 'reminder';
      const subject = reminder
        ? t(lang, `Pengingat: ${m.step.name} — ${m.case.trackingId}`, `Reminder: ${m.step.name} — ${m.case.trackingId}`)
        : t(lang, `Tugas baru: ${m.step.name} — ${m.case.trackingId}`, `New task: ${m.step.name} — ${m.case.trackingId}`);
      const intro = reminder
        ? t(lang, 'Tugas berikut belum diselesaikan dan batas waktunya sudah dekat.', 'The task below is not done yet and its deadline is near.')
        : t(lang, 'Ada pengaduan yang perlu Anda tindak lanjuti sesuai SOP.', 'A complaint needs your action under the SOP.');
      const action = t(lang, 'Buka tugas', 'Open the task');
      const statusUrl = m.template === 'reminder' ? m.statusUrl : undefined;
      const status = t(lang, 'Status publik', 'Public status');
      return {
        subject,
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, '', `${m.step.name} (${m.step.role})`, m.step.expects, d.text, '', caseText(m.case, lang, zone), '', `${action}: ${m.taskUrl}`, '', t(lang, 'Tautan ini khusus untuk Anda; jangan diteruskan.', 'This link is yours alone; do not forward it.'), ...(statusUrl ? ['', `${status}: ${statusUrl}`] : [])].join('\n'),
        html: frame(lang, m.step.name, `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p><p><strong>${e(m.step.name)}</strong> (${e(m.step.role)})<br>${e(m.step.expects)}</p>${d.html}${button(m.taskUrl, action)}${caseHtml(m.case, lang, zone)}<p style="font-size:12px;color:#57606a">${t(lang, 'Tautan ini khusus untuk Anda; jangan diteruskan.', 'This link is yours alone; do not forward it.')}${statusUrl ? ` ${e(status)}: <a href="${e(statusUrl)}">${e(statusUrl)}</a>` : ''}</p>`),
      };
    }
    case 'escalation': {
      const d = due(m.step, m.now, lang, zone);
      const subject = t(lang, `Eskalasi tingkat ${m.level}: ${m.step.name} melewati batas waktu — ${m.case.trackingId}`, `Escalation level ${m.level}: ${m.step.name} is overdue — ${m.case.trackingId}`);
      const intro = t(lang,
        `Tahap "${m.step.name}" yang menjadi tugas ${m.assigneeName} belum diselesaikan dalam batas waktu SOP. Anda menerima email ini sebagai ${m.ladderTitle}.`,
        `The step "${m.step.name}", assigned to ${m.assigneeName}, was not done within the SOP time limit. You receive this as ${m.ladderTitle}.`);
      const links = ladderLinks(m.link, m.statusUrl, m.assigneeName, lang);
      return {
        subject,
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, d.text, '', ...links.text, '', caseText(m.case, lang, zone)].join('\n'),
        html: frame(lang, t(lang, `Eskalasi tingkat ${m.level}`, `Escalation level ${m.level}`), `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p>${d.html}${links.html}${caseHtml(m.case, lang, zone)}`),
      };
    }
    case 'reprimand': {
      const subject = t(lang, `Rekomendasi teguran: ${m.agencyName} belum menindaklanjuti pengaduan ${m.case.trackingId}`, `Reprimand recommended: ${m.agencyName} has not followed up complaint ${m.case.trackingId}`);
      const intro = t(lang,
        `Inspektorat memantau tindak lanjut pengaduan ini. Tahap "${m.step.name}" (${m.assigneeName}) melewati batas waktu SOP tanpa tindak lanjut. Sesuai SOP SP4N-LAPOR!, kami merekomendasikan agar Bupati memberikan teguran kepada ${m.agencyName}.`,
        `The inspectorate monitors this complaint's follow-up. The step "${m.step.name}" (${m.assigneeName}) passed its SOP time limit without follow-up. Under the SP4N-LAPOR! SOP, we recommend that the Bupati reprimand ${m.agencyName}.`);
      const d = due(m.step, m.now, lang, zone);
      const links = ladderLinks(m.link, m.statusUrl, m.assigneeName, lang);
      return {
        subject,
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, d.text, '', ...links.text, '', caseText(m.case, lang, zone)].join('\n'),
        html: frame(lang, t(lang, 'Rekomendasi teguran', 'Reprimand recommendation'), `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p>${d.html}${links.html}${caseHtml(m.case, lang, zone)}`),
      };
    }
    case 'reassignment': {
      const d = due(m.step, m.now, lang, zone);
      const intro = t(lang, `${m.fromName} mengalihkan tugas ini kepada Anda sebagai pelaksana tugas.`, `${m.fromName} handed this task to you as acting official.`);
      return {
        subject: t(lang, `Tugas dialihkan kepada Anda: ${m.step.name} — ${m.case.trackingId}`, `Task handed to you: ${m.step.name} — ${m.case.trackingId}`),
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, `${m.step.name}: ${m.step.expects}`, d.text, '', caseText(m.case, lang, zone), '', `${t(lang, 'Buka tugas', 'Open the task')}: ${m.taskUrl}`].join('\n'),
        html: frame(lang, m.step.name, `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p><p>${e(m.step.expects)}</p>${d.html}${button(m.taskUrl, t(lang, 'Buka tugas', 'Open the task'))}${caseHtml(m.case, lang, zone)}`),
      };
    }
    case 'acknowledgement': {
      const next = m.firstStep
        ? t(lang, `Langkah berikutnya: ${m.firstStep.name} (${m.firstStep.role})${m.firstStep.dueAt ? `, paling lambat ${formatDateTime(m.firstStep.dueAt, lang, zone)}` : ''}.`,
            `Next: ${m.firstStep.name} (${m.firstStep.role})${m.firstStep.dueAt ? `, by ${formatDateTime(m.firstStep.dueAt, lang, zone)}` : ''}.`)
        : '';
      const intro = t(lang, `Pengaduan Anda sudah kami terima dan akan ditangani sesuai SOP "${m.sopTitle}". Simpan nomor pelacakan berikut.`, `Your complaint has been received and will be handled under the SOP "${m.sopTitle}". Keep the tracking number below.`);
      // Anyone can type anyone's address into the form: this email carries nothing the submitter wrote
      // but the (escaped) title — no name, description, location or link of theirs — and says so.
      const notYou = t(lang,
        `Bukan Anda yang mengirim pengaduan ini? Abaikan email ini; alamat Anda tidak akan menerima lebih dari ${ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY} email tanda terima sehari.`,
        `Did not file this complaint? Ignore this email; your address receives at most ${ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY} acknowledgements a day.`);
      const rows: [string, string][] = [
        [t(lang, 'Nomor pelacakan', 'Tracking number'), m.case.trackingId],
        [t(lang, 'Judul', 'Title'), m.case.title],
        [t(lang, 'Instansi', 'Agency'), m.case.agencyName],
        [t(lang, 'Diterima', 'Received'), formatDateTime(m.case.submittedAt, lang, zone)],
      ];
      return {
        subject: t(lang, `Pengaduan diterima: ${m.case.trackingId}`, `Complaint received: ${m.case.trackingId}`),
        text: [intro, '', ...rows.map(([k, v]) => `${k}: ${v}`), next, '', `${t(lang, 'Ikuti pengaduan', 'Follow it at')}: ${m.statusUrl}`, '', notYou].join('\n'),
        html: frame(lang, t(lang, 'Pengaduan Anda sudah diterima', 'Your complaint has been received'), `<p>${e(intro)}</p><p style="font-size:24px;font-weight:bold;letter-spacing:2px;font-family:monospace">${e(m.case.trackingId)}</p><p>${e(next)}</p>${button(m.statusUrl, t(lang, 'Lacak pengaduan', 'Track the complaint'))}<table role="presentation" cellpadding="4" cellspacing="0" style="font-size:14px;border-collapse:collapse;margin:8px 0">${rows.slice(1).map(([k, v]) => `<tr><td style="color:#57606a;vertical-align:top;padding-right:12px">${e(k)}</td><td>${e(v)}</td></tr>`).join('')}</table><p style="font-size:12px;color:#57606a">${e(notYou)}</p>`),
      };
    }
    case 'answer': {
      const until = formatDateTime(m.windowEndsAt, lang, zone);
      const after = t(lang, `Jika Anda belum puas, balas sebelum ${until}. Jika tidak ada balasan sampai saat itu, pengaduan ditutup.`, `If you are not satisfied, reply before ${until}. Without a reply by then, the complaint is closed.`);
      return {
        subject: t(lang, `Tanggapan atas pengaduan ${m.case.trackingId}`, `Response to your complaint ${m.case.trackingId}`),
        text: [t(lang, 'Berikut tanggapan atas pengaduan Anda:', 'Here is the response to your complaint:'), '', m.response, '', after, `${t(lang, 'Balas atau beri penilaian', 'Reply or rate')}: ${m.replyUrl}`, '', `${t(lang, 'Status', 'Status')}: ${m.statusUrl}`].join('\n'),
        html: frame(lang, t(lang, 'Tanggapan atas pengaduan Anda', 'The response to your complaint'), `<p style="background:#f6f8fa;border-left:4px solid #0b5394;padding:8px 12px">${escapeMultiline(m.response)}</p><p>${e(after)}</p>${button(m.replyUrl, t(lang, 'Balas atau beri penilaian', 'Reply or rate'))}<p><a href="${e(m.statusUrl)}">${e(m.statusUrl)}</a></p>`),
      };
    }
    case 'question': {
      const until = formatDateTime(m.windowEndsAt, lang, zone);
      return {
        subject: t(lang, `Permintaan data untuk pengaduan ${m.case.trackingId}`, `Information needed for complaint ${m.case.trackingId}`),
        text: [t(lang, 'Petugas memerlukan keterangan tambahan:', 'The officer needs more information:'), '', m.question, '', `${t(lang, 'Jawab sebelum', 'Answer before')} ${until}: ${m.replyUrl}`].join('\n'),
        html: frame(lang, t(lang, 'Keterangan tambahan diperlukan', 'More information needed'), `<p style="background:#f6f8fa;border-left:4px solid #0b5394;padding:8px 12px">${escapeMultiline(m.question)}</p><p>${t(lang, 'Jawab sebelum', 'Answer before')} ${e(until)}.</p>${button(m.replyUrl, t(lang, 'Jawab', 'Answer'))}`),
      };
    }
    case 'closing': {
      const why = {
        rated: t(lang, 'Terima kasih atas penilaian Anda.', 'Thank you for your rating.'),
        reply_window_elapsed: t(lang, 'Batas waktu balasan sudah lewat tanpa balasan, sehingga pengaduan ditutup sesuai SOP.', 'The reply window passed without a reply, so the complaint is closed under the SOP.'),
        closed_by_official: t(lang, 'Pengaduan ditutup oleh petugas.', 'The complaint was closed by the office.'),
        rejected: t(lang, 'Pengaduan ditolak.', 'The complaint was rejected.'),
      }[m.reason];
      return {
        subject: t(lang, `Pengaduan ${m.case.trackingId} ditutup`, `Complaint ${m.case.trackingId} closed`),
        text: [why, '', `${t(lang, 'Status', 'Status')}: ${m.statusUrl}`].join('\n'),
        html: frame(lang, t(lang, 'Pengaduan ditutup', 'Complaint closed'), `<p>${e(why)}</p><p><a href="${e(m.statusUrl)}">${e(m.statusUrl)}</a></p>`),
      };
    }
    case 'rejection':
      return {
        subject: t(lang, `Pengaduan ${m.case.trackingId} tidak dapat diproses`, `Complaint ${m.case.trackingId} cannot be processed`),
        text: [t(lang, 'Mohon maaf, pengaduan Anda tidak dapat diproses. Alasannya:', 'We are sorry: your complaint cannot be processed. The reason:'), '', m.reason, '', `${t(lang, 'Status', 'Status')}: ${m.statusUrl}`].join('\n'),
        html: frame(lang, t(lang, 'Pengaduan tidak dapat diproses', 'Complaint cannot be processed'), `<p>${t(lang, 'Mohon maaf, pengaduan Anda tidak dapat diproses. Alasannya:', 'We are sorry: your complaint cannot be processed. The reason:')}</p><p style="background:#f6f8fa;border-left:4px solid #b42318;padding:8px 12px">${escapeMultiline(m.reason)}</p><p><a href="${e(m.statusUrl)}">${e(m.statusUrl)}</a></p>`),
      };
    case 'deliveryFailed': {
      const intro = t(lang,
        `Email "${m.failedTemplate}" untuk ${m.recipientRole} pada pengaduan ${m.trackingId} tidak dapat dikirim setelah ${m.attempts} kali percobaan (${m.errorName}, terakhir ${formatDateTime(m.at, lang, zone)}).`,
        `The "${m.failedTemplate}" email to ${m.recipientRole} of complaint ${m.trackingId} could not be sent after ${m.attempts} attempts (${m.errorName}, last ${formatDateTime(m.at, lang, zone)}).`);
      const todo = t(lang,
        'Pengaduan tetap berjalan dan kegagalan ini tercatat pada kasusnya. Periksa status pengiriman email (SES) dan alamat penerimanya di direktori, lalu sampaikan isi tugas kepada penerimanya bila perlu.',
        'The complaint goes on and this failure is recorded on its case. Check the sending status (SES) and the recipient\'s address in the directory, and pass the task on to its recipient if need be.');
      return {
        subject: t(lang, `Email tidak terkirim: pengaduan ${headerSafe(m.trackingId)}`, `Email not delivered: complaint ${headerSafe(m.trackingId)}`),
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, '', todo].join('\n'),
        html: frame(lang, t(lang, 'Email tidak terkirim', 'Email not delivered'), `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p><p>${e(todo)}</p>`),
      };
    }
    case 'informed': {
      const intro = t(lang,
        `${m.actorName} menyelesaikan tahap "${m.stepName}" pada ${formatDateTime(m.now, lang, zone)}: ${m.actionLabel}. Email ini hanya pemberitahuan; tidak ada tugas untuk Anda.`,
        `${m.actorName} settled the step "${m.stepName}" on ${formatDateTime(m.now, lang, zone)}: ${m.actionLabel}. This email is for your information; there is no task for you.`);
      const sent = t(lang, 'Yang disampaikan kepada pelapor:', 'What the reporter was sent:');
      return {
        subject: t(lang, `Pemberitahuan: pengaduan ${headerSafe(m.case.trackingId)} diselesaikan`, `For your information: complaint ${headerSafe(m.case.trackingId)} settled`),
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, '', caseText(m.case, lang, zone), ...(m.text !== undefined ? ['', sent, '', m.text] : []), '', `${t(lang, 'Status', 'Status')}: ${m.statusUrl}`].join('\n'),
        html: frame(lang, t(lang, 'Pemberitahuan penyelesaian pengaduan', 'Complaint settled: for your information'), `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p>${caseHtml(m.case, lang, zone)}${m.text !== undefined ? `<p>${e(sent)}</p><p style="background:#f6f8fa;border-left:4px solid #0b5cad;padding:8px 12px">${escapeMultiline(m.text)}</p>` : ''}<p><a href="${e(m.statusUrl)}">${e(m.statusUrl)}</a></p>`),
      };
    }
    case 'calendarGap': {
      const intro = t(lang,
        `Kalender kerja belum memuat daftar hari libur nasional dan cuti bersama tahun ${m.year}. Batas waktu pengaduan yang mencapai tahun ${m.year} kini dihitung dengan hari Senin–Jumat saja, sehingga bisa jatuh pada hari libur. Yang pertama: pengaduan ${m.trackingId} (${formatDateTime(m.at, lang, zone)}).`,
        `The office calendar has no list of national holidays and cuti bersama for ${m.year}. Complaint deadlines reaching into ${m.year} are now computed on weekdays only, so they may fall on a holiday. The first: complaint ${m.trackingId} (${formatDateTime(m.at, lang, zone)}).`);
      const todo = t(lang,
        `Mohon tambahkan tanggal-tanggal dari SKB hari libur ${m.year} ke kalender direktori (holidays) dan tahun ${m.year} ke holidayYears. Setiap pengaduan yang terdampak ditandai pada kasusnya dan dalam rekapitulasi berikutnya.`,
        `Please add the dates of the ${m.year} holiday decree to the directory's calendar (holidays) and ${m.year} to holidayYears. Every affected complaint is flagged on its case and in the next recap.`);
      return {
        subject: t(lang, `Kalender kerja: daftar hari libur ${m.year} belum ada`, `Office calendar: no holiday list for ${m.year}`),
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, '', todo].join('\n'),
        html: frame(lang, t(lang, `Daftar hari libur ${m.year} belum ada`, `No holiday list for ${m.year}`), `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p><p>${e(todo)}</p>`),
      };
    }
    case 'officialUnreachable': {
      const why = m.reason === 'complaint'
        ? t(lang, 'menandai email dari layanan ini sebagai spam', 'marked mail from this service as spam')
        : t(lang, 'tidak dapat menerima email (alamatnya ditolak secara permanen)', 'cannot receive email (the address bounced permanently)');
      const intro = t(lang,
        `Alamat email ${m.official.name} (${m.official.title}, id direktori ${m.official.id}) ${why} pada ${formatDateTime(m.at, lang, zone)}. Layanan tidak lagi mengirim email ke alamat itu, sehingga tautan tugasnya tidak akan sampai.`,
        `The email address of ${m.official.name} (${m.official.title}, directory id ${m.official.id}) ${why} at ${formatDateTime(m.at, lang, zone)}. The service no longer mails that address, so their task links will not reach them.`);
      const tasks = m.openTasks.length
        ? m.openTasks.map((x) => `- ${x.trackingId}: ${x.stepName}${x.dueAt ? ` (${t(lang, 'batas', 'due')} ${formatDateTime(x.dueAt, lang, zone)})` : ''}`)
        : [t(lang, 'Saat ini tidak ada tugas terbuka atas namanya.', 'No task is open in their name at present.')];
      const todo = t(lang,
        'Mohon perbaiki alamatnya di direktori (atau tunjuk Plt/Plh) dan serahkan tugas-tugas di atas kepada pemegang peran lain melalui halaman tugas.',
        'Please correct the address in the directory (or appoint a Plt/Plh) and hand the tasks above to another holder of the role through the task page.');
      const heading = t(lang, 'Tugas terbuka yang terdampak:', 'Open tasks affected:');
      return {
        subject: t(lang, `Email petugas tidak sampai: ${m.official.name}`, `Official's email undeliverable: ${m.official.name}`),
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, '', heading, ...tasks, '', todo].join('\n'),
        html: frame(lang, t(lang, 'Email petugas tidak sampai', "Official's email undeliverable"), `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p><p>${e(heading)}</p><ul>${tasks.map((x) => `<li>${e(x.replace(/^- /, ''))}</li>`).join('')}</ul><p>${e(todo)}</p>`),
      };
    }
    case 'workflowParked': {
      const intro = t(lang,
        `Pengaduan ${m.trackingId} berhenti pada langkah sistem "${m.state}" (${m.error}) sejak ${formatDateTime(m.at, lang, zone)}, setelah semua percobaan ulang gagal. Pengaduan tidak hilang: ia menunggu, dan pelapor melihat "sedang ditangani petugas".`,
        `Complaint ${m.trackingId} stopped at the system state "${m.state}" (${m.error}) at ${formatDateTime(m.at, lang, zone)}, after every retry failed. Nothing is lost: it waits, and the reporter sees "being handled by our staff".`);
      const todo = t(lang, `Setelah penyebabnya diperbaiki, lanjutkan: ${m.resumeHint}`, `Once the cause is fixed, resume it: ${m.resumeHint}`);
      return {
        subject: t(lang, `Perlu perhatian: pengaduan ${m.trackingId}`, `Needs attention: complaint ${m.trackingId}`),
        text: [`${t(lang, 'Yth.', 'Dear')} ${m.recipientName},`, '', intro, '', todo].join('\n'),
        html: frame(lang, t(lang, 'Pengaduan perlu perhatian', 'Complaint needs attention'), `<p>${t(lang, 'Yth.', 'Dear')} ${e(m.recipientName)},</p><p>${e(intro)}</p><p>${e(todo)}</p>`),
      };
    }
    case 'report':
      return renderReport(m, lang);
  }
}

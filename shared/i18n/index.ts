/**
 * Language and dates. Bahasa Indonesia is the default; English is available everywhere. Dates are
 * written for people in the regency's time zone without relying on the machine's ICU data.
 */
export type Language = 'id' | 'en';

const days = { id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'], en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] };
const months = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** A time zone as the people of the regency name it. */
export interface Zone {
  offsetMinutes: number;
  abbreviation: string;
}
export const WIB: Zone = { offsetMinutes: 420, abbreviation: 'WIB' };

/** "Senin, 23 November 2026 pukul 09.30 WIB" / "Monday 23 November 2026, 09:30 WIB". */
export function formatDateTime(instant: string | Date, lang: Language, zone: Zone = WIB): string {
  const d = new Date(new Date(instant).getTime() + zone.offsetMinutes * 60_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const date = `${d.getUTCDate()} ${months[lang][d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return lang === 'id'
    ? `${days.id[d.getUTCDay()]}, ${date} pukul ${hh}.${mm} ${zone.abbreviation}`
    : `${days.en[d.getUTCDay()]} ${date}, ${hh}:${mm} ${zone.abbreviation}`;
}

/** "23 November 2026". */
export function formatDate(instant: string | Date, lang: Language, zone: Zone = WIB): string {
  const d = new Date(new Date(instant).getTime() + zone.offsetMinutes * 60_000);
  return `${d.getUTCDate()} ${months[lang][d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "2 hari 3 jam lagi" / "terlambat 45 menit" — time left until (or past) a due instant. */
export function timeLeft(dueAt: string, now: Date, lang: Language): string {
  const ms = new Date(dueAt).getTime() - now.getTime();
  const late = ms < 0;
  let minutes = Math.round(Math.abs(ms) / 60_000);
  const d = Math.floor(minutes / 1440); minutes -= d * 1440;
  const h = Math.floor(minutes / 60); minutes -= h * 60;
  const parts = lang === 'id'
    ? [d && `${d} hari`, h && `${h} jam`, !d && minutes && `${minutes} menit`]
    : [d && `${d} day${d > 1 ? 's' : ''}`, h && `${h} hour${h > 1 ? 's' : ''}`, !d && minutes && `${minutes} minute${minutes > 1 ? 's' : ''}`];
  const text = parts.filter(Boolean).join(' ') || (lang === 'id' ? 'kurang dari 1 menit' : 'less than a minute');
  if (lang === 'id') return late ? `terlambat ${text}` : `${text} lagi`;
  return late ? `${text} overdue` : `${text} left`;
}

/** Who a ladder email is addressed to, as its text names them (by the rung's `notify`). */
export const ladderTitles = {
  superior: { id: 'atasan langsung', en: 'the direct superior' },
  head: { id: 'kepala unit kerja', en: 'the head of office' },
  bupati: { id: 'Bupati', en: 'the Bupati' },
  inspectorate: { id: 'Inspektur', en: 'the Inspector' },
} as const;

/** How a complaint came in, as the recap names it. */
export const channelLabel: Record<string, { id: string; en: string }> = {
  web: { id: 'Formulir web', en: 'Web form' },
  email: { id: 'Surel', en: 'Email' },
  box: { id: 'Kotak pengaduan', en: 'Complaint box' },
  in_person: { id: 'Datang langsung', en: 'In person' },
  post: { id: 'Surat pos', en: 'Letter' },
  lapor: { id: 'SP4N-LAPOR!', en: 'SP4N-LAPOR!' },
};

/** Status names shown to people. */
export const statusLabel: Record<string, { id: string; en: string }> = {
  received: { id: 'Diterima', en: 'Received' },
  in_progress: { id: 'Sedang ditangani', en: 'In progress' },
  awaiting_reporter: { id: 'Menunggu jawaban pelapor', en: 'Waiting for the reporter' },
  resolved: { id: 'Sudah dijawab', en: 'Answered' },
  closed: { id: 'Selesai', en: 'Closed' },
  rejected: { id: 'Ditolak', en: 'Rejected' },
};

/** Timeline events shown on the public tracking page (no personal data). */
export const eventLabel: Record<string, { id: string; en: string }> = {
  submitted: { id: 'Pengaduan diterima', en: 'Complaint received' },
  workflow_started: { id: 'Proses SOP dimulai', en: 'SOP process started' },
  step_opened: { id: 'Tahap dimulai', en: 'Step started' },
  step_completed: { id: 'Tahap selesai', en: 'Step completed' },
  reminder_sent: { id: 'Pengingat dikirim', en: 'Reminder sent' },
  escalated: { id: 'Dieskalasi ke atasan', en: 'Escalated' },
  reprimand_recommended: { id: 'Rekomendasi teguran kepada Bupati', en: 'Reprimand recommended to the Bupati' },
  escalation_skipped: { id: 'Tingkat eskalasi dilewati: penerimanya sudah diberi tahu', en: 'Escalation rung skipped: its recipient was already told' },
  task_reassigned: { id: 'Dialihkan ke pejabat pelaksana tugas', en: 'Handed to an acting official' },
  response_sent: { id: 'Tanggapan dikirim', en: 'Response sent' },
  reporter_asked: { id: 'Pelapor diminta melengkapi data', en: 'Reporter asked for information' },
  reporter_answered: { id: 'Pelapor menjawab pertanyaan', en: 'Reporter answered the question' },
  reporter_replied: { id: 'Pelapor membalas', en: 'Reporter replied' },
  rated: { id: 'Pelapor memberi penilaian', en: 'Reporter rated the response' },
  closed: { id: 'Pengaduan ditutup', en: 'Complaint closed' },
  rejected: { id: 'Pengaduan ditolak', en: 'Complaint rejected' },
  mail_bounced: { id: 'Email tidak sampai (ditolak server penerima)', en: 'Email bounced' },
  mail_complained: { id: 'Email ditandai spam oleh penerima', en: 'Email marked as spam by its recipient' },
  mail_rejected: { id: 'Email ditolak SES', en: 'Email rejected by SES' },
  mail_delayed: { id: 'Email tertunda', en: 'Email delayed' },
  workflow_parked: { id: 'Proses berhenti, menunggu petugas sistem', en: 'Process stopped, waiting for an operator' },
  workflow_resumed: { id: 'Proses dilanjutkan petugas sistem', en: 'Process resumed by an operator' },
  monitoring_opened: { id: 'Inspektorat memantau tindak lanjut yang terlambat', en: 'The inspectorate monitors the late follow-up' },
  reprimand_declined: { id: 'Inspektorat tidak merekomendasikan teguran', en: 'The inspectorate recommended no reprimand' },
  reprimand_issued: { id: 'Bupati memberikan teguran', en: 'The Bupati issued a reprimand' },
  coordination_requested: { id: 'Koordinasi dimulai', en: 'Coordination started' },
  coordination_done: { id: 'Koordinasi selesai', en: 'Coordination done' },
  official_informed: { id: 'Atasan diberi tahu', en: 'Superior informed' },
};

/**
 * Cases with known answers for the November 2026 reports (WIB; office hours Mon–Thu 07:30–16:00 =
 * 510 minutes, Fri 07:30–16:30 = 540; no holiday in October or November 2026). The expected figures
 * in test/unit/report-aggregate.test.ts are worked out by hand from these, case by case.
 */
import type { CaseRecord, SlaVerdict } from '../../shared/case/model';

let n = 0;
function aCase(over: Partial<CaseRecord> & Pick<CaseRecord, 'submittedAt'>): CaseRecord {
  n++;
  return {
    caseId: `c-report-${n}`,
    trackingId: `TGP-RPT${String(n).padStart(2, '0')}-X`,
    agencyId: 'perpus-muba',
    sopId: 'perpustakaan-muba',
    status: 'in_progress',
    channel: 'web',
    language: 'id',
    title: `Pengaduan ${n}`,
    description: 'Ruang baca tutup sebelum jam layanan berakhir.',
    category: 'layanan',
    reporter: { name: 'Pelapor Umum', email: 'umum@example.com' },
    anonymous: false,
    confidential: false,
    month: over.submittedAt.slice(0, 7),
    replies: 0,
    verdicts: [],
    escalations: [],
    deliveryFailures: 0,
    version: 1,
    ...over,
  };
}

const verdict = (id: string, endedAt: string, onTime = true, lateByMinutes = 0, visit = 1): SlaVerdict => ({
  scope: 'step', id, visit, startedAt: endedAt, dueAt: endedAt, endedAt, onTime, lateByMinutes, escalationLevel: onTime ? 0 : 1, escalatedTo: [],
});

/** The library's cases. */
export function libraryCases(): Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'K', CaseRecord> {
  return {
    // Received and closed in November, every step on time, rated 5. Answered after 120 office minutes.
    A: aCase({
      submittedAt: '2026-11-02T09:00:00+07:00', status: 'closed', closedAt: '2026-11-03T10:00:00+07:00', endedMonth: '2026-11', closeReason: 'rated',
      firstAnsweredAt: '2026-11-02T11:00:00+07:00',
      verdicts: [verdict('catat', '2026-11-02T09:10:00+07:00'), verdict('periksa', '2026-11-02T09:20:00+07:00'), verdict('solusi', '2026-11-02T11:00:00+07:00')],
      rating: { satisfied: true, rating: 5, at: '2026-11-03T10:00:00+07:00' },
    }),
    // Late first step (30 office minutes), escalated once; answered after exactly one working day; closed by the reply window.
    B: aCase({
      submittedAt: '2026-11-09T08:00:00+07:00', status: 'closed', closedAt: '2026-11-20T08:00:00+07:00', endedMonth: '2026-11', closeReason: 'reply_window_elapsed',
      category: 'fasilitas', channel: 'email', firstAnsweredAt: '2026-11-10T08:00:00+07:00',
      verdicts: [verdict('catat', '2026-11-09T08:40:00+07:00', false, 30), verdict('periksa', '2026-11-09T09:00:00+07:00'), verdict('solusi', '2026-11-10T08:00:00+07:00')],
      escalations: [{ level: 1, to: 'kasi', at: '2026-11-09T08:30:00+07:00', stepId: 'catat', visit: 1, kind: 'escalation' }],
    }),
    // Received on Friday 30 October, rejected on Monday 2 November (240 office minutes): crosses the month boundary.
    C: aCase({
      submittedAt: '2026-10-30T15:00:00+07:00', status: 'rejected', closedAt: '2026-11-02T10:00:00+07:00', endedMonth: '2026-11', closeReason: 'rejected',
      verdicts: [verdict('catat', '2026-10-30T15:05:00+07:00')],
    }),
    // Received 20 October, still open: 30 working days old at the end of November; escalated in October and November.
    D: aCase({
      submittedAt: '2026-10-20T09:00:00+07:00', status: 'in_progress', calendarGaps: [2027],
      verdicts: [verdict('catat', '2026-10-21T09:00:00+07:00', false, 600)],
      escalations: [
        { level: 1, to: 'kasi', at: '2026-10-22T09:00:00+07:00', stepId: 'periksa', visit: 1, kind: 'escalation' },
        { level: 2, to: 'kadin', at: '2026-11-05T09:00:00+07:00', stepId: 'periksa', visit: 1, kind: 'escalation' },
      ],
    }),
    // Reopened: answered after one working day, the (confidential) reporter replied unsatisfied with 2 stars; open again.
    E: aCase({
      submittedAt: '2026-11-25T10:00:00+07:00', status: 'in_progress', confidential: true,
      reporter: { name: 'Rahasia Sekali', email: 'rahasia@example.com', phone: '081299990000' },
      firstAnsweredAt: '2026-11-26T10:00:00+07:00', replies: 1, repliedAt: ['2026-11-27T09:00:00+07:00'],
      verdicts: [verdict('catat', '2026-11-25T10:05:00+07:00'), verdict('periksa', '2026-11-25T10:15:00+07:00'), verdict('solusi', '2026-11-26T10:00:00+07:00'), verdict('solusi', '2026-11-27T10:00:00+07:00', true, 0, 2)],
      rating: { satisfied: false, rating: 2, at: '2026-11-27T09:00:00+07:00' },
    }),
    // Received on 30 November at 15:00 and closed in December: open at the end of November; its December events do not count.
    F: aCase({
      submittedAt: '2026-11-30T15:00:00+07:00', status: 'closed', closedAt: '2026-12-02T10:00:00+07:00', endedMonth: '2026-12', closeReason: 'rated',
      channel: 'box', firstAnsweredAt: '2026-12-01T09:00:00+07:00',
      verdicts: [verdict('catat', '2026-12-01T08:00:00+07:00')],
      rating: { satisfied: true, rating: 4, at: '2026-12-02T10:00:00+07:00' },
    }),
    // Received and closed before November: no part of the November report.
    G: aCase({
      submittedAt: '2026-09-15T09:00:00+07:00', status: 'closed', closedAt: '2026-10-10T09:00:00+07:00', endedMonth: '2026-10',
      verdicts: [verdict('catat', '2026-09-15T09:05:00+07:00')],
      rating: { satisfied: true, rating: 1, at: '2026-10-10T09:00:00+07:00' },
    }),
    // Received 28 October, closed 3 December: open at the end of November, 24 working days old.
    K: aCase({
      submittedAt: '2026-10-28T09:00:00+07:00', status: 'closed', closedAt: '2026-12-03T09:00:00+07:00', endedMonth: '2026-12', closeReason: 'rated',
      firstAnsweredAt: '2026-12-02T09:00:00+07:00',
    }),
  };
}

/** Two SP4N-LAPOR! cases for the regency-wide report: one supervisory, one with a reprimand recommendation. */
export function laporCases(): Record<'H' | 'I', CaseRecord> {
  return {
    H: aCase({
      agencyId: 'kominfo-muara-enim', sopId: 'sp4n-lapor-muara-enim', channel: 'lapor', category: 'pelayanan-publik',
      submittedAt: '2026-11-16T09:00:00+07:00', routedAgencyId: 'inspectorate', confidential: true,
      verdicts: [{ ...verdict('verifikasi', '2026-11-17T09:00:00+07:00'), scope: 'step' }],
    }),
    I: aCase({
      agencyId: 'kominfo-muara-enim', sopId: 'sp4n-lapor-muara-enim', channel: 'lapor', category: 'pelayanan-publik',
      submittedAt: '2026-11-02T09:00:00+07:00', routedAgencyId: 'dinkes-muba',
      verdicts: [verdict('verifikasi', '2026-11-03T09:00:00+07:00'), verdict('verifikasi-instansi', '2026-11-04T09:00:00+07:00'), verdict('tindak-lanjut', '2026-11-20T09:00:00+07:00', false, 4 * 1440)],
      escalations: [
        { level: 1, to: 'penghubung', at: '2026-11-16T09:00:00+07:00', stepId: 'tindak-lanjut', visit: 1, kind: 'escalation' },
        { level: 2, to: 'kadinkes', at: '2026-11-17T09:00:00+07:00', stepId: 'tindak-lanjut', visit: 1, kind: 'escalation' },
        { level: 3, to: 'bupati', at: '2026-11-19T09:00:00+07:00', stepId: 'tindak-lanjut', visit: 1, kind: 'reprimand' },
      ],
    }),
  };
}

/**
 * The tracking page's progress line (shared/usecases/progress.ts), from an SOP and a public status:
 * table-driven over where a case can stand, and the deadline in plain words.
 */
import { WIB } from '../../shared/i18n';
import { getSop } from '../../shared/sops';
import { deadlineInWords, normalPath, wayOf, type WayState } from '../../shared/usecases/progress';
import type { PublicStatus } from '../../shared/usecases/views';
import { renderTrackingPage } from '../../shared/web/tracking';

const dinkes = getSop('dinkes-muba');
const status = (over: Partial<PublicStatus>): PublicStatus => ({ trackingId: 'TGP-7KQ4-M9XD-R', agency: { id: 'dinkes-muba', name: 'Dinas Kesehatan' }, status: 'in_progress', currentStep: null, timeline: [], ...over });
const done = (stepId: string, at: string) => ({ at, event: 'step_completed', stepId });
const current = (id: string, dueAt: string | null = '2026-12-07T16:00:00+07:00') => ({ id, name: id, role: 'r', dueAt });
const states = (way: ReturnType<typeof wayOf>) => way.steps.map((s) => `${s.id}:${s.state}`);

test('the deadline in plain words, in the regency\'s zone', () => {
  expect(deadlineInWords('2026-12-07T09:00:00Z', 'id', WIB)).toBe('paling lambat Senin, 7 Desember 2026 pukul 16.00 WIB');
  expect(deadlineInWords('2026-12-07T09:00:00Z', 'en', WIB)).toBe('by Monday 7 December 2026, 16:00 WIB');
  expect(deadlineInWords('2026-12-07T09:00:00Z', 'id', { offsetMinutes: 480, abbreviation: 'WITA' })).toBe('paling lambat Senin, 7 Desember 2026 pukul 17.00 WITA');
});

test('the normal path follows actions[0] from the first step to where it leaves the steps', () => {
  expect(normalPath(dinkes)).toEqual({ steps: ['registrasi', 'telaah', 'serahkan-tim', 'analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan'], exit: '@reporter' });
});

const cases: [string, PublicStatus, { status: PublicStatus['status']; replyWindowEndsAt?: string; question?: string }, string[]][] = [
  ['just received: the first step is current, the second next',
    status({ currentStep: current('registrasi') }), { status: 'received' },
    ['registrasi:current', 'telaah:next', 'serahkan-tim:later', 'analisa:later', 'persetujuan:later', 'kembali-tim:later', 'kirim-tanggapan:later', '@answer:later', '@reporter:later', '@end:later']],
  ['returned by the head: the draft step is current again, the approval after it to come',
    status({ currentStep: current('analisa'), timeline: ['registrasi', 'telaah', 'serahkan-tim', 'analisa', 'persetujuan'].map((s, i) => done(s, `2026-12-0${i + 1}T10:00:00+07:00`)) }), { status: 'in_progress' },
    ['registrasi:done', 'telaah:done', 'serahkan-tim:done', 'analisa:current', 'persetujuan:next', 'kembali-tim:later', 'kirim-tanggapan:later', '@answer:later', '@reporter:later', '@end:later']],
  ['answered: the reporter\'s turn is current, with the window',
    status({ status: 'awaiting_reporter', timeline: [...normalPath(dinkes).steps.map((s) => done(s, '2026-12-03T10:00:00+07:00')), { at: '2026-12-03T10:00:00+07:00', event: 'response_sent' }] }),
    { status: 'awaiting_reporter', replyWindowEndsAt: '2026-12-10T16:00:00+07:00' },
    [...normalPath(dinkes).steps.map((s) => `${s}:done`), '@answer:done', '@reporter:current', '@end:next']],
  ['rejected at the review: the steps done, then the end; nothing still to come',
    status({ status: 'rejected', closedAt: '2026-12-02T10:00:00+07:00', timeline: [done('registrasi', '2026-12-01T10:00:00+07:00'), done('telaah', '2026-12-02T10:00:00+07:00')] }), { status: 'rejected' },
    ['registrasi:done', 'telaah:done', '@end:done']],
];

test.each(cases)('%s', (_name, s, c, expected) => {
  const way = wayOf(dinkes, s, c, 'id', WIB);
  expect(states(way)).toEqual(expected);
  const cur = way.steps.find((x) => x.state === 'current' && !x.id.startsWith('@'));
  if (cur) expect(cur).toMatchObject({ dueWords: 'paling lambat Senin, 7 Desember 2026 pukul 16.00 WIB', role: expect.any(String) });
  if (c.replyWindowEndsAt) expect(way.reporterWindow).toEqual({ kind: 'reply', endsAt: c.replyWindowEndsAt, words: 'paling lambat Kamis, 10 Desember 2026 pukul 16.00 WIB' });
  else expect(way.reporterWindow).toBeUndefined();
  const done = way.steps.filter((x) => x.state === 'done' && x.id !== '@end' && x.id !== '@answer');
  expect(done.every((x) => typeof x.doneAt === 'string')).toBe(true);
  expect((expected.filter((x) => x.endsWith(':next')))).toHaveLength(expected.includes('@end:done') ? 0 : 1);
});

test('the page escapes what it shows and says where the case is, in both languages', () => {
  const attack = '<script>alert("x")</script>';
  const s = status({ agency: { id: 'a', name: attack }, currentStep: current('telaah'), timeline: [done('registrasi', '2026-12-01T10:00:00+07:00')], response: attack });
  for (const lang of ['id', 'en'] as const) {
    const html = renderTrackingPage({ status: s, way: wayOf(dinkes, s, { status: 'in_progress' }, lang, WIB), lang, now: new Date('2026-12-07T02:00:00Z') });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain(lang === 'id' ? 'paling lambat Senin, 7 Desember 2026 pukul 16.00 WIB' : 'by Monday 7 December 2026, 16:00 WIB');
    expect(html).toContain(dinkes.steps.find((x) => x.id === 'serahkan-tim')!.name[lang]);
  }
});

test('an answer to a question: the window says so', () => {
  const way = wayOf(dinkes, status({ status: 'awaiting_reporter', currentStep: null }), { status: 'awaiting_reporter', replyWindowEndsAt: '2026-12-10T09:00:00Z', question: 'Kapan?' }, 'en', WIB);
  expect(way.reporterWindow).toEqual({ kind: 'answer', endsAt: '2026-12-10T09:00:00Z', words: 'by Thursday 10 December 2026, 16:00 WIB' });
  const state: WayState | undefined = way.steps.find((x) => x.id === '@reporter')?.state;
  expect(state).toBe('later');
});

/**
 * The official sees the citizen: what the reporter wrote back (an unsatisfied reply, an answer to a
 * question) reaches the follow-up official's email and every task page of the case, word for word;
 * a confidential reporter's name and address still reach only the roles that may see them.
 */
import { createOfficeCalendar } from '../../shared/calendar';
import { parseComplaint } from '../../shared/case/complaint';
import { demoDirectory } from '../../shared/directory';
import type { OutgoingEmail, Workflow } from '../../shared/ports';
import { getSop } from '../../shared/sops';
import { submitComplaint, submitFeedback } from '../../shared/usecases/complaints';
import type { Deps } from '../../shared/usecases/deps';
import { viewTask } from '../../shared/usecases/tasks';
import { notify, openTask, recordOutcome } from '../../shared/usecases/workflow';
import type { ReporterFeedback } from '../../shared/workflow/contract';
import { MemoryCaseStore } from '../support/memory-case-store';

const NOW = new Date('2026-11-23T02:30:00Z');
const at = '2026-11-23T09:30:00+07:00';
const reply = 'Belum: "nomor antrean" tidak ada.\nBaris dua\tdengan tab \\ 😀 <b>x</b> &amp; \u200Fع';
const REPORTER = { name: 'Siti Rahma', email: 'siti@example.com', phone: '081234567890' };

function world() {
  const store = new MemoryCaseStore();
  const sent: OutgoingEmail[] = [];
  const delivered: unknown[] = [];
  const workflow: Workflow = {
    start: async (_s, name) => ({ executionArn: `arn:local:${name}` }),
    taskSucceeded: async (_token, output) => { delivered.push(output); },
    taskFailed: async () => undefined,
  };
  const deps: Deps = {
    store, workflow, directory: demoDirectory, calendar: createOfficeCalendar(demoDirectory.calendar), getSop,
    mailer: { send: async (m) => { sent.push(m); return { messageId: `m-${sent.length}` }; } },
    publicUrl: 'https://tanggap.example', mailFrom: 'tanggap@musitanggap.example.go.id', linkSecret: 'x'.repeat(32),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)), log: { info: () => undefined, warn: () => undefined },
  };
  return { deps, store, sent, delivered };
}

test('a confidential reporter\'s unsatisfied reply: the follow-up official reads it in the email and on the page; the Bupati\'s link shows it without the reporter', async () => {
  // Prepare: a confidential library complaint answered at `solusi`, the reply window open.
  const w = world();
  const parsed = parseComplaint({ agencyId: 'perpus-muba', category: 'layanan', title: 'Buku hilang', description: 'Buku yang saya pinjam tercatat belum kembali padahal sudah.', reporter: REPORTER, confidential: true }, demoDirectory, 'id', '2026-11-23');
  if (!parsed.ok) throw new Error('fixture');
  const { caseId, trackingId } = await submitComplaint(w.deps, parsed.complaint, NOW, 'id');
  await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: 't-reply', kind: 'reporterReply', stepId: 'solusi', visit: 1 });
  const replyKey = /reply\?key=((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(w.sent.at(-1)!.text)![1]!;

  // Act: the reporter replies; the execution records it and opens the follow-up step (visit 2).
  await submitFeedback(w.deps, trackingId, { key: replyKey, satisfied: false, rating: 2, comment: reply }, NOW);
  await recordOutcome(w.deps, { caseId, executionId: 'x', enteredAt: at, kind: 'reporterFeedback', stepId: 'solusi', visit: 1, feedback: w.delivered.at(-1) as ReporterFeedback });
  await openTask(w.deps, { caseId, executionId: 'x', enteredAt: at, taskToken: 't-solusi-2', kind: 'official', stepId: 'solusi', visit: 2 });

  // Assess: the execution got flags only; the follow-up email carries the reply as typed (text) and escaped (HTML).
  expect(w.delivered).toEqual([{ satisfied: false, rating: 2 }]);
  const taskMail = w.sent.at(-1)!;
  expect(taskMail.subject).toMatch(/^Tugas baru/);
  expect(taskMail.text).toContain(`Balasan pelapor (belum puas), Senin, 23 November 2026 pukul 09.30 WIB · nilai 2/5:\n${reply}`);
  expect(taskMail.html).toContain('Belum: &quot;nomor antrean&quot; tidak ada.<br>Baris dua\tdengan tab \\ 😀 &lt;b&gt;x&lt;/b&gt; &amp;amp; \u200Fع');
  const assigneeKey = /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(taskMail.text)![1]!;
  const assigneeView = (await viewTask(w.deps, assigneeKey, 'id')).view;
  expect(assigneeView.case.reporterMessages).toEqual([{ at, kind: 'reply', text: reply, satisfied: false, rating: 2 }]);
  // The head of the library service sees reporters (SOP role data); the Bupati holds no SOP role.
  expect(assigneeView.case.reporter).toEqual(REPORTER);

  // The Kabid's superior is the Kepala Dinas, who is also the head: rung 2 reaches the Bupati.
  await notify(w.deps, { caseId, executionId: 'x', enteredAt: at, template: 'escalation', stepId: 'solusi', visit: 2, level: 2 });
  const bupatiMail = w.sent.at(-1)!;
  expect(bupatiMail.to).toEqual([demoDirectory.bupati.email]);
  const bupatiKey = /\/tasks\/((?:t\.[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]{43})/.exec(bupatiMail.text)![1]!;
  const bupatiView = (await viewTask(w.deps, bupatiKey, 'id')).view;
  expect(bupatiView.case.reporter).toBe('hidden');
  expect(bupatiView.case.reporterMessages).toEqual([{ at, kind: 'reply', text: reply, satisfied: false, rating: 2 }]);
  const shown = JSON.stringify(bupatiView) + bupatiMail.text + bupatiMail.html;
  for (const personal of Object.values(REPORTER)) expect(shown).not.toContain(personal);
});

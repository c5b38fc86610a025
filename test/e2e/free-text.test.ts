/**
 * Every text a person types survives every trip exactly, on the local runtime, through every SOP.
 *
 * Each of the four SOPs is walked over HTTP from the complaint to its closure, taking the side paths
 * that carry free text (the Health Office's returned draft, Musi Rawas' coordination, SP4N-LAPOR!'s
 * question to the reporter). Every official field of every action taken gets a text full of quotes,
 * backslashes, line breaks, tabs, emoji (astral and ZWJ sequences), markup, entity-like text and RTL
 * marks — 5,000 characters where the field allows it. The reporter replies unsatisfied (5,000
 * characters), then rates. Asserted: the task pages (JSON and HTML) and the emails show each text
 * exactly as typed (HTML escaped, line breaks kept), the officials see the reporter's words, and the
 * case closes. Before the texts were kept off the execution, the first `"` stopped the case for good
 * and every `\n` reached the citizen as `n`.
 */
import type { StoredMail } from '../../infra/local/ses';
import { getSop } from '../../shared/sops';
import type { TaskView } from '../../shared/usecases/views';
import { storedCase } from '../support/ladder';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') }); });
afterAll(async () => { await rt.dispose(); });

const REPORTER = 'siti.rahma@example.com';

/** What people write, all of it at once. */
const SPICES = [
  'kutip "ganda" dan \'tunggal\' dan "tak tertutup',
  'garis miring terbalik \\ ganda \\\\ dan \\n harfiah dan \\" dan C:\\Users\\Siti',
  'baris satu.\nbaris dua\n\nbaris empat setelah baris kosong',
  'tab\tdi\ttengah',
  'emoji 😀 keluarga 👩‍👩‍👧‍👦 bendera 🇮🇩 kulit 👍🏽',
  '<script>alert("x")</script> <b>tebal</b> <img src=x onerror=alert(1)>',
  '&amp; &lt;b&gt; &#39; &quot; &',
  'tanda RTL \u200Fمرحبا بالعالم\u200E lalu kembali',
  'harga <Rp 50.000> = "mahal" → 100% {json: [1]} `kode` ${x}',
];

/** A text labelled for the field it goes in, exactly `length` UTF-16 units long when given (never ending in a space). */
function spicy(label: string, length?: number): string {
  const full = `${label}: ${SPICES.join(' | ')}`;
  if (!length) return `${full}.`;
  // A short field (a register number: 100) gets every kind of character, once each.
  const base = full.length < length ? full : `${label}: "k" \\ a\nb\tc 😀👩‍👩‍👧 <b>x</b> &amp; \u200Fع\u200E`;
  if (base.length >= length) throw new Error(`label too long for ${length} characters: ${label}`);
  let out = base;
  while (out.length + 1 + base.length <= length - 1) out += `\n${base}`;
  return `${out}${'x'.repeat(length - 1 - out.length)}.`;
}

/** HTML as the pages and emails must show a text: escaped, line breaks as <br>. */
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const escapedLines = (s: string) => escaped(s).replace(/\n/g, '<br>');

interface Typed { stepId: string; visit: number; field: string; meaning: string; text: string }

interface Walk {
  agencyId: string;
  category: string;
  sopId: string;
  /** The action to take at a step visit (default: actions[0], the normal path). */
  choose?: (stepId: string, visit: number) => string | undefined;
  /** Steps acted on, in order, to the first answer and then, after the reply, to the second. */
  firstSteps: string[];
  secondSteps: string[];
  /** The step that asks the reporter a question on its first visit, if any. */
  asks?: string;
}

const walks: Walk[] = [
  { agencyId: 'perpus-muba', category: 'layanan', sopId: 'perpustakaan-muba', firstSteps: ['catat', 'periksa', 'solusi'], secondSteps: ['solusi'] },
  {
    agencyId: 'dukcapil-mura', category: 'ktp-el', sopId: 'dukcapil-mura',
    choose: (step, visit) => (step === 'tangani' && visit === 1 ? 'coordinate' : undefined),
    firstSteps: ['terima', 'tangani', 'koordinasi', 'tangani', 'sampaikan'], secondSteps: ['tangani', 'sampaikan'],
  },
  {
    agencyId: 'kominfo-muara-enim', category: 'pelayanan-publik', sopId: 'sp4n-lapor-muara-enim', asks: 'verifikasi',
    choose: (step, visit) => (step === 'verifikasi' && visit === 1 ? 'askReporter' : undefined),
    firstSteps: ['verifikasi', 'verifikasi', 'verifikasi-instansi', 'tindak-lanjut', 'tanggapi-pelapor'], secondSteps: ['tindak-lanjut-balasan'],
  },
  {
    agencyId: 'dinkes-muba', category: 'pelayanan', sopId: 'dinkes-muba',
    choose: (step, visit) => (step === 'persetujuan' && visit === 1 ? 'return' : undefined),
    firstSteps: ['registrasi', 'telaah', 'serahkan-tim', 'analisa', 'persetujuan', 'analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan'],
    secondSteps: ['analisa', 'persetujuan', 'kembali-tim', 'kirim-tanggapan'],
  },
];

const caseMail = async (trackingId: string, subject: (m: StoredMail) => boolean) => (await rt.mail()).filter((m) => m.text.includes(trackingId) || m.subject.includes(trackingId)).filter(subject);
const status = async (trackingId: string) => (await rt.call('GET', `/api/complaints/${trackingId}`)).body;

/**
 * Acts on the newest task of the case, filling every field of the chosen action with spicy text;
 * asserts that the step's own pages then show what was typed. Returns the step and what was typed.
 */
async function actWithSpice(walk: Walk, trackingId: string, visits: Map<string, number>): Promise<{ stepId: string; typed: Typed[]; key: string }> {
  const mail = (await caseMail(trackingId, (m) => m.subject.startsWith('Tugas baru'))).at(-1)!;
  const key = mail.links.find((l) => l.includes('/tasks/'))!.split('/tasks/')[1]!;
  const view = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
  const stepId = view.task.stepId;
  const visit = view.task.visit;
  visits.set(stepId, visit);
  const step = getSop(walk.sopId).steps.find((s) => s.id === stepId)!;
  const actionId = walk.choose?.(stepId, visit) ?? view.actions[0]!.id;
  const action = step.actions.find((a) => a.id === actionId)!;
  const body: Record<string, string> = { action: actionId };
  const typed: Typed[] = [];
  for (const f of action.fields) {
    if (f.type === 'select' || f.type === 'agency') {
      body[f.name] = view.actions.find((a) => a.id === actionId)!.fields.find((x) => x.name === f.name)!.options![0]!.value;
      continue;
    }
    const text = spicy(`${stepId}#${visit}.${actionId}.${f.name}`, Math.min(5_000, f.maxLength));
    body[f.name] = text;
    typed.push({ stepId, visit, field: f.name, meaning: f.meaning, text });
  }
  const res = await rt.call('POST', `/api/tasks/${key}`, body);
  expect({ stepId, status: res.status, body: res.body }).toEqual({ stepId, status: 200, body: { ok: true, next: action.goto } });
  await rt.engine.waitForIdle();

  // The step's own link now shows it done, with what was typed, exactly (JSON) and escaped (HTML).
  const after = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
  const page = (await rt.call('GET', `/tasks/${key}`)).text;
  expect(after.task.status).toBe('done');
  const done = after.case.history.filter((h) => h.event === 'step_completed' && h.stepId === stepId).at(-1)!;
  const notes = typed.filter((t) => t.meaning === 'note' || t.meaning === 'reason' || t.meaning === 'question');
  if (notes.length) expect(done.note).toBe(notes.map((t) => t.text).join(' — '));
  for (const t of notes) expect(page).toContain(escapedLines(t.text));
  for (const t of typed.filter((x) => x.meaning === 'responseDraft')) {
    expect(after.case.responseDraft).toBe(t.text);
    expect(page).toContain(escapedLines(t.text));
  }
  return { stepId, typed, key };
}

/** Walks the officials' steps until the reporter gets the answer (or a question); returns the steps and texts. */
async function walkUntilReporter(walk: Walk, trackingId: string, visits: Map<string, number>, question?: string): Promise<{ steps: string[]; typed: Typed[] }> {
  const steps: string[] = [];
  const typed: Typed[] = [];
  for (let i = 0; i < 12; i++) {
    const s = (await status(trackingId)).status;
    if (s === 'resolved') return { steps, typed };
    if (s === 'awaiting_reporter') {
      await answerQuestion(trackingId, typed, question!);
      continue;
    }
    const acted = await actWithSpice(walk, trackingId, visits);
    steps.push(acted.stepId);
    typed.push(...acted.typed);
  }
  throw new Error(`no answer after 12 steps: ${steps.join(' → ')}`);
}

const replyKeyIn = (m: StoredMail) => new URL(m.links.find((l) => l.includes('/reply?key='))!).searchParams.get('key')!;

/**
 * SP4N-LAPOR!: the question reaches the reporter as typed; their answer reaches the step that asked,
 * in its new-task email and on its page.
 */
async function answerQuestion(trackingId: string, typed: Typed[], answer: string): Promise<void> {
  const question = typed.filter((t) => t.meaning === 'question').at(-1)!;
  const mail = (await rt.mail()).filter((m) => m.subject === `Permintaan data untuk pengaduan ${trackingId}`).at(-1)!;
  expect(mail.to).toEqual([REPORTER]);
  expect(mail.text).toContain(`\n${question.text}\n`);
  expect(mail.html).toContain(escapedLines(question.text));
  const res = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key: replyKeyIn(mail), satisfied: false, comment: answer });
  expect(res.status).toBe(200);
  await rt.engine.waitForIdle();
  await expectOfficialsSee(trackingId, { kind: 'answer', text: answer });
}

/** The newest task of the case (the follow-up) shows the reporter's words: its email, its JSON, its page. */
async function expectOfficialsSee(trackingId: string, message: { kind: 'reply' | 'answer'; text: string }): Promise<void> {
  const mail = (await caseMail(trackingId, (m) => m.subject.startsWith('Tugas baru'))).at(-1)!;
  expect(mail.text).toContain(`:\n${message.text}`);
  expect(mail.html).toContain(escapedLines(message.text));
  // Not confidential here, but the reporter's words are all the officials get beyond the case card.
  const key = mail.links.find((l) => l.includes('/tasks/'))!.split('/tasks/')[1]!;
  const view = (await rt.call('GET', `/api/tasks/${key}`)).body as TaskView;
  expect(view.case.reporterMessages.at(-1)).toEqual({ at: expect.any(String), kind: message.kind, text: message.text, ...(message.kind === 'reply' ? { satisfied: false, rating: 2 } : { stepId: expect.any(String) }) });
  const page = (await rt.call('GET', `/tasks/${key}`)).text;
  expect(page).toContain('Pesan dari pelapor');
  expect(page).toContain(escaped(message.text));
}

/** The answer email and the public status carry the response exactly as the official typed it. */
async function expectAnswered(trackingId: string, typed: Typed[], nth: number): Promise<void> {
  // The Health Office sends the response as the head approved it (issue 13 item 4): that text, exactly.
  const response = typed.filter((t) => t.meaning === 'response' || t.meaning === 'approvedResponse').at(-1)!;
  const answers = (await rt.mail()).filter((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`);
  expect(answers).toHaveLength(nth);
  const mail = answers.at(-1)!;
  expect(mail.to).toEqual([REPORTER]);
  expect(mail.text).toContain(`\n\n${response.text}\n\n`);
  expect(mail.html).toContain(escapedLines(response.text));
  expect(mail.html).not.toContain('<script>alert');
  expect((await status(trackingId)).response).toBe(response.text);
}

test.each(walks.map((w) => [w.sopId, w] as const))('%s: every official field and the reporter\'s replies survive every trip exactly, and the case closes', async (_sopId, walk) => {
  const trackingId = (await rt.call('POST', '/api/complaints', complaint(walk.agencyId, walk.category))).body.trackingId as string;
  expect(trackingId).toMatch(/^TGP-/);
  await rt.engine.waitForIdle();
  const visits = new Map<string, number>();

  // The officials, up to the answer (SP4N-LAPOR!: via a question to the reporter, answered).
  const answer = spicy('jawaban pelapor', 5_000);
  const first = await walkUntilReporter(walk, trackingId, visits, answer);
  expect(first.steps).toEqual(walk.firstSteps);
  await expectAnswered(trackingId, first.typed, 1);

  // The reporter is not satisfied and says what is missing: the follow-up official sees it.
  const reply = spicy('balasan pelapor', 5_000);
  const answerMail = (await rt.mail()).filter((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`).at(-1)!;
  const replied = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key: replyKeyIn(answerMail), satisfied: false, rating: 2, comment: reply });
  expect(replied.status).toBe(200);
  await rt.engine.waitForIdle();
  await expectOfficialsSee(trackingId, { kind: 'reply', text: reply });

  const second = await walkUntilReporter(walk, trackingId, visits);
  expect(second.steps).toEqual(walk.secondSteps);
  await expectAnswered(trackingId, second.typed, 2);

  // Satisfied this time, with a rating and a comment: the case closes.
  const thanks = spicy('terima kasih', 5_000);
  const secondAnswer = (await rt.mail()).filter((m) => m.subject === `Tanggapan atas pengaduan ${trackingId}`).at(-1)!;
  const rated = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key: replyKeyIn(secondAnswer), satisfied: true, rating: 4, comment: thanks });
  expect(rated.status).toBe(200);
  await rt.engine.waitForIdle();
  const closed = await status(trackingId);
  expect(closed).toMatchObject({ status: 'closed', rating: 4, currentStep: null, response: second.typed.filter((t) => t.meaning === 'response' || t.meaning === 'approvedResponse').at(-1)!.text });
  expect(closed.closedAt).toBeDefined();
  const { record, events } = await storedCase(trackingId);
  expect(record.rating).toMatchObject({ satisfied: true, rating: 4, comment: thanks });
  expect(events.filter((e) => e.type === 'reporter_replied').map((e) => e.data?.comment)).toEqual([reply]);
  if (walk.asks) expect(events.filter((e) => e.type === 'reporter_answered').map((e) => e.data?.answer)).toEqual([answer]);
  // Every text field an official filled was 5,000 characters unless the SOP caps it lower.
  const all = [...first.typed, ...second.typed];
  const sop = getSop(walk.sopId);
  for (const t of all) {
    const spec = sop.steps.find((s) => s.id === t.stepId)!.actions.flatMap((a) => a.fields).find((f) => f.name === t.field)!;
    expect(t.text.length).toBe(Math.min(5_000, spec.maxLength));
  }
  expect(all.length).toBeGreaterThanOrEqual(walk.firstSteps.length - 1);
}, 240_000);

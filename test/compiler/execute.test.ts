/**
 * The compiled machines, executed: aws-local-stepfunctions runs the fixture SOPs' ASL with stub
 * workflow handlers that log every call. Shows the race (deciding ends the clock at once; a step left
 * alone is reminded and escalated in order), loops with their visit numbers, phases left and
 * re-entered, the reporter's question and reply window, that a refused email never stops a case, and
 * continue-as-new: an execution handing a wait over to a successor, which takes it up again.
 */
import { compileSop, type AslMachine } from '../../statemachines/compile';
import type { Deadlines, DeadlinesRequest, ExecutionInput, NotifyRequest, OpenTaskRequest, OutcomeRequest, ParkRequest, StepDecision } from '../../shared/workflow/contract';
import { ResumePoint } from '../../shared/workflow/contract';
import { getSop } from '../../shared/sops';
import { getFixture } from './fixtures';
import { deadlinesAt, runMachine } from './run-machine';

const PAST = (i: number) => new Date(Date.UTC(2020, 0, 6, 1, i));
const IN_AN_HOUR = (i: number) => new Date(Date.now() + 3_600_000 + i * 60_000);
/** What the task use case delivers: the action's id only (the texts are stored on the task). */
const decision = (action: string): StepDecision => ({ action });
/** An execution started before texts were kept off it got the whole decision: still accepted. */
const oldDecision = (action: string, fields: Record<string, string>): StepDecision => ({ action, fields, actor: { personId: 'pegawai-1', role: 'tester' }, decidedAt: new Date().toISOString() });
/** What the feedback use case delivers: flags only. */
const feedback = (satisfied: boolean) => ({ satisfied, ...(satisfied ? { rating: 5 } : {}) });

/** One execution's record of calls, readable in an assertion, and a way to wait for one of them. */
class Journal {
  readonly lines: string[] = [];
  private waiters: { line: string; resolve: () => void }[] = [];

  add(line: string): void {
    this.lines.push(line);
    for (const w of this.waiters.filter((x) => x.line === line)) w.resolve();
    this.waiters = this.waiters.filter((x) => x.line !== line);
  }

  when(line: string): Promise<void> {
    if (this.lines.includes(line)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ line, resolve }));
  }
}

const describeNotify = (r: NotifyRequest) => `notify ${r.template}${r.stepId ?? r.phaseId ? ` ${r.stepId ?? r.phaseId}#${r.visit}` : ''}${r.level ? ` L${r.level}` : ''}`;
const describeOutcome = (r: OutcomeRequest) => {
  switch (r.kind) {
    case 'started': return 'outcome started';
    case 'stepDone': return `outcome stepDone ${r.stepId}#${r.visit} ${r.decision.action}`;
    case 'phaseDone': return `outcome phaseDone ${r.phaseId}#${r.visit}`;
    case 'reporterFeedback': return `outcome feedback ${r.stepId}#${r.visit} ${r.feedback.satisfied ? 'satisfied' : 'unsatisfied'}`;
    case 'reporterAnswered': return `outcome answered ${r.stepId}#${r.visit}`;
    case 'closed': return `outcome closed ${r.reason}`;
    case 'continueAsNew': return `hand over ${r.task.kind} ${r.task.stepId}#${r.task.visit}${r.beforeVisit ? ' before it begins' : ''}`;
  }
};

interface Scenario {
  machine: AslMachine;
  /** What a task resolves with, by `${kind} ${stepId}#${visit}`; `undefined`: nobody answers. */
  answers: Record<string, (journal: Journal) => Promise<unknown> | unknown>;
  /** Deadlines by `${scope} ${id}#${visit}`; the default is an hour away, which no test reaches. */
  deadlines?: Record<string, (i: number) => Date>;
  notifyFails?: (r: NotifyRequest) => boolean;
  /** A successor's input (`resume`) and name; the first execution's by default. */
  input?: ExecutionInput;
  executionName?: string;
  /**
   * The hand-over instant is past and this says, per `${kind} ${stepId}#${visit}` and attempt (0, 1,
   * …), what the handler does: hand over `now`, answer ContinuePending, or take no decision while the
   * test runs (`never`). Without it the hand-over instant is an hour away, which no test reaches.
   */
  handOver?: (slot: string, attempt: number) => 'now' | 'pending' | 'never';
  /** Deadlines (`${scope} ${id}#${visit}`) whose last rung would come after the hand-over instant: the handler raises ContinueDue. */
  continueDue?: string[];
}

/** Runs a scenario; resolves with the journal and everything the outcome handler received. */
async function play(s: Scenario): Promise<{ journal: Journal; outcomes: OutcomeRequest[]; requests: (OpenTaskRequest | DeadlinesRequest)[]; output: unknown }> {
  const journal = new Journal();
  const outcomes: OutcomeRequest[] = [];
  const requests: (OpenTaskRequest | DeadlinesRequest)[] = [];
  const unanswered: (() => void)[] = [];
  const rungs = (req: DeadlinesRequest) => (req.scope === 'replyWindow' ? 0 : 3);
  const attempts = new Map<string, number>();
  const result = runMachine(s.machine, s.input ?? { caseId: 'case-1', sopId: 'fixture' }, {
    ...(s.handOver ? { continueBy: () => PAST(0) } : {}),
    deadlines: (req): Deadlines => {
      requests.push(req);
      const key = `${req.scope} ${req.id}#${req.visit}`;
      journal.add(`deadlines ${key}`);
      if (s.continueDue?.includes(key)) {
        expect(req.continueBy).toEqual(expect.any(String));
        throw Object.assign(new Error('the ladder would outlast the hand-over'), { name: 'ContinueDue' });
      }
      return deadlinesAt(rungs(req), s.deadlines?.[key] ?? IN_AN_HOUR);
    },
    task: async (req) => {
      requests.push(req);
      const key = `${req.kind} ${req.stepId}#${req.visit}`;
      journal.add(`open ${key}`);
      const answer = s.answers[key];
      // Nobody answers: released when the execution ends, so no timer outlives the test.
      if (!answer) return new Promise((resolve) => unanswered.push(() => resolve({ late: true })));
      return answer(journal);
    },
    notify: (req) => {
      journal.add(describeNotify(req));
      if (s.notifyFails?.(req)) throw Object.assign(new Error('SES refused the message'), { name: 'MailDeliveryFailed' });
    },
    outcome: (req) => {
      if (req.kind === 'continueAsNew') {
        const slot = `${req.task.kind} ${req.task.stepId}#${req.task.visit}`;
        const attempt = attempts.get(slot) ?? 0;
        attempts.set(slot, attempt + 1);
        const answer = s.handOver?.(slot, attempt) ?? 'never';
        if (answer === 'never') return new Promise<void>((resolve) => unanswered.push(resolve));
        journal.add(`${describeOutcome(req)}${answer === 'pending' ? ': pending' : ''}`);
        if (answer === 'pending') throw Object.assign(new Error('not yet'), { name: 'ContinuePending' });
      } else journal.add(describeOutcome(req));
      outcomes.push(req);
    },
  }, s.executionName);
  let output: unknown;
  try {
    output = await result;
  } finally {
    for (const release of unanswered) release();
  }
  return { journal, outcomes, requests, output };
}

/** Lets every pending timer of length 0 and promise run, to show nothing more happens. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('executing the compiled service-desk fixture', () => {
  const machine = compileSop(getFixture('fixture-desk'));

  test('handled on time: every step decided before its deadline gets no reminder or escalation; the loops count visits; a satisfied reporter closes it', async () => {
    // Prepare
    const answers: Scenario['answers'] = {
      'official terima#1': () => decision('forward'),
      'official telaah#1': () => decision('draft'),
      'official setuju#1': () => decision('return'),
      'official telaah#2': () => decision('draft'),
      'official setuju#2': () => decision('approve'),
      'official kirim#1': () => decision('send'),
      'reporterReply kirim#1': () => feedback(false),
      'official telaah#3': () => oldDecision('draft', { draft: 'Teks tanggapan untuk Ibu Siti' }),
      'official setuju#3': () => decision('approve'),
      'official kirim#2': () => decision('send'),
      'reporterReply kirim#2': () => ({ ...feedback(true), comment: 'Terima kasih, Siti', at: new Date().toISOString() }),
    };
    // Act (the clocks wait an hour: finishing within the test's time shows nobody waited for them)
    const { journal, outcomes, requests, output } = await play({ machine, answers });
    await settle();
    // Assess
    expect(journal.lines).toEqual([
      // Record start begins the first visit: its deadlines before the acknowledgement.
      'outcome started', 'deadlines step terima#1', 'notify acknowledgement',
      'open official terima#1', 'outcome stepDone terima#1 forward',
      'deadlines step telaah#1', 'open official telaah#1', 'outcome stepDone telaah#1 draft',
      'deadlines step setuju#1', 'open official setuju#1', 'outcome stepDone setuju#1 return',
      'deadlines step telaah#2', 'open official telaah#2', 'outcome stepDone telaah#2 draft',
      'deadlines step setuju#2', 'open official setuju#2', 'outcome stepDone setuju#2 approve',
      'open official kirim#1', 'outcome stepDone kirim#1 send',
      'deadlines replyWindow kirim#1', 'open reporterReply kirim#1', 'outcome feedback kirim#1 unsatisfied',
      'deadlines step telaah#3', 'open official telaah#3', 'outcome stepDone telaah#3 draft',
      'deadlines step setuju#3', 'open official setuju#3', 'outcome stepDone setuju#3 approve',
      'open official kirim#2', 'outcome stepDone kirim#2 send',
      'deadlines replyWindow kirim#2', 'open reporterReply kirim#2', 'outcome feedback kirim#2 satisfied',
      'notify closing',
    ]);
    const telaah = outcomes.find((o) => o.kind === 'stepDone' && o.stepId === 'telaah');
    expect(telaah).toMatchObject({ caseId: 'case-1', executionId: expect.stringContaining(':case-1'), decision: { action: 'draft' }, sla: { calendarVersion: 'test' } });
    expect(outcomes.find((o) => o.kind === 'stepDone' && o.stepId === 'kirim')).not.toHaveProperty('sla');
    // The decision the task use case sends today reaches the outcome handler as it was sent: the action only.
    expect(outcomes).toContainEqual(expect.objectContaining({ kind: 'stepDone', stepId: 'telaah', visit: 1, decision: { action: 'draft' } }));
    expect(outcomes).toContainEqual(expect.objectContaining({ kind: 'reporterFeedback', stepId: 'kirim', visit: 1, feedback: { satisfied: false } }));
    // An old-shaped delivery (texts in it, as the task use case sent them before the texts moved to the
    // task record) still routes on its action; its texts stop at the task's ResultSelector, so the
    // outcome handler gets the action alone (it reads the texts from the task record) ...
    expect(outcomes).toContainEqual(expect.objectContaining({ kind: 'stepDone', stepId: 'telaah', visit: 3, decision: { action: 'draft' } }));
    // ... and an old-shaped feedback's comment reaches the outcome handler, and goes no further through the execution.
    expect(outcomes).toContainEqual(expect.objectContaining({ kind: 'reporterFeedback', feedback: expect.objectContaining({ comment: 'Terima kasih, Siti' }) }));
    expect(JSON.stringify(output)).not.toMatch(/Siti/);
    // Handlers get the platform's time and a token per callback task, never a placeholder.
    const tasks = requests.filter((r): r is OpenTaskRequest => 'taskToken' in r);
    expect(new Set(tasks.map((t) => t.taskToken)).size).toBe(tasks.length);
    for (const r of requests) expect(Number.isNaN(Date.parse(r.enteredAt))).toBe(false);
  });

  test('left alone: the step is reminded, escalated and the reprimand recommended, in the ladder\'s order; acting then still completes the case', async () => {
    const answers: Scenario['answers'] = {
      'official terima#1': () => decision('forward'),
      'official telaah#1': async (j) => { await j.when('notify reprimand telaah#1 L2'); return decision('draft'); },
      'official setuju#1': () => decision('approve'),
      'official kirim#1': () => decision('close'),
    };
    const { journal, outcomes } = await play({ machine, answers, deadlines: { 'step telaah#1': PAST } });
    await settle();
    expect(journal.lines.filter((l) => l.startsWith('notify'))).toEqual([
      'notify acknowledgement', 'notify reminder telaah#1', 'notify escalation telaah#1 L1', 'notify reprimand telaah#1 L2', 'notify closing',
    ]);
    expect(journal.lines.indexOf('notify reprimand telaah#1 L2')).toBeLessThan(journal.lines.indexOf('outcome stepDone telaah#1 draft'));
    expect(outcomes.find((o) => o.kind === 'stepDone' && o.stepId === 'telaah')).toMatchObject({ sla: { dueAt: PAST(1).toISOString() } });
    expect(journal.lines.slice(-2)).toEqual(['outcome closed closed_by_official', 'notify closing']);
  });

  test('decided after the reminder but before the deadline: the clock stops there; silence in the reply window closes the case', async () => {
    const answers: Scenario['answers'] = {
      'official terima#1': () => decision('forward'),
      'official telaah#1': async (j) => { await j.when('notify reminder telaah#1'); return decision('draft'); },
      'official setuju#1': () => decision('approve'),
      'official kirim#1': () => decision('send'),
    };
    const remindedOnly = (i: number) => (i === 0 ? PAST(0) : IN_AN_HOUR(i));
    const { journal } = await play({ machine, answers, deadlines: { 'step telaah#1': remindedOnly, 'replyWindow kirim#1': PAST } });
    await settle();
    expect(journal.lines.filter((l) => l.startsWith('notify'))).toEqual(['notify acknowledgement', 'notify reminder telaah#1', 'notify closing']);
    expect(journal.lines.slice(-4)).toEqual(['deadlines replyWindow kirim#1', 'open reporterReply kirim#1', 'outcome closed reply_window_elapsed', 'notify closing']);
  });

  test('a question to the reporter that goes unanswered returns to the same step with a new visit; rejecting then tells the reporter', async () => {
    const answers: Scenario['answers'] = {
      'official terima#1': () => decision('ask'),
      'official terima#2': () => decision('reject'),
    };
    const { journal } = await play({ machine, answers, deadlines: { 'replyWindow terima#1': PAST } });
    expect(journal.lines).toEqual([
      // Record start begins the first visit: its deadlines before the acknowledgement.
      'outcome started', 'deadlines step terima#1', 'notify acknowledgement',
      'open official terima#1', 'outcome stepDone terima#1 ask',
      'deadlines replyWindow terima#1', 'open reporterAnswer terima#1',
      'deadlines step terima#2', 'open official terima#2', 'outcome stepDone terima#2 reject',
      'outcome closed rejected', 'notify rejection',
    ]);
  });

  test('a refused email is retried, then the case goes on: the workflow never stops on mail', async () => {
    const answers: Scenario['answers'] = { 'official terima#1': () => decision('reject') };
    const { journal } = await play({ machine, answers, notifyFails: (r) => r.template === 'acknowledgement' });
    expect(journal.lines.filter((l) => l === 'notify acknowledgement')).toHaveLength(6); // the first try and 5 retries
    expect(journal.lines.slice(-2)).toEqual(['outcome closed rejected', 'notify rejection']);
  });
});

describe('executing the compiled routed fixture', () => {
  const machine = compileSop(getFixture('fixture-routed'));

  test('the inspectorate\'s phase: its clock reminds, a question leaves the phase, the answer re-enters it with a new visit, and the answer to the reporter leaves it', async () => {
    const answers: Scenario['answers'] = {
      'official verifikasi#1': () => decision('toInspectorate'),
      'official apip-terima#1': async (j) => { await j.when('notify reminder pengawasan#1'); return decision('forward'); },
      'official apip-periksa#1': () => decision('ask'),
      'reporterAnswer apip-periksa#1': () => ({ satisfied: false }),
      'official apip-periksa#2': () => decision('done'),
      'official apip-jawab#1': () => decision('respond'),
      'reporterReply apip-jawab#1': () => feedback(true),
    };
    const remindedOnly = (i: number) => (i === 0 ? PAST(0) : IN_AN_HOUR(i));
    const { journal } = await play({ machine, answers, deadlines: { 'phase pengawasan#1': remindedOnly } });
    await settle();
    // The phase's reminder and its first task start together, in either order.
    const reminder = journal.lines.indexOf('notify reminder pengawasan#1');
    expect(reminder).toBeGreaterThan(journal.lines.indexOf('deadlines phase pengawasan#1'));
    expect(reminder).toBeLessThan(journal.lines.indexOf('outcome stepDone apip-terima#1 forward'));
    expect(journal.lines.filter((l) => l !== 'notify reminder pengawasan#1')).toEqual([
      'outcome started', 'deadlines step verifikasi#1', 'notify acknowledgement',
      'open official verifikasi#1', 'outcome stepDone verifikasi#1 toInspectorate',
      'deadlines phase pengawasan#1', 'open official apip-terima#1', 'outcome stepDone apip-terima#1 forward',
      'deadlines step apip-periksa#1', 'open official apip-periksa#1', 'outcome stepDone apip-periksa#1 ask',
      'outcome phaseDone pengawasan#1',
      'deadlines replyWindow apip-periksa#1', 'open reporterAnswer apip-periksa#1', 'outcome answered apip-periksa#1',
      'deadlines phase pengawasan#2', 'deadlines step apip-periksa#2', 'open official apip-periksa#2', 'outcome stepDone apip-periksa#2 done',
      'open official apip-jawab#1', 'outcome stepDone apip-jawab#1 respond',
      'outcome phaseDone pengawasan#2',
      'deadlines replyWindow apip-jawab#1', 'open reporterReply apip-jawab#1', 'outcome feedback apip-jawab#1 satisfied',
      'notify closing',
    ]);
  });

  test('the agency branch: a step left alone climbs the SOP\'s ladder up to the Bupati', async () => {
    const answers: Scenario['answers'] = {
      'official verifikasi#1': () => decision('toAgency'),
      'official tindak#1': async (j) => { await j.when('notify escalation tindak#1 L2'); return decision('respond'); },
      'reporterReply tindak#1': () => feedback(true),
    };
    const { journal } = await play({ machine, answers, deadlines: { 'step tindak#1': PAST } });
    expect(journal.lines.filter((l) => l.startsWith('notify'))).toEqual([
      'notify acknowledgement', 'notify reminder tindak#1', 'notify escalation tindak#1 L1', 'notify escalation tindak#1 L2', 'notify closing',
    ]);
  });
});

describe('executing a committed machine: SP4N-LAPOR! (Muara Enim)', () => {
  const machine = compileSop(getSop('sp4n-lapor-muara-enim'));

  test('the executing official ignores the 12-day limit: reminded, the liaison told, the inspectorate\'s monitoring task opens beside the official\'s; a recommended reprimand opens the Bupati\'s task; the reporter\'s silence closes the case', async () => {
    const answers: Scenario['answers'] = {
      'official verifikasi#1': () => decision('routeAgency'),
      'official verifikasi-instansi#1': () => decision('dispose'),
      'official pantau-apip#1': () => decision('recommendReprimand'),
      'official teguran-bupati#1': () => decision('reprimandIssued'),
      // The official's task stays open through the monitoring: they respond after the Bupati acted.
      'official tindak-lanjut#1': async (j) => { await j.when('outcome stepDone teguran-bupati#1 reprimandIssued'); return decision('respond'); },
      'official tanggapi-pelapor#1': () => decision('respond'),
    };
    const { journal } = await play({ machine, answers, deadlines: { 'step tindak-lanjut#1': PAST, 'replyWindow tanggapi-pelapor#1': PAST } });
    await settle();
    expect(journal.lines.filter((l) => l.startsWith('notify'))).toEqual([
      'notify acknowledgement', 'notify reminder tindak-lanjut#1', 'notify escalation tindak-lanjut#1 L1', 'notify closing',
    ]);
    const order = ['notify escalation tindak-lanjut#1 L1', 'open official pantau-apip#1', 'outcome stepDone pantau-apip#1 recommendReprimand', 'open official teguran-bupati#1', 'outcome stepDone teguran-bupati#1 reprimandIssued', 'outcome stepDone tindak-lanjut#1 respond'];
    expect(order.map((l) => journal.lines.indexOf(l))).toEqual([...order.map((l) => journal.lines.indexOf(l))].sort((a, b) => a - b));
    expect(order.every((l) => journal.lines.includes(l))).toBe(true);
    expect(journal.lines.slice(-2)).toEqual(['outcome closed reply_window_elapsed', 'notify closing']);
  });

  test('the follow-up comes while the monitoring task is open: the race ends, the monitoring path with it, and the case goes on', async () => {
    const answers: Scenario['answers'] = {
      'official verifikasi#1': () => decision('routeAgency'),
      'official verifikasi-instansi#1': () => decision('dispose'),
      // The monitoring official never decides; the executing official responds once the monitoring opened.
      'official tindak-lanjut#1': async (j) => { await j.when('open official pantau-apip#1'); return decision('respond'); },
      'official tanggapi-pelapor#1': () => decision('respond'),
    };
    const { journal } = await play({ machine, answers, deadlines: { 'step tindak-lanjut#1': PAST, 'replyWindow tanggapi-pelapor#1': PAST } });
    await settle();
    // No decision on the monitoring task ever reaches the machine, and the Bupati is never asked.
    expect(journal.lines.filter((l) => l.startsWith('outcome stepDone pantau-apip') || l.includes('teguran-bupati'))).toEqual([]);
    expect(journal.lines).toContain('open official pantau-apip#1');
    expect(journal.lines).toContain('outcome stepDone tindak-lanjut#1 respond');
    expect(journal.lines.slice(-2)).toEqual(['outcome closed reply_window_elapsed', 'notify closing']);
  });
});

describe('continue-as-new: an execution hands the wait it is in over to a successor, which takes it up again', () => {
  const desk = compileSop(getFixture('fixture-desk'));
  const routed = compileSop(getFixture('fixture-routed'));
  const only = (target: string, pendingFirst = 0) => (slot: string, attempt: number) => (slot !== target ? 'never' : attempt < pendingFirst ? 'pending' : 'now') as 'now' | 'pending' | 'never';

  /** The predecessor's hand-over, and the successor's input built from it as the handler builds it. */
  function handedOver(outcomes: OutcomeRequest[]): { resume: ResumePoint; input: ExecutionInput } {
    const handOvers = outcomes.filter((o): o is Extract<OutcomeRequest, { kind: 'continueAsNew' }> => o.kind === 'continueAsNew');
    expect(handOvers).toHaveLength(1);
    // Parsed as the outcome handler parses it: the counters only (the machine's `$.run.visits` also holds each visit's deadlines).
    const parsed = ResumePoint.parse(handOvers[0]!.resume);
    // Handed over before its visit began, the visit is given to the successor counted, as the handler does.
    const h = handOvers[0]!;
    const resume = h.beforeVisit ? { ...parsed, visits: { ...parsed.visits, [h.resume.at.replace(/-/g, '_')]: { n: h.task.visit } } } : parsed;
    return { resume, input: { caseId: 'case-1', sopId: 'fixture', resume } };
  }

  test('a step left alone after a loop: its visit is handed over (retried while pending), and the successor opens that same visit again, without a second acknowledgement', async () => {
    // Prepare: the draft was returned once, so the drafting step is at its second visit.
    const first = await play({
      machine: desk,
      answers: { 'official terima#1': () => decision('forward'), 'official telaah#1': () => decision('draft'), 'official setuju#1': () => decision('return') },
      // Its ladder all past: the clock sends every rung, then hands over (a limited step's clock does, after its last rung).
      deadlines: { 'step telaah#2': PAST },
      handOver: only('official telaah#2', 2),
    });
    // Assess: the predecessor ended (successfully) at the hand-over, with nothing decided at telaah#2.
    expect(first.journal.lines.slice(-3)).toEqual(['hand over official telaah#2: pending', 'hand over official telaah#2: pending', 'hand over official telaah#2']);
    const visit2 = first.journal.lines.slice(first.journal.lines.indexOf('deadlines step telaah#2'));
    expect(visit2.filter((l) => l.startsWith('notify'))).toEqual(['notify reminder telaah#2', 'notify escalation telaah#2 L1', 'notify reprimand telaah#2 L2']);
    expect(visit2).toContain('open official telaah#2');
    const { resume, input } = handedOver(first.outcomes);
    expect(resume).toEqual({ at: 'telaah', visits: expect.objectContaining({ terima: { n: 1 }, telaah: { n: 2 }, setuju: { n: 1 }, kirim: { n: 0 } }) });

    // Act: the successor, with the same decisions from there on.
    const next = await play({
      machine: desk, input, executionName: 'case-1-c2',
      answers: {
        'official telaah#2': () => decision('draft'), 'official setuju#2': () => decision('approve'), 'official kirim#1': () => decision('send'),
        'reporterReply kirim#1': () => feedback(true),
      },
    });
    // Assess: straight back into telaah's second visit; the loop's counters go on from there.
    expect(next.journal.lines).toEqual([
      'outcome started',
      'deadlines step telaah#2', 'open official telaah#2', 'outcome stepDone telaah#2 draft',
      'deadlines step setuju#2', 'open official setuju#2', 'outcome stepDone setuju#2 approve',
      'open official kirim#1', 'outcome stepDone kirim#1 send',
      'deadlines replyWindow kirim#1', 'open reporterReply kirim#1', 'outcome feedback kirim#1 satisfied',
      'notify closing',
    ]);
    expect(next.requests.find((r) => 'taskToken' in r)).toMatchObject({ executionId: expect.stringMatching(/:case-1-c2$/) });
  });

  test('inside a phase: the successor resumes the same phase visit (its clock goes on) at the step that was open', async () => {
    const first = await play({
      machine: routed,
      answers: { 'official verifikasi#1': () => decision('toInspectorate'), 'official apip-terima#1': () => decision('forward') },
      deadlines: { 'step apip-periksa#1': PAST },
      handOver: only('official apip-periksa#1'),
    });
    const { resume, input } = handedOver(first.outcomes);
    expect(resume).toMatchObject({ at: 'apip-periksa', visits: expect.objectContaining({ pengawasan: { n: 1 }, apip_periksa: { n: 1 } }) });
    expect(first.outcomes.map((o) => o.kind)).not.toContain('phaseDone');

    const next = await play({
      machine: routed, input, executionName: 'case-1-c2',
      answers: { 'official apip-periksa#1': () => decision('done'), 'official apip-jawab#1': () => decision('respond'), 'reporterReply apip-jawab#1': () => feedback(true) },
    });
    expect(next.journal.lines).toEqual([
      'outcome started',
      'deadlines phase pengawasan#1', 'deadlines step apip-periksa#1', 'open official apip-periksa#1', 'outcome stepDone apip-periksa#1 done',
      'open official apip-jawab#1', 'outcome stepDone apip-jawab#1 respond', 'outcome phaseDone pengawasan#1',
      'deadlines replyWindow apip-jawab#1', 'open reporterReply apip-jawab#1', 'outcome feedback apip-jawab#1 satisfied',
      'notify closing',
    ]);
  });

  const windows: { wait: string; answers: Scenario['answers']; slot: string; resume: Partial<ResumePoint>; then: Scenario['answers']; successor: string[] }[] = [
    {
      wait: "the reporter's reply window",
      answers: { 'official terima#1': () => decision('forward'), 'official telaah#1': () => decision('draft'), 'official setuju#1': () => decision('approve'), 'official kirim#1': () => decision('send') },
      slot: 'reporterReply kirim#1',
      resume: { at: 'reporter', answeredBy: 'kirim' },
      then: { 'reporterReply kirim#1': () => feedback(true) },
      successor: ['outcome started', 'deadlines replyWindow kirim#1', 'open reporterReply kirim#1', 'outcome feedback kirim#1 satisfied', 'notify closing'],
    },
    {
      wait: 'a question to the reporter',
      answers: { 'official terima#1': () => decision('ask') },
      slot: 'reporterAnswer terima#1',
      resume: { at: 'terima-ask' },
      then: { 'reporterAnswer terima#1': () => ({ satisfied: false, comment: 'jawaban', at: new Date().toISOString() }), 'official terima#2': () => decision('reject') },
      successor: ['outcome started', 'deadlines replyWindow terima#1', 'open reporterAnswer terima#1', 'outcome answered terima#1', 'deadlines step terima#2', 'open official terima#2', 'outcome stepDone terima#2 reject', 'outcome closed rejected', 'notify rejection'],
    },
  ];
  test.each(windows)('$wait that would outlast the execution is handed over before it opens, and the successor opens that same window', async ({ answers, slot, resume: expected, then, successor }) => {
    // The window ends its race itself: one that would end after the hand-over instant is handed over by its deadlines task.
    const window = `replyWindow ${slot.split(' ')[1]!}`;
    const first = await play({ machine: desk, answers, continueDue: [window], handOver: only(slot) });
    expect(first.journal.lines.slice(-2)).toEqual([`deadlines ${window}`, `hand over ${slot} before it begins`]);
    expect(first.journal.lines).not.toContain(`open ${slot}`);
    const { resume, input } = handedOver(first.outcomes);
    expect(resume).toMatchObject(expected);
    const next = await play({ machine: desk, input, executionName: 'case-1-c2', answers: then });
    expect(next.journal.lines).toEqual(successor);
  });

  test('a decision that arrives while the hand-over is pending ends the race as usual: the same execution goes on', async () => {
    const { journal, outcomes } = await play({
      machine: desk,
      answers: { 'official terima#1': async (j) => { await j.when('hand over official terima#1: pending'); return decision('reject'); } },
      deadlines: { 'step terima#1': PAST },
      handOver: (slot, attempt) => (slot === 'official terima#1' && attempt === 0 ? 'pending' : 'never'),
    });
    // The clock's rungs (sent before it reached the hand-over) aside, in the order the machine took them.
    expect(journal.lines.filter((l) => !/^notify (reminder|escalation|reprimand) /.test(l))).toEqual([
      'outcome started', 'deadlines step terima#1', 'notify acknowledgement', 'open official terima#1',
      'hand over official terima#1: pending', 'outcome stepDone terima#1 reject', 'outcome closed rejected', 'notify rejection',
    ]);
    expect(outcomes.map((o) => o.kind)).not.toContain('continueAsNew');
  });

  test('a visit whose ladder would outlast the hand-over instant is handed over before it begins: no task opens here, and the successor begins that visit', async () => {
    // Prepare: the draft was returned, and the drafting step's second visit would end its ladder after the hand-over instant.
    const first = await play({
      machine: desk,
      answers: { 'official terima#1': () => decision('forward'), 'official telaah#1': () => decision('draft'), 'official setuju#1': () => decision('return') },
      continueDue: ['step telaah#2'],
      handOver: only('official telaah#2'),
    });
    // Assess: the predecessor went no further than the deadlines of that visit, and handed it over without a task to hold.
    expect(first.journal.lines.slice(-2)).toEqual(['deadlines step telaah#2', 'hand over official telaah#2 before it begins']);
    expect(first.journal.lines).not.toContain('open official telaah#2');
    // The approval's record, which begins that visit, raised ContinueDue once the return was recorded; the visit's own deadlines task then handed it over.
    expect(first.journal.lines.slice(-4)).toEqual(['outcome stepDone setuju#1 return', 'deadlines step telaah#2', 'deadlines step telaah#2', 'hand over official telaah#2 before it begins']);
    const { resume, input } = handedOver(first.outcomes);
    expect(resume).toEqual({ at: 'telaah', visits: expect.objectContaining({ telaah: { n: 2 }, setuju: { n: 1 } }) });

    // Act: the successor takes the visit up as any other hand-over: uncounted, then counted by its deadlines.
    const next = await play({ machine: desk, input, executionName: 'case-1-c2', answers: {
      'official telaah#2': () => decision('draft'), 'official setuju#2': () => decision('approve'), 'official kirim#1': () => decision('send'), 'reporterReply kirim#1': () => feedback(true),
    } });
    expect(next.journal.lines.slice(0, 4)).toEqual(['outcome started', 'deadlines step telaah#2', 'open official telaah#2', 'outcome stepDone telaah#2 draft']);
  });
});

describe('a workflow function that keeps failing', () => {
  const machine = compileSop(getFixture('fixture-desk'));

  test('parks the case after its retries instead of failing the execution; resumed once fixed, the failed state runs again and the case goes on', async () => {
    // Prepare: computing deadlines fails (a table that is unreachable) until the test mends it: the first are Record start's.
    let broken = true;
    let deadlineCalls = 0;
    const parked: ParkRequest[] = [];
    const outcomes: string[] = [];
    let resume: ((output: unknown) => void) | undefined;
    let onParked!: () => void;
    const parkedNow = new Promise<void>((r) => { onParked = r; });
    const result = runMachine(machine, { caseId: 'case-1', sopId: 'fixture' }, {
      deadlines: (): Deadlines => {
        deadlineCalls++;
        if (broken) throw Object.assign(new Error('table unreachable'), { name: 'ProvisionedThroughputExceededException' });
        return deadlinesAt(3, IN_AN_HOUR);
      },
      task: async (req) => {
        const r = req as OpenTaskRequest | ParkRequest;
        if (r.kind === 'park') {
          parked.push(r);
          return new Promise((res) => { resume = res; onParked(); });
        }
        return decision('reject');
      },
      outcome: (req) => { outcomes.push(req.kind); },
    });

    // Act: let it fail.
    await parkedNow;
    await settle();

    // Assess: tried once and retried three times, then parked with the error's name (never its cause); nothing goes on meanwhile.
    // The first step's deadlines are computed by Record start, which begins its visit: that is the state parked.
    expect(deadlineCalls).toBe(4);
    expect(parked).toEqual([expect.objectContaining({ kind: 'park', state: 'Record start', error: 'ProvisionedThroughputExceededException', caseId: 'case-1' })]);
    expect(JSON.stringify(parked)).not.toContain('table unreachable');
    expect(outcomes).toEqual(['started', 'started', 'started', 'started']);

    // Act: the cause is fixed and an operator resumes the case.
    broken = false;
    resume!({ resumedAt: new Date().toISOString() });
    await result;

    // Assess: the failed state ran again, and the case went its way to the end.
    expect(deadlineCalls).toBe(5);
    expect(outcomes).toEqual(['started', 'started', 'started', 'started', 'started', 'stepDone', 'closed']);
  });
});

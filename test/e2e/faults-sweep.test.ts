/**
 * The repair sweep on the local runtime, through the real DynamoDB adapter: with half of SES calls
 * throttled (FAULTS=ses:0.5; about one email in eight still fails after the SDK's retries), some
 * new-task emails are refused at the task's opening. The task opens all the same; the sweep — the
 * runtime's, with the clock moved past its grace — finds the pending claims through the index and
 * sends each announcement once, with a link that opens the task.
 */
import { injectedFaults } from '../../functions/adapters/faults';
import { complaint, startTestRuntime, taskKeyIn, type TestRuntime } from '../support/runtime';

const TOTAL = 30;
const AGENCIES = [['dukcapil-mura', 'ktp-el'], ['kominfo-muara-enim', 'pelayanan-publik']] as const;

let rt: TestRuntime;
const saved = process.env.FAULTS;
beforeAll(async () => {
  process.env.FAULTS = 'ses:0.5';
  // The sweep runs when the test says (and once at start, on an empty table).
  rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z'), sweepIntervalMs: 0 });
}, 60_000);
afterAll(async () => {
  await rt?.dispose();
  if (saved === undefined) delete process.env.FAULTS;
  else process.env.FAULTS = saved;
});

test('new-task emails refused at the opening are sent by the sweep, once each, with links that open their tasks', async () => {
  // Prepare
  const trackingIds: string[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const [agencyId, category] = AGENCIES[i % AGENCIES.length]!;
    const res = await rt.call('POST', '/api/complaints', complaint(agencyId, category, { title: `Pengaduan sapuan ${i}` }), { 'idempotency-key': `faults-sweep-${i}` });
    expect(res.status).toBe(201);
    trackingIds.push(res.body.trackingId);
  }
  // Five minutes on: the state machines' retries of refused acknowledgements have run, so every
  // execution has opened its first task (still within the sweep's grace of ten minutes). The advance
  // settles first and fires the retries' backoffs in order (engine.waitForIdle would wait them out in real time).
  await rt.advance('PT5M');
  await rt.engine.waitForIdle();
  const newTasks = async () => (await rt.mail()).filter((m) => m.subject.startsWith('Tugas baru'));
  const opened = await Promise.all(trackingIds.map(async (id) => !!((await rt.call('GET', `/api/complaints/${id}`)).body as { currentStep: unknown }).currentStep));
  const refusedAtOpening = TOTAL - (await newTasks()).length;
  expect(opened.every(Boolean)).toBe(true);

  // Act: past the sweep's grace, a sweep; again while any announcement is missing (a sweep's own attempt may be refused).
  let finished = 0;
  for (let round = 0; round < 6; round++) {
    await rt.advance('PT6M');
    finished += ((await rt.sweep.runNow()) as { mailFinished: number }).mailFinished;
    await rt.engine.waitForIdle();
    if ((await newTasks()).length >= TOTAL) break;
  }

  // Assess: each task opened at once, announced exactly once; the sweep sent the ones the opening could not.
  const statuses = await Promise.all(trackingIds.map(async (id) => (await rt.call('GET', `/api/complaints/${id}`)).body as { currentStep: { id: string } | null }));
  expect(trackingIds.filter((_, i) => !statuses[i]!.currentStep)).toEqual([]);
  const mail = await newTasks();
  expect(trackingIds.map((id) => ({ id, copies: mail.filter((m) => m.subject.endsWith(id)).length })).filter((x) => x.copies !== 1)).toEqual([]);
  expect(finished).toBe(refusedAtOpening);
  for (const m of mail) {
    const view = await rt.call('GET', `/api/tasks/${taskKeyIn(m)}`);
    expect({ subject: m.subject, status: view.status, task: view.body?.task?.status }).toEqual({ subject: m.subject, status: 200, task: 'open' });
  }
  expect(injectedFaults.ses).toBeGreaterThan(TOTAL / 2);
  console.info(`faults and the sweep: ${TOTAL} complaints, ${injectedFaults.ses} SES faults; ${refusedAtOpening} announcements refused at the opening, ${finished} sent by the sweep`);
}, 180_000);

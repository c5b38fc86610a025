/**
 * A case nobody acts on for more than a year, on the local runtime: the ladder climbs to the Bupati
 * within days and the case then stays open; 360 days in, its execution hands over to a successor
 * (continue-as-new), so it never runs into Step Functions' one-year limit. Nothing is mailed twice,
 * the link mailed a year earlier still opens the task, and acting on it takes the case to closure.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCaseStore } from '../../functions/adapters/dynamo-case-store';
import { TABLE_NAME } from '../../infra/local/runtime';
import type { StoredMail } from '../../infra/local/ses';
import type { TaskView } from '../../shared/usecases/views';
import { actOnNewestTask, complaint, fill, replyKey, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
// Monday 23 November 2026, 09:00 WIB.
beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') }); });
afterAll(async () => { await rt.dispose(); });

/** The clock moved in steps of at most `step` days (each step fires every timer in it, in order). */
async function advanceDays(days: number, step = 60): Promise<void> {
  for (let left = days; left > 0; left -= step) await rt.advance(`P${Math.min(step, left)}D`);
}

const about = (trackingId: string) => (m: StoredMail) => m.subject.includes(trackingId);

test('a case left alone past a year is still open, its execution has handed over, nothing was mailed twice, and the year-old link takes it to closure', async () => {
  // Prepare: a library complaint; its first step's task is mailed to the staff officer.
  const filed = await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan'));
  expect(filed.status).toBe(201);
  const trackingId = filed.body.trackingId as string;
  await rt.engine.waitForIdle();
  const [taskKey] = await rt.taskKeys();
  const [first] = rt.engine.runningExecutions();
  const caseId = first!.slice(first!.lastIndexOf(':') + 1);
  const store = new DynamoCaseStore(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB, region: 'ap-southeast-3', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }), TABLE_NAME);

  // Act: 359 days pass; the ladder climbs and the case waits.
  await advanceDays(359);
  const before = (await rt.mail()).filter(about(trackingId));
  // Assess: still the first execution, the ladder climbed to the Bupati.
  expect(rt.engine.describeExecution(first!).status).toBe('RUNNING');
  expect(before.filter((m) => m.subject.startsWith('Eskalasi')).length).toBe(3);

  // Act: past the year.
  await advanceDays(11, 5);

  // Assess: handed over — the first execution succeeded, its successor runs and the case follows it.
  const successor = `${first}-c2`;
  expect(rt.engine.describeExecution(first!).status).toBe('SUCCEEDED');
  expect(rt.engine.describeExecution(successor).status).toBe('RUNNING');
  // Beside it, only the reports' review chains, waiting for their reviewers (nobody reviews here).
  expect(rt.engine.runningExecutions().filter((arn) => !arn.includes('-review:'))).toEqual([successor]);
  expect((await store.getCase(caseId))!.executionArn).toBe(successor);
  const status = await rt.call('GET', `/api/complaints/${trackingId}`);
  expect(status.body).toMatchObject({ status: 'in_progress', currentStep: { id: 'catat' } });
  // Nothing about the case was mailed again (the successor re-entered the same visit: same task, same claims).
  const after = (await rt.mail()).filter(about(trackingId));
  expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
  const sent = after.map((m) => `${m.to.join(',')} ${m.subject}`);
  expect(sent.length).toBe(new Set(sent).size);
  expect(await rt.taskKeys()).toEqual([taskKey]);

  // Act: the staff officer opens the link mailed a year ago and takes the normal path.
  const view = await rt.call('GET', `/api/tasks/${taskKey}`);
  expect(view.status).toBe(200);
  const task = view.body as TaskView;
  expect(task.task).toMatchObject({ stepId: 'catat', visit: 1, status: 'open' });
  const acted = await rt.call('POST', `/api/tasks/${taskKey}`, fill(task.actions[0]!));
  expect(acted.status).toBe(200);
  await rt.engine.waitForIdle();
  // Then the next steps, and the reporter rates the answer.
  for (let i = 0; i < 5 && (await rt.call('GET', `/api/complaints/${trackingId}`)).body.status !== 'resolved'; i++) await actOnNewestTask(rt);
  const rated = await rt.call('POST', `/api/complaints/${trackingId}/feedback`, { key: await replyKey(rt), satisfied: true, rating: 4 });
  expect(rated.status).toBe(200);
  await rt.engine.waitForIdle();

  // Assess: closed by the successor; the first step is the one decided through the year-old link.
  expect((await rt.call('GET', `/api/complaints/${trackingId}`)).body).toMatchObject({ status: 'closed', rating: 4 });
  expect(rt.engine.describeExecution(successor).status).toBe('SUCCEEDED');
  const events = await store.listEvents(caseId);
  expect(events.filter((e) => e.type === 'step_completed').map((e) => [e.stepId, e.visit])).toEqual([['catat', 1], ['periksa', 1], ['solusi', 1]]);
  expect(events.filter((e) => e.type === 'workflow_continued')).toEqual([expect.objectContaining({ data: { from: first, to: successor, at: 'catat' } })]);
  // A year of the clock: besides the case, twelve monthly recaps and four P4 reports open their review chains (their files built, reviewers reminded): minutes on a loaded machine.
}, 240_000);

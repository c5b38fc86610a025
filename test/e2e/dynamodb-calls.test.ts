/**
 * What one complaint costs in DynamoDB calls, counted on the local runtime from the POST to its first
 * task opened and announced (the acknowledgement, the first step's deadlines): a figure of issue 12
 * (it was 28, 18 of them PutItem; then 25; 17 once intake's key lived in the tracking lookup, the
 * first event and the start's in the case item, an email's event on its claim, and a step's deadlines
 * were remembered without reading the case; 14 since the case is its tracking id's record, a task's
 * key names its task, so neither has a lookup item, and the first step's `step_opened` is written with
 * the case's picture; 13 since the task function reads its assignee's suppression entry with the case,
 * one BatchGetItem; 12 since Record start remembers the first visit's deadlines in the write that
 * records the start), held here so that a change that adds calls is seen. A batch counts as one call (it
 * is one request; DynamoDB bills each item of it, as the cost bench does).
 * Counted by operation with an SDK middleware on the handlers' one DynamoDB client
 * (test/support/dynamo-calls.ts).
 *
 * The 12: intake 2 (the acknowledgement quota; the case with its first event, which is also the
 * tracking id's and the key's record); started 1 (one UpdateItem: the execution's start, its event and
 * the first visit's deadlines with their due fields); acknowledgement 4 (the case, the claim, the
 * suppression list, sent with its event); first task 5 (the
 * case with the suppression entry of the step's assignee — one person whatever the case, so known
 * before the case is read —, the claim, the task with its located key, the case's update with its
 * `step_opened`, sent with its event).
 */
import { dynamoClient } from '../../functions/adapters/clients';
import { countDynamoCalls } from '../support/dynamo-calls';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
});
afterAll(async () => {
  await rt?.dispose();
});

test('a complaint with its first steps (acknowledgement, deadlines, first task and its email) takes 12 DynamoDB calls', async () => {
  // A first complaint warms the caches (the directory) as a running service has them.
  expect((await rt.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan'), { 'idempotency-key': 'calls-warm-0001' })).status).toBe(201);
  await rt.engine.waitForIdle();

  // The directory's pointer is read once per cache period (DIRECTORY_CACHE_SECONDS), whenever that falls: not counted.
  const mailBefore = (await rt.mail()).length;
  const calls = countDynamoCalls(dynamoClient(), 'callsTest', (input) => input.Key?.pk?.S === 'DIRECTORY');
  try {
    const filed = await rt.call('POST', '/api/complaints', { ...complaint('perpus-muba', 'layanan'), title: 'Ruang baca tutup tanpa pemberitahuan' }, { 'idempotency-key': 'calls-test-0001' });
    expect(filed.status).toBe(201);
    await rt.engine.waitForIdle();
  } finally {
    calls.stop();
  }
  // Both first steps really ran: the reporter's acknowledgement and the first task's email.
  const mail = (await rt.mail()).slice(mailBefore);
  expect(mail).toHaveLength(2);
  expect(mail.filter((m) => /^(Tugas baru|New task):/.test(m.subject))).toHaveLength(1);
  expect(Object.fromEntries(calls.byOperation)).toEqual({ PutItem: 4, UpdateItem: 5, GetItem: 2, BatchGetItem: 1 });
  expect(calls.total()).toBe(12);
  // No Query: no step reads the case's history before writing its event (once-keyed events are conditional writes).
  expect(calls.byOperation.has('Query')).toBe(false);
});

/**
 * Mail that does not arrive, end to end on the local runtime: the local SES behaves like SES's
 * mailbox simulator (a message to bounce@simulator.amazonses.com bounces permanently), its event
 * reaches the mail-events handler as EventBridge delivers it on AWS, the bounce is recorded on the
 * case without the address, the address is suppressed, and the next email to it is not sent.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoSuppressionList } from '../../functions/adapters/dynamo-suppressions';
import { addressHash } from '../../shared/usecases/mail-events';
import { actOnCaseTask, file, storedCase } from '../support/ladder';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

const BOUNCES = 'bounce@simulator.amazonses.com';
let rt: TestRuntime;

beforeAll(async () => { rt = await startTestRuntime({ clockStart: new Date('2026-11-23T09:00:00+07:00') }); });
afterAll(async () => { await rt.dispose(); });

/** Polls until `probe` holds (SES publishes its events after it has answered the send). */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

test('a reporter address that bounces is recorded on the case without the address, suppressed, and not mailed again', async () => {
  // Prepare and act: a complaint whose reporter address bounces; SES accepts the acknowledgement, then bounces it.
  const trackingId = await file(rt, complaint('kominfo-muara-enim', 'pelayanan-publik', { reporter: { name: 'Siti', email: BOUNCES } }));
  const bounced = await eventually(async () => (await storedCase(trackingId)).events.find((e) => e.type === 'mail_bounced'), 'the bounce recorded on the case');

  // Assess: the event names the template and the reporter by role, never the address.
  expect(bounced).toMatchObject({ actor: { kind: 'system' }, data: { template: 'acknowledgement', recipient: 'reporter', suppressed: true, bounceType: 'Permanent' } });
  expect(JSON.stringify(bounced)).not.toContain('simulator');
  const suppressions = new DynamoSuppressionList(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }), process.env.TABLE_NAME!);
  expect(await suppressions.get(addressHash(BOUNCES))).toMatchObject({ reason: 'bounce', bounceType: 'Permanent' });
  // The events of the message carried its case: the acknowledgement's tags.
  const toReporter = () => rt.mail().then((all) => all.filter((m) => m.to.includes(BOUNCES)));
  expect((await toReporter()).map((m) => m.subject)).toEqual([expect.stringContaining(trackingId)]);

  // Act: the officer rejects the complaint, which would tell the reporter; let notify's retries run.
  // (A reason with quotes or backslashes breaks the decision's trip through the race on the local engine: h-text's issue.)
  await actOnCaseTask(rt, trackingId, () => ({ action: 'reject', fields: { reason: 'Bukan kewenangan instansi ini.' } }));
  await rt.advance('PT15M');
  await rt.engine.waitForIdle();

  // Assess: nothing more went to the bounced address; each attempt is recorded as refused; the case closed all the same.
  expect(await toReporter()).toHaveLength(1);
  const { record, events } = await storedCase(trackingId);
  const refused = events.filter((e) => e.type === 'email_failed');
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((e) => e.data?.template === 'rejection' && e.data?.errorName === 'RecipientSuppressed')).toBe(true);
  expect(record.status).toBe('rejected');
  expect(events.filter((e) => e.type === 'email_sent').map((e) => e.data?.template)).not.toContain('rejection');
});

test('the operator\'s resume command on the local runtime: a case with nothing parked resumes nothing; an unknown one is 404; a bad body 400', async () => {
  const trackingId = await file(rt, complaint('perpus-muba', 'layanan'));
  expect(await rt.call('POST', '/_local/sweep', { resume: trackingId })).toMatchObject({ status: 200, body: { resumed: [] } });
  expect((await rt.call('POST', '/_local/sweep', { resume: 'TGP-0000-0000-0' })).status).toBe(404);
  expect((await rt.call('POST', '/_local/sweep', { nothing: true })).status).toBe(400);
});

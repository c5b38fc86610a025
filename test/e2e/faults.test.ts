/**
 * Chaos on the local runtime: with FAULTS=dynamodb:0.2,ses:0.2, a fifth of the handlers' DynamoDB
 * and SES calls fail with the service's throttling error (the SDK retries them; what still fails
 * reaches the handlers, the state machines and the clients). The clients retry their submissions on
 * 5xx and 429 with their Idempotency-Keys, as a browser would. No complaint is lost or stuck: each is
 * one case whose first task is open and announced to its official — by the handler, or by the
 * repair sweep for an announcement that failed — and acknowledged once.
 */
import { injectedFaults } from '../../functions/adapters/faults';
import type { StoredMail } from '../../infra/local/ses';
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

const TOTAL = 40;
/** Agencies whose first step has no deadline within the quarter hour the clock is moved (no ladder mail meanwhile). */
const AGENCIES = [['dukcapil-mura', 'ktp-el'], ['kominfo-muara-enim', 'pelayanan-publik']] as const;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let rt: TestRuntime;
const saved = process.env.FAULTS;
beforeAll(async () => {
  process.env.FAULTS = 'dynamodb:0.2,ses:0.2';
  rt = await startTestRuntime({ clockStart: new Date('2026-11-23T02:00:00Z') });
}, 60_000);
afterAll(async () => {
  await rt?.dispose();
  if (saved === undefined) delete process.env.FAULTS;
  else process.env.FAULTS = saved;
});

test('with 20 % of DynamoDB and SES calls failing, every complaint ends as one case with its first task open and announced', async () => {
  // Act: file the complaints, each retried on 5xx and 429 with its key.
  let retries = 0;
  const file = async (i: number): Promise<string> => {
    const [agencyId, category] = AGENCIES[i % AGENCIES.length]!;
    const body = complaint(agencyId, category, { title: `Pengaduan uji gangguan ${i}`, reporter: { name: `Warga ${i}`, email: `warga${i}@example.com` } });
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await rt.call('POST', '/api/complaints', body, { 'idempotency-key': `faults-${i}` });
      if (res.status === 201) return res.body.trackingId as string;
      if (res.status !== 429 && res.status < 500) throw new Error(`submission ${i}: ${res.status} ${res.text}`);
      retries++;
      await pause(100);
    }
    throw new Error(`submission ${i} never answered 201`);
  };
  const trackingIds: string[] = [];
  for (let k = 0; k < TOTAL; k += 10) trackingIds.push(...await Promise.all(Array.from({ length: Math.min(10, TOTAL - k) }, (_, j) => file(k + j))));
  // Past the sweep's grace (and every retry timer of the state machines, fired in order by the
  // advance, which settles first: no real-time wait for a backoff), then the sweep.
  await rt.advance('PT15M');
  await rt.sweep.runNow();
  await rt.engine.waitForIdle();

  // Assess: one case per complaint, at its first step, announced once, acknowledged once.
  expect(new Set(trackingIds).size).toBe(TOTAL);
  const statuses = await Promise.all(trackingIds.map(async (id) => (await rt.call('GET', `/api/complaints/${id}`)).body as { currentStep: { id: string } | null }));
  expect(trackingIds.filter((_, i) => !statuses[i]!.currentStep)).toEqual([]);
  const mail: StoredMail[] = await rt.mail();
  const count = (id: string, prefix: string) => mail.filter((m) => m.subject.startsWith(prefix) && m.subject.includes(id)).length;
  expect(trackingIds.filter((id) => count(id, 'Tugas baru') !== 1)).toEqual([]);
  expect(trackingIds.filter((id) => count(id, 'Pengaduan diterima') !== 1)).toEqual([]);
  // The faults did happen, to both services (the handlers run in this process: the same module).
  expect(injectedFaults.dynamodb).toBeGreaterThan(50);
  expect(injectedFaults.ses).toBeGreaterThan(TOTAL / 10);
  console.info(`faults: ${TOTAL} complaints; injected ${injectedFaults.dynamodb} DynamoDB and ${injectedFaults.ses} SES faults; ${retries} client retries; ${mail.length} emails`);
}, 180_000);

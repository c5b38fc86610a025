/**
 * The local front's per-client rate limits on POST /api/complaints and POST /masuk, turned on (the
 * test runtime has them off, as other tests file hundreds of complaints from loopback). One runtime
 * for the file: the handler modules keep their clients for the process, as a Lambda container does.
 */
import { complaint, startTestRuntime, type TestRuntime } from '../support/runtime';

let limited: TestRuntime;
beforeAll(async () => { limited = await startTestRuntime({ complaintRateLimit: { max: 2, windowMs: 60 * 60_000 }, signInRateLimit: { max: 2, windowMs: 60 * 60_000 } }); }, 60_000);
afterAll(async () => { await limited?.dispose(); });

test('with a rate limit on, a client over it gets 429 with Retry-After; nothing of the refused complaint is stored', async () => {
  {
    const post = () => limited.call('POST', '/api/complaints', complaint('perpus-muba', 'layanan'));
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(refused.body.messages).toEqual({ id: expect.stringContaining('Terlalu banyak pengaduan'), en: expect.stringContaining('Too many complaints') });
    await limited.engine.waitForIdle();
    expect((await limited.mail()).filter((m) => m.subject.startsWith('Tugas baru'))).toHaveLength(2);
    // Reading is not limited.
    expect((await limited.call('GET', '/api/agencies')).status).toBe(200);
  }
});

test('upload targets are limited per client like complaints (3 per complaint of the budget), with their own bucket', async () => {
  const post = () => limited.call('POST', '/api/uploads', { contentType: 'image/png' });
  for (let i = 0; i < 6; i++) expect((await post()).status).toBe(201);
  const refused = await post();
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
  expect(refused.body.messages).toEqual({ id: expect.stringContaining('Terlalu banyak unggahan lampiran'), en: expect.stringContaining('Too many attachment uploads') });
});

test('sign-in link requests are limited per client too: over the limit, 429 before any handler runs, and no email', async () => {
  {
    const post = () => limited.call('POST', '/masuk', 'email=staf.layanan%40perpus.musitanggap.example.go.id', { 'content-type': 'application/x-www-form-urlencoded', origin: limited.url });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(refused.body.messages).toEqual({ id: expect.stringContaining('Terlalu banyak permintaan tautan masuk'), en: expect.stringContaining('Too many sign-in link requests') });
    expect((await limited.mail()).filter((m) => m.subject === 'Tautan masuk Tanggap')).toHaveLength(2);
    // Each limit is its own: reading the sign-in page is not limited.
    expect((await limited.call('GET', '/masuk')).status).toBe(200);
  }
});

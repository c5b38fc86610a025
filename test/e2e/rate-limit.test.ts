/**
 * The local front's per-client rate limit on POST /api/complaints, turned on (the test runtime has it
 * off, as other tests file hundreds of complaints from loopback).
 */
import { complaint, startTestRuntime } from '../support/runtime';

test('with a rate limit on, a client over it gets 429 with Retry-After; nothing of the refused complaint is stored', async () => {
  const limited = await startTestRuntime({ complaintRateLimit: { max: 2, windowMs: 60 * 60_000 } });
  try {
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
  } finally {
    await limited.dispose();
  }
});

/**
 * The runtime binds its port before its handlers can load (their PUBLIC_URL names the port): a
 * request in between is answered at once with 503 and Retry-After, never left hanging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../../infra/local/runtime';

test('a request that arrives while the runtime starts is answered 503 with Retry-After, not left hanging', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tanggap-starting-'));
  let during: { status: number; retryAfter: string | null; body: any } | undefined;
  const runtime = await startRuntime({
    port: 0, dataDir, complaintRateLimit: 'off', log: () => undefined,
    // Startup waits for this: the handlers cannot be attached while the request is in flight.
    onListening: async (url) => {
      const res = await fetch(`${url}/api/agencies`, { signal: AbortSignal.timeout(5_000) });
      during = { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    },
  });
  try {
    expect(during).toEqual({ status: 503, retryAfter: '1', body: expect.objectContaining({ error: 'starting', messages: { id: expect.stringContaining('sedang dinyalakan'), en: expect.stringContaining('starting') } }) });
    expect((await fetch(`${runtime.url}/api/agencies`)).status).toBe(200);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

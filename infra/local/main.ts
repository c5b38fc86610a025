/**
 * `npm start`: the whole system on 127.0.0.1, persisted under DATA_DIR, on local stand-ins.
 * PORT (default 3000), DATA_DIR (default .data), CLOCK_START (optional ISO instant, first start only),
 * COMPLAINT_RATE_LIMIT (complaints per client, e.g. `20/10m`, the default, or `off`), SIGNIN_RATE_LIMIT
 * (sign-in link requests per client, `10/10m` by default, or `off`).
 */
import { parseRateLimit } from './http-front';
import { startRuntime } from './runtime';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  const clockStart = process.env.CLOCK_START ? new Date(process.env.CLOCK_START) : undefined;
  if (clockStart && Number.isNaN(clockStart.getTime())) throw new Error(`CLOCK_START must be an ISO 8601 instant, got "${process.env.CLOCK_START}"`);
  const rateLimit = process.env.COMPLAINT_RATE_LIMIT;
  const complaintRateLimit = rateLimit === undefined ? undefined : parseRateLimit(rateLimit) ?? 'off';
  const signIn = process.env.SIGNIN_RATE_LIMIT;
  const signInRateLimit = signIn === undefined ? undefined : parseRateLimit(signIn) ?? 'off';
  const runtime = await startRuntime({ port, dataDir: process.env.DATA_DIR ?? '.data', clockStart, complaintRateLimit, signInRateLimit });
  console.log([
    `Tanggap is running (data in ${process.env.DATA_DIR ?? '.data'}):`,
    `  complaint form  ${runtime.url}/`,
    `  officials       ${runtime.url}/masuk   (sign in by email; then "Tugas saya" at /tugas)`,
    `  mailbox         ${runtime.url}/_local/mailbox`,
    `  API             ${runtime.url}/api/agencies`,
    `  clock           ${runtime.url}/_local/clock   (POST {"advance":"P3D"} to move it forward)`,
    `  directory       ${runtime.url}/_local/directory   (npm run directory -- import <file.json> to change it)`,
    'Press Ctrl-C to stop.',
  ].join('\n'));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void runtime.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

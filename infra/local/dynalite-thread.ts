/**
 * The body of the thread that runs dynalite for the local runtime (see `startDynalite` in
 * ./dynalite.ts): its HTTP server, request parsing, item validation and LevelDB (classic-level)
 * calls, on the machine's second CPU rather than on the thread of the handlers and the engine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { createDynalite } from './dynalite';

const { path } = workerData as { path: string };
const port = parentPort!;
const server = createDynalite(path);
server.listen(0, '127.0.0.1', () => port.postMessage({ listening: (server.address() as AddressInfo).port }));
server.on('error', (err) => port.postMessage({ error: err.message }));
port.on('message', (message: unknown) => {
  if (message !== 'close') return;
  server.closeAllConnections();
  // dynalite's close closes its LevelDB too; then nothing is left and the thread ends.
  server.close(() => {
    port.postMessage({ closed: true });
    port.close();
  });
});

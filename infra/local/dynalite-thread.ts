/**
 * The body of the thread that runs dynalite for the local runtime (see `startDynalite` in
 * ./dynalite.ts): its HTTP server, request parsing, item validation and LevelDB (classic-level)
 * calls, on the machine's second CPU rather than on the thread of the handlers and the engine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { createDynalite } from './dynalite';

const { path } = workerData as { path: string };
const port = parentPort!;
const server = createDynalite(path);
server.listen(0, '127.0.0.1', () => port.postMessage({ listening: (server.address() as AddressInfo).port }));
server.on('error', (err) => port.postMessage({ error: err.message }));
port.on('message', (message: unknown) => {
  // The thread's own heap, for the memory bench (process.memoryUsage in a worker reports its isolate's heap).
  if (message === 'stats') return port.postMessage({ stats: { ...process.memoryUsage(), ...getHeapStatistics() } });
  if (message !== 'close') return;
  server.closeAllConnections();
  // dynalite's close closes its LevelDB too; then nothing is left and the thread ends.
  server.close(() => {
    port.postMessage({ closed: true });
    port.close();
  });
});

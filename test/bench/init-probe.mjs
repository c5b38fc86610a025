// Imports one bundle as Lambda's runtime does and prints how long the import took, in ms: the wall
// time, then the CPU time of the process meanwhile (user + system, all threads). On a loaded machine
// the wall time mostly measures the wait for a CPU; the CPU time is the work the import did.
import { pathToFileURL } from 'node:url';

const t0 = performance.now();
const c0 = process.cpuUsage();
await import(pathToFileURL(process.argv[2]).href);
const cpu = process.cpuUsage(c0);
process.stdout.write(`${performance.now() - t0} ${(cpu.user + cpu.system) / 1000}`);

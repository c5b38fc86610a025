// Imports one bundle as Lambda's runtime does and prints how long the import took, in ms.
import { pathToFileURL } from 'node:url';

const t0 = performance.now();
await import(pathToFileURL(process.argv[2]).href);
process.stdout.write(String(performance.now() - t0));

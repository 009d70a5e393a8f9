import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import type { AnySchema, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { writeFileAtomic } from '../atomic.js';

// Compiling the study schema takes about 80 ms of CPU, paid by every CLI command that discovers
// plugins (`labbench list` included). ajv's standalone code of a compiled validator is plain
// CommonJS that loads in about 3 ms, so the first compile writes it to node_modules/.cache and
// later processes require it. The file name holds a hash of the schema, the ajv version and the
// options, so an edited schema compiles afresh and never meets a stale validator; any failure to
// read or write the cache falls back to compiling (a read-only install just stays slower).

const require = createRequire(import.meta.url);
/** Bump when the way validators are generated changes. */
const LAYOUT = 1;

/** The folder of cached validators: beside ajv's node_modules, so their require('ajv/...') resolve. */
export function validatorCacheDir(): string | undefined {
  if (process.env.LABBENCH_SCHEMA_CACHE === '0') return undefined;
  try {
    const ajvMain = require.resolve('ajv');
    const modules = ajvMain.slice(0, ajvMain.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules`.length);
    return join(modules, '.cache', 'labbench-validators');
  } catch {
    return undefined;
  }
}

/** The cache file of a schema under an ajv instance (its version and options are part of the key). */
export function validatorCacheFile(dir: string, name: string, ajv: Ajv2020, schema: AnySchema): string {
  const { version } = require('ajv/package.json') as { version: string };
  // plain option values as they are; objects (code, uriResolver: circular) by their keys
  const options = Object.entries(ajv.opts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, typeof v === 'object' && v !== null ? Object.keys(v).sort() : typeof v === 'function' ? String(v) : v]);
  const key = createHash('sha256')
    .update(JSON.stringify({ LAYOUT, version, options, formats: Object.keys(ajv.formats).sort(), schema }))
    .digest('hex')
    .slice(0, 24);
  return join(dir, `${name}-${key}.cjs`);
}

/**
 * The validator of `schema`: loaded from the cache when it holds one for exactly this schema and
 * ajv, else compiled with `ajv` (which must have `code: { source: true }`) and written there.
 */
export function cachedValidator(name: string, ajv: Ajv2020, schema: AnySchema, dir = validatorCacheDir()): ValidateFunction {
  const file = dir === undefined ? undefined : validatorCacheFile(dir, name, ajv, schema);
  if (file && existsSync(file)) {
    try {
      const loaded = require(file) as ValidateFunction;
      if (typeof loaded === 'function') return loaded;
    } catch {
      // unreadable or corrupt: compile below and overwrite it
    }
  }
  const validate = ajv.compile(schema);
  if (file) {
    try {
      const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: Ajv2020, validate: ValidateFunction) => string }).default;
      writeFileAtomic(file, standaloneCode(ajv, validate));
    } catch {
      // a read-only or full disk only costs the compile next time
    }
  }
  return validate;
}

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import type { AnySchema, Options, ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { writeFileAtomic } from '../atomic.js';

// Compiling the study schema takes about 80 ms of CPU, paid by every CLI command that discovers
// plugins (`labbench list` included), and loading ajv another 40. ajv's standalone code of a
// compiled validator is plain CommonJS that loads in about 3 ms, so the first compile writes it
// to node_modules/.cache and later processes require it without loading ajv. The file name holds
// a hash of the schema, the ajv and ajv-formats versions and the options, so an edited schema
// compiles afresh and never meets a stale validator; any failure to read or write the cache
// falls back to compiling (a read-only install just stays slower).

const require = createRequire(import.meta.url);
/** Bump when the way validators are generated changes. */
const LAYOUT = 1;

/**
 * A new ajv for JSON Schema draft 2020-12, loaded on first use (with require(): an import of its
 * CommonJS costs more). `formats` adds ajv-formats; `source` keeps the code for the cache.
 */
export function newAjv(options: Options, { formats = false, source = false } = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv({ ...options, ...(source ? { code: { source: true } } : {}) });
  if (formats) {
    const plugin = require('ajv-formats') as { default?: (ajv: Ajv2020) => void } & ((ajv: Ajv2020) => void);
    (plugin.default ?? plugin)(ajv);
  }
  return ajv;
}

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

const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

/** The cache file of a schema compiled with `options` (and ajv-formats). */
export function validatorCacheFile(dir: string, name: string, schema: AnySchema, options: Options): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ LAYOUT, ajv: versionOf('ajv'), formats: versionOf('ajv-formats'), options, schema }))
    .digest('hex')
    .slice(0, 24);
  return join(dir, `${name}-${key}.cjs`);
}

/**
 * The validator of `schema` under `options` with ajv-formats: loaded from the cache when it holds
 * one for exactly this schema, options and versions, else compiled and written there.
 */
export function cachedValidator(name: string, schema: AnySchema, options: Options, dir = validatorCacheDir()): ValidateFunction {
  const file = dir === undefined ? undefined : validatorCacheFile(dir, name, schema, options);
  if (file && existsSync(file)) {
    try {
      const loaded = require(file) as ValidateFunction;
      if (typeof loaded === 'function') return loaded;
    } catch {
      // unreadable or corrupt: compile below and overwrite it
    }
  }
  const ajv = newAjv(options, { formats: true, source: file !== undefined });
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

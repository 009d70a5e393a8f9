import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, PROFILES, getProfile } from '../src/index.js';

test('getProfile: every named profile resolves to itself; Object.prototype names are unknown profiles (exit 2)', () => {
  for (const name of Object.keys(PROFILES)) assert.equal(getProfile(name).name, name);
  for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
    assert.throws(() => getProfile(name), (e: unknown) => e instanceof ConfigError && e.exitCode === 2 && /unknown profile/.test(e.message), name);
  }
});

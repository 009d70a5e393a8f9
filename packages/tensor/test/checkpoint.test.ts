import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecoderLM, decoderDefaults, initBackend, loadVariables, saveVariables } from '../src/index.js';

const build = (seed: number) => new DecoderLM({ ...decoderDefaults, dModel: 8, layers: 1, heads: 2, ffnHidden: 8, seqLen: 8 }, { vocabSize: 20, seqLen: 8, seed });

test('checkpoint: save then load restores every weight bit for bit', async () => {
  await initBackend('cpu');
  const path = join(mkdtempSync(join(tmpdir(), 'labbench-ckpt-')), 'm.ckpt');
  const a = build(1);
  const b = build(2);
  saveVariables(a.variables, path);
  loadVariables(b.variables, path);
  a.variables.forEach((v, i) => assert.deepEqual(Array.from(b.variables[i].dataSync()), Array.from(v.dataSync())));
  a.dispose(); b.dispose();
});

test('checkpoint: a flipped byte is detected by the checksum', async () => {
  await initBackend('cpu');
  const path = join(mkdtempSync(join(tmpdir(), 'labbench-ckpt-')), 'm.ckpt');
  const a = build(1);
  saveVariables(a.variables, path);
  const bytes = readFileSync(path);
  bytes[bytes.length - 3] ^= 0xff;
  writeFileSync(path, bytes);
  assert.throws(() => loadVariables(a.variables, path), /checksum mismatch/);
  a.dispose();
});

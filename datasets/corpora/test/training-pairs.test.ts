import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, PAIR_SEPARATORS } from '@labbench/core';
import { createDataProvider } from '../src/index.js';
import { emailCorpus } from '../src/corpora.js';
import { allEmailPairs, buildTrainingPairs, pairDocument } from '../src/pairs/training-pairs.js';
import { buildEmailDialogue } from '../src/sets/dialogue-email.js';
import { splitOf } from '../src/text/split.js';

const provider = createDataProvider();
const chars = (p: { turns: readonly string[]; response: string }) => p.turns.reduce((n, t) => n + t.length, 0) + p.response.length;

test('trainingPairs: every pair comes from a training-split thread, and no thread of the e-mail evaluation sets', async () => {
  const pairs = allEmailPairs();
  assert.ok(pairs.length > 1000, `only ${pairs.length} pairs`);
  for (const p of pairs) assert.equal(splitOf('email', p.threadId), 'train', p.threadId);
  const heldOut = new Set(buildEmailDialogue('random').map((item) => item.threadId));
  assert.ok(heldOut.size > 50);
  assert.equal(pairs.filter((p) => heldOut.has(p.threadId)).length, 0);
  const trainThreads = new Set(emailCorpus().filter((m) => m.split === 'train').map((m) => m.thread));
  assert.ok(pairs.every((p) => trainThreads.has(p.threadId)));
});

test('trainingPairs: deterministic per seed, capped by maxChars, a different order for another seed', async () => {
  const options = { source: 'email', maxChars: 50_000, seed: 1 };
  const a = await provider.trainingPairs!(options);
  assert.deepEqual(await provider.trainingPairs!(options), a);
  const used = a.reduce((n, p) => n + chars(p), 0);
  assert.ok(used <= 50_000 && used > 45_000, String(used));
  assert.notDeepEqual((await provider.trainingPairs!({ ...options, seed: 2 })).map((p) => p.response), a.map((p) => p.response));
});

test('trainingPairs: a response is the reply\'s own new text, not a copy of its context', () => {
  const pairs = allEmailPairs();
  const copied = pairs.filter((p) => p.turns.some((t) => t.includes(p.response) || p.response.includes(t)));
  assert.ok(copied.length <= pairs.length * 0.01, `${copied.length} of ${pairs.length} responses repeat their context`);
});

test('trainingPairs: an unknown source or a bad budget is a ConfigError', () => {
  assert.throws(() => buildTrainingPairs({ source: 'irc', maxChars: 100, seed: 0 }), (e: unknown) => e instanceof ConfigError && /Known: email/.test(e.message));
  assert.throws(() => buildTrainingPairs({ source: 'email', maxChars: 0, seed: 0 }), ConfigError);
});

test('trainingText(email-pairs): one document per pair, the same pairs as trainingPairs, one response separator each', async () => {
  const options = { mixture: 'email-pairs', maxChars: 30_000, seed: 0 };
  const docs = await provider.trainingText(options);
  const pairs = await provider.trainingPairs!({ source: 'email', maxChars: 30_000, seed: 0 });
  assert.deepEqual(docs, pairs.map(pairDocument));
  for (const d of docs) assert.equal(d.split(PAIR_SEPARATORS.response).length, 2);
  assert.match(await provider.hash(options), /^[0-9a-f]{64}$/);
  assert.notEqual(await provider.hash(options), await provider.hash({ ...options, seed: 1 }));
});

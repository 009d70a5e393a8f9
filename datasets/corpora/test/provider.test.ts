import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, hashJson } from '@labbench/core';
import { createDataProvider, datasetsList, MIXTURES, PAIR_MIXTURES, SETS } from '../src/index.js';
import { corpus } from '../src/corpora.js';
import { createMemoryDataProvider } from '../src/testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'corpora-provider-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const provider = createDataProvider({ cacheDir: dir });
const total = (texts: readonly string[]): number => texts.reduce((a, t) => a + t.length, 0);
const trainText = ['brown', 'sotu', 'moby', 'email'].map((s) => corpus(s as 'brown').filter((d) => d.split === 'train').map((d) => d.text).join('\u0000')).join('\u0000');

test('trainingText: deterministic for a seed, capped by maxChars, and made only of training text', async () => {
  const options = { mixture: 'default', maxChars: 60_000, seed: 3 };
  const a = await provider.trainingText(options);
  assert.deepEqual(await provider.trainingText(options), a);
  assert.ok(total(a) <= 60_000 && total(a) > 55_000, String(total(a)));
  for (const piece of a) assert.ok(trainText.includes(piece), `not training text: ${piece.slice(0, 80)}`);
  assert.notDeepEqual(await provider.trainingText({ ...options, seed: 4 }), a);
});

test('trainingText: each source contributes its weight of the characters', async () => {
  const texts = await provider.trainingText({ mixture: 'brown15-sotu70-email15', maxChars: 1_000_000, seed: 0 });
  const sotu = corpus('sotu').filter((d) => d.split === 'train').map((d) => d.text).join('\u0000');
  const sotuChars = total(texts.filter((t) => sotu.includes(t)));
  assert.ok(Math.abs(sotuChars / 1_000_000 - 0.7) < 0.01, String(sotuChars));
});

test('trainingText: the two halves of the default mix share no document text', async () => {
  const a = new Set(await provider.trainingText({ mixture: 'default-half-a', maxChars: 3_000_000, seed: 0 }));
  const b = await provider.trainingText({ mixture: 'default-half-b', maxChars: 3_000_000, seed: 0 });
  assert.ok(b.filter((t) => a.has(t)).length <= 2); // identical boilerplate pieces aside
});

test('trainingText: an unknown mixture or a bad budget is a ConfigError that says what to use', async () => {
  await assert.rejects(provider.trainingText({ mixture: 'defualt', maxChars: 1000, seed: 0 }), (e: unknown) => e instanceof ConfigError && /Did you mean 'default'/.test(e.message));
  await assert.rejects(provider.trainingText({ mixture: 'default', maxChars: -1, seed: 0 }), ConfigError);
});

test('hash: stable for equal options, different when any option changes', async () => {
  const base = { mixture: 'brown', maxChars: 50_000, seed: 1 };
  const h = await provider.hash(base);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(await createDataProvider({ cacheDir: dir }).hash(base), h);
  for (const change of [{ seed: 2 }, { maxChars: 50_001 }, { mixture: 'sotu' }]) assert.notEqual(await provider.hash({ ...base, ...change }), h);
});

test('evalData: in-domain test documents and out-of-domain text, shared fairly and capped', async () => {
  const limits = { documents: 9, items: 50, maxChars: 30_000 };
  const data = provider.evalData(limits);
  const inDomain = await data.inDomain();
  assert.ok(inDomain.length <= 9 && total(inDomain.map((d) => d.text)) <= 30_000);
  assert.deepEqual([...new Set(inDomain.map((d) => d.source))], ['brown', 'sotu', 'moby']);
  for (const d of inDomain) assert.equal(corpus(d.source as 'brown').find((c) => c.id === d.id)!.split, 'test');
  const ood = await data.outOfDomain();
  assert.deepEqual([...new Set(ood.map((d) => d.source))], ['email-spam', 'wordnet']);
  assert.ok(total(ood.map((d) => d.text)) <= 30_000);
  assert.deepEqual(await provider.evalData(limits).inDomain(), inDomain);
});

test('validationText: valid-split text only, within the budget, for both domains', async () => {
  const valid = corpus('brown').concat(corpus('sotu'), corpus('moby')).filter((d) => d.split === 'valid').map((d) => d.text);
  const texts = await provider.validationText({ domain: 'in-domain', maxChars: 20_000 });
  assert.ok(total(texts) <= 20_000 && texts.length > 0);
  for (const t of texts) assert.ok(valid.some((v) => v.startsWith(t)));
  const ood = await provider.validationText({ domain: 'out-of-domain', maxChars: 20_000 });
  const oodTest = (await provider.evalData({ documents: 1e9, items: 0, maxChars: 1e9 }).outOfDomain()).map((d) => d.text);
  for (const t of ood) assert.ok(!oodTest.some((o) => o.startsWith(t)));
});

test('evalData.set: capped by limits.items with the same subsample every time; unknown names suggest', async () => {
  const a = await provider.evalData({ documents: 1, items: 25, maxChars: 1 }).set<{ id: string }>('probe-genre');
  const b = await createDataProvider({ cacheDir: dir }).evalData({ documents: 1, items: 25, maxChars: 1 }).set<{ id: string }>('probe-genre');
  assert.equal(a.length, 25);
  assert.deepEqual(b.map((i) => i.id), a.map((i) => i.id));
  await assert.rejects(provider.evalData({ documents: 1, items: 1, maxChars: 1 }).set('probe-genra'), /Did you mean 'probe-genre'/);
});

test('lists: mixtures and sets are named once, and datasetsList mirrors them', () => {
  assert.deepEqual(provider.mixtures(), [...MIXTURES.map((m) => m.id), ...PAIR_MIXTURES.map((m) => m.id)]);
  assert.deepEqual(provider.sets(), SETS.map((s) => s.name));
  assert.ok(provider.mixtures().includes('default'));
  assert.equal(datasetsList().sets.length, SETS.length);
});

test('createMemoryDataProvider: the same contract without corpora', async () => {
  const memory = createMemoryDataProvider({ sets: { tiny: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] } });
  assert.ok(total(await memory.trainingText({ mixture: 'default', maxChars: 2000, seed: 0 })) <= 2000);
  assert.equal((await memory.evalData({ documents: 5, items: 2, maxChars: 100 }).set('tiny')).length, 2);
  assert.equal((await memory.evalData({ documents: 1, items: 2, maxChars: 100 }).inDomain()).length, 1);
});

test('provider: knownHashes carries computed hashes to another provider, which answers them without building the text', async () => {
  const options = { mixture: 'default', maxChars: 20_000, seed: 3 };
  const parent = createDataProvider({ cacheDir: dir });
  const hash = await parent.hash(options);
  const known = parent.knownHashes?.() ?? {};
  assert.deepEqual(Object.values(known), [hash]);
  // a worker adopts them: a planted value proves the answer is the adopted one, not recomputed
  const worker = createDataProvider({ cacheDir: dir });
  const key = Object.keys(known)[0];
  worker.adoptHashes?.({ [key]: 'adopted' });
  assert.equal(await worker.hash(options), 'adopted');
  // its own value is never overwritten by an adopted one
  parent.adoptHashes?.({ [key]: 'other' });
  assert.equal(await parent.hash(options), hash);
  // options it was not given are still computed from the text
  assert.equal(await worker.hash({ ...options, seed: 4 }), await parent.hash({ ...options, seed: 4 }));
});

test('provider: validationHash is hashJson of validationText, and travels with knownHashes', async () => {
  const parent = createDataProvider({ cacheDir: dir });
  const o = { domain: 'out-of-domain', maxChars: 5_000 } as const;
  const hash = await parent.validationHash?.(o);
  assert.equal(hash, hashJson(await parent.validationText(o)));
  const worker = createDataProvider({ cacheDir: dir });
  worker.adoptHashes?.(parent.knownHashes?.() ?? {});
  assert.equal(await worker.validationHash?.(o), hash);
  assert.notEqual(await worker.validationHash?.({ ...o, domain: 'in-domain' }), hash);
});

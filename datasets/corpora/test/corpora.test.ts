import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CORPUS_NAMES, corpus, emailCorpus, type CorpusName } from '../src/corpora.js';
import { detokenizeSentence } from '../src/sources/brown-detokenize.js';
import { stripSotuAnnotations } from '../src/sources/sotu.js';
import { countWords, normalizeText } from '../src/text/normalize.js';
import { splitOf } from '../src/text/split.js';

// Measured with this package (documents per split). A change here means the split rule, a loader
// or the cleaning changed: update the README table together with these numbers.
const PINNED: Record<CorpusName, { train: number; valid: number; test: number }> = {
  brown: { train: 448, valid: 24, test: 28 }, // = the notes' §4a table
  sotu: { train: 210, valid: 9, test: 14 }, // = the notes' §4a table
  moby: { train: 123, valid: 6, test: 9 }, // the notes' 124 training documents included "Contents"
  email: { train: 5056, valid: 252, test: 268 }, // documents after cleaning and de-duplication, split by thread
  wordnet: { train: 0, valid: 0, test: 117791 }, // evaluation only
};

test('corpora: per-split document counts are the pinned ones', () => {
  for (const name of CORPUS_NAMES) {
    const counts = { train: 0, valid: 0, test: 0 };
    for (const d of corpus(name)) counts[d.split]++;
    assert.deepEqual(counts, PINNED[name], name);
  }
});

test('corpora: every document has a unique id, normalised non-empty text, and the split of the hash rule', () => {
  for (const name of CORPUS_NAMES) {
    const ids = new Set<string>();
    for (const d of corpus(name)) {
      assert.equal(d.source, name);
      assert.ok(!ids.has(d.id), `${name}: duplicate id ${d.id}`);
      ids.add(d.id);
      assert.ok(d.text.length > 0, `${name}/${d.id}: empty`);
      if (name !== 'wordnet') assert.equal(d.text, normalizeText(d.text), `${name}/${d.id}: not normalised`);
      const unit = name === 'email' ? d.meta!.thread : d.id;
      if (name !== 'wordnet') assert.equal(d.split, splitOf(name, unit), `${name}/${d.id}`);
    }
  }
});

test('brown: detokenised text has no tags, doubled punctuation or tokeniser quotes', () => {
  const text = corpus('brown').map((d) => d.text).join('\n');
  assert.doesNotMatch(text, /[a-z]\/(?:at|nn|vbd|jj)\b/); // `word/tag` tokens left behind
  assert.doesNotMatch(text, /``|(?<![\d/])''|\?\?|!!|;;/); // '' after a digit is an inch mark: 4' 10''
  assert.equal(detokenizeSentence(['``', 'Yes', "''", ',', 'he', 'said', '.']), '"Yes," he said.');
  assert.equal(detokenizeSentence(['Why', '?', '?', "''"]), 'Why?"');
  const genres = new Set(corpus('brown').map((d) => d.meta!.genre));
  assert.equal(genres.size, 15);
});

test('sotu: audience annotations are removed, editorial insertions are kept', () => {
  assert.equal(stripSotuAnnotations('Thank you. (Applause.) Madam Vice President\u2014(applause)\u2014no President [Laughter] did.'), 'Thank you. Madam Vice President\u2014no President did.');
  assert.equal(stripSotuAnnotations('the rights of [the States] (or Creek) nation'), 'the rights of [the States] (or Creek) nation');
  const text = corpus('sotu').map((d) => d.text).join('\n');
  assert.doesNotMatch(text, /\[(?:laughter|applause)\]|\((?:laughter|applause)\.?\)/i);
  const doc = corpus('sotu').find((d) => d.id === '1790_George Washington')!;
  assert.deepEqual(doc.meta, { year: '1790', president: 'George Washington', party: 'none' });
});

test('moby: the table of contents is dropped; Etymology, Extracts, 135 chapters and the Epilogue remain', () => {
  const ids = corpus('moby').map((d) => d.id);
  assert.ok(!ids.includes('Contents'));
  assert.equal(ids.length, 138);
  assert.ok(corpus('moby').find((d) => d.id === '1')!.text.startsWith('Call me Ishmael.'));
});

test('email: every message of a thread is in one split, and no held-out document repeats a training text', () => {
  const splitOfThread = new Map<string, string>();
  for (const m of emailCorpus()) {
    const seen = splitOfThread.get(m.thread);
    assert.ok(seen === undefined || seen === m.split, `thread ${m.thread} spans ${seen} and ${m.split}`);
    splitOfThread.set(m.thread, m.split);
  }
  const squash = (s: string): string => s.replace(/\s+/g, ' ').toLowerCase();
  const train = new Set(corpus('email').filter((d) => d.split === 'train').map((d) => squash(d.text)));
  for (const d of corpus('email').filter((doc) => doc.split !== 'train')) assert.ok(!train.has(squash(d.text)), d.id);
  const labels = new Set(corpus('email').map((d) => d.meta!.label));
  assert.deepEqual([...labels].sort(), ['ham', 'spam']);
});

test('email: new text has no quoted lines, and most list footers are gone', () => {
  const docs = corpus('email');
  for (const d of docs) assert.doesNotMatch(d.text, /^>/m, d.id);
  const footers = docs.filter((d) => /mailman\/listinfo|^To unsubscribe/m.test(d.text.split('\n').slice(-3).join('\n'))).length;
  assert.ok(footers < docs.length * 0.01, `${footers} documents still end in a list footer`);
  assert.ok(docs.every((d) => countWords(d.text) >= 3));
});

test('wordnet: synsets carry POS, lexicographer file and lemmas', () => {
  const entity = corpus('wordnet').find((d) => d.id === 'n00001740')!;
  assert.deepEqual(entity.meta, { pos: 'noun', lexfile: 'noun.Tops', lemmas: 'entity' });
});

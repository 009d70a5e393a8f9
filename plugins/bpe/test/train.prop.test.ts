/** Spec 1.8, training invariants 1-7, on generated tiny corpora. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { trainDetailed } from '../src/factory.js';
import { compilePattern, countPieces, PRETOKENIZERS } from '../src/pretokenize.js';
import { algo, smallCorpus, targetSize } from './helpers/arbitraries.js';
import { referenceTrain } from './helpers/reference.js';

const RUNS = { numRuns: 60 };
const BASE = 257; // 256 bytes + <|endoftext|>

const train = (type: 'bpe' | 'scaffold-bpe', corpus: string[], vocabSize: number, extra = {}) =>
  trainDetailed(type, corpus, { vocabSize, ...extra }, { trace: true });

test('trainer: for any corpus and N, |V| = N at the end, or the corpus is exhausted with |V| < N and Q empty (inv. 1)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, algo, (corpus, n, type) => {
    const { tokenizer, outcome } = train(type, corpus, n);
    if (outcome.exhausted) {
      assert.ok(tokenizer.vocabSize < n);
      assert.equal(outcome.finalHead, 0);
      assert.equal(tokenizer.stats?.exhausted, true);
    } else assert.equal(tokenizer.vocabSize, n);
  }), RUNS);
});

test('trainer: for any corpus and N, V and S partition E and no byte or special token is scaffold (inv. 2)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, (corpus, n) => {
    const { tokenizer } = train('scaffold-bpe', corpus, n);
    const m = tokenizer.model;
    for (let e = 0; e < BASE; e++) assert.equal(m.isScaffold[e], 0, `base token ${e} is scaffold`);
    let normal = 0;
    for (let e = 0; e < m.tokenCount; e++) if (!m.isScaffold[e]) normal++;
    assert.equal(normal + tokenizer.toJSON().scaffold.length, m.tokenCount);
    assert.equal(normal, tokenizer.vocabSize);
  }), RUNS);
});

test('trainer: for any corpus, popped head keys never increase (inv. 3), and each pop is the previous head', () => {
  fc.assert(fc.property(smallCorpus, targetSize, algo, (corpus, n, type) => {
    const trace = train(type, corpus, n).outcome.trace!;
    for (let i = 1; i < trace.length; i++) {
      assert.equal(trace[i].key, trace[i - 1].head, `pop ${i} is not the head left by pop ${i - 1}`);
      if (!trace[i - 1].reused) assert.ok(trace[i].key <= trace[i - 1].key, `key rose at pop ${i}: ${trace[i - 1].key} -> ${trace[i].key}`);
    }
  }), RUNS);
});

test('trainer: for any corpus, min f(V \\ base) >= f(Q_head) >= max f(S) at termination (inv. 4)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, (corpus, n) => {
    const { tokenizer, outcome } = train('scaffold-bpe', corpus, n);
    const { freq } = outcome.tokens;
    const m = tokenizer.model;
    for (let e = BASE; e < m.tokenCount; e++) {
      if (m.isScaffold[e]) assert.ok(freq[e] <= outcome.finalHead, `scaffold ${e}: f=${freq[e]} > head ${outcome.finalHead}`);
      else assert.ok(freq[e] >= outcome.finalHead, `normal ${e}: f=${freq[e]} < head ${outcome.finalHead}`);
    }
  }), RUNS);
});

test('trainer: for any corpus, scaffold tokens have a defining merge in E and demolish into ids of V (inv. 5)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, (corpus, n) => {
    const m = train('scaffold-bpe', corpus, n).tokenizer.model;
    for (let e = 0; e < m.tokenCount; e++) {
      if (!m.isScaffold[e]) continue;
      assert.ok(m.left[e] >= 0 && m.left[e] < e && m.right[e] >= 0 && m.right[e] < e);
      for (let i = m.demolitionStart[e]; i < m.demolitionStart[e + 1]; i++) {
        const id = m.demolished[i];
        assert.ok(id >= 0 && id < m.vocabSize && m.isScaffold[m.expandedOf[id]] === 0);
      }
    }
  }), RUNS);
});

test('trainer: for any corpus, a token is marked only below the head and un-marked only as the head (inv. 6)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, (corpus, n) => {
    const trace = train('scaffold-bpe', corpus, n).outcome.trace!;
    let previousHead = Infinity;
    for (const event of trace) {
      event.markedFreq.forEach((f, i) => assert.ok(f < event.head, `token ${event.marked[i]} marked with f=${f} >= head ${event.head}`));
      if (event.kind === 'unmark') assert.ok(event.key === previousHead && event.key > 0);
      previousHead = event.head;
    }
  }), RUNS);
});

test('trainer: for any corpus and N, merges and flags equal the naive reference trainer; scaffold off is plain BPE (inv. 7)', () => {
  fc.assert(fc.property(smallCorpus, targetSize, algo, fc.boolean(), (corpus, n, type, pairsFirst) => {
    const { tokenizer, outcome } = train(type, corpus, n, { tieBreak: pairsFirst ? 'pairs-first' : 'tokens-first' });
    const pieces = countPieces(corpus, compilePattern(PRETOKENIZERS['gpt2-digits'], 'test'), ['<|endoftext|>']);
    const ref = referenceTrain(pieces, { targetSize: n, scaffold: type === 'scaffold-bpe', specialCount: 1, pairsFirst });
    assert.deepEqual(tokenizer.toJSON().merges, ref.merges);
    assert.deepEqual(tokenizer.toJSON().scaffold, ref.scaffold);
    assert.equal(outcome.exhausted, ref.exhausted);
  }), { numRuns: 40 });
});

test('trainer: for any corpus and N, Scaffold-BPE merges extend plain BPE merges at the same N', () => {
  fc.assert(fc.property(smallCorpus, targetSize, (corpus, n) => {
    const plain = train('bpe', corpus, n).tokenizer.toJSON().merges;
    const scaffold = train('scaffold-bpe', corpus, n).tokenizer.toJSON().merges;
    assert.deepEqual(scaffold.slice(0, plain.length), plain);
  }), RUNS);
});

test("trainer: for any corpus, duplicateMerges 'paper-literal' keeps invariants 1, 2 and 4", () => {
  fc.assert(fc.property(smallCorpus, targetSize, (corpus, n) => {
    const { tokenizer, outcome } = train('scaffold-bpe', corpus, n, { duplicateMerges: 'paper-literal' });
    if (!outcome.exhausted) assert.equal(tokenizer.vocabSize, n);
    const m = tokenizer.model;
    for (let e = 0; e < BASE; e++) assert.equal(m.isScaffold[e], 0);
    for (let e = BASE; e < m.tokenCount; e++) {
      if (m.isScaffold[e]) assert.ok(outcome.tokens.freq[e] <= outcome.finalHead);
      else assert.ok(outcome.tokens.freq[e] >= outcome.finalHead);
    }
  }), RUNS);
});

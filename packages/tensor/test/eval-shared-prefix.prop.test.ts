import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteTokenizer } from '@labbench/core/testing';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { scoreRows } from '../src/eval/batched-forward.js';
import { KvDecoder, verifiedKvScale } from '../src/eval/kv-decoder.js';
import { type PrefixedContinuation, scoreSharedPrefixes, sharedPrefixGroups } from '../src/eval/shared-prefix.js';
import { CausalScorer, causalMask, DecoderLM, decoderDefaults, initBackend } from '../src/index.js';

/**
 * Shared-prefix scoring (each distinct context window run once on the key-value cache, then its
 * continuations on copies of that cache) against per-row scoring of the same requests, which it
 * replaces on the reference decoder. The two compute the same float32 function through different
 * groupings (left padding, a concatenated cache, other matrix shapes), so per-position logits may
 * differ in their last bits: a log-probability of magnitude ~6 (ln 257) is then off by ~1e-6, and
 * a sum of at most T = 16 of them by ~2e-5 at worst (observed: 2e-7 over 600 cases). Hence 1e-4
 * relative (absolute below 1), which a wrong position, token, mask or context (differences of 0.1
 * and more on these models) cannot meet: shifting the extended positions by one fails both properties.
 * Greedy flags must match wherever the reference's top two logits are more than 1e-4 apart.
 */

const T = 16;
const tokenizer = byteTokenizer();
const EOS = tokenizer.eosId;
const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** Small decoders of varied shape: widths, depth, heads, an attention-free layer, both input scales, peaked or flat logits. */
const decoderConfig = fc.record({
  dModel: fc.constantFrom(8, 16),
  layers: fc.integer({ min: 1, max: 2 }),
  heads: fc.constantFrom(1, 2),
  ffnHidden: fc.constantFrom(8, 24),
  embeddingScale: fc.constantFrom('sqrt-d' as const, 'none' as const),
  attentionFreeLayers: fc.constantFrom<number[]>([], [0]),
  initStd: fc.constantFrom(0.02, 0.3),
  seed: fc.nat(1000),
});
type Config = typeof decoderConfig extends fc.Arbitrary<infer C> ? C : never;

function tinyModel({ seed, ...config }: Config): DecoderLM {
  return new DecoderLM({ ...decoderDefaults, ...config, seqLen: T }, { vocabSize: tokenizer.vocabSize, seqLen: T, seed });
}

/** Gap between the two largest logits at each of the row's positions: below 1e-4 the argmax may flip between float groupings. */
function topGaps(model: DecoderLM, ids: Int32Array): number[] {
  const logits = tf.tidy(
    () => tf.squeeze(model.forward(tf.tensor2d(ids, [1, ids.length], 'int32'), { training: false }).logits, [0]).arraySync() as number[][],
  );
  return logits.map((row) => {
    const [a, b] = [...row].sort((x, y) => y - x);
    return a - b;
  });
}

/** Counts `KvDecoder.extend` calls while `body` runs, so a property shows the shared path actually ran. */
async function countingExtends<R>(body: () => Promise<R>): Promise<{ result: R; extends: number }> {
  const original = KvDecoder.prototype.extend;
  let calls = 0;
  KvDecoder.prototype.extend = function (this: KvDecoder, ...args: Parameters<KvDecoder['extend']>) {
    calls++;
    original.apply(this, args);
  };
  try {
    return { result: await body(), extends: calls };
  } finally {
    KvDecoder.prototype.extend = original;
  }
}

const ascii = (minLength: number, maxLength: number) => fc.string({ unit: 'grapheme-ascii', minLength, maxLength });
/** A context (empty, short, or longer than T) with 1-5 continuations of 1 to T + 4 bytes (cut to T by the scorer). */
const group = fc.record({
  context: ascii(0, 2 * T + 4),
  continuations: fc.array(fc.oneof(ascii(1, 1), ascii(1, T + 4), ascii(T, T + 4)), { minLength: 1, maxLength: 5 }),
});

test('CausalScorer.logLikelihood: sharing context windows on the key-value cache gives the per-row results, for any decoder, contexts and continuations', async () => {
  await initBackend('wasm');
  let sharedRuns = 0;
  await fc.assert(
    fc.asyncProperty(
      decoderConfig,
      fc.array(group, { minLength: 1, maxLength: 6 }),
      fc.nat(),
      fc.integer({ min: 1, max: 4 }),
      async (config, groups, shuffle, batch) => {
        const model = tinyModel(config);
        try {
          assert.notEqual(verifiedKvScale(model), undefined, 'the plain decoder takes the key-value path');
          // requests of different contexts interleaved, as an evaluator may send them
          const requests = groups.flatMap(({ context, continuations }) => continuations.map((continuation) => ({ context, continuation })));
          const order = requests.map((_, i) => i).sort((a, b) => ((a * 7919 + shuffle) % 104729) - ((b * 7919 + shuffle) % 104729) || a - b);
          const reqs = order.map((i) => requests[i]);
          const plain = await new CausalScorer(model, tokenizer, T, batch, { sharePrefixes: false }).logLikelihood(reqs);
          const { result: shared, extends: calls } = await countingExtends(() => new CausalScorer(model, tokenizer, T, batch).logLikelihood(reqs));
          if (calls > 0) sharedRuns++;
          reqs.forEach(({ context, continuation }, i) => {
            const cont = tokenizer.encode(continuation).slice(0, T);
            assert.equal(shared[i].tokens, cont.length);
            assert.equal(shared[i].tokens, plain[i].tokens);
            assert.ok(
              close(shared[i].logLikelihood, plain[i].logLikelihood),
              `request ${i}: ${shared[i].logLikelihood} shared vs ${plain[i].logLikelihood} per row`,
            );
            const seq = Int32Array.from([EOS, ...tokenizer.encode(context), ...cont]);
            const window = seq.slice(Math.max(0, seq.length - (T + 1)));
            const gaps = topGaps(model, window.slice(0, -1)).slice(-cont.length);
            if (gaps.every((g) => g > 1e-4)) assert.equal(shared[i].isGreedy, plain[i].isGreedy, `request ${i}: greedy flags differ`);
          });
        } finally {
          model.dispose();
        }
      },
    ),
    { numRuns: 60 },
  );
  assert.ok(sharedRuns >= 20, `the shared path ran in only ${sharedRuns} of 60 cases`);
});

/** Prefixed requests as per-row scoring sees them: [prefix, continuation but its last] scored at the continuation's positions. */
function perRow(model: DecoderLM, requests: readonly PrefixedContinuation[]): { logLikelihood: number; isGreedy: boolean }[] {
  const rows = requests.map(({ prefix, continuation: c }) => {
    const ids = Int32Array.from([...prefix, ...c.subarray(0, c.length - 1)]);
    const targets = new Int32Array(ids.length).fill(-1);
    targets.set(c, prefix.length - 1);
    return { ids, targets };
  });
  const decoder = new KvDecoder(model, verifiedKvScale(model)!);
  const { scores, offsets } = scoreRows(model, rows, { padId: EOS, vocab: tokenizer.vocabSize, minRows: 1, needs: { argmax: true }, decoder });
  return rows.map((row, i) => {
    let logLikelihood = 0;
    let isGreedy = true;
    row.targets.forEach((t, j) => {
      if (t < 0) return;
      logLikelihood += scores.logProbs[offsets[i] + j];
      isGreedy &&= scores.argmax[offsets[i] + j] === t;
    });
    return { logLikelihood, isGreedy };
  });
}

/** The model's greedy continuation of `prefix`, `length` tokens (full forward passes), so some flags are true. */
function greedy(model: DecoderLM, prefix: Int32Array, length: number): Int32Array {
  const seq = Array.from(prefix);
  for (let n = 0; n < length; n++) {
    const logits = tf.tidy(
      () => tf.squeeze(model.forward(tf.tensor2d(seq, [1, seq.length], 'int32'), { training: false }).logits, [0]).arraySync() as number[][],
    );
    const last = logits[logits.length - 1];
    seq.push(last.indexOf(Math.max(...last)));
  }
  return Int32Array.from(seq.slice(prefix.length));
}

const ids = (minLength: number, maxLength: number) =>
  fc.array(fc.integer({ min: 0, max: tokenizer.vocabSize - 1 }), { minLength, maxLength }).map((a) => Int32Array.from(a));

test('scoreSharedPrefixes: any cache and prefill budget (many chunks, many extends per prefill) gives the per-row totals, and leaves no tensors behind', async () => {
  await initBackend('wasm');
  for (let t = 1; t <= T; t++) causalMask(t); // kept once per length by blocks.ts: made now, not counted as left behind
  // a prefix of 1..T ids shared by 1-5 continuations that fit the window (prefix + continuation - 1 <= T), some greedy
  const request = ids(1, T).chain((prefix) =>
    fc
      .array(
        fc.oneof(
          ids(1, T + 1 - prefix.length),
          fc.integer({ min: 1, max: T + 1 - prefix.length }).map((n) => -n),
        ),
        { minLength: 1, maxLength: 5 },
      )
      .map((conts) => ({ prefix, conts })),
  );
  await fc.assert(
    fc.asyncProperty(
      decoderConfig,
      fc.array(request, { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 4000 }),
      async (config, groups, positions, floats) => {
        const model = tinyModel(config);
        try {
          const requests: PrefixedContinuation[] = groups.flatMap(({ prefix, conts }) =>
            conts.map((c) => ({ prefix, continuation: typeof c === 'number' ? greedy(model, prefix, -c) : c })),
          );
          const expected = perRow(model, requests);
          const decoder = new KvDecoder(model, verifiedKvScale(model)!);
          const before = tf.memory().numTensors;
          const got = scoreSharedPrefixes(decoder, requests, sharedPrefixGroups(requests), {
            padId: EOS,
            vocab: tokenizer.vocabSize,
            tokensPerForward: positions,
            cacheFloats: (floats * decoder.floatsPerSlot) / 8,
          });
          assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
          const grouped = new Set(sharedPrefixGroups(requests).flat());
          requests.forEach((r, i) => {
            if (!grouped.has(i)) return assert.equal(got[i], undefined);
            assert.ok(close(got[i]!.logLikelihood, expected[i].logLikelihood), `request ${i}: ${got[i]!.logLikelihood} vs ${expected[i].logLikelihood}`);
            const gaps = topGaps(model, Int32Array.from([...r.prefix, ...r.continuation.subarray(0, -1)])).slice(r.prefix.length - 1);
            if (gaps.every((g) => g > 1e-4)) assert.equal(got[i]!.isGreedy, expected[i].isGreedy, `request ${i}: greedy flags differ`);
          });
        } finally {
          model.dispose();
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('sharedPrefixGroups: exactly the requests whose prefix recurs, grouped by identical ids, in first-appearance order', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ prefix: ids(0, 3).map((p) => p.map((x) => x % 3)), n: fc.integer({ min: 0, max: 2 }) }), { maxLength: 12 }), (raw) => {
      const requests = raw.map(({ prefix, n }) => ({ prefix, continuation: new Int32Array(n) }));
      const groups = sharedPrefixGroups(requests);
      const key = (i: number) => requests[i].prefix.join(',');
      const eligible = requests.map((_, i) => i).filter((i) => requests[i].continuation.length > 0 && requests[i].prefix.length > 0);
      for (const i of eligible) {
        const peers = eligible.filter((j) => key(j) === key(i));
        const found = groups.find((g) => g.includes(i));
        if (peers.length > 1) assert.deepEqual(found, peers);
        else assert.equal(found, undefined);
      }
      assert.deepEqual(
        groups.map((g) => g[0]),
        [...groups.map((g) => g[0])].sort((a, b) => a - b),
      );
      assert.equal(new Set(groups.flat()).size, groups.flat().length);
    }),
  );
});

test('CausalScorer.logLikelihood on the shared path leaves no tensors behind (the count is flat from one round to the next)', async () => {
  await initBackend('wasm');
  const model = tinyModel({ dModel: 16, layers: 2, heads: 2, ffnHidden: 24, embeddingScale: 'sqrt-d', attentionFreeLayers: [], initStd: 0.02, seed: 4 });
  const scorer = new CausalScorer(model, tokenizer, T, 2);
  const round = () =>
    scorer.logLikelihood(
      ['a', 'bb', ' ccc', 'a much longer continuation'].flatMap((continuation) => [
        { context: 'the cat', continuation },
        { context: 'a context longer than the window', continuation },
      ]),
    );
  await round();
  const before = tf.memory().numTensors;
  await round();
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

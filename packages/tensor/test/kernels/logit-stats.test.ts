import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as native from '@labbench/tensor-native';
import { initBackend, setWasmKernels } from '../../src/backend/select.js';
import { allocateScores, scorePositions, scorePositionsJs, type PositionScores } from '../../src/eval/logit-stats.js';

/**
 * The addon's logitStats against the JS loop of eval/logit-stats.ts. argmax and rank compare
 * logits only, so they must agree exactly. logProb, entropy and Var[ln p] differ by the native
 * float32 exponentials (fast_exp: about 2 ulp, 2.4e-7 relative, per term) against float64
 * Math.exp; both sum in float64, so the error of each statistic is a p-weighted average of those
 * per-term errors (a few 1e-7 at most), plus the float32 rounding of the stored value (6e-8
 * relative). 2e-6 relative to 1 + |JS value| is that with a margin; measured worst over 3,000
 * random rows was 8e-8.
 */
const TOL = 2e-6;
const near = (a: number, b: number) => a === b || Math.abs(a - b) <= TOL * (1 + Math.abs(b));
const skip = native.available ? false : `the addon is not built (${native.loadError})`;
const SENTINEL = -7; // what unscored rows must still hold afterwards

/** Random logits [rows, vocab]: magnitudes from 0.1 to 1000, optionally rounded (ties), a few -Infinity (masked ids). */
const cases = fc
  .record({ rows: fc.integer({ min: 1, max: 24 }), vocab: fc.integer({ min: 1, max: 600 }), scale: fc.constantFrom(0.1, 1, 10, 1000), ties: fc.boolean(), masked: fc.boolean(), offset: fc.nat(3), seed: fc.nat() })
  .chain((c) => fc.record({ c: fc.constant(c), targets: fc.array(fc.integer({ min: -1, max: c.vocab - 1 }), { minLength: c.rows, maxLength: c.rows }) }))
  .map(({ c, targets }) => {
    let s = c.seed;
    const rand = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; }; // deterministic per seed
    const logits = Float32Array.from({ length: c.rows * c.vocab }, () => {
      const x = (2 * rand() - 1) * c.scale;
      if (c.masked && rand() < 0.05) return -Infinity;
      return c.ties ? Math.round(x) : x;
    });
    for (let r = 0; r < c.rows; r++) logits[r * c.vocab + Math.floor(rand() * c.vocab)] = rand() * c.scale; // each row keeps a finite logit
    return { ...c, logits, targets: Int32Array.from(targets) };
  });

function filled(n: number): PositionScores {
  const s = allocateScores(n);
  for (const a of Object.values(s)) (a as Float32Array | Int32Array).fill(SENTINEL);
  return s;
}

const callNative = (logits: Float32Array, targets: Int32Array, vocab: number, out: PositionScores, offset: number, flags: number) =>
  native.binding!.logitStats(logits, targets, out.logProbs, out.argmax, out.ranks, out.entropies, out.variances, targets.length, vocab, offset, flags);

const sameBits = (a: PositionScores, b: PositionScores) => (Object.keys(a) as (keyof PositionScores)[]).every((k) => Buffer.compare(Buffer.from(a[k].buffer), Buffer.from(b[k].buffer)) === 0);

test('logitStats: native equals the JS loop (argmax and rank exactly, the rest within 2e-6), skips target -1, same bits on 1 and 2 threads', { skip }, () => {
  const b = native.binding!;
  const threads = b.setThreads();
  try {
    fc.assert(fc.property(cases, fc.constantFrom(0, 1, 2, 3), ({ logits, vocab, targets, offset }, flags) => {
      const needs = { argmax: (flags & 1) !== 0, distribution: (flags & 2) !== 0 };
      const n = targets.length + offset;
      const js = filled(n);
      scorePositionsJs(logits, vocab, targets, needs, js, offset);
      b.setThreads(1);
      const one = filled(n);
      callNative(logits, targets, vocab, one, offset, flags);
      b.setThreads(2);
      const two = filled(n);
      callNative(logits, targets, vocab, two, offset, flags);
      assert.ok(sameBits(one, two), 'thread count changed the bits');
      for (let i = 0; i < n; i++) {
        const at = `position ${i} (target ${targets[i - offset]})`;
        assert.equal(one.argmax[i], js.argmax[i], `argmax, ${at}`);
        assert.equal(one.ranks[i], js.ranks[i], `rank, ${at}`);
        assert.ok(near(one.logProbs[i], js.logProbs[i]), `logProb ${one.logProbs[i]} vs ${js.logProbs[i]}, ${at}`);
        assert.ok(near(one.entropies[i], js.entropies[i]), `entropy ${one.entropies[i]} vs ${js.entropies[i]}, ${at}`);
        assert.ok(near(one.variances[i], js.variances[i]), `variance ${one.variances[i]} vs ${js.variances[i]}, ${at}`);
        // the JS loop is the reference for what is written where; check it left the rest alone
        if (i < offset || targets[i - offset] < 0) assert.equal(one.logProbs[i], SENTINEL, `untouched, ${at}`);
        else assert.ok(Number.isFinite(one.entropies[i]) || !needs.distribution, `finite entropy with -Infinity logits, ${at}`);
      }
    }), { numRuns: 150 });
  } finally {
    b.setThreads(threads);
  }
});

test('logitStats: hand-checked row (ties, a -Infinity id) against scipy', { skip }, () => {
  // logits [2, 2, 0, -inf], target 2:
  // lp = scipy.special.log_softmax([2., 2., 0.]) = [-0.75862368 -0.75862368 -2.75862368]; p = scipy.special.softmax(...)
  // H = scipy.stats.entropy(p) = 0.8853815523; Var[ln p] = np.sum(p * lp**2) - H**2 = 0.2374481940 (the -inf id has p = 0)
  const logits = Float32Array.of(2, 2, 0, -Infinity);
  const out = allocateScores(1);
  callNative(logits, Int32Array.of(2), 4, out, 0, 3);
  assert.equal(out.argmax[0], 0); // first of the tied maxima
  assert.equal(out.ranks[0], 3);
  assert.ok(Math.abs(out.logProbs[0] - -2.7586237) < 1e-6, `${out.logProbs[0]}`);
  assert.ok(Math.abs(out.entropies[0] - 0.8853816) < 1e-6, `${out.entropies[0]}`);
  assert.ok(Math.abs(out.variances[0] - 0.2374482) < 1e-6, `${out.variances[0]}`);
  const js = allocateScores(1);
  scorePositionsJs(logits, 4, Int32Array.of(2), { argmax: true, distribution: true }, js);
  assert.ok(Math.abs(js.entropies[0] - 0.8853816) < 1e-6, `JS entropy with a -Infinity id: ${js.entropies[0]}`);
});

test('logitStats: short views and targets outside the vocabulary throw RangeError', { skip }, () => {
  const logits = new Float32Array(12);
  assert.throws(() => callNative(logits, Int32Array.of(0, 4, 1), 4, allocateScores(3), 0, 3), RangeError); // target 4 of vocab 4
  assert.throws(() => callNative(logits, Int32Array.of(0, 1, 1), 4, allocateScores(3), 1, 3), RangeError); // offset + rows > 3
  assert.throws(() => callNative(logits.subarray(1), Int32Array.of(0, 1, 1), 4, allocateScores(3), 0, 0), RangeError); // 11 < 3 x 4 logits
});

test('scorePositions runs the addon while native kernels are in use, the JS loop otherwise', { skip }, async () => {
  const info = await initBackend('wasm');
  assert.equal(info.nativeKernels, process.env.LABBENCH_NATIVE !== '0');
  // a probe the two loops score differently by design: the addon takes exp(-100) as 0 (below its
  // e^-87 cutoff), so its entropy is exactly 0; the JS loop's float64 gives p = 3.7e-44 and an
  // entropy of 3.7e-42, a float32 subnormal
  const probe = () => {
    const out = allocateScores(1);
    scorePositions(Float32Array.of(0, -100), 2, Int32Array.of(0), { distribution: true }, out);
    return out.entropies[0];
  };
  try {
    await setWasmKernels('native');
    assert.equal(probe(), 0, 'native kernels: scorePositions took the JS loop');
    await setWasmKernels('patched');
    assert.ok(probe() > 0, 'patched (pure wasm) kernels: scorePositions took the addon');
  } finally {
    await setWasmKernels(info.nativeKernels ? 'native' : 'patched');
  }
});

import { deriveSeed } from '@labbench/core';
import { argmaxMask, gatesFor, oneHotFloat, softmaxTopK, tf, type Renormalize, type RoutingPolicy } from '@labbench/tensor';

/**
 * Routing policies of the MoE baselines and the evaluation switch every routed plugin honours, on
 * top of the routing primitive in @labbench/tensor (`routeTokens`). Shapes: n tokens, N experts,
 * V vocabulary.
 */

/** The evaluation switch of CartesianMoE Table 4, read from the model's routing control. */
export const DISABLE_TOP1 = 'disableTop1';

/**
 * Wraps a policy with the evaluation switches: with `disableTop1` on, each token's top-ranked expert
 * (after its visibility mask) leaves the selection and the next k are taken; probabilities stay.
 */
export function withEvaluationSwitches(policy: RoutingPolicy): RoutingPolicy {
  return {
    learnedRouter: policy.learnedRouter,
    decide(input) {
      const decision = policy.decide(input);
      if (!input.control?.[DISABLE_TOP1]) return decision;
      const inner = decision.exclude;
      return { ...decision, exclude: (ranking) => (inner ? tf.maximum(inner(ranking), argmaxMask(ranking)) : argmaxMask(ranking)) as tf.Tensor2D };
    },
  };
}

/** Hash layer (Roller et al. 2021, as the authors' code uses it): a frozen per-token row of router logits [V, N]. */
export function hashRouting(table: tf.Tensor2D, renormalize: Renormalize): RoutingPolicy {
  return { learnedRouter: false, decide: ({ tokenIds, k }) => ({ logits: tf.gather(table, tokenIds) as tf.Tensor2D, gates: gatesFor(renormalize, k) }) };
}

/** Top-p (the authors' code): the shortest prefix by probability whose sum exceeds p; raw probabilities as gates. */
export function topPRouting(p: number): RoutingPolicy {
  return {
    learnedRouter: true,
    decide: ({ logits }) => ({ logits: logits!, select: (probs, eligible) => topPMask(tf.mul(probs, eligible) as tf.Tensor2D, p), gates: 'raw' }),
  };
}

/**
 * Uniform random routing (the `routing` knock-out): uniform probabilities, so the k experts drawn
 * at random get equal gates; no trainable router. A fresh draw per training step (seed + the
 * model's training step; a policy shared by sub-layers, as CartesianMoE's A and B share theirs,
 * draws anew at each call within the step), the same draw for every evaluation pass
 * (deterministic scoring). What it remembers lasts one step, so a resumed training draws the same.
 */
export function randomRouting(seed: number): RoutingPolicy {
  let current = { step: -1, calls: 0 }; // no step yet (steps count from 0 or 1)
  return {
    learnedRouter: false,
    decide: ({ tokenIds, experts, training, step }) => {
      if (training && step === undefined) throw new Error("random routing: a training pass needs the model's training step (RoutingInput.step; RoutedDecoderLM passes it).");
      if (training) current = step === current.step ? { step, calls: current.calls + 1 } : { step: step!, calls: 0 };
      const drawSeed = !training ? seed : current.calls === 0 ? seed + step! : deriveSeed(seed + step!, `call${current.calls}`);
      const n = tokenIds.shape[0];
      const scores = tf.randomUniform([n, experts], 0, 1, 'float32', drawSeed) as tf.Tensor2D;
      return { logits: tf.zeros([n, experts]) as tf.Tensor2D, scores, gates: 'renormalize' };
    },
  };
}

/**
 * Top-p selection (the authors' code): sort descending, keep the shortest prefix whose cumulative
 * probability exceeds p (the crossing expert included). Returns the 0/1 mask [n, N].
 */
export function topPMask(probs: tf.Tensor2D, p: number): tf.Tensor2D {
  // one custom-gradient op (zero gradient), so the comparisons inside never enter the tape
  const op = tf.customGrad((input, save) => {
    void save;
    const x = input as tf.Tensor2D;
    const experts = x.shape[1];
    const value = tf.tidy(() => {
      if (experts === 1) return tf.cast(tf.greater(x, 0), 'float32'); // the only expert (oneHot needs depth >= 2)
      const { values, indices } = tf.topk(x, experts, true); // [n, N] sorted descending
      const before = tf.sub(tf.cumsum(values, 1), values); // exclusive cumulative sum [n, N]
      const keep = tf.mul(tf.cast(tf.lessEqual(before, p), 'float32'), tf.cast(tf.greater(values, 0), 'float32')); // [n, N]
      return tf.sum(tf.mul(tf.expandDims(keep, 2), oneHotFloat(indices, experts)), 1); // back to expert order [n, N]
    });
    return { value, gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return op(probs) as tf.Tensor2D;
}

/**
 * Frozen hash-routing logits [V, N]. 'balanced' gives each token k experts, heaviest tokens first,
 * each to the currently least-loaded experts by training-count mass (balanced hashing); 'random'
 * draws the table from N(0, 1). Chosen experts get logit 0, others -1e9 (gates 1/k).
 */
export function hashTable(vocab: number, experts: number, k: number, mode: 'balanced' | 'random', seed: number, counts?: ArrayLike<number>): tf.Tensor2D {
  if (mode === 'random') return tf.keep(tf.randomNormal([vocab, experts], 0, 1, 'float32', seed || 1)) as tf.Tensor2D;
  const table = new Float32Array(vocab * experts).fill(-1e9);
  const load = new Float64Array(experts);
  const order = Array.from({ length: vocab }, (_, i) => i).sort((a, b) => (counts?.[b] ?? 0) - (counts?.[a] ?? 0) || a - b);
  for (const id of order) {
    const picks = Array.from({ length: experts }, (_, e) => e)
      .sort((a, b) => load[a] - load[b] || a - b)
      .slice(0, k);
    for (const e of picks) {
      table[id * experts + e] = 0;
      load[e] += Math.max(1, counts?.[id] ?? 0) / k;
    }
  }
  return tf.keep(tf.tensor2d(table, [vocab, experts]));
}

export { softmaxTopK };

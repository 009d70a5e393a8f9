import * as tf from '#tfjs';
import { adamUpdate } from '../ops/index.js';
import { fusedSumOfSquares } from '../backend/kernels/sum-of-squares.js';
import { fusedAdamUpdateAll } from '../backend/kernels/adam-update-all.js';

export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** Global gradient-norm clip; 0 disables. */
  readonly clipNorm: number;
  /** Which variables weight decay applies to (default: matrices that are not embedding tables). */
  readonly decays?: (variable: tf.Variable) => boolean;
}

/**
 * OLMo's rule: decay weight matrices, never norm gains, vectors or embedding tables (token,
 * position, unembedding). Decaying the tied embedding shrinks the logits as well as the input.
 */
export function decaysByDefault(variable: tf.Variable): boolean {
  return variable.rank >= 2 && !/(?:token|position)Embedding$|unembedding$/.test(variable.name);
}

export const adamWDefaults: AdamWOptions = { beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1, clipNorm: 1 };

/** Linear warmup, then cosine decay to 10% of the peak (nanoGPT's schedule) or the peak held constant. */
export function learningRateAt(step: number, peak: number, warmup: number, total: number, schedule: 'cosine' | 'constant' = 'cosine'): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  if (schedule === 'constant') return peak;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * AdamW with decoupled weight decay on the variables `decays` selects (default: matrices other than
 * embedding tables; norm gains and vectors are never decayed) and global-norm gradient clipping.
 * State lives in variables that `dispose` frees.
 */
export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(private readonly variables: readonly tf.Variable[], private readonly options: AdamWOptions = adamWDefaults) {
    // tidy frees the zero tensors the variables are initialised from (variables survive tidy)
    this.m = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  /** Applies one update; returns the gradient norm before clipping. */
  step(grads: readonly tf.Tensor[], learningRate: number): number {
    this.t++;
    const { beta1, beta2, epsilon, weightDecay, clipNorm } = this.options;
    const decays = this.options.decays ?? decaysByDefault;
    return tf.tidy(() => {
      // one kernel for all variables where registered (backend/kernels/sum-of-squares.ts)
      const norm = tf.sqrt(fusedSumOfSquares(grads) ?? tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
      const normValue = norm.dataSync()[0];
      const scale = clipNorm > 0 && normValue > clipNorm ? clipNorm / normValue : 1;
      const c1 = 1 - beta1 ** this.t;
      const c2 = 1 - beta2 ** this.t;
      // every variable in one kernel call where registered (backend/kernels/adam-update-all.ts): the same per-variable arithmetic
      const config = { learningRate, beta1, beta2, epsilon, c1, c2, gradScale: scale, weightDecay };
      const all = fusedAdamUpdateAll(this.variables, grads, this.m, this.v, config, this.variables.map((x) => (decays(x) ? weightDecay : 0)));
      if (all) {
        all.forEach(([x, m, v], i) => {
          this.m[i].assign(m);
          this.v[i].assign(v);
          this.variables[i].assign(x);
        });
        return normValue;
      }
      this.variables.forEach((variable, i) => {
        // one fused kernel per variable (native or patched where registered), not a dozen elementwise ones
        const [x, m, v] = adamUpdate(variable, grads[i], this.m[i], this.v[i], {
          learningRate, beta1, beta2, epsilon, c1, c2, gradScale: scale,
          weightDecay: decays(variable) ? weightDecay : 0,
        });
        this.m[i].assign(m);
        this.v[i].assign(v);
        variable.assign(x);
      });
      return normValue;
    });
  }

  /** The moments and the step count (resumed training). */
  state(): { t: number; m: Float32Array[]; v: Float32Array[] } {
    return { t: this.t, m: this.m.map((x) => x.dataSync() as Float32Array), v: this.v.map((x) => x.dataSync() as Float32Array) };
  }

  /** Continues from a `state()` of an optimizer over the same variables. */
  restore(state: { t: number; m: readonly Float32Array[]; v: readonly Float32Array[] }): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) throw new Error(`AdamW.restore: state for ${state.m.length} variables, the optimizer has ${this.m.length}.`);
    this.t = state.t;
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(state.m[i], x.shape, 'float32')));
      this.v.forEach((x, i) => x.assign(tf.tensor(state.v[i], x.shape, 'float32')));
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

import type { LanguageModel, ModelBuildContext, ModelFactory, ParamCount, TrainingPlan, TrainingStart } from '@labbench/core';
import { ConfigError } from '@labbench/core';
import { DecoderLM, copyMatchingWeights, fixedWindows, tf, tokenCrossEntropy } from '@labbench/tensor';
import { layerRoles, uniattnConfigSchema, uniattnDefaults, type UniAttnConfig } from './config.js';
import { DroppedAttention, UniAttention, type UnifyMode } from './attention.js';
import { residualNorms, solveCompensation } from './least-squares.js';

const BATCH = 8;

/** Mean next-token loss (nats) of any causal model over windows. */
export function windowLoss(model: LanguageModel, ids: Int32Array, targets: Int32Array, count: number, time: number): number {
  let sum = 0;
  for (let start = 0; start < count; start += BATCH) {
    const rows = Math.min(BATCH, count - start);
    sum += tf.tidy(() => {
      const x = tf.tensor2d(ids.subarray(start * time, (start + rows) * time), [rows, time], 'int32');
      const y = tf.tensor1d(targets.subarray(start * time, (start + rows) * time), 'int32');
      const logits = tf.reshape(model.forward(x, { training: false }).logits, [rows * time, -1]) as tf.Tensor2D;
      return tf.sum(tokenCrossEntropy(logits, y).nll).dataSync()[0];
    });
  }
  return sum / Math.max(1, count * time);
}

/**
 * The UniAttn model on the reference decoder. `beginTraining` (called by the trainer before step 1)
 * does what the factory cannot, for lack of data: it fits W_c by layer-sequential least squares on
 * calibration windows of the post-training stream; for a converted model (built with `initFrom`)
 * it measures the loss right after surgery and the base model's loss on the next windows, before
 * any update; it returns the two-stage plan (W_c only, then everything).
 */
export class UniAttnLM extends DecoderLM {
  readonly mode: UnifyMode;
  private base?: LanguageModel;
  /** Built from a trained model (`initFrom`): only then is there a surgery to measure. */
  private readonly converted: boolean;

  constructor(
    readonly c: UniAttnConfig,
    context: ModelBuildContext,
    mode: UnifyMode,
  ) {
    const roles = layerRoles(c);
    const outStd = c.initStd / Math.sqrt(2 * c.layers);
    super({ ...c, seqLen: context.seqLen }, context, {
      attention: (layer, params) =>
        roles[layer].role === 'reuse' && c.variant === 'drop'
          ? new DroppedAttention()
          : new UniAttention(params, c, layer, roles[layer], mode, c.initStd, outStd),
    });
    this.mode = mode;
    this.base = context.initFrom;
    this.converted = context.initFrom !== undefined;
  }

  /** Reuse layers with a compensation, in layer order. */
  compensated(): { layer: number; attention: UniAttention & { wC: tf.Variable } }[] {
    return this.layers.flatMap((b, layer) =>
      b.attention instanceof UniAttention && b.attention.wC ? [{ layer, attention: b.attention as UniAttention & { wC: tf.Variable } }] : [],
    );
  }

  override params(): ParamCount {
    const { total, active } = super.params();
    const unused = this.layers.reduce((n, b) => n + (b.attention instanceof UniAttention && this.mode.unify ? b.attention.unusedParams() : 0), 0);
    return { total, active: active - unused };
  }

  /** Rows [R, d] of `attn.input.<layer>` and `residual.attn.<layer>` over the windows. */
  private states(ids: Int32Array, count: number, time: number, layers: readonly number[]): Map<number, { x: number[][]; o: number[][] }> {
    const out = new Map(layers.map((l) => [l, { x: [] as number[][], o: [] as number[][] }]));
    for (let start = 0; start < count; start += BATCH) {
      const rows = Math.min(BATCH, count - start);
      tf.tidy(() => {
        const x = tf.tensor2d(ids.subarray(start * time, (start + rows) * time), [rows, time], 'int32');
        const { shared } = this.run(x, { training: false });
        for (const l of layers) {
          const d = this.c.dModel;
          out.get(l)!.x.push(...(tf.reshape(shared.get(`attn.input.${l}`)!, [-1, d]).arraySync() as number[][]));
          out.get(l)!.o.push(...(tf.reshape(shared.get(`residual.attn.${l}`)!, [-1, d]).arraySync() as number[][]));
        }
      });
    }
    return out;
  }

  /** Layer-sequential least squares (spec §4.3): returns ||X W - Delta|| / ||Delta|| per reuse layer. */
  calibrate(ids: Int32Array, count: number, time: number): Record<string, number> {
    const targets = this.compensated();
    const layers = targets.map((t) => t.layer);
    this.mode.unify = false; // the base model: every layer its own softmax, no compensation
    const base = this.states(ids, count, time, layers);
    this.mode.unify = true;
    const residuals: Record<string, number> = {};
    tf.tidy(() => targets.forEach((t) => t.attention.wC.assign(tf.zerosLike(t.attention.wC)))); // solved in order; later ones stay off
    for (const { layer, attention } of targets) {
      const { x, o } = this.states(ids, count, time, [layer]).get(layer)!;
      const delta = o.map((row, r) => row.map((v, j) => base.get(layer)!.o[r][j] - v));
      const w = solveCompensation(x, delta, this.c.solver, this.c.ridge);
      const { residual, target } = residualNorms(x, delta, w);
      residuals[`surgery.calibrationResidual.layer${layer}`] = target > 0 ? residual / target : 0;
      tf.tidy(() => attention.wC.assign(tf.tensor2d(w, [this.c.dModel, this.c.dModel], 'float32')));
    }
    return residuals;
  }

  beginTraining(start: TrainingStart): TrainingPlan {
    const time = start.seqLen;
    const all = fixedWindows(start.trainTokens, time, this.c.calibrationWindows + this.c.lossWindows);
    const lossCount = Math.min(this.c.lossWindows, Math.floor(all.count / 2));
    const calCount = all.count - lossCount;
    const stats: Record<string, number> = {};
    const loss = { ids: all.ids.subarray(calCount * time), targets: all.targets.subarray(calCount * time), count: lossCount };
    if (lossCount > 0 && this.converted) {
      const reference = this.c.variant === 'drop' ? this.base : this;
      if (reference) {
        this.mode.unify = reference !== this;
        stats['surgery.baseDomainLoss'] = windowLoss(reference, loss.ids, loss.targets, loss.count, time);
        this.mode.unify = true;
      }
    }
    if (this.c.compensationInit === 'least-squares' && calCount > 0 && this.compensated().length > 0) {
      Object.assign(stats, this.calibrate(all.ids, calCount, time));
    }
    if (lossCount > 0 && this.converted) stats['surgery.domainLoss'] = windowLoss(this, loss.ids, loss.targets, loss.count, time);
    this.base = undefined; // do not keep the source model alive
    const compensation = this.compensated().map((t) => t.attention.wC);
    if (compensation.length === 0) return { stats };
    const s = this.c.stage1Fraction;
    const phases = [{ name: 'compensation', fraction: s, variables: compensation }];
    if (s < 1) phases.push({ name: 'all', fraction: 1 - s, variables: this.variables });
    return { stats, phases };
  }
}

export const uniattnModel: ModelFactory<UniAttnConfig> = {
  id: 'uniattn',
  kind: 'causal',
  description:
    "UniAttn: SuperBlocks whose reuse layers take the anchor's softmax with their own V and O, plus a least-squares linear compensation and two-stage post-training; also plain, softmax-only, CLA (shared K/V) and attention-drop variants.",
  defaults: uniattnDefaults,
  configSchema: uniattnConfigSchema,
  create(config, context): LanguageModel {
    const c: UniAttnConfig = { ...uniattnDefaults, ...config };
    if (c.dModel % c.heads !== 0) throw new ConfigError('uniattn › modelConfig.heads', `dModel (${c.dModel}) must be divisible by heads (${c.heads}).`, 'Pick a head count that divides dModel.');
    const model = new UniAttnLM(c, context, { unify: true });
    if (context.initFrom) copyMatchingWeights(context.initFrom, model);
    return model;
  },
};

import type { FlopsPerToken, ForwardOptions, ForwardOutput, LanguageModel, ModelBuildContext, ModelFactory, ObjectiveOptions, ObjectiveOutput, ParamCount, TrainedTokenizer, TrainingPlan, TrainingStart } from '@labbench/core';
import { ConfigError, Rng, deriveSeed } from '@labbench/core';
import { ParameterFactory, localName, tf } from '@labbench/tensor';
import { dialMaeConfigSchema, dialMaeDefaults, resolveConfig, type DialMaeConfig } from './config.js';
import { BlockStack, Tower } from './encoder.js';
import { inBatchInfoNce, maskedLmLoss } from './losses.js';
import { wholeWordMask } from './masking.js';
import { pairSequence, splitWindow, withResponseCap, withSpecials, type TextPair } from './pairs.js';
import { encoderVocab, tokenTable, type EncoderVocab, type TokenTable } from './vocab.js';
import { pairMarkers, pairsFromStream, rowHash } from './stream-pairs.js';

/** Pairs of the arm's training stream: most for training, every tenth (up to 64) for the validation curve (pools under 100 pairs: all of them for both). */
interface PairPool {
  readonly train: readonly TextPair[];
  readonly valid: readonly TextPair[];
}
const MAX_VALID_PAIRS = 64;

/** Prefix of the response tower's variables in the fine-tuned bi-encoder. */
export const RESPONSE_PREFIX = 'response.';

/** Token rows of one batch: ids [B, L], keep [B, L] (1 real, 0 [PAD]), MLM labels [B, L]. */
interface Batch {
  readonly ids: tf.Tensor2D;
  readonly keep: tf.Tensor2D;
  readonly labels?: tf.Tensor2D;
}

function toBatch(rows: readonly Int32Array[], vocab: EncoderVocab, labels?: readonly Int32Array[]): Batch {
  const length = rows[0].length;
  const flat = new Int32Array(rows.length * length);
  const keep = new Float32Array(rows.length * length);
  rows.forEach((row, b) => {
    flat.set(row, b * length);
    for (let i = 0; i < length; i++) keep[b * length + i] = row[i] === vocab.pad ? 0 : 1;
  });
  const out: Batch = { ids: tf.tensor2d(flat, [rows.length, length], 'int32'), keep: tf.tensor2d(keep, [rows.length, length]) };
  if (!labels) return out;
  const flatLabels = new Int32Array(rows.length * length);
  labels.forEach((row, b) => flatLabels.set(row, b * length));
  return { ...out, labels: tf.tensor2d(flatLabels, [rows.length, length], 'int32') };
}

/**
 * The Dial-MAE encoder model. `objective` picks the stage: MLM pretraining, MLM-only or Dial-MAE
 * post-training (encoder + shallow decoder sharing embeddings and MLM head), or InfoNCE fine-tuning
 * of two towers (context = the encoder's own variables, response = `response.*`).
 */
export class DialMaeModel implements LanguageModel {
  readonly kind = 'encoder' as const;
  readonly variables: tf.Variable[];
  readonly vocab: EncoderVocab;
  readonly encoder: Tower;
  /** Dial-MAE's shallow decoder (objective 'dial-mae' only). */
  readonly decoder?: BlockStack;
  /** The response tower of the bi-encoder (objective 'infonce' only). */
  readonly responseTower?: Tower;
  private readonly rng: Rng;
  /** The training stream and seed handed over by `beginTraining` (pairs are read from it lazily). */
  private start?: TrainingStart;
  private pool?: PairPool;
  private pairRng?: Rng;

  constructor(readonly config: DialMaeConfig & Record<string, unknown>, readonly context: ModelBuildContext) {
    this.vocab = encoderVocab(context.vocabSize);
    const params = new ParameterFactory(context.seed);
    this.encoder = new Tower(params, config, context.vocabSize, this.vocab.size, context.seqLen);
    if (config.objective === 'dial-mae') this.decoder = new BlockStack(params.scope('decoder'), config, config.decoderLayers, config.decoderLayers);
    if (config.objective === 'infonce') this.responseTower = new Tower(params.scope('response'), config, context.vocabSize, this.vocab.size, context.seqLen);
    this.variables = params.variables;
    this.rng = new Rng(deriveSeed(context.seed, 'dial-mae.masking'));
  }

  /** ids [B, T] (tokenizer ids, no specials added) -> MLM logits [B, T, V], all positions real. */
  forward(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    return tf.tidy(() => ({ logits: this.encoder.head(this.encoder.encode(ids, tf.onesLike(ids).toFloat() as tf.Tensor2D, options.training)) }));
  }

  /** The stage's training objective on the trainer's windows ids [B, T]; targets are unused. */
  objective(ids: tf.Tensor2D, targets: tf.Tensor2D, options: ObjectiveOptions): ObjectiveOutput {
    void targets;
    const table = tokenTable(options.tokenizer);
    const rng = options.training ? this.rng : new Rng(deriveSeed(this.context.seed, 'dial-mae.validation'));
    const rows = ids.arraySync().map((r) => Int32Array.from(r));
    const time = ids.shape[1];
    const c = this.config;
    if (c.objective === 'mlm') {
      return this.mlm(rows.map((r) => withSpecials(r, time, this.vocab, 'right')), c.mlmMaskRate, table, rng, options.training);
    }
    // replies keep their first `responseLength` tokens, as retrieval keeps them (embedTexts), so every
    // objective trains on the responses it is evaluated on (until study v4 thread pairs kept whole replies)
    const pairs = c.pairSource === 'windows'
      ? rows.map((r) => splitWindow(r, table, Math.min(c.responseLength, time - 2), c.minPairTokens, c.pairGap))
      : this.threadPairs(rows, options.tokenizer, options.training).map((p) => withResponseCap(p, c.responseLength));
    if (c.objective === 'mlm-pairs') return this.mlm(pairs.map((p) => pairSequence(p, time, this.vocab)), c.encoderMaskRate, table, rng, options.training);
    if (c.objective === 'dial-mae') return this.dialMae(pairs, time, table, rng, options.training);
    return this.infoNce(pairs, time, options.training);
  }

  /** The masking and pair generators' positions: what a resumed training must get back. */
  trainingState(): unknown {
    return { masking: this.rng.state(), pairs: this.pairRng?.state() };
  }

  restoreTrainingState(state: unknown): void {
    const s = state as { masking: number[]; pairs?: number[] };
    this.rng.restore(s?.masking);
    if (s.pairs) (this.pairRng ??= new Rng(0)).restore(s.pairs);
  }

  /** Remembers the training stream; pairs are read from it at the first objective call (which has the tokenizer). */
  beginTraining(start: TrainingStart): TrainingPlan {
    this.start = start;
    this.pool = undefined;
    this.pairRng = new Rng(deriveSeed(start.seed, 'dial-mae.pairs')); // the cell's seed: every arm draws the same pairs in the same order
    return {};
  }

  /** The pair pool of the training stream (see `pairsFromStream`), split into training and validation pairs. */
  pairPool(tokenizer: TrainedTokenizer): PairPool {
    if (this.pool) return this.pool;
    const all = this.start ? pairsFromStream(this.start.trainTokens, pairMarkers(tokenizer), tokenizer.eosId, this.vocab.sep, this.config.minPairTokens) : [];
    if (all.length === 0) {
      throw new ConfigError(`dial-mae › objective '${this.config.objective}'`, 'the training stream holds no dialogue pairs (no pair documents, or training did not start through beginTraining).',
        "Give the arm `mixture: 'email-pairs'` (reply pairs of training-split e-mail threads), or set modelConfig.pairSource: 'windows' for the old window split.");
    }
    // tiny pools (smoke profile): validation reuses the training pairs rather than a single pair
    const held = all.length >= 100 ? all.filter((_, i) => i % 10 === 9).slice(0, MAX_VALID_PAIRS) : all;
    const heldSet = new Set(held);
    this.pool = { train: held === all ? all : all.filter((p) => !heldSet.has(p)), valid: held };
    return this.pool;
  }

  /**
   * One batch of thread pairs: in training, B pairs drawn with replacement in the cell-seeded order;
   * at validation, a batch of fixed validation windows maps (by a hash of its first row) to
   * consecutive held-out pairs, so the curve is the objective on the same distinct pairs at every
   * checkpoint (distinct, so in-batch negatives never duplicate the positive).
   */
  private threadPairs(rows: readonly Int32Array[], tokenizer: TrainedTokenizer, training: boolean): TextPair[] {
    const pool = this.pairPool(tokenizer);
    if (!training) {
      const start = rowHash(rows[0]) % pool.valid.length;
      return rows.map((_, r) => pool.valid[(start + r) % pool.valid.length]);
    }
    const rng = this.pairRng ?? new Rng(deriveSeed(this.context.seed, 'dial-mae.pairs'));
    return rows.map(() => pool.train[rng.int(0, pool.train.length - 1)]);
  }

  private mlm(sequences: Int32Array[], rate: number, table: TokenTable, rng: Rng, training: boolean): ObjectiveOutput {
    const masked = sequences.map((s) => wholeWordMask(s, rate, this.vocab, table, rng));
    const batch = toBatch(masked.map((m) => m.input), this.vocab, masked.map((m) => m.labels));
    const loss = maskedLmLoss(this.encoder.head(this.encoder.encode(batch.ids, batch.keep, training)), batch.labels!);
    tf.dispose([batch.ids, batch.keep, batch.labels!]);
    return { loss, stats: { 'mlm.encoderLoss': loss } };
  }

  /**
   * Dial-MAE: masked context -> encoder -> h_c = h[:, 0]; the decoder input is the shared embedding
   * of the heavily masked response with position 0 replaced by h_c; both MLM losses through the
   * shared head, added (decoder weighted by `decoderWeight`).
   */
  private dialMae(pairs: readonly TextPair[], time: number, table: TokenTable, rng: Rng, training: boolean): ObjectiveOutput {
    const { encoderLoss, decoderLoss } = this.dialMaeLosses(pairs, time, table, rng, training);
    const loss = tf.add(encoderLoss, tf.mul(decoderLoss, this.config.decoderWeight)) as tf.Scalar;
    return { loss, stats: { 'mlm.encoderLoss': encoderLoss, 'mlm.decoderLoss': decoderLoss } };
  }

  /** The two MLM losses of Dial-MAE, apart (tests take the decoder loss's gradient w.r.t. the encoder). */
  dialMaeLosses(pairs: readonly TextPair[], time: number, table: TokenTable, rng: Rng, training: boolean): { encoderLoss: tf.Scalar; decoderLoss: tf.Scalar } {
    if (!this.decoder) throw new Error(`dial-mae: the model was built with objective '${this.config.objective}'; Dial-MAE losses need objective 'dial-mae' (it builds the decoder).`);
    const c = this.config;
    const contexts = pairs.map((p) => wholeWordMask(withSpecials(p.context, time, this.vocab, 'left'), c.encoderMaskRate, this.vocab, table, rng));
    const responseLength = Math.min(time, Math.max(...pairs.map((p) => p.response.length)) + 2);
    const responses = pairs.map((p) => wholeWordMask(withSpecials(p.response, responseLength, this.vocab, 'right'), c.decoderMaskRate, this.vocab, table, rng));
    const enc = toBatch(contexts.map((m) => m.input), this.vocab, contexts.map((m) => m.labels));
    const dec = toBatch(responses.map((m) => m.input), this.vocab, responses.map((m) => m.labels));
    const h = this.encoder.encode(enc.ids, enc.keep, training); // [B, Lc, D]
    const encoderLoss = maskedLmLoss(this.encoder.head(h), enc.labels!);
    const decoderInput = this.decoderInput(h, dec.ids); // [B, Lr, D]
    const decoderLoss = maskedLmLoss(this.encoder.head(this.decoder.apply(decoderInput, dec.keep, training)), dec.labels!);
    tf.dispose([enc.ids, enc.keep, enc.labels!, dec.ids, dec.keep, dec.labels!]);
    return { encoderLoss, decoderLoss };
  }

  /** Shared embeddings of the masked response [B, Lr, D] with position 0 replaced by h_c = h[:, 0] (not detached). */
  decoderInput(h: tf.Tensor3D, responseIds: tf.Tensor2D): tf.Tensor3D {
    const [batch, length] = responseIds.shape;
    const d = h.shape[2];
    const embedded = this.encoder.embed(responseIds); // [B, Lr, D]
    const hc = tf.slice(h, [0, 0, 0], [batch, 1, d]); // [B, 1, D]
    return tf.concat([hc, tf.slice(embedded, [0, 1, 0], [batch, length - 1, d])], 1) as tf.Tensor3D; // [B, Lr, D]
  }

  private infoNce(pairs: readonly TextPair[], time: number, training: boolean): ObjectiveOutput {
    const contexts = toBatch(pairs.map((p) => withSpecials(p.context, time, this.vocab, 'left')), this.vocab);
    const responseLength = Math.min(time, Math.max(...pairs.map((p) => p.response.length)) + 2);
    const responses = toBatch(pairs.map((p) => withSpecials(p.response, responseLength, this.vocab, 'right')), this.vocab);
    const cv = this.cls(this.encoder, contexts, training); // [B, D]
    const rv = this.cls(this.responseTower!, responses, training); // [B, D]
    const loss = inBatchInfoNce(tf.matMul(cv, rv, false, true)); // scores [B, B]
    tf.dispose([contexts.ids, contexts.keep, responses.ids, responses.keep]);
    return { loss, stats: { 'contrastive.infoNce': loss } };
  }

  private cls(tower: Tower, batch: Batch, training: boolean): tf.Tensor2D {
    const h = tower.encode(batch.ids, batch.keep, training); // [B, L, D]
    return tf.reshape(tf.slice(h, [0, 0, 0], [h.shape[0], 1, h.shape[2]]), [h.shape[0], h.shape[2]]) as tf.Tensor2D; // [B, D]
  }

  /**
   * [CLS] vectors [N, D] of texts for retrieval: contexts (token lists, turns joined by [SEP]) are
   * left-truncated to T - 2 tokens, responses right-truncated to `responseLength`. Responses use the
   * response tower when the model has one (fine-tuned bi-encoder), else the encoder (zero-shot).
   */
  embedTexts(tokens: readonly Int32Array[], role: 'context' | 'response', batchSize = 32): Float32Array[] {
    const seqLen = this.context.seqLen;
    const tower = role === 'response' && this.responseTower ? this.responseTower : this.encoder;
    const cap = role === 'context' ? seqLen : Math.min(seqLen, this.config.responseLength + 2);
    const out: Float32Array[] = [];
    for (let start = 0; start < tokens.length; start += batchSize) {
      const chunk = tokens.slice(start, start + batchSize);
      const length = Math.min(cap, Math.max(...chunk.map((t) => t.length)) + 2);
      const rows = chunk.map((t) => withSpecials(t, length, this.vocab, role === 'context' ? 'left' : 'right'));
      const vectors = tf.tidy(() => {
        const batch = toBatch(rows, this.vocab);
        return this.cls(tower, batch, false).arraySync();
      });
      for (const v of vectors) out.push(Float32Array.from(v));
    }
    return out;
  }

  params(): ParamCount {
    const total = this.encoder.params() + (this.decoder?.params() ?? 0) + (this.responseTower?.params() ?? 0);
    return { total, active: total };
  }

  flopsPerToken(): FlopsPerToken {
    const { seqLen, vocabSize } = this.context;
    const head = 2 * this.config.dModel * vocabSize;
    const forward = this.encoder.stack.flopsPerToken(seqLen) + head; // one tower, MLM head: what retrieval runs per token
    // training upper bound: every window token also passes the decoder (+ head) or the response tower
    const extra = (this.decoder ? this.decoder.flopsPerToken(seqLen) + head : 0) + (this.responseTower ? this.responseTower.stack.flopsPerToken(seqLen) : 0);
    return { train: 3 * (forward + extra), inference: forward };
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * Starts a model from a trained one: every variable with the same local name and shape is copied,
 * and the response tower (`response.X`) starts from the source's encoder (`X`), as in the paper's
 * fine-tuning (two encoders initialised from the post-trained one).
 */
export function initFromTrained(from: LanguageModel, to: DialMaeModel): string[] {
  const source = new Map(from.variables.map((v) => [localName(v), v]));
  const copied: string[] = [];
  for (const target of to.variables) {
    const name = localName(target);
    const match = source.get(name) ?? (name.startsWith(RESPONSE_PREFIX) ? source.get(name.slice(RESPONSE_PREFIX.length)) : undefined);
    if (match && match.shape.join('x') === target.shape.join('x')) {
      target.assign(match);
      copied.push(name);
    }
  }
  return copied;
}

export const dialMaeModel: ModelFactory<DialMaeConfig> = {
  id: 'dial-mae-encoder',
  kind: 'encoder',
  description: 'Bidirectional transformer encoder with a tied MLM head; objectives: whole-word MLM, MLM-only or Dial-MAE post-training, InfoNCE bi-encoder fine-tuning.',
  defaults: dialMaeDefaults,
  configSchema: dialMaeConfigSchema,
  create(config, context): LanguageModel {
    const model = new DialMaeModel(resolveConfig(config as Record<string, unknown>), context);
    if (context.initFrom) initFromTrained(context.initFrom, model);
    return model;
  },
};

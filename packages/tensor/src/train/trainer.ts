import * as tf from '#tfjs';
import type { CurvePoint, LanguageModel, PositionCurve, TrainRequest, TrainedCell, TrainedTokenizer, TrainingPlan, TrainingSnapshots } from '@labbench/core';
import { TrainingFault, TrainingStopped } from '@labbench/core';
import { tokenCrossEntropy } from '../ops/index.js';
import { AdamW, adamWDefaults, learningRateAt } from './adamw.js';
import { WindowSampler, fixedWindows } from './batches.js';
import { StepRate } from './step-rate.js';
import { encodeSnapshot, readSnapshot, type TrainerState } from './snapshot.js';

// Validation windows per checkpoint: enough for a stable mean, few enough to stay cheap.
const VALID_WINDOWS = 32;

/** Mean loss per position over fixed windows, plus model stats of the pass: [T] nats. */
export function positionLosses(model: LanguageModel, stream: Int32Array, time: number, batch: number): { losses: number[]; mean: number; windows: number; stats: Record<string, number[]> } {
  const { ids, targets, count } = fixedWindows(stream, time, VALID_WINDOWS);
  const sums = new Float64Array(time);
  const stats: Record<string, number[]> = {};
  for (let start = 0; start < count; start += batch) {
    const rows = Math.min(batch, count - start);
    tf.tidy(() => {
      const x = tf.tensor2d(ids.subarray(start * time, (start + rows) * time), [rows, time], 'int32');
      const y = tf.tensor1d(targets.subarray(start * time, (start + rows) * time), 'int32');
      const out = model.forward(x, { training: false });
      const { nll } = tokenCrossEntropy(tf.reshape(out.logits, [rows * time, -1]) as tf.Tensor2D, y);
      const perPosition = tf.sum(tf.reshape(nll, [rows, time]), 0).dataSync();
      for (let t = 0; t < time; t++) sums[t] += perPosition[t];
      if (start === 0) for (const [name, value] of Object.entries(out.stats ?? {})) stats[name] = Array.from(value.dataSync());
    });
  }
  const losses = Array.from(sums, (s) => s / Math.max(1, count));
  return { losses, mean: losses.reduce((a, b) => a + b, 0) / Math.max(1, time), windows: count, stats };
}

/** Mean of a model's own objective (`training: false`) over fixed validation windows, plus its stats. */
export function objectiveValidation(model: LanguageModel, stream: Int32Array, time: number, batch: number, tokenizer: TrainedTokenizer): { mean: number; stats: Record<string, number[]> } | undefined {
  const { ids, targets, count } = fixedWindows(stream, time, VALID_WINDOWS);
  if (!model.objective || count === 0) return undefined;
  let sum = 0;
  const stats: Record<string, number[]> = {};
  for (let start = 0; start < count; start += batch) {
    const rows = Math.min(batch, count - start);
    tf.tidy(() => {
      const x = tf.tensor2d(ids.subarray(start * time, (start + rows) * time), [rows, time], 'int32');
      const y = tf.tensor2d(targets.subarray(start * time, (start + rows) * time), [rows, time], 'int32');
      const out = model.objective!(x, y, { training: false, tokenizer });
      sum += out.loss.dataSync()[0] * rows;
      if (start === 0) for (const [name, value] of Object.entries(out.stats ?? {})) stats[name] = Array.from(value.dataSync());
    });
  }
  return { mean: sum / count, stats };
}

/**
 * Trains one cell: seeded windows, AdamW with warmup + cosine, gradient clipping, the model's
 * auxiliary loss added (or the model's own `objective` instead of loss + aux), NaN/Inf detection (only this cell fails), validation loss and per-position
 * loss curves at evenly spaced checkpoints. The tensor count stays flat over steps. With
 * `request.snapshots` it saves its whole state every so often and, given one, continues after it:
 * the same bits as a training that was never stopped.
 */
export async function trainModel(request: TrainRequest, model: LanguageModel): Promise<TrainedCell> {
  const { budget, loss, lossConfig, seed } = request;
  const { steps, batchSize, seqLen } = budget;
  const sampler = new WindowSampler(request.trainTokens, batchSize, seqLen, seed);
  const plan = model.beginTraining?.({ trainTokens: request.trainTokens, seqLen, batchSize, steps, seed });
  const phases = phaseSchedule(model, plan, steps);
  const newOptimizer = (p: Phase) => new AdamW(p.variables, { ...adamWDefaults, weightDecay: budget.weightDecay });
  const resumed = request.snapshots ? resume(request.snapshots, model, phases, sampler, steps, newOptimizer) : undefined;
  let phase = resumed?.phase ?? phases[0];
  let optimizer = resumed?.optimizer ?? newOptimizer(phase);
  const checkpointSteps = new Set(Array.from({ length: budget.checkpoints }, (_, i) => Math.round(((i + 1) * steps) / budget.checkpoints)));
  const trainLoss: CurvePoint[] = resumed ? resumed.state.trainLoss : [];
  const validLoss: CurvePoint[] = resumed ? resumed.state.validLoss : [];
  const positionCurves: PositionCurve[] = resumed ? resumed.state.positionLosses : [];
  let lastStats: Record<string, number[]> = resumed ? resumed.state.lastStats : {};
  const firstStep = resumed ? resumed.state.step + 1 : 1;
  let lastSnapshot = performance.now();
  const started = lastSnapshot - (resumed?.state.wallSeconds ?? 0) * 1000; // a resumed record counts the earlier runs' seconds
  const rate = new StepRate(StepRate.windowFor(steps), lastSnapshot);
  const tokensPerStep = batchSize * seqLen;
  const logEvery = Math.max(1, Math.floor(steps / 50)); // about 50 points per curve
  let smoothed = resumed ? resumed.state.smoothedLoss : Number.NaN;
  try {
    for (let step = firstStep; step <= steps; step++) {
      if (step > phase.end) { // next phase of the model's plan: a fresh optimizer over its variables
        phase = phases.find((p) => step <= p.end)!;
        optimizer.dispose();
        optimizer = newOptimizer(phase);
      }
      const { ids, targets } = sampler.next();
      const poisoned = request.injectNanAtStep !== undefined && step >= request.injectNanAtStep;
      const { value, grads } = tf.variableGrads(() => {
        const total = model.objective ? model.objective(ids, targets, { training: true, tokenizer: request.tokenizer }).loss : (() => {
          const out = model.forward(ids, { training: true });
          const objective = loss.compute(out.logits, targets, lossConfig).loss;
          return out.auxLoss ? tf.add(objective, out.auxLoss) : objective;
        })();
        return (poisoned ? tf.mul(total, Number.NaN) : total) as tf.Scalar;
      }, phase.variables);
      ids.dispose();
      targets.dispose();
      const lossValue = value.dataSync()[0];
      value.dispose();
      if (!Number.isFinite(lossValue)) {
        tf.dispose(grads);
        throw new TrainingFault(step, `loss is ${lossValue} (not finite)`);
      }
      optimizer.step(phase.variables.map((v) => grads[v.name]), learningRateAt(step - 1 - phase.start, budget.learningRate, budget.warmupSteps, phase.end - phase.start, budget.schedule));
      tf.dispose(grads);
      smoothed = Number.isNaN(smoothed) ? lossValue : 0.9 * smoothed + 0.1 * lossValue;
      if (step % logEvery === 0 || step === steps) trainLoss.push({ step, tokens: step * tokensPerStep, value: lossValue });
      if (checkpointSteps.has(step) && model.objective) {
        const result = objectiveValidation(model, request.validTokens, seqLen, batchSize, request.tokenizer);
        if (result) {
          validLoss.push({ step, tokens: step * tokensPerStep, value: result.mean });
          lastStats = result.stats;
        }
      } else if (checkpointSteps.has(step)) {
        for (const [split, stream] of [['in-domain', request.validTokens], ['out-of-domain', request.oodTokens]] as const) {
          if (stream.length <= seqLen + 1) continue;
          const result = positionLosses(model, stream, seqLen, batchSize);
          positionCurves.push({ step, tokens: step * tokensPerStep, losses: result.losses, split });
          if (split === 'in-domain') {
            validLoss.push({ step, tokens: step * tokensPerStep, value: result.mean });
            lastStats = result.stats;
          }
        }
      }
      const tokensPerSecond = rate.step(performance.now()) * tokensPerStep; // recent steps, not since the start
      request.onProgress?.({ step, steps, loss: smoothed, tokensPerSecond, etaSeconds: ((steps - step) * tokensPerStep) / tokensPerSecond });
      const stopping = step < steps && request.snapshots?.stopRequested?.() === true;
      if (request.snapshots && step < steps && (stopping || performance.now() - lastSnapshot >= request.snapshots.everySeconds * 1000)) {
        const [at, variables, optimized] = [step, model.variables as tf.Variable[], phase.variables];
        request.snapshots.save(() => {
          const moments = optimizer.state();
          const state = {
            step: at, optimizerSteps: moments.t, sampler: sampler.state(), model: model.trainingState?.(),
            trainLoss, validLoss, positionLosses: positionCurves, lastStats, smoothedLoss: smoothed, wallSeconds: (performance.now() - started) / 1000,
          };
          return encodeSnapshot(state, variables, optimized, moments);
        });
        lastSnapshot = performance.now();
      }
      if (stopping) throw new TrainingStopped(step);
      if (step % 8 === 0) await new Promise((resolve) => setImmediate(resolve)); // let signals and output through
    }
  } finally {
    optimizer.dispose();
  }
  const modelStats: Record<string, number | number[]> = {};
  for (const [name, value] of Object.entries(plan?.stats ?? {})) modelStats[name] = typeof value === 'number' ? value : [...value];
  for (const [name, values] of Object.entries(lastStats)) modelStats[name] = values.length === 1 ? values[0] : values;
  return {
    model,
    record: {
      steps, tokens: steps * tokensPerStep, wallSeconds: (performance.now() - started) / 1000,
      warmupSteps: budget.warmupSteps, schedule: budget.schedule ?? 'cosine',
      trainLoss, validLoss, positionLosses: positionCurves, modelStats,
    },
  };
}

type Phase = ReturnType<typeof phaseSchedule>[number];

/**
 * Continues from the last snapshot, if any: its weights, moments, data position and the model's
 * own training state, with the phase of its step and an optimizer restored for it. The model has
 * been built and `beginTraining` called, as for a fresh start. A snapshot that does not fit
 * (corrupted, another model, a state that is not a trainer's, a step outside this training) is
 * discarded before anything is assigned, and training starts from step 1; a failure after that
 * (the model refusing its state) fails the training, with the snapshot discarded.
 */
function resume(snapshots: TrainingSnapshots, model: LanguageModel, phases: readonly Phase[], sampler: WindowSampler, steps: number, newOptimizer: (p: Phase) => AdamW) {
  const bytes = snapshots.load();
  if (!bytes) return undefined;
  let applying = false;
  let optimizer: AdamW | undefined;
  try {
    const snapshot = readSnapshot(bytes);
    const { state } = snapshot;
    checkTrainerState(state, steps);
    if (state.model !== undefined && !model.restoreTrainingState) throw new Error('training snapshot: it holds a model training state, and this model cannot restore one.');
    const phase = phases.find((p) => state.step <= p.end) ?? phases[phases.length - 1];
    snapshot.check(model.variables as tf.Variable[], phase.variables);
    applying = true;
    const moments = snapshot.apply(model.variables as tf.Variable[], phase.variables);
    optimizer = newOptimizer(phase);
    optimizer.restore({ t: state.optimizerSteps, ...moments });
    sampler.restore(state.sampler);
    if (state.model !== undefined) model.restoreTrainingState!(state.model);
    return { state, phase, optimizer };
  } catch (error) {
    optimizer?.dispose();
    snapshots.discard((error as Error).message, applying ? 'failed' : 'restart');
    if (applying) throw error;
    return undefined;
  }
}

/** Throws unless `state` is a trainer state of a step inside this training (checked before anything is assigned). */
function checkTrainerState(state: TrainerState, steps: number): void {
  const what = 'training snapshot';
  if (!(Number.isInteger(state?.step) && state.step >= 1 && state.step < steps)) throw new Error(`${what}: saved after step ${state?.step}, outside 1..${steps - 1} of this training.`);
  if (!(Number.isInteger(state.optimizerSteps) && state.optimizerSteps >= 0 && state.optimizerSteps <= state.step)) throw new Error(`${what}: optimizer step count ${state.optimizerSteps} is not in 0..${state.step}.`);
  if (!(Array.isArray(state.sampler) && state.sampler.length === 4 && state.sampler.every(Number.isInteger))) throw new Error(`${what}: the sampler state is not a generator position.`);
  const curves = [state.trainLoss, state.validLoss, state.positionLosses];
  if (!curves.every(Array.isArray) || typeof state.lastStats !== 'object' || state.lastStats === null || typeof state.smoothedLoss !== 'number' || !(state.wallSeconds >= 0)) {
    throw new Error(`${what}: its curves or statistics are not a trainer's.`);
  }
}

/**
 * Steps (start, end] of each phase of a model's plan; without a plan one phase of every variable
 * over all steps, so the default loop is unchanged.
 */
export function phaseSchedule(model: LanguageModel, plan: TrainingPlan | undefined, steps: number): { name: string; start: number; end: number; variables: tf.Variable[] }[] {
  const all = model.variables as tf.Variable[];
  if (!plan?.phases || plan.phases.length === 0) return [{ name: 'all', start: 0, end: steps, variables: all }];
  const known = new Set(all);
  const total = plan.phases.reduce((a, p) => a + p.fraction, 0);
  if (plan.phases.some((p) => !(p.fraction > 0)) || Math.abs(total - 1) > 1e-6) {
    throw new Error(`training plan: phase fractions must be > 0 and sum to 1, got [${plan.phases.map((p) => p.fraction)}]. Fix the model's beginTraining().`);
  }
  let cumulative = 0;
  let start = 0;
  const out: { name: string; start: number; end: number; variables: tf.Variable[] }[] = [];
  for (const [i, p] of plan.phases.entries()) {
    const stranger = p.variables.find((v) => !known.has(v as tf.Variable));
    if (stranger || p.variables.length === 0) {
      throw new Error(`training plan: phase '${p.name}' must list some of the model's own variables${stranger ? `; '${stranger.name}' is not one` : ''}.`);
    }
    cumulative += p.fraction;
    const end = i === plan.phases.length - 1 ? steps : Math.round(cumulative * steps);
    if (end > start) out.push({ name: p.name, start, end, variables: p.variables as tf.Variable[] });
    start = Math.max(start, end);
  }
  return out;
}

import type { ArmSpec } from './contracts/study.js';
import { hashJson } from './hash.js';
import type { Profile } from './profiles.js';
import type { Registry } from './registry.js';

/** The profile's base model size, overridden by the arm's own model config. */
export function modelConfigOf(profile: Profile, arm: ArmSpec): Record<string, unknown> {
  return { ...profile.model, ...(arm.modelConfig ?? {}) };
}

/** The training loop's budget for an arm: the profile's, with the arm's `train` overrides. */
export function budgetOf(profile: Profile, arm: ArmSpec) {
  const steps = Math.max(1, Math.round(profile.steps * (arm.stepsFraction ?? 1)));
  return {
    steps,
    batchSize: profile.batchSize,
    seqLen: profile.seqLen,
    learningRate: arm.train?.learningRate ?? profile.learningRate,
    warmupSteps: arm.train?.warmupSteps ?? profile.warmupSteps,
    weightDecay: arm.train?.weightDecay ?? profile.weightDecay,
    checkpoints: Math.min(arm.train?.checkpoints ?? profile.checkpoints, steps),
    // only when set, so the budgets (and cache keys) of every other arm stay as they were
    ...(arm.train?.schedule ? { schedule: arm.train.schedule } : {}),
  };
}

/**
 * What an arm trains, whatever study or arm name asks for it: every option with its default filled
 * in (the model's and loss's plugin defaults, the profile's vocabulary and model size, the default
 * mixtures). Two arms of different studies that train the same thing (the dense model DSMoE
 * converts and the dense baseline's SwiGLU arm) get equal canonical arms, hence one training key
 * and one trained cell per seed in the content-addressed cache. `train` overrides are left out:
 * the budget (budgetOf) carries them.
 */
export function canonicalArm(registry: Registry, profile: Profile, arm: ArmSpec, initFrom: string | null): Record<string, unknown> {
  const model = arm.model === 'none' ? {} : { ...(registry.get('model', arm.model).defaults as object), ...modelConfigOf(profile, arm) };
  return {
    model: arm.model, modelConfig: model,
    tokenizer: arm.tokenizer, tokenizerConfig: { vocabSize: profile.vocabSize, ...(arm.tokenizerConfig ?? {}) }, tokenizerMixture: arm.tokenizerMixture ?? 'default',
    loss: arm.loss, lossConfig: { ...(registry.get('loss', arm.loss).defaults as object), ...(arm.lossConfig ?? {}) },
    mixture: arm.mixture ?? 'default', stepsFraction: arm.stepsFraction ?? 1, initFrom,
  };
}

/**
 * A planning-time stand-in for the training key (which also hashes code, data and backend, known
 * only when a cell runs): equal for cells that will get equal training keys in one checkout. The
 * planner uses it to count a shared trained cell once and to keep its users in one shard; the
 * runner, to train it once and let the others load it.
 */
export function trainingIdentity(registry: Registry, profile: Profile, arm: ArmSpec, seed: number, sourceIdentity: string | null): string {
  return hashJson({ arm: canonicalArm(registry, profile, arm, sourceIdentity), budget: budgetOf(profile, arm), seed });
}

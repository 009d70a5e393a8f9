import type { BackendInfo, LanguageModel, ModelFactory, TrainRequest, TrainedTokenizer, TrainingEngine } from '@labbench/core';
import { trainModel } from './trainer.js';
import { CausalScorer } from './scorer.js';
import { loadVariables, saveVariables } from './checkpoint.js';

/** The TensorFlow.js implementation of core's TrainingEngine. */
export function createEngine(backend: BackendInfo): TrainingEngine {
  return {
    backend,
    async train(request: TrainRequest) {
      const model = request.model.create(request.modelConfig, {
        vocabSize: request.tokenizer.vocabSize, seqLen: request.budget.seqLen, seed: request.seed,
        tokenCounts: request.tokenCounts, initFrom: request.initFrom,
      });
      try {
        return await trainModel(request, model);
      } catch (error) {
        model.dispose();
        throw error;
      }
    },
    scorer(model: LanguageModel, tokenizer: TrainedTokenizer, batchSize: number) {
      return new CausalScorer(model, tokenizer, modelSeqLen(model), batchSize);
    },
    saveCheckpoint(model: LanguageModel, path: string) {
      saveVariables(model.variables, path);
    },
    loadCheckpoint(factory: ModelFactory<any>, config, context, path) {
      const model = factory.create(config, context);
      try {
        loadVariables(model.variables, path);
      } catch (error) {
        model.dispose();
        throw error;
      }
      return model;
    },
  };
}

/**
 * A model's context length: `seqLen` in its config (the reference decoder's factories put it
 * there), else the rows of its position table. Scorers and evaluators that cut held-out windows use it.
 */
export function modelSeqLen(model: LanguageModel): number {
  const fromConfig = Number((model.config as { seqLen?: number }).seqLen ?? 0);
  if (fromConfig > 0) return fromConfig;
  const positions = model.variables.find((v) => v.name.endsWith('positionEmbedding'));
  if (!positions) throw new Error("cannot tell the model's context length: put seqLen in its config.");
  return positions.shape[0];
}

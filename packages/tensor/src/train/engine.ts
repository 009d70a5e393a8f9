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
      const seqLen = Number((model.config as { seqLen?: number }).seqLen ?? 0) || inferSeqLen(model);
      return new CausalScorer(model, tokenizer, seqLen, batchSize);
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

/** The context length of a model built on the reference decoder (its position table's rows). */
function inferSeqLen(model: LanguageModel): number {
  const positions = model.variables.find((v) => v.name.endsWith('positionEmbedding'));
  if (!positions) throw new Error('scorer: cannot tell the model\'s context length; put seqLen in its config.');
  return positions.shape[0];
}

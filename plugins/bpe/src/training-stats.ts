/**
 * Training statistics stored in the tokenizer file, so that the metrics evaluator can report
 * them without the training corpus (spec 1.7 "tokenizer-level metrics", spec 6.1).
 *
 * Plain BPE with the same N stops when |E| = N; call that vocabulary E_bpe. Scaffold-BPE's merge
 * sequence extends E_bpe's (the flags never change L), so:
 *   replaced tokens R = S ∩ E_bpe   (BPE emits them, Scaffold-BPE does not)
 *   added tokens    A = V \ E_bpe   (Scaffold-BPE emits them in their place)
 * f_bpe(r) is r's standalone frequency in L at the cutoff (= BPE's training segmentation);
 * f_scaffold(a) is a's frequency in the final L after demolition (= Scaffold-BPE's segmentation).
 * avgFreqChange = mean f_scaffold(A) / mean f_bpe(R) - 1 (the paper reports +59% to +76%).
 */
import type { BpeModel } from './model.js';
import type { TrainOutcome } from './train.js';
import type { WordStore } from './words.js';

export interface TrainingStats {
  readonly uniqueWords: number;
  readonly corpusPieces: number;
  readonly corpusBytes: number;
  readonly merges: number;
  readonly iterations: number;
  readonly marks: number;
  readonly unmarks: number;
  /** |S| at the end. */
  readonly scaffoldCount: number;
  /** |R| / N: the share of plain BPE's vocabulary that Scaffold-BPE flags as scaffold. */
  readonly scaffoldShare: number;
  readonly replacedCount: number;
  readonly addedCount: number;
  readonly replacedMeanFreq: number | null;
  readonly addedMeanFreq: number | null;
  readonly avgFreqChange: number | null;
  /** f(Q_head) at termination. */
  readonly finalHead: number;
  /** The corpus ran out of pairs before |V| reached N. */
  readonly exhausted: boolean;
}

export function trainingStats(words: WordStore, outcome: TrainOutcome, model: BpeModel, targetSize: number): TrainingStats {
  let corpusPieces = 0;
  let corpusBytes = 0;
  for (let w = 0; w < words.size; w++) corpusPieces += words.counts[w];
  const final = demolishedCounts(words, model);
  for (let e = 0; e < model.tokenCount; e++) corpusBytes += final[e] * model.bytes[e].length;
  const cutoff = outcome.cutoffTokens < 0 ? model.tokenCount : outcome.cutoffTokens;
  let replacedSum = 0;
  let replacedCount = 0;
  let addedSum = 0;
  let addedCount = 0;
  for (let e = 0; e < model.tokenCount; e++) {
    if (e < cutoff && model.isScaffold[e]) {
      replacedCount++;
      replacedSum += outcome.cutoffFreq ? outcome.cutoffFreq[e] : 0;
    } else if (e >= cutoff && !model.isScaffold[e]) {
      addedCount++;
      addedSum += final[e];
    }
  }
  const replacedMeanFreq = replacedCount > 0 ? replacedSum / replacedCount : null;
  const addedMeanFreq = addedCount > 0 ? addedSum / addedCount : null;
  return {
    uniqueWords: words.size, corpusPieces, corpusBytes,
    merges: outcome.results.length, iterations: outcome.iterations, marks: outcome.marks, unmarks: outcome.unmarks,
    scaffoldCount: model.tokenCount - model.vocabSize, scaffoldShare: replacedCount / targetSize,
    replacedCount, addedCount, replacedMeanFreq, addedMeanFreq,
    avgFreqChange: replacedMeanFreq && addedMeanFreq !== null ? addedMeanFreq / replacedMeanFreq - 1 : null,
    finalHead: outcome.finalHead, exhausted: outcome.exhausted,
  };
}

/** Standalone count of every expanded token in the final L after demolition (scaffold: 0). */
function demolishedCounts(words: WordStore, model: BpeModel): Float64Array {
  const counts = new Float64Array(model.tokenCount);
  for (let w = 0; w < words.size; w++) {
    const c = words.counts[w];
    const end = words.starts[w] + words.lengths[w];
    for (let i = words.starts[w]; i < end; i++) {
      const t = words.symbols[i];
      for (let j = model.demolitionStart[t]; j < model.demolitionStart[t + 1]; j++) {
        counts[model.expandedOf[model.demolished[j]]] += c;
      }
    }
  }
  return counts;
}

import type { DetectionPrompt, EvalContext, EvalSubject, Evaluator, EvaluatorWork, EvaluatorWorkInput, LanguageModel, MetricRecord, Scorer } from '@labbench/core';
import { deriveSeed } from '@labbench/core';
import { CausalScorer } from '@labbench/tensor';
import { buildTrainingText } from '@labbench/corpora';
import { HELD_OUT_SHARE, allInNormalForm, buildCorpus, type Sample } from './corpus.js';
import { transformerLM, type TokenLM } from './lm.js';
import { KneserNeyTrigram } from './ngram.js';
import { TASKS, type TaskId } from './tasks.js';
import { ZERO_SHOT, zeroShotFeatures, type ZeroShotFeatures } from './detectors/zero-shot.js';
import { fitDense } from './detectors/logistic.js';
import { fitCharTfidf } from './detectors/char-ngrams.js';
import { fitInstructionDetector, fitTransformerClassifier, trainTransformer, type TrainSettings } from './detectors/transformer.js';
import { aurocRecord, detectorRecords, type DetectorScores, type ReportSettings } from './report.js';
import { semanticLink } from './semantic-link.js';
import { spamRecords } from './spam.js';

/** Evaluator options (from the study); every budget is derived from the cell and the profile's limits. */
export interface Hc3PlusOptions {
  /** Mixture of the second transformer and the n-gram model (the half the cell did not train on). */
  readonly otherMixture: string;
  readonly heldOutGenerator: string;
  readonly heldOutDecoding: string;
  readonly learningRate: number;
  /** Fine-tuning steps of the detectors as a share of the cell's training steps. */
  readonly fineTuneFraction: number;
}
export const hc3PlusDefaults: Hc3PlusOptions = {
  otherMixture: 'default-half-b', heldOutGenerator: 'lm-b', heldOutDecoding: 'topp0.9',
  learningRate: 3e-3, fineTuneFraction: 0.25,
};

const SCORING_BATCH = 16;
/** Trained detectors; each is fitted on all tasks' training split (HC3 Plus's protocol) and on task A only (its preliminary study). */
export const TRAINED = ['gltr-lr@lm-a', 'stacked-lr', 'char-tfidf-lr', 'transformer-clf', 'instruct-vote'] as const;
const FITS = ['all', 'A'] as const;

/** Where the evaluator gets the other half's training text (tests inject a small one). */
export type TrainingTextSource = (options: { mixture: string; maxChars: number; seed: number }) => Promise<readonly string[]>;
const corporaText: TrainingTextSource = async (o) => buildTrainingText(o);

export function createHc3PlusEvaluator(trainingText: TrainingTextSource = corporaText): Evaluator {
  return {
    id: 'hc3-plus',
    description: 'HC3-Plus-style benchmark from our own generators: free continuation (A) vs paraphrase and summary analogues (B-para, B-summ: machine-written, conditioned on the human text); zero-shot and trained detectors; AUROC and TPR@1%FPR per task, detector, generator and decoding (details.facets).',
    boards: ['detection'],
    requires: 'causal',
    evaluate: (subject, context) => evaluateHc3Plus(subject, context, trainingText),
    work: hc3PlusWork,
  };
}

/** DetectGPT perturbations per text: the spec's 20-50, scaled down for CPU with the item budget. */
function perturbationsFor(items: number): number {
  return Math.min(10, Math.max(4, Math.round(items / 25)));
}

/**
 * The study this evaluator runs, in tokens of the cell's model, for `labbench plan`: it trains the
 * second generator (lm-b, the cell's budget) and, per fit (all tasks, task A), a classifier and an
 * instruction detector for `fineTuneFraction` of it; it generates one machine text per pair (3
 * tasks x items pairs, up to T tokens) and scores 2 texts per pair under 2 scorers: token scores,
 * cross-perplexity (observer and performer), DetectGPT on held-out texts (the text and its
 * perturbations); the 4 trained transformer detectors score the held-out texts (valid and test:
 * HELD_OUT_SHARE of the corpus).
 */
export function hc3PlusWork(input: EvaluatorWorkInput): EvaluatorWork {
  const options = { ...hc3PlusDefaults, ...(input.options as Partial<Hc3PlusOptions>) };
  const pairs = TASKS.length * input.limits.items;
  const texts = 2 * pairs;
  const perScorer = 3 + HELD_OUT_SHARE * (1 + perturbationsFor(input.limits.items));
  const detectorPasses = FITS.length * 2 * HELD_OUT_SHARE;
  return {
    trainTokens: input.trainTokens * (1 + FITS.length * 2 * options.fineTuneFraction),
    inferenceTokens: input.seqLen * (pairs + texts * (2 * perScorer + detectorPasses)),
  };
}

interface Scored { readonly d: DetectorScores; readonly tasks: readonly TaskId[]; readonly thresholdTask?: TaskId }

async function evaluateHc3Plus(subject: EvalSubject, context: EvalContext, trainingText: TrainingTextSource): Promise<MetricRecord[]> {
  const { tokenizer, model, scorer } = subject;
  if (!model || !scorer || model.kind !== 'causal') return [];
  const options = { ...hc3PlusDefaults, ...(context.options as Partial<Hc3PlusOptions>) };
  const T = scorer.maxLength;
  const steps = Math.max(4, subject.training?.steps ?? 12);
  const batchSize = Math.max(1, Math.round((subject.training?.tokens ?? steps * 4 * T) / steps / T));
  const settings: TrainSettings = { tokenizer, base: model, seqLen: T, batchSize, learningRate: options.learningRate };
  const items = context.limits.items;
  // spec: 20-50 perturbations; scaled down for CPU (DetectGPT's scoring is most of the evaluation's cost)
  const perturbations = perturbationsFor(items);
  const report: ReportSettings = { seed: context.seed, resamples: items <= 50 ? 200 : 500 };
  const disposables: LanguageModel[] = [];
  let last = performance.now();
  const phase = (what: string) => { const now = performance.now(); context.log(`${what} (${((now - last) / 1000).toFixed(1)} s)`); last = now; };
  try {
    // generators: G0 n-gram and G2 transformer on the other half; G1 is the cell's own model
    const otherText = await trainingText({ mixture: options.otherMixture, maxChars: Math.min(4_000_000, Math.max(50_000, 4 * steps * batchSize * T)), seed: context.seed });
    const lmB = await trainTransformer(settings, otherText, steps, deriveSeed(context.seed, 'lm-b'), false);
    disposables.push(lmB);
    // scoring batches are independent of the training batch: larger ones amortise the per-call overhead
    const scorerA = new CausalScorer(model, tokenizer, T, SCORING_BATCH);
    const scorerB = new CausalScorer(lmB, tokenizer, T, SCORING_BATCH);
    const ngram = new KneserNeyTrigram('ngram', tokenizer.vocabSize, otherText.map((t) => tokenizer.encode(t)), tokenizer.eosId);
    const generators = new Map<string, TokenLM>([['ngram', ngram], ['lm-a', transformerLM('lm-a', model, tokenizer, T)], ['lm-b', transformerLM('lm-b', lmB, tokenizer, T)]]);
    phase(`trained lm-b (${steps} steps) and the n-gram model on ${options.otherMixture}`);

    const prompts = await context.data.set<DetectionPrompt>('detection-prompts');
    const samples = buildCorpus(prompts, tokenizer, { seed: context.seed, generators, heldOutGenerator: options.heldOutGenerator, heldOutDecoding: options.heldOutDecoding, maxTokens: T }, context.log);
    phase(`built the corpus: ${samples.length / 2} pairs`);
    if (!allInNormalForm(samples)) throw new Error('hc3-plus: a stored text is not in normal form (a bug in the corpus builder).');
    const encode = tokenizer.encode.bind(tokenizer);
    const records: MetricRecord[] = [corpusRecord(samples, encode)];
    if (samples.length < 8) return records;

    // zero-shot features under both scorers (white-box on their own samples, black-box otherwise)
    const texts = samples.map((s) => s.text);
    const features = new Map<string, ZeroShotFeatures[]>();
    for (const [name, s, observer, performer] of [['lm-a', scorerA, model, lmB], ['lm-b', scorerB, lmB, model]] as [string, Scorer, LanguageModel, LanguageModel][]) {
      // DetectGPT only where it is reported (valid for thresholds, test): a third fewer texts to perturb
      features.set(name, await zeroShotFeatures({ scorer: s, observer, performer, perturber: ngram, tokenizer, texts, perturbations, seed: deriveSeed(context.seed, `perturb@${name}`), detectGptOn: (i) => samples[i].split !== 'train' }));
    }
    phase(`zero-shot features under lm-a and lm-b (${perturbations} DetectGPT perturbations)`);
    const byId = (values: readonly number[]) => new Map(samples.map((s, i) => [s.id, values[i]]));
    const detectors: Scored[] = [];
    for (const [name, f] of features) {
      for (const z of ZERO_SHOT) {
        const scores = new Map(samples.flatMap((smp, i) => (Number.isNaN(f[i].scores[z]) && z === 'detectgpt' && smp.split === 'train' ? [] : [[smp.id, f[i].scores[z]] as const])));
        detectors.push({ d: { id: `${z}@${name}`, family: 'zero-shot', scorer: name, scores }, tasks: TASKS });
      }
    }
    // leakage controls: a detector that sees only the length (pairs are length-matched in characters)
    detectors.push({ d: { id: 'control:length-chars', family: 'control', scores: byId(samples.map((s) => s.text.length)) }, tasks: TASKS });
    detectors.push({ d: { id: 'control:length-tokens', family: 'control', scores: byId(samples.map((s) => encode(s.text).length)) }, tasks: TASKS });
    // trained detectors on host features, fitted on all tasks and on task A only (cross-task)
    // DetectGPT is not computed on training texts, so the stacked features leave it out
    const stacked = ZERO_SHOT.filter((z) => z !== 'detectgpt');
    const stackedRow = (i: number) => [...features.values()].flatMap((f) => [...stacked.map((z) => f[i].scores[z]), ...f[i].gltr]);
    const hostDetectors: [string, (train: number[]) => (i: number) => number][] = [
      ['gltr-lr@lm-a', (train) => { const f = features.get('lm-a')!; const fit = fitDense(train.map((i) => f[i].gltr), train.map((i) => samples[i].label)); return (i) => fit(f[i].gltr); }],
      ['stacked-lr', (train) => { const fit = fitDense(train.map(stackedRow), train.map((i) => samples[i].label)); return (i) => fit(stackedRow(i)); }],
      ['char-tfidf-lr', (train) => { const fit = fitCharTfidf(train.map((i) => texts[i]), train.map((i) => samples[i].label)); return (i) => fit(texts[i]); }],
    ];
    const indicesOf = (pred: (s: Sample) => boolean) => samples.flatMap((s, i) => (pred(s) ? [i] : []));
    const heldIndices = indicesOf((s) => s.split !== 'train');
    const trained = (id: string, trainedOn: string, scores: ReadonlyMap<string, number>, decisions?: ReadonlyMap<string, 0 | 1>): Scored =>
      ({ d: { id: `${id}/from-${trainedOn}`, family: 'trained', trainedOn, scores, decisions }, tasks: TASKS, thresholdTask: trainedOn === 'A' ? 'A' : undefined });
    for (const trainedOn of FITS) {
      const train = indicesOf((s) => s.split === 'train' && (trainedOn === 'all' || s.task === 'A'));
      for (const [id, fit] of hostDetectors) {
        const score = fit(train);
        detectors.push(trained(id, trainedOn, new Map(heldIndices.map((i) => [samples[i].id, score(i)]))));
      }
    }
    phase('host-side trained detectors');
    // transformer detectors: fine-tuned from the cell model on all tasks and on A only
    const fineTuneSteps = Math.max(4, Math.round(options.fineTuneFraction * steps));
    const heldTexts = heldIndices.map((i) => texts[i]);
    const ids = heldIndices.map((i) => samples[i].id);
    for (const trainedOn of FITS) {
      const train = indicesOf((s) => s.split === 'train' && (trainedOn === 'all' || s.task === 'A'));
      const seed = deriveSeed(context.seed, `detectors@${trainedOn}`);
      const classifier = await fitTransformerClassifier(settings, train.map((i) => texts[i]), train.map((i) => samples[i].label), fineTuneSteps, seed);
      const clfScores = await classifier.score(heldTexts);
      classifier.dispose();
      const instruct = await fitInstructionDetector(settings, train.map((i) => texts[i]), train.map((i) => samples[i].label), fineTuneSteps, seed + 7);
      const predicted = await instruct.predict(heldTexts);
      instruct.dispose();
      detectors.push(trained('transformer-clf', trainedOn, new Map(ids.map((id, k) => [id, clfScores[k]]))));
      detectors.push(trained('instruct-vote', trainedOn, new Map(ids.map((id, k) => [id, predicted.scores[k]])), new Map(ids.map((id, k) => [id, predicted.decisions[k] === 'machine' ? 1 : 0]))));
    }
    phase(`transformer detectors (${fineTuneSteps} fine-tuning steps each)`);
    const heldOut = { generator: options.heldOutGenerator, decoding: options.heldOutDecoding };
    for (const { d, tasks, thresholdTask } of detectors) {
      const bad = [...d.scores.values()].filter((v) => Number.isNaN(v)).length;
      if (bad > 0) { context.log(`detector ${d.id}: ${bad} of ${d.scores.size} scores are NaN; its records are left out.`); continue; }
      for (const task of tasks) {
        if (d.family === 'control') { const r = aurocRecord({ task, detector: d.id, generator: 'all', decoding: 'all' }, samples.filter((s) => s.task === task), d, report, { split: 'all', control: 'length leakage: about 0.5 on length-matched pairs' }); if (r) records.push(r); }
        else records.push(...detectorRecords(task, d, samples, report, heldOut, thresholdTask ?? task));
      }
    }
    records.push(...await spamRecords(scorerA, tokenizer, context, report.resamples));
    phase(`metrics: ${records.length} records (with the probe-spam side task)`);
    return records;
  } finally {
    for (const m of disposables) m.dispose();
  }
}

/**
 * `test_texts_per_task`: the smallest number of test texts of any task (the claims' gate), with the
 * corpus bookkeeping in its details: pairs per split and generator, label balance, documents in two
 * splits (must be 0) and the B-task semantic-link checks (copy share, content overlap).
 */
export function corpusRecord(samples: readonly Sample[], encode: (text: string) => Int32Array): MetricRecord {
  const splitsOfDoc = new Map<string, Set<string>>();
  for (const s of samples) splitsOfDoc.set(`${s.source}:${s.docId}`, (splitsOfDoc.get(`${s.source}:${s.docId}`) ?? new Set()).add(s.split));
  const docsInTwoSplits = [...splitsOfDoc.values()].filter((x) => x.size > 1).length;
  if (docsInTwoSplits > 0) throw new Error(`hc3-plus: ${docsInTwoSplits} source documents are in two splits (a bug in splitOfDocument).`);
  const perTask = Object.fromEntries(TASKS.map((task) => {
    const of = samples.filter((s) => s.task === task);
    return [task, {
      testTexts: of.filter((s) => s.split === 'test').length,
      machineShare: of.length > 0 ? of.filter((s) => s.label === 1).length / of.length : Number.NaN,
      pairsPerSplit: Object.fromEntries(['train', 'valid', 'test'].map((split) => [split, of.filter((s) => s.split === split && s.label === 1).length])),
      pairsPerGenerator: Object.fromEntries([...new Set(of.map((s) => s.generator))].map((g) => [g, of.filter((s) => s.generator === g && s.label === 1).length])),
      ...(task === 'A' ? {} : { semanticLink: semanticLink(samples, task, encode, deriveSeed(0, `link#${task}`)) }),
    }];
  }));
  const smallest = Math.min(...TASKS.map((t) => perTask[t].testTexts));
  return { board: 'detection', metric: 'test_texts_per_task', value: smallest, direction: 'none', n: samples.length, details: { perTask, docsInTwoSplits } };
}

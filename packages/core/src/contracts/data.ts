import type { EvalData, EvalLimits } from './evaluator.js';

export type Split = 'train' | 'valid' | 'test';

/** One document of a corpus, after cleaning. */
export interface CorpusDocument {
  readonly source: string;
  /** Stable id within the source (file name, chapter, message id, ...). */
  readonly id: string;
  readonly text: string;
  readonly split: Split;
  readonly meta?: Readonly<Record<string, string>>;
}

export interface TrainingTextOptions {
  /** Mixture id; `default` is the documented default training mix. */
  readonly mixture: string;
  /** Upper bound on the characters returned (documents are sampled by weight until it is reached). */
  readonly maxChars: number;
  /** Seed of the document order. */
  readonly seed: number;
}

/** A (context, response) exchange cut from a training-split dialogue thread (for dialogue post-training and fine-tuning). */
export interface TrainingPair {
  readonly source: string;
  /** The thread (or document) it comes from; a whole thread sits in one split. */
  readonly threadId: string;
  /** Earlier turns, oldest first. */
  readonly turns: readonly string[];
  readonly response: string;
}

/**
 * How pairs travel through a training token stream (mixtures named `<source>-pairs`): one document
 * per pair, `turn1 <turn> turn2 ... <response> response`. Control characters never occur in the
 * normalised corpora, so a byte-level tokenizer keeps each as its own token.
 */
export const PAIR_SEPARATORS = { turn: '\u001f', response: '\u001e' } as const;

export interface TrainingPairsOptions {
  /** Which dialogue source, e.g. `email` (reply threads of the training split). */
  readonly source: string;
  /** Upper bound on the characters of turns and responses returned (pairs in a seeded order until reached). */
  readonly maxChars: number;
  readonly seed: number;
}

export interface ValidationTextOptions {
  readonly domain: 'in-domain' | 'out-of-domain';
  readonly maxChars: number;
}

/** Where the runner gets text. Implemented by the datasets package and wired in by the CLI. */
export interface DataProvider {
  /** Training documents in a deterministic order for the given options. */
  trainingText(options: TrainingTextOptions): Promise<readonly string[]>;
  /**
   * Validation-split documents for loss curves during training (never the test split).
   * `out-of-domain` gives held-out text of another domain.
   */
  validationText(options: ValidationTextOptions): Promise<readonly string[]>;
  /** Held-out data for evaluators, capped by the profile's limits. */
  evalData(limits: EvalLimits): EvalData;
  /** Content hash of what `trainingText` returns for these options (goes into the cell key). */
  hash(options: TrainingTextOptions): Promise<string>;
  /** Optional: `hashJson` of what `validationText` returns for these options, without building it when known. */
  validationHash?(options: ValidationTextOptions): Promise<string>;
  /**
   * Optional: the hashes computed so far (training and validation texts), by options, so a run's worker processes can adopt them
   * (`adoptHashes`) instead of building each training text again only to hash it (seconds per
   * worker). Same code, same installed corpora, same run: the values are the worker's own.
   */
  knownHashes?(): Readonly<Record<string, string>>;
  adoptHashes?(hashes: Readonly<Record<string, string>>): void;
  /**
   * Optional: dialogue pairs from training-split threads only (never a held-out thread), in a
   * deterministic order for the options.
   */
  trainingPairs?(options: TrainingPairsOptions): Promise<readonly TrainingPair[]>;
  /** Known mixtures and evaluation sets, for `labbench list` and error messages. */
  mixtures(): readonly string[];
  sets(): readonly string[];
}

/** Items of the evaluation sets (one JSON object per line in the set files). */
export interface ClozeItem {
  readonly id: string;
  readonly source: string;
  readonly docId: string;
  /** Text before the target word, without the trailing space. */
  readonly context: string;
  /** The target word (scored as ' ' + target). */
  readonly target: string;
}
export interface MultipleChoiceItem {
  readonly id: string;
  readonly source: string;
  readonly docId: string;
  readonly context: string;
  /** Continuations, each scored as given (include the leading space). */
  readonly choices: readonly string[];
  readonly label: number;
}
export interface DetectionPrompt {
  readonly id: string;
  readonly source: string;
  readonly docId: string;
  /** The human passage's opening, given to generators. */
  readonly prompt: string;
  /** The human continuation of the prompt. */
  readonly human: string;
}
export interface DialogueItem {
  readonly id: string;
  readonly source: string;
  readonly threadId: string;
  readonly context: string;
  /** 10 candidates; `label` is the index of the true response. */
  readonly candidates: readonly string[];
  readonly label: number;
}

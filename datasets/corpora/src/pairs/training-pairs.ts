import { ConfigError, PAIR_SEPARATORS, type TrainingPair, type TrainingPairsOptions, type TrainingTextOptions } from '../core.js';
import { corpus, emailCorpus } from '../corpora.js';
import { replyContext } from '../email/exchanges.js';
import { buildTrainingText } from '../mixtures.js';
import { MAX_TURN_CHARS } from '../sets/dialogue.js';
import { truncateAtWord, truncateStartAtWord } from '../text/normalize.js';
import { createRng, shuffled } from '../text/random.js';

/**
 * Dialogue pairs for post-training and fine-tuning (Dial-MAE), cut from the e-mail reply threads
 * of the training split by the rule of the evaluation sets (`replyContext`): the response is a ham
 * reply's new text, the context its parent's new text (else what it quoted). Threads are split as a
 * whole (`splitOf('email', thread)`), so no pair shares a thread with a held-out evaluation item.
 * Turns are cut like the evaluation sets cut them (context: its end; response: its start).
 */
export const PAIR_SOURCES = ['email'] as const;

/** Mixtures whose training text is pairs, one document per pair (see PAIR_SEPARATORS). */
export const PAIR_MIXTURES = [{ id: 'email-pairs', source: 'email', description: 'reply pairs of training-split ham e-mail threads (context, response), one document per pair' }] as const;

let emailPairs: readonly TrainingPair[] | undefined;

/** Every training-split e-mail pair, in corpus order. */
export function allEmailPairs(): readonly TrainingPair[] {
  if (emailPairs) return emailPairs;
  const messages = new Map(emailCorpus().map((m) => [m.key, m]));
  const out: TrainingPair[] = [];
  for (const doc of corpus('email')) {
    if (doc.split !== 'train' || doc.meta?.label !== 'ham') continue;
    const reply = messages.get(doc.id)!;
    const context = replyContext(reply, messages);
    if (context === undefined) continue;
    out.push({ source: 'email', threadId: reply.thread, turns: [truncateStartAtWord(context, MAX_TURN_CHARS)], response: truncateAtWord(reply.newText, MAX_TURN_CHARS) });
  }
  emailPairs = Object.freeze(out);
  return emailPairs;
}

const pairChars = (p: TrainingPair): number => p.turns.reduce((n, t) => n + t.length, 0) + p.response.length;

/** Pairs in a seeded order until `maxChars` characters of turns and responses (never more). */
export function buildTrainingPairs(options: TrainingPairsOptions): TrainingPair[] {
  if (!(PAIR_SOURCES as readonly string[]).includes(options.source)) {
    throw new ConfigError('trainingPairs › source', `unknown pair source '${options.source}'`, `Known: ${PAIR_SOURCES.join(', ')}.`);
  }
  if (!Number.isFinite(options.maxChars) || options.maxChars < 1) {
    throw new ConfigError('trainingPairs › maxChars', `must be a finite number >= 1, got ${options.maxChars}`, 'Pass the character budget, e.g. 500000.');
  }
  if (!Number.isInteger(options.seed)) throw new ConfigError('trainingPairs › seed', `must be an integer, got ${options.seed}`, 'Use a seed such as 0, 1, 2.');
  const out: TrainingPair[] = [];
  let used = 0;
  for (const pair of shuffled(allEmailPairs(), createRng(options.seed, `training-pairs:${options.source}`))) {
    if (used + pairChars(pair) > options.maxChars) break;
    out.push(pair);
    used += pairChars(pair);
  }
  return out;
}

/** One pair as one training document: `turn1 <turn> turn2 ... <response> response`. */
export function pairDocument(pair: TrainingPair): string {
  return `${pair.turns.join(PAIR_SEPARATORS.turn)}${PAIR_SEPARATORS.response}${pair.response}`;
}

/** Training text of any mixture: pair mixtures through `buildTrainingPairs`, the rest through `buildTrainingText`. */
export function trainingTextFor(options: TrainingTextOptions): string[] {
  const pairs = PAIR_MIXTURES.find((m) => m.id === options.mixture);
  if (!pairs) return buildTrainingText(options);
  return buildTrainingPairs({ source: pairs.source, maxChars: options.maxChars, seed: options.seed }).map(pairDocument);
}

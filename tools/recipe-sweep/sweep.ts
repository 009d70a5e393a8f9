/**
 * The recipe sweep: trains the dense baseline under each configuration of a plan on one fixed
 * token stream and scores it on one fixed evaluation text (whole in-domain test documents), next
 * to the unigram and Witten-Bell bigram count models of @labbench/plugin-reference-lm trained on
 * the same tokens. Appends one JSON line per run to `<out>.jsonl` (a rerun skips what is there);
 * report.ts turns the lines into the CSV, the tables and the plots.
 *
 * Usage: node --conditions=@labbench/source --import tsx tools/recipe-sweep/sweep.ts --plan quick [--out docs/recipe/quick] [--only <run name>]
 * Run it alone on the machine and under `nice`: it is a measurement.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { logLikelihood, scoreBitsPerByte, trainUnigram, trainWittenBellBigram } from '@labbench/plugin-reference-lm';
import { backend, prepareCorpus, runRecipe } from './lib.js';
import { argValue, PLANS } from './configs.js';

const root = new URL('../../', import.meta.url).pathname;
const planName = argValue('--plan') ?? 'quick';
const plan = PLANS[planName];
if (!plan) throw new Error(`unknown plan '${planName}'; known: ${Object.keys(PLANS).join(', ')}`);
const out = argValue('--out') ?? join(root, 'docs/recipe', planName);
mkdirSync(dirname(out), { recursive: true });

const info = await backend();
const corpus = await prepareCorpus(plan.corpus);
const { tokenizer } = corpus;
/**
 * Count-model references trained on the first `tokens` tokens of the stream: the tokens an LM arm
 * with that budget could have read (what @labbench/plugin-reference-lm does in a run), scored on the
 * same evaluation documents. `tokens` = the whole stream gives the references' ceiling on this data.
 */
const referenceCache = new Map<number, { kind: string; bitsPerByte: number; tokenPpl: number; validNats: number }[]>();
function referencesFor(tokens: number, validTargets?: Int32Array) {
  const known = referenceCache.get(tokens);
  if (known) return known;
  const prefix = corpus.train.subarray(0, Math.min(tokens, corpus.train.length));
  const refs = [trainUnigram(prefix, tokenizer.vocabSize), trainWittenBellBigram(prefix, tokenizer.vocabSize)].map((model) => {
    const text = scoreBitsPerByte(model, tokenizer, corpus.evalDocs);
    // the same model on the trainer's validation targets (nats per token), for the learning curve
    const validNats = validTargets ? -logLikelihood(model, validTargets, corpus.valid[0]) / validTargets.length : Number.NaN;
    return { kind: model.kind, bitsPerByte: text.bitsPerByte, tokenPpl: text.tokenPerplexity, validNats };
  });
  referenceCache.set(tokens, refs);
  return refs;
}
const streamRefs = referencesFor(corpus.train.length);
console.error(`${planName}: ${corpus.train.length} training tokens, ${corpus.evalTokens} evaluation tokens in ${corpus.evalDocs.length} documents; on the whole stream ` +
  streamRefs.map((r) => `${r.kind} ${r.bitsPerByte.toFixed(3)} bpb`).join(', '));

const done = new Set(existsSync(`${out}.jsonl`) ? readFileSync(`${out}.jsonl`, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).name as string) : []);
// --only <name>: one run of the plan, so two processes can share a plan (one core each)
const only = argValue('--only');
for (const run of plan.runs) {
  if (done.has(run.name) || (only !== undefined && run.name !== only)) continue;
  const result = await runRecipe(corpus, { ...plan.base, ...run.config }, plan.checkpoints ?? 6);
  const references = referencesFor(result.tokens, result.validTargets);
  const line = {
    name: run.name, factor: run.factor, plan: planName, backend: info, config: { ...plan.base, ...run.config },
    bitsPerByte: result.bitsPerByte, tokenPpl: result.tokenPpl, trainSeconds: result.trainSeconds, evalSeconds: result.evalSeconds,
    trainTokens: result.tokens, params: result.params, evalTokens: corpus.evalTokens, evalDocuments: corpus.evalDocs.length, evalBytes: corpus.evalBytes,
    streamTokens: corpus.train.length, references, streamReferences: streamRefs, valid: result.valid, trainLoss: result.curve,
  };
  appendFileSync(`${out}.jsonl`, JSON.stringify(line) + '\n');
  const bigram = references.find((r) => r.kind === 'bigram')!.bitsPerByte;
  console.error(`${run.name}: ${result.bitsPerByte.toFixed(3)} bpb (bigram ${bigram.toFixed(3)}, margin ${(bigram - result.bitsPerByte).toFixed(3)}), train ${result.trainSeconds.toFixed(0)} s, eval ${result.evalSeconds.toFixed(0)} s`);
}

console.error(`done: ${out}.jsonl (tables, CSV and plots: tools/recipe-sweep/report.ts)`);

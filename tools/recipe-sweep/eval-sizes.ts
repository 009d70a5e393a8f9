/**
 * Sizes of a profile's perplexity evaluation sets under its own tokenizer: documents, characters
 * and tokens, in-domain and out-of-domain (issue #17 asks >= 100k in-domain tokens at the campaign).
 *
 * Usage: node --conditions=@labbench/source --import tsx tools/recipe-sweep/eval-sizes.ts --profile campaign
 */
import { getProfile } from '@labbench/core';
import { createDataProvider } from '@labbench/corpora';
import { bpe } from '@labbench/plugin-bpe';
import { argValue } from './configs.js';

const profile = getProfile(argValue('--profile') ?? 'campaign');
const data = createDataProvider();
const tokenizer = bpe.train(await data.trainingText({ mixture: 'default', maxChars: profile.tokenizerChars, seed: 0 }), { vocabSize: profile.vocabSize });
const sets = data.evalData(profile.eval);
const out: Record<string, unknown> = { profile: profile.name, vocab: profile.vocabSize, limits: profile.eval };
for (const [name, docs] of [['inDomain', await sets.inDomain()], ['outOfDomain', await sets.outOfDomain()]] as const) {
  const bySource: Record<string, { documents: number; chars: number; tokens: number }> = {};
  for (const d of docs) {
    const s = (bySource[d.source] ??= { documents: 0, chars: 0, tokens: 0 });
    s.documents++;
    s.chars += d.text.length;
    s.tokens += tokenizer.encode(d.text).length;
  }
  out[name] = { documents: docs.length, tokens: Object.values(bySource).reduce((a, s) => a + s.tokens, 0), bySource };
}
console.log(JSON.stringify(out, null, 1));

/**
 * Recipe parity with PyTorch: trains one configuration with labbench's trainer, writes the exact
 * batches it drew (WindowSampler with the same seed) and the evaluation windows to a run file, runs
 * tools/pytorch-ref/train_ref_lm.py on it, and writes both loss curves and bits per byte to JSON.
 *
 * Usage: node --import tsx tools/recipe-sweep/parity.ts [--config '{"steps":...}'] [--out docs/recipe/parity.json]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WindowSampler } from '@labbench/tensor';
import { backend, prepareCorpus, runRecipe, type RecipeConfig } from './lib.js';
import { argValue, PARITY_CONFIG, PARITY_CORPUS } from './configs.js';

const root = new URL('../../', import.meta.url).pathname;
const config: RecipeConfig = { ...PARITY_CONFIG, ...JSON.parse(argValue('--config') ?? '{}') };
const out = argValue('--out') ?? join(root, 'docs/recipe/parity.json');

await backend();
const corpus = await prepareCorpus(PARITY_CORPUS);
const { tokenizer } = corpus;
const T = config.seqLen;

// the batches labbench's trainer draws: same sampler, same seed
const sampler = new WindowSampler(corpus.train, config.batchSize, T, config.seed);
const batches = new Int32Array(config.steps * config.batchSize * (T + 1));
for (let s = 0; s < config.steps; s++) {
  const { ids, targets } = sampler.next();
  const x = ids.dataSync();
  const y = targets.dataSync();
  for (let b = 0; b < config.batchSize; b++) {
    const off = (s * config.batchSize + b) * (T + 1);
    batches.set(x.subarray(b * T, (b + 1) * T), off);
    batches[off + T] = y[(b + 1) * T - 1];
  }
  ids.dispose();
  targets.dispose();
}
// evaluation windows of the rolling protocol: [eos, ...tokens] cut into disjoint windows of T
const rows: number[] = [];
for (const doc of corpus.evalDocs) {
  const tokens = tokenizer.encode(doc);
  const seq = [tokenizer.eosId, ...tokens];
  for (let start = 0; start < tokens.length; start += T) {
    const n = Math.min(T, tokens.length - start);
    const ids = new Array(T).fill(tokenizer.eosId);
    const targets = new Array(T).fill(-1);
    for (let j = 0; j < n; j++) { ids[j] = seq[start + j]; targets[j] = seq[start + 1 + j]; }
    rows.push(...ids, ...targets);
  }
}
const header = new TextEncoder().encode(JSON.stringify({ config, vocabSize: tokenizer.vocabSize, evalBytes: corpus.evalBytes, evalTokens: corpus.evalTokens }));
const body = new Int32Array(batches.length + rows.length);
body.set(batches);
body.set(rows, batches.length);
const file = join('/tmp', `labbench-parity-${process.pid}.bin`);
const buf = Buffer.alloc(4 + header.length + body.byteLength);
buf.writeUInt32LE(header.length, 0);
buf.set(header, 4);
buf.set(new Uint8Array(body.buffer), 4 + header.length);
writeFileSync(file, buf);

const ours = await runRecipe(corpus, config, 6);
console.error(`labbench: ${ours.bitsPerByte.toFixed(4)} bpb, ${ours.trainSeconds.toFixed(1)} s`);
const python = process.env.LABBENCH_PYTHON ?? '/usr/bin/python3';
const peer = JSON.parse(execFileSync(python, [join(root, 'tools/pytorch-ref/train_ref_lm.py'), file], { maxBuffer: 1 << 28 }).toString());
console.error(`pytorch: ${peer.bitsPerByte.toFixed(4)} bpb, ${peer.trainSeconds.toFixed(1)} s`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  config, corpus: { ...PARITY_CORPUS, trainTokens: corpus.train.length, evalTokens: corpus.evalTokens, evalBytes: corpus.evalBytes, evalDocuments: corpus.evalDocs.length },
  labbench: { bitsPerByte: ours.bitsPerByte, trainSeconds: ours.trainSeconds, trainLoss: ours.curve },
  pytorch: { bitsPerByte: peer.bitsPerByte, trainSeconds: peer.trainSeconds, torch: peer.torch, trainLoss: peer.trainLoss.map((value: number, i: number) => ({ step: i + 1, value })) },
}, null, 1) + '\n');

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteTokenizer } from '@labbench/core/testing';
import type { EvalContext } from '@labbench/core';
import { initBackend, localName, trainModel } from '@labbench/tensor';
import { tinyRequest } from '@labbench/tensor/testing';
import plugin from '../src/index.js';
import { DialMaeModel } from '../src/model.js';
import { tinyConfig } from './helpers.js';

const factory = plugin.models![0];
const evaluator = plugin.evaluators![0];

function item(i: number) {
  const candidates = Array.from({ length: 10 }, (_, k) => `reply ${k} to note ${i}: sure, see you then`);
  return { id: `x${i}`, source: 'tiny', threadId: `t${i}`, context: `note ${i}`, turns: [`hello ${i}`, `note ${i}`], candidates, label: i % 10, split: i % 2 ? 'test' : 'valid' };
}

function contextOf(options: Record<string, unknown> = {}, threads?: (i: number) => string): EvalContext {
  const items = Array.from({ length: 12 }, (_, i) => (threads ? { ...item(i), threadId: threads(i) } : item(i)));
  return {
    seed: 0, limits: { documents: 1, items: 100, maxChars: 1000 }, options, log: () => {},
    data: { inDomain: async () => [], outOfDomain: async () => [], set: async <T>() => items as unknown as readonly T[] },
  };
}

test('dial-mae-retrieval: writes R10@1/2/5 and MRR on the dialogue board for every set, in range, zero-shot', async () => {
  await initBackend('cpu');
  const model = factory.create({ ...tinyConfig, objective: 'mlm' }, { vocabSize: 257, seqLen: 24, seed: 1 });
  const records = await evaluator.evaluate({ tokenizer: byteTokenizer(), model }, contextOf());
  assert.equal(records.length, 4 * 4);
  for (const r of records) {
    assert.equal(r.board, 'dialogue');
    assert.equal(r.n, 12);
    assert.equal((r.details as { stage: string }).stage, 'zero-shot');
    assert.ok(r.value >= 0 && r.value <= 1);
    if (r.metric.endsWith('.mrr')) assert.ok(r.value >= 0.1);
  }
  const split = await evaluator.evaluate({ tokenizer: byteTokenizer(), model }, contextOf({ split: 'test', sets: ['dialogue-email-random'] }));
  assert.equal(split.length, 4);
  assert.equal(split[0].n, 6);
  model.dispose();
});

test('dial-mae-retrieval: every record carries per-item values grouped by thread, whose weighted mean is the metric', async () => {
  await initBackend('cpu');
  const model = factory.create({ ...tinyConfig, objective: 'mlm' }, { vocabSize: 257, seqLen: 24, seed: 1 });
  // 12 items in 4 threads of 3 (replies of one thread are resampled together)
  const records = await evaluator.evaluate({ tokenizer: byteTokenizer(), model }, contextOf({ sets: ['dialogue-email-random'] }, (i) => `t${Math.floor(i / 3)}`));
  assert.equal(records.length, 4);
  for (const r of records) {
    const d = r.details as { perDocument: number[]; perDocumentWeights: number[]; documents: number; items: number };
    assert.equal(d.documents, 4);
    assert.equal(d.items, 12);
    assert.deepEqual(d.perDocumentWeights, [3, 3, 3, 3]);
    const mean = d.perDocument.reduce((a, v, j) => a + v * d.perDocumentWeights[j], 0) / 12;
    assert.ok(Math.abs(mean - r.value) < 1e-12, `${r.metric}: ${mean} vs ${r.value}`);
  }
  model.dispose();
});

test('dial-mae-encoder: the infonce stage builds a response tower initialised from the post-trained encoder and trains', async () => {
  await initBackend('cpu');
  const source = factory.create({ ...tinyConfig, objective: 'dial-mae' }, { vocabSize: 257, seqLen: 16, seed: 1 });
  const dual = factory.create({ ...tinyConfig, objective: 'infonce', pairSource: 'windows' }, { vocabSize: 257, seqLen: 16, seed: 2, initFrom: source }) as DialMaeModel;
  const byName = new Map(source.variables.map((v) => [localName(v), v]));
  for (const v of dual.variables) {
    const name = localName(v).replace(/^response\./, '');
    assert.ok(byName.has(name), `${localName(v)} has no source`);
    assert.deepEqual(v.dataSync(), byName.get(name)!.dataSync());
  }
  const { record } = await trainModel(tinyRequest(factory, { ...tinyConfig, objective: 'infonce', pairSource: 'windows' }, 3), dual);
  assert.ok(record.trainLoss.every((p) => Number.isFinite(p.value)));
  const records = await evaluator.evaluate({ tokenizer: byteTokenizer(), model: dual }, contextOf({ sets: ['dialogue-fiction-hard'] }));
  assert.equal((records[0].details as { stage: string }).stage, 'fine-tuned');
  source.dispose();
  dual.dispose();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from '../src/schemas.js';

const base = {
  id: 'demo', version: 1, title: 'Demo', claim: 'A beats B.',
  shared: { model: 'dense', tokenizer: 'bpe', loss: 'cross-entropy' },
  arms: { a: {}, b: {} }, baseline: 'b', evaluators: ['perplexity'],
};
const claim = {
  id: 'a-beats-b', text: 'A beats B', role: 'headline', board: 'ppl', metric: 'id.all.bits_per_byte', method: 'a', baseline: 'b',
  scale: 'linear', paper: { figure: '3.1 vs 3.4 ppl', source: 'Table 2', effect: -0.3 }, gates: ['beats-bigram'],
};
const margin = { id: 'beats-bigram', text: 'baseline beats the bigram by 0.15 bpb', kind: 'margin', board: 'ppl', metric: 'id.all.bits_per_byte', arm: 'b', than: 'ref-bigram', atLeast: 0.15 };
const bound = { id: 'router-entropy', text: 'router entropy at most 0.8 ln N', kind: 'bound', board: 'routing', metric: 'router.entropy', arm: 'a', atMost: 1.66 };

test('study schema: claims with id, role, paper figure, scale and gates; margin and bound gates; references; knock-outs', () => {
  const study = { ...base, claims: [claim], gates: [margin, bound], references: { arm: 'b' }, knockouts: [{ component: 'ffn' }, { component: 'attention', arm: 'a', layers: [0, 1] }] };
  assert.deepEqual(check('study', study), []);
  assert.deepEqual(check('study', { ...base, references: false }), []);
});

test('study schema: bad claims, gates, references and knock-outs are named by path', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...base, claims: [{ ...claim, role: 'main' }] }, /claims\.0\.role/],
    [{ ...base, claims: [{ ...claim, paper: { figure: 'x' } }] }, /claims\.0\.paper: must have required property 'source'/],
    [{ ...base, claims: [{ ...claim, scale: 'ln' }] }, /claims\.0\.scale/],
    [{ ...base, claims: [{ ...claim, id: 'Bad Id' }] }, /claims\.0\.id/],
    [{ ...base, gates: [{ ...margin, atLeast: undefined }] }, /gates\.0/],
    [{ ...base, gates: [{ ...bound, atMost: undefined }] }, /gates\.0/],
    [{ ...base, gates: [{ ...margin, kind: 'ratio' }] }, /gates\.0/],
    [{ ...base, references: true }, /references/],
    [{ ...base, references: { arms: 'b' } }, /references/],
    [{ ...base, knockouts: [{ arm: 'a' }] }, /knockouts\.0: must have required property 'component'/],
    [{ ...base, knockouts: [{ component: 'attention', layers: [-1] }] }, /knockouts\.0\.layers\.0/],
    [{ ...base, knockouts: [{ component: 'attention', layers: [] }] }, /knockouts\.0\.layers/],
  ];
  for (const [study, pattern] of cases) {
    const problems = check('study', JSON.parse(JSON.stringify(study))).join('; ');
    assert.match(problems, pattern, JSON.stringify(study).slice(0, 200));
  }
});

test('study schema: a claim without its id, role or paper figure is refused', () => {
  for (const key of ['id', 'role', 'paper'] as const) {
    const { [key]: dropped, ...rest } = claim;
    void dropped;
    assert.match(check('study', { ...base, claims: [rest] }).join('; '), new RegExp(`claims\\.0: must have required property '${key}'`));
  }
});

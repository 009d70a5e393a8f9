import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { corpus } from '../src/corpora.js';
import { fairShare } from '../src/eval-data.js';
import { createDataProvider } from '../src/provider.js';

const provider = createDataProvider();

test('evalData: at a campaign-sized budget, in-domain and out-of-domain sets are whole test documents, in one fixed order', async () => {
  const limits = { documents: 400, items: 0, maxChars: 750_000 };
  const inDomain = await provider.evalData(limits).inDomain();
  for (const d of inDomain) {
    const source = corpus(d.source as 'brown').find((c) => c.id === d.id)!;
    assert.equal(source.split, 'test');
    assert.equal(d.text, source.text, `${d.source}/${d.id} is cut`);
  }
  const chars = inDomain.reduce((a, d) => a + d.text.length, 0);
  assert.ok(chars > 400_000 && chars <= 750_000, `${chars} characters`);
  assert.deepEqual((await provider.evalData(limits).inDomain()).map((d) => d.id), inDomain.map((d) => d.id));
  const ood = await provider.evalData(limits).outOfDomain();
  assert.ok(ood.reduce((a, d) => a + d.text.length, 0) > 300_000);
});

test('fairShare: for any documents and caps, documents are whole unless none of a source fits, and each source stays within its share', () => {
  const doc = fc.record({ id: fc.uuid(), text: fc.string({ minLength: 1, maxLength: 400 }) });
  fc.assert(fc.property(fc.array(fc.array(doc, { maxLength: 12 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 3000 }), (groups, documents, maxChars) => {
    const sourced = groups.map((g, s) => g.map((d) => ({ ...d, source: `s${s}` })));
    const out = fairShare(sourced, { documents, items: 0, maxChars });
    for (const [s, group] of sourced.entries()) {
      const mine = out.filter((d) => d.source === `s${s}`);
      const whole = mine.filter((d) => group.some((g) => g.id === d.id && g.text === d.text));
      assert.ok(mine.length <= Math.max(1, Math.floor(documents / sourced.length)));
      if (whole.length !== mine.length) assert.equal(mine.length, 1, 'a cut document only stands alone');
      if (whole.length === mine.length) assert.ok(mine.reduce((a, d) => a + d.text.length, 0) <= Math.floor(maxChars / sourced.length));
    }
  }), { numRuns: 200 });
});

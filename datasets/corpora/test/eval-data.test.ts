import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SetCache } from '../src/cache.js';
import { corpus } from '../src/corpora.js';
import { IN_DOMAIN_SOURCES, createEvalData, fairShare, limitTag, validationTexts } from '../src/eval-data.js';
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

test('evalData: what the limits select (test documents per domain, capped sets, validation text) is cached, and a later reader gets the same without selecting again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eval-selections-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const limits = { documents: 12, items: 5, maxChars: 40_000 };
  const sets = new SetCache(join(dir, 'sets'));
  const uncached = createEvalData(limits, sets);
  const fresh = { inDomain: await uncached.inDomain(), outOfDomain: await uncached.outOfDomain(), lambada: await uncached.set('cloze-lambada') };
  assert.deepEqual(fresh.inDomain, fairShare(IN_DOMAIN_SOURCES.map((s) => corpus(s).filter((d) => d.split === 'test').map((d) => ({ source: s, id: d.id, text: d.text }))), limits));
  assert.equal(fresh.lambada.length, 5);
  const oodValidation = { domain: 'out-of-domain', maxChars: 10_000 } as const;
  const freshValidation = validationTexts(oodValidation);

  const provider = createDataProvider({ cacheDir: dir });
  assert.deepEqual(await provider.evalData(limits).inDomain(), fresh.inDomain);
  assert.deepEqual(await provider.evalData(limits).outOfDomain(), fresh.outOfDomain);
  assert.deepEqual(await provider.evalData(limits).set('cloze-lambada'), fresh.lambada);
  assert.deepEqual(await provider.validationText(oodValidation), freshValidation);
  await provider.evalData({ ...limits, maxChars: 20_000 }).inDomain();
  assert.deepEqual(readdirSync(join(dir, 'selections')).filter((f) => f.endsWith('.jsonl')).sort(), [
    'cloze-lambada-5items.v1.jsonl', 'in-domain-documents-12-20000chars.v1.jsonl', 'in-domain-documents-12-40000chars.v1.jsonl',
    'out-of-domain-documents-12-40000chars.v1.jsonl', 'out-of-domain-validation-10000chars.v1.jsonl',
  ]);

  // Another process reads the files: fresh caches over the folders, whose builders must not run.
  const reader = new SetCache(join(dir, 'selections'));
  const selectAgain = () => assert.fail('selected again instead of read');
  const read = createEvalData(limits, { read: () => assert.fail('the whole set was read') } as unknown as SetCache, {
    read: (def) => reader.read({ ...def, build: selectAgain }),
  } as SetCache);
  assert.deepEqual(await read.inDomain(), fresh.inDomain);
  assert.deepEqual(await read.outOfDomain(), fresh.outOfDomain);
  assert.deepEqual(await read.set('cloze-lambada'), fresh.lambada);
  assert.deepEqual(validationTexts(oodValidation, { read: (def) => reader.read({ ...def, build: selectAgain }) } as SetCache), freshValidation);
});

test('limitTag: distinct limits get distinct tags, each usable in a file name', () => {
  const limit = fc.oneof(fc.nat(), fc.double({ min: 0, noNaN: true }), fc.constant(Number.POSITIVE_INFINITY));
  fc.assert(fc.property(limit, limit, (a, b) => {
    assert.match(limitTag(a), /^[0-9a-z]+$/i);
    if (a !== b) assert.notEqual(limitTag(a), limitTag(b), `${a} and ${b}`);
  }), { numRuns: 500 });
});

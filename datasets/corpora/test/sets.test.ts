import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildAll, datasetStats } from '../src/cli.js';
import type { SetManifestEntry } from '../src/cache.js';
import { corpus, type CorpusName } from '../src/corpora.js';
import { ITEM_SCHEMAS, type DetectionSetItem, type DialogueSetItem, type MultipleChoiceSetItem, type ClozeSetItem, type ProbeItem } from '../src/schemas.js';
import { SETS } from '../src/sets/index.js';

const dirs = [mkdtempSync(join(tmpdir(), 'corpora-a-')), mkdtempSync(join(tmpdir(), 'corpora-b-'))];
let first: SetManifestEntry[];
let second: SetManifestEntry[];
const items = new Map<string, Array<Record<string, unknown>>>();

before(async () => {
  first = (await buildAll({ cacheDir: dirs[0], force: true })).sets;
  second = (await buildAll({ cacheDir: dirs[1], force: true })).sets;
  for (const entry of first) {
    items.set(entry.name, readFileSync(join(dirs[0], entry.file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
  }
});
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const of = <T>(name: string): T[] => items.get(name) as unknown as T[];
const docsById = new Map<string, Map<string, { split: string; text: string }>>();
function doc(source: string, id: string): { split: string; text: string } | undefined {
  const name = source === 'email-spam' ? 'email' : source;
  if (!docsById.has(name)) docsById.set(name, new Map(corpus(name as CorpusName).map((d) => [d.id, d])));
  return docsById.get(name)!.get(id);
}

test('sets: building twice into two folders gives byte-identical files', () => {
  assert.equal(first.length, SETS.length);
  assert.deepEqual(second.map((e) => [e.name, e.sha256]), first.map((e) => [e.name, e.sha256]));
  for (const entry of first) assert.ok(readFileSync(join(dirs[0], entry.file)).equals(readFileSync(join(dirs[1], entry.file))), entry.name);
});

test('sets: every set has items, unique ids, and every item passes its JSON Schema (draft 2020-12)', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  for (const def of SETS) {
    const validate = ajv.compile(ITEM_SCHEMAS[def.itemType]);
    const list = items.get(def.name)!;
    assert.ok(list.length > 0, `${def.name} is empty`);
    assert.equal(new Set(list.map((i) => i.id)).size, list.length, `${def.name}: duplicate ids`);
    for (const item of list) assert.ok(validate(item), `${def.name} ${String(item.id)}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('sets: no item comes from a document in a training split', () => {
  for (const def of SETS) {
    for (const item of items.get(def.name)!) {
      const source = doc(item.source as string, item.docId as string);
      assert.ok(source, `${def.name} ${String(item.id)}: unknown document ${String(item.docId)}`);
      assert.notEqual(source.split, 'train', `${def.name} ${String(item.id)} comes from a training document`);
      assert.equal(item.split, source.split, `${def.name} ${String(item.id)}: split differs from its document's`);
    }
  }
});

test('sets: contexts, answers, distractors and negatives are text of held-out documents of the same source', () => {
  const heldOutText = (source: string): string[] => corpus(source as CorpusName).filter((d) => d.split !== 'train').map((d) => d.text);
  const inHeldOut = (source: string, fragment: string): boolean => heldOutText(source).some((t) => t.includes(fragment));
  for (const item of of<MultipleChoiceSetItem>('mc-next-sentence')) {
    assert.ok(doc(item.source, item.docId)!.text.includes(item.context));
    for (const choice of item.choices) assert.ok(inHeldOut(item.source, choice.trimStart()), `${item.id}: ${choice}`);
  }
  for (const name of ['dialogue-email-hard', 'dialogue-fiction-random']) {
    for (const item of of<DialogueSetItem>(name)) {
      for (const c of item.candidates) assert.ok(inHeldOut(item.source, c), `${name} ${item.id}: candidate not from held-out text`);
    }
  }
  for (const item of of<DetectionSetItem>('detection-prompts')) assert.ok(doc(item.source, item.docId)!.text.includes(item.prompt + item.human), item.id);
  for (const item of of<ClozeSetItem>('cloze-lastword')) assert.ok(doc(item.source, item.docId)!.text.includes(item.context), item.id);
});

test('cloze: targets are content words; lambada targets also occur in their context', () => {
  for (const item of of<ClozeSetItem>('cloze-lambada')) assert.match(item.context, new RegExp(`\\b${item.target}\\b`, 'i'), item.id);
  for (const item of of<ClozeSetItem>('cloze-lastword')) assert.match(item.target, /^[A-Za-z]{3,}$/);
  assert.ok(of<ClozeSetItem>('cloze-lambada').length < of<ClozeSetItem>('cloze-lastword').length);
});

test('multiple choice: 4 distinct options, the answer at seeded positions that use every slot', () => {
  for (const name of ['mc-next-sentence', 'mc-wordnet-fill', 'mc-gloss-lemma']) {
    const list = of<MultipleChoiceSetItem>(name);
    for (const item of list) assert.equal(item.choices.length, 4, `${name} ${item.id}`);
    const labels = new Set(list.map((i) => i.label));
    assert.deepEqual([...labels].sort(), [0, 1, 2, 3], name);
  }
});

test('dialogue: 1 positive + 9 negatives; both variants share exchanges and positives; hard ones use the thread', () => {
  for (const family of ['email', 'fiction']) {
    const random = of<DialogueSetItem>(`dialogue-${family}-random`);
    const hard = of<DialogueSetItem>(`dialogue-${family}-hard`);
    assert.deepEqual(hard.map((i) => i.id), random.map((i) => i.id));
    hard.forEach((h, k) => assert.equal(h.candidates[h.label], random[k].candidates[random[k].label]));
    assert.ok(random.every((i) => i.sameThreadNegatives === 0));
    assert.ok(hard.reduce((a, i) => a + i.sameThreadNegatives, 0) > hard.length, `${family}: hard negatives rarely from the thread`);
    for (const item of [...random, ...hard]) assert.equal(item.context, item.turns.join('\n'));
  }
});

test('detection: 16-word prompts and 48-128-word continuations from four sources', () => {
  const list = of<DetectionSetItem>('detection-prompts');
  for (const item of list) {
    assert.equal(item.prompt.split(/\s+/).length, 16, item.id);
    assert.ok(item.humanWords >= 48 && item.humanWords <= 128, item.id);
    assert.equal(item.humanChars, item.human.length);
  }
  assert.deepEqual([...new Set(list.map((i) => i.source))].sort(), ['brown', 'email', 'moby', 'sotu']);
});

test('probes: every label appears in both splits; spam/ham is balanced within each split', () => {
  for (const name of ['probe-spam', 'probe-genre']) {
    const list = of<ProbeItem>(name);
    const labels = new Set(list.map((i) => i.label));
    for (const split of ['valid', 'test']) assert.deepEqual(new Set(list.filter((i) => i.split === split).map((i) => i.label)), labels, `${name} ${split}`);
  }
  for (const split of ['valid', 'test']) {
    const list = of<ProbeItem>('probe-spam').filter((i) => i.split === split);
    assert.equal(list.filter((i) => i.label === 'spam').length, list.filter((i) => i.label === 'ham').length);
  }
});

test('datasetStats: corpus sizes and checksums, and the built sets read back from the cache', async () => {
  const stats = await datasetStats({ cacheDir: dirs[0] });
  assert.deepEqual(stats.sets, first.map((e) => ({ name: e.name, version: e.version, items: e.count, sha256: e.sha256 })));
  const brown = stats.corpora.find((c) => c.name === 'brown')!;
  assert.deepEqual(brown.perSplit, { train: 448, valid: 24, test: 28 });
  assert.ok(brown.words > 1_000_000 && brown.chars > 5_000_000);
  assert.match(brown.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(stats.corpora.map((c) => c.name), ['brown', 'sotu', 'moby', 'email', 'wordnet']);
});

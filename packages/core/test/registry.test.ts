import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, RegistryError, definePlugin, defineStudy } from '../src/index.js';

const origin = (name: string) => ({ packageName: name, version: '1.0.0', dir: `plugins/${name}`, entry: `/plugins/${name}/src/index.ts`, manifest: { id: name, kinds: ['study' as const] } });
const study = defineStudy({ id: 'alpha', version: 1, title: 't', claim: 'c', shared: { model: 'm', tokenizer: 't', loss: 'l' }, arms: { a: {} }, evaluators: [] });

test('Registry: an unknown id suggests the closest and lists the known ones', () => {
  const registry = new Registry([{ plugin: definePlugin({ id: 'p', studies: [study] }), origin: origin('p') }]);
  assert.throws(() => registry.get('study', 'alpah'), (e: unknown) => e instanceof RegistryError && /Did you mean 'alpha'/.test(e.message) && /Known: alpha/.test(e.message));
});

test('Registry: a duplicate id names both packages', () => {
  const a = { plugin: definePlugin({ id: 'a', studies: [study] }), origin: origin('a') };
  const b = { plugin: definePlugin({ id: 'b', studies: [study] }), origin: origin('b') };
  assert.throws(() => new Registry([a, b]), /declared twice: by a .* and by b/);
});

test('Registry: a study that breaks its schema is rejected with the field', () => {
  const bad = { ...study, version: 0 };
  assert.throws(() => new Registry([{ plugin: definePlugin({ id: 'p', studies: [bad] }), origin: origin('p') }]), /version/);
});

test('definePlugin: an invalid id is refused', () => {
  assert.throws(() => definePlugin({ id: 'Bad Id' }), /must match/);
});

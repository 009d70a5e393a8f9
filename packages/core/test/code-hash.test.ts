import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeHasher, importSpecifiers } from '../src/index.js';

test('importSpecifiers: runtime imports, re-exports, side effects and dynamic imports; type-only imports and comments are not code', () => {
  const source = `
import { a } from './a.js';
import type { T } from './types.js';
import { type U, b } from "./b.js";
export { c } from './c.js';
export type { V } from './v.js';
export * from './d.js';
import './side-effect.js';
const e = await import('./e.js');
const f = await import('@scope/pkg' as string);
// import { g } from './commented.js';
/* import { h } from './block-commented.js'; */
`;
  assert.deepEqual(importSpecifiers(source).sort(), ['./a.js', './b.js', './c.js', './d.js', './e.js', './side-effect.js', '@scope/pkg'].sort());
});

/** A tiny workspace: entry -> used -> leaf, plus a file nothing imports and a type-only import. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-hash-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'entry.ts'), "import { used } from './used.js';\nimport type { Shape } from './types.js';\nexport const x = used;\n");
  writeFileSync(join(dir, 'src', 'used.ts'), "export { leaf as used } from './leaf.js';\n");
  writeFileSync(join(dir, 'src', 'leaf.ts'), 'export const leaf = 1;\n');
  writeFileSync(join(dir, 'src', 'types.ts'), 'export interface Shape { a: number }\n');
  writeFileSync(join(dir, 'src', 'unrelated.ts'), 'export const z = 3;\n');
  return dir;
}

test('CodeHasher: the closure follows runtime imports only; an edit inside it changes the hash, an edit outside does not', () => {
  const dir = fixture();
  const entry = join(dir, 'src', 'entry.ts');
  const files = new CodeHasher().closureFiles([entry]).map((f) => f.slice(dir.length + 5));
  assert.deepEqual(files, ['entry.ts', 'leaf.ts', 'used.ts']);
  const before = new CodeHasher().closureHash([entry]);
  writeFileSync(join(dir, 'src', 'unrelated.ts'), 'export const z = 4;\n');
  writeFileSync(join(dir, 'src', 'types.ts'), 'export interface Shape { a: string }\n');
  assert.equal(new CodeHasher().closureHash([entry]), before, 'files outside the runtime closure do not count');
  writeFileSync(join(dir, 'src', 'leaf.ts'), 'export const leaf = 2;\n');
  assert.notEqual(new CodeHasher().closureHash([entry]), before, 'a transitive edit counts');
});

test('CodeHasher: workspace packages are followed into their sources; installed ones count by name and version', () => {
  const hasher = new CodeHasher();
  const core = new URL('../src/index.ts', import.meta.url).pathname;
  const files = hasher.closureFiles([core]);
  assert.ok(files.some((f) => f.endsWith('packages/core/src/runner.ts')), 'core sources');
  assert.ok(files.some((f) => /^pkg:ajv@\d/.test(f)), 'ajv by version');
  assert.ok(!files.some((f) => f.includes('/node_modules/ajv/')), 'not ajv sources');
});

test('CodeHasher: the hash does not depend on where the checkout lies', async () => {
  const { cpSync } = await import('node:fs');
  const a = fixture();
  writeFileSync(join(a, 'package.json'), JSON.stringify({ name: 'fixture-pkg' }));
  const b = mkdtempSync(join(tmpdir(), 'code-hash-moved-'));
  cpSync(a, b, { recursive: true });
  assert.equal(new CodeHasher().closureHash([join(b, 'src', 'entry.ts')]), new CodeHasher().closureHash([join(a, 'src', 'entry.ts')]));
});

// No code under packages/ names a paper's method: a mechanism a paper introduces lives in its
// plugin (routing masks in maskmoe, ranking in temporal-scaling-law, detection metrics in
// hc3-plus), and packages hold only generic mechanisms. Comments may cite a paper as an example;
// identifiers and strings may not. The list below must cover every plugin's paper (checked too),
// so a new paper plugin extends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;

/**
 * Method and detector names, matched against each identifier and string with separators removed
 * and lower-cased (`Fast-DetectGPT`, `fastDetectGpt` and `fast_detect_gpt` all read `fastdetectgpt`).
 * Short names that are parts of ordinary words are matched on the raw text with word boundaries.
 */
const METHOD_NAMES = [
  { name: 'CartesianMoE', squashed: 'cartesianmoe' },
  { name: 'MaskMoE', squashed: 'maskmoe' },
  { name: 'DSMoE', squashed: 'dsmoe' },
  { name: 'Finedeep', squashed: 'finedeep' },
  { name: 'UniAttn', squashed: 'uniattn' },
  { name: 'Scaffold-BPE', squashed: 'scaffold' },
  { name: 'Dial-MAE', squashed: 'dialmae' },
  { name: 'HC3', squashed: 'hc3' },
  { name: 'InfoEntropy', squashed: 'infoentropy' },
  { name: 'MiLe', raw: /(?<![A-Za-z])(?:MiLe|MILE)(?![a-z])|mile[-_ ]?loss/i },
  { name: 'Temporal Scaling Law', squashed: 'temporalscaling', raw: /(?<![A-Za-z])TSL(?![A-Za-z])/ },
  { name: 'DetectGPT / Fast-DetectGPT', squashed: 'detectgpt' },
  { name: 'DetectLLM', squashed: 'detectllm' },
  { name: 'Binoculars', squashed: 'binoculars' },
  { name: 'GLTR', squashed: 'gltr' },
];

/** Plugins whose paper is a generic baseline, not a method name a package could leak. */
const GENERIC_PAPERS = new Set(['dense']);

/** The method names a piece of code text (an identifier or a string) contains. */
function namesIn(text) {
  const squashed = text.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return METHOD_NAMES.filter((m) => (m.squashed !== undefined && squashed.includes(m.squashed)) || m.raw?.test(text) === true).map((m) => m.name);
}

/**
 * Identifiers, string and template text and regular expressions of a source file, each with its
 * line; comments are not tokens, so they never appear. TypeScript and JavaScript are parsed (a
 * template's text parts are tokens of their own); C is scanned, since its comments, strings and
 * identifiers read the same to TypeScript's scanner.
 */
function codeTokens(path, source) {
  const out = [];
  const lineOf = (pos) => source.slice(0, pos).split('\n').length;
  if (/\.[cm]?[jt]s$/.test(path)) {
    const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (
        ts.isIdentifier(node) ||
        ts.isPrivateIdentifier(node) ||
        ts.isStringLiteralLike(node) ||
        ts.isTemplateLiteralToken(node) ||
        ts.isRegularExpressionLiteral(node)
      ) {
        out.push({ line: lineOf(node.getStart(file)), text: node.getText(file) });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    return out;
  }
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.Identifier || kind === ts.SyntaxKind.StringLiteral)
      out.push({ line: lineOf(scanner.getTokenStart()), text: scanner.getTokenText() });
  }
  return out;
}

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'dist' || name === 'node_modules' ? [] : sources(path);
    return /\.([cm]?[jt]s|c|h)$/.test(name) ? [path] : [];
  });
}

test('method names: no identifier or string under packages/*/src names a paper method (comments may)', () => {
  const found = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    for (const file of sources(join(root, 'packages', pkg, 'src'))) {
      for (const { line, text } of codeTokens(file, readFileSync(file, 'utf8'))) {
        for (const name of namesIn(text)) found.push(`${relative(root, file)}:${line} ${name} in ${text.slice(0, 80)}`);
      }
    }
  }
  assert.deepEqual(found, [], `move method-specific code to its plugin or name the generic mechanism:\n${found.join('\n')}`);
});

test('method names: the list covers the paper of every plugin', () => {
  for (const name of readdirSync(join(root, 'plugins'))) {
    const pkgPath = join(root, 'plugins', name, 'package.json');
    if (!existsSync(pkgPath) || GENERIC_PAPERS.has(name)) continue;
    const title = JSON.parse(readFileSync(pkgPath, 'utf8')).labbench?.paper?.title;
    if (title === undefined) continue;
    assert.ok(namesIn(title).length > 0, `plugins/${name}: its paper '${title}' matches no entry of METHOD_NAMES; add the method's name there.`);
  }
});

test('method names: comments are skipped, identifiers, strings and template text are not', () => {
  const src = [
    '// CartesianMoE in a line comment',
    '/** MaskMoE in a doc comment */',
    "const a = 'fine' + `x $" + '{1} uniattn y`;', // a template with a placeholder
    'function dsmoeLayer() { return "Fast-DetectGPT"; }',
    'const re = /gltr/;',
    'const milestone = 1; // a word that contains "mile" is not MiLe',
  ].join('\n');
  const hits = codeTokens('x.ts', src).flatMap((t) => namesIn(t.text).map((n) => `${t.line}:${n}`));
  assert.deepEqual(hits, ['3:UniAttn', '4:DSMoE', '4:DetectGPT / Fast-DetectGPT', '5:GLTR']);
  const c = codeTokens('x.c', '/* HC3 */ int finedeep_rows = 0; // Dial-MAE\nconst char *s = "scaffold";');
  assert.deepEqual(
    c.flatMap((t) => namesIn(t.text)),
    ['Finedeep', 'Scaffold-BPE'],
  );
});

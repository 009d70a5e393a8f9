import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { countWords, normalizeText, truncateAtWord } from '../src/text/normalize.js';
import { sentenceSpans } from '../src/text/sentences.js';
import { chunkText } from '../src/text/chunks.js';

// Strings rich in the characters normalisation touches: CR, LF, controls, combining marks, spaces.
const tricky = fc.string({ unit: fc.constantFrom('a', 'e', ' ', '\t', '\n', '\r', '\u0301', '\u0000', '\u0085', '\u00e9', '\ufeff', '\u2028', 'Z', '.') });
const anyText = fc.oneof(tricky, fc.string({ unit: 'binary' }));

test('normalizeText: for any string, normalising twice equals normalising once', () => {
  fc.assert(fc.property(anyText, (s) => normalizeText(normalizeText(s)) === normalizeText(s)), { numRuns: 1000 });
});

test('normalizeText: for any string, the result is NFC, has no CR, controls or trailing spaces', () => {
  fc.assert(
    fc.property(anyText, (s) => {
      const n = normalizeText(s);
      assert.equal(n, n.normalize('NFC'));
      assert.doesNotMatch(n, /[\r\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF]/);
      assert.doesNotMatch(n, /[ \t]+$/m);
    }),
    { numRuns: 1000 },
  );
});

test('normalizeText: CRLF and lone CR become LF, composed forms are used', () => {
  assert.equal(normalizeText('a\r\nb\rc'), 'a\nb\nc');
  assert.equal(normalizeText('cafe\u0301 \u0007x  '), 'caf\u00e9 x');
});

test('truncateAtWord: for any text and limit, the result is a prefix no longer than the limit', () => {
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: 1, max: 50 }), (s, n) => {
      const t = truncateAtWord(s, n);
      assert.ok(t.length <= n);
      assert.ok(s.startsWith(t));
    }),
  );
});

test('chunkText: for any text, chunks are in-order substrings within the limit that keep every word', () => {
  const words = fc.constantFrom('The', 'cat', 'sat.', 'Mr.', 'Smith', 'left!', 'A', 'x');
  const text = fc.array(fc.oneof(words, fc.constant('\n\n')), { maxLength: 80 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(text, fc.integer({ min: 10, max: 60 }), (s, max) => {
      const chunks = chunkText(s, max);
      let from = 0;
      for (const c of chunks) {
        assert.ok(c.length <= max && c.length > 0);
        const at = s.indexOf(c, from);
        assert.ok(at >= from, `chunk ${JSON.stringify(c)} not found in order`);
        from = at + c.length;
      }
      assert.equal(chunks.reduce((a, c) => a + countWords(c), 0), countWords(s));
    }),
  );
});

test('sentenceSpans: splits at sentence ends, not after abbreviations, initials or a quote followed by lower case', () => {
  const text = 'Mr. Smith met J. Jones at 5 p.m. today. They talked! "Why?" she asked. Dr. Who left.\n\nNew paragraph here.';
  const sentences = sentenceSpans(text).map((s) => text.slice(s.start, s.end));
  assert.deepEqual(sentences, ['Mr. Smith met J. Jones at 5 p.m. today.', 'They talked!', '"Why?" she asked.', 'Dr. Who left.', 'New paragraph here.']);
});

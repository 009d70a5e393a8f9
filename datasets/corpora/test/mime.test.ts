import assert from 'node:assert/strict';
import { test } from 'node:test';
import PostalMime from 'postal-mime';
import { cleanBody } from '../src/email/clean.js';
import { decodeQuotedPrintable } from '../src/email/encodings.js';
import { htmlToText } from '../src/email/html.js';
import { parseMessage } from '../src/email/mime.js';
import { normalizeText } from '../src/text/normalize.js';

// Fixed messages in the shapes the SpamAssassin corpus has. Base64 of "Caf\u00e9 opens at nine.\n" in UTF-8
// and of "Price: \u00a3100\n" in ISO-8859-1 are computed here so the fixtures stay readable.
const b64utf8 = Buffer.from('Caf\u00e9 opens at nine.\nBring the keys.\n', 'utf8').toString('base64');
const b64latin1 = Buffer.from('Price: \u00a3100\n', 'latin1').toString('base64');

const ALTERNATIVE = [
  'From someone@example.com  Thu Aug 22 12:36:23 2002',
  'Message-ID: <alt-1@example.com>',
  'Subject: test',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative;',
  '\tboundary="==b1=="',
  '',
  'This is a multi-part message in MIME format.',
  '--==b1==',
  'Content-Type: text/html; charset=us-ascii',
  '',
  '<html><body><p>HTML version</p></body></html>',
  '--==b1==',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'Plain version of the message.',
  '--==b1==--',
  '',
].join('\r\n');

const BASE64_MIXED = [
  'Message-ID: <b64@example.com>',
  'Content-Type: multipart/mixed; boundary=outer',
  '',
  '--outer',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: base64',
  '',
  b64utf8.slice(0, 20),
  b64utf8.slice(20),
  '--outer',
  'Content-Type: text/plain; charset=iso-8859-1',
  'Content-Transfer-Encoding: base64',
  '',
  b64latin1,
  '--outer',
  'Content-Type: application/octet-stream; name="x.bin"',
  'Content-Disposition: attachment; filename="x.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  'AAECAwQ=',
  '--outer--',
].join('\n');

const QUOTED_PRINTABLE = [
  'Message-ID: <qp@example.com>',
  'Content-Type: text/plain; charset="iso-8859-1"',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'This line is long and has been wrapped by the sender with a soft line brea=',
  'k, and it costs =A3100 at the caf=E9 =3D cheap.',
].join('\n');

const HTML_ONLY = [
  'Message-ID: <html@example.com>',
  'Content-Type: text/html; charset=us-ascii',
  '',
  '<html><head><title>t</title><style>p {color: red}</style></head>',
  '<body><script>var x = 1;</script><h1>Big   Offer</h1><p>Buy <b>now</b> &amp; save&nbsp;50%!</p>',
  '<!-- hidden --><p>Click&#33; &#x41;nd more</p></body></html>',
].join('\n');

const REPLY = [
  'Message-ID: <reply@example.com>',
  'In-Reply-To: Your message of "Thu, 22 Aug 2002." <parent@example.com>',
  'References: <root@example.com>',
  '\t<parent@example.com>',
  'Content-Type: text/plain',
  '',
  'On Thu, 22 Aug 2002, Jane Doe wrote:',
  '> Has anyone got the new driver working?',
  '> > It crashes on boot.',
  '',
  'Yes, it works once you disable the old module first.',
  '',
  '-- ',
  'John Smith | Example Corp',
  '',
  '_______________________________________________',
  'Example-list mailing list',
  'https://lists.example.com/mailman/listinfo/example-list',
].join('\n');

test('parseMessage: multipart/alternative prefers the plain part; CRLF and mbox From line are handled', () => {
  const m = parseMessage(ALTERNATIVE);
  assert.equal(m.bodyKind, 'plain');
  assert.equal(m.text.trim(), 'Plain version of the message.');
  assert.equal(m.messageId, '<alt-1@example.com>');
});

test('parseMessage: base64 parts are decoded in their charset and attachments are skipped', () => {
  const m = parseMessage(BASE64_MIXED);
  assert.equal(normalizeText(m.text).trim(), 'Caf\u00e9 opens at nine.\nBring the keys.\n\nPrice: \u00a3100');
});

test('parseMessage: quoted-printable soft breaks and =XX bytes are decoded in the declared charset', () => {
  const m = parseMessage(QUOTED_PRINTABLE);
  assert.equal(m.text, 'This line is long and has been wrapped by the sender with a soft line break, and it costs \u00a3100 at the caf\u00e9 = cheap.');
  assert.deepEqual([...decodeQuotedPrintable('a=3Db=\nc')], [...Buffer.from('a=bc')]);
});

test('parseMessage: an HTML-only body becomes text without scripts, styles, comments or entities', () => {
  const m = parseMessage(HTML_ONLY);
  assert.equal(m.bodyKind, 'html');
  assert.equal(m.text, 'Big Offer\n\nBuy now & save 50%!\n\nClick! And more');
  assert.equal(htmlToText('a<br>b<p>c</p>'), 'a\nb\n\nc');
});

test('parseMessage: threading headers give the bracketed ids even inside free text', () => {
  const m = parseMessage(REPLY);
  assert.equal(m.inReplyTo, '<parent@example.com>');
  assert.deepEqual(m.references, ['<root@example.com>', '<parent@example.com>']);
});

test('cleanBody: a reply keeps only its new text; quotes go to `quoted`, attribution, signature and footer are dropped', () => {
  const { newText, quoted } = cleanBody(normalizeText(parseMessage(REPLY).text));
  assert.equal(newText, 'Yes, it works once you disable the old module first.');
  assert.equal(quoted, 'Has anyone got the new driver working?\nIt crashes on boot.');
});

test('cleanBody: footers without a separator and Outlook originals are removed from the new text', () => {
  const body = 'Thanks, that fixed it.\n\n-----Original Message-----\nFrom: A\nSubject: B\nIs the fix in CVS?\n';
  assert.deepEqual(cleanBody(body), { newText: 'Thanks, that fixed it.', quoted: 'Is the fix in CVS?' });
  assert.equal(cleanBody('Good point.\n\nhttp://xent.com/mailman/listinfo/fork\n').newText, 'Good point.');
});

test('parseMessage: agrees with postal-mime on the decoded text of every fixture', async () => {
  const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
  for (const raw of [ALTERNATIVE, BASE64_MIXED, QUOTED_PRINTABLE, REPLY]) {
    const reference = await PostalMime.parse(raw);
    assert.equal(squash(parseMessage(raw).text), squash(reference.text ?? ''), raw.split('\n')[0]);
  }
});

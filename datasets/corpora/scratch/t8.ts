import { buildFictionDialogue } from '../src/sets/dialogue-fiction.js';
const r = buildFictionDialogue('random'); const h = buildFictionDialogue('hard');
const rid = new Set(r.map(i => i.id));
const missing = h.filter(i => !rid.has(i.id));
console.log(missing.slice(0, 3).map(i => [i.id, i.candidates[i.label].split(/\s+/).length, i.candidates[i.label].slice(0, 200)]));

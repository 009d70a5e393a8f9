import { SETS } from '../src/sets/index.js';
const name = process.argv[2];
const s = SETS.find(x => x.name === name)!;
const items = s.build() as any[];
for (const k of [0, Math.floor(items.length / 2), items.length - 1]) console.log(JSON.stringify(items[k], null, 1).slice(0, 2500), '\n---');

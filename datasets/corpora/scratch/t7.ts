import { heldOut } from '../src/corpora.js';
import { paragraphSpans } from '../src/text/sentences.js';
for (const source of ['brown', 'moby'] as const) {
  const docs = heldOut(source).filter((d) => source === 'moby' || d.meta?.group === 'fiction');
  for (const d of docs) {
    const ps = paragraphSpans(d.text).map(p => d.text.slice(p.start, p.end));
    const q = ps.filter(p => /^["\u201c]/.test(p)).length;
    let pairs = 0; for (let i = 1; i < ps.length; i++) if (/^["\u201c]/.test(ps[i]) && /^["\u201c]/.test(ps[i - 1])) pairs++;
    console.log(source, d.id, d.split, 'paras', ps.length, 'quoted', q, 'pairs', pairs);
  }
}

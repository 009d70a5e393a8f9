import type { Split } from '../core.js';

/**
 * The split rule of /work/shared/notes/datasets.md §4a: FNV-1a 32-bit over the UTF-8 bytes of
 * `"<source>:<docId>"`; `h % 20 == 0` is test, `== 1` is valid, anything else train. A pure
 * function of (source, id), so adding or removing other documents never moves a document.
 * E-mail is split by thread: callers pass the thread id, so a whole thread lands in one split.
 */
export function splitOf(source: string, id: string): Split {
  const bucket = fnv1a32(`${source}:${id}`) % 20;
  return bucket === 0 ? 'test' : bucket === 1 ? 'valid' : 'train';
}

const encoder = new TextEncoder();

/** FNV-1a, 32-bit, over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** True for documents an evaluation set may draw from. */
export const isHeldOut = (split: Split): boolean => split !== 'train';

import type { LanguageModel } from '@labbench/core';
import { localName } from './init.js';

/**
 * Copies every variable of `from` into the variable of `to` with the same name and shape; returns
 * the names copied. Models converted from a trained dense model (DSMoE, UniAttn, continued
 * training) start from its weights this way.
 */
export function copyMatchingWeights(from: LanguageModel, to: LanguageModel): string[] {
  const source = new Map(from.variables.map((v) => [localName(v), v]));
  const copied: string[] = [];
  for (const target of to.variables) {
    const match = source.get(localName(target));
    if (match && match.shape.join('x') === target.shape.join('x')) {
      target.assign(match);
      copied.push(localName(target));
    }
  }
  return copied;
}

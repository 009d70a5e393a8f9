/**
 * Errors of this plugin are core's `LabbenchError` subclasses, so the CLI prints where/what/fix
 * and exits 2 for a bad tokenizer file or option (STYLE rule 7). These helpers only name the kind.
 */
import { ConfigError, ContractError } from '@labbench/core';

/** Bad options passed by a caller (study config, CLI flags). */
export const configError = (where: string, what: string, fix: string) => new ConfigError(where, what, fix);

/** A serialised artifact of the wrong type, version or shape. */
export const contractError = (where: string, what: string, fix: string) => new ContractError(where, what, fix);

/** JSON.parse with an error that says where and what to pass instead. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw configError(where, `the text is not JSON (${(error as Error).message}).`,
      'Pass a tokenizer file written by toJSON() or a Hugging Face tokenizer.json.');
  }
}

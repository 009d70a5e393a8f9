/**
 * Errors of this plugin: each says where, what (with the actual value) and how to fix it
 * (STYLE rule 7). Core will ship `LabbenchError` and its subclasses; until then these local
 * classes carry the same fields and names, so the CLI can map them by `name`.
 */
export class BpeError extends Error {
  constructor(
    readonly where: string,
    readonly what: string,
    readonly fix: string,
    name: 'ConfigError' | 'ContractError' | 'DataError' = 'ConfigError',
  ) {
    super(`${where}: ${what}${fix ? ` ${fix}` : ''}`);
    this.name = name;
  }
}

/** Bad options passed by a caller (study config, CLI flags). */
export const configError = (where: string, what: string, fix: string) => new BpeError(where, what, fix, 'ConfigError');

/** A serialised artifact of the wrong type, version or shape. */
export const contractError = (where: string, what: string, fix: string) => new BpeError(where, what, fix, 'ContractError');

/** JSON.parse with an error that says where and what to pass instead. */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw configError(where, `the text is not JSON (${(error as Error).message}).`,
      'Pass a tokenizer file written by toJSON() or a Hugging Face tokenizer.json.');
  }
}

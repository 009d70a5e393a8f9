/**
 * Loading tokenizer files: checks type, version and shape before anything is built, so a wrong
 * or damaged file fails with the field at fault instead of encoding differently.
 */
import type { TokenizerType } from './config.js';
import { contractError } from './errors.js';
import { PRETOKENIZERS, type PretokenizerName } from './pretokenize.js';
import { BpeTokenizer, FORMAT_VERSION, type BpeTokenizerJSON } from './tokenizer.js';

const TYPES: readonly TokenizerType[] = ['bpe', 'scaffold-bpe'];

/**
 * Rebuilds a tokenizer from `toJSON()` output. With `expected`, JSON of the other type is
 * rejected (the factories pass their own id).
 */
export function tokenizerFromJSON(json: unknown, expected?: TokenizerType): BpeTokenizer {
  const where = `${expected ?? 'bpe'}.fromJSON`;
  const data = checkShape(json, where, expected);
  return new BpeTokenizer(data, where);
}

function checkShape(json: unknown, where: string, expected?: TokenizerType): BpeTokenizerJSON {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw contractError(where, `expected a tokenizer JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}.`,
      'Pass the value returned by toJSON() (or JSON.parse of a saved file).');
  }
  const j = json as Record<string, unknown>;
  const type = j.type as TokenizerType;
  if (!TYPES.includes(type)) {
    throw contractError(`${where} › type`, `unknown tokenizer type ${JSON.stringify(j.type)}.`, `This plugin reads ${TYPES.join(' and ')}.`);
  }
  if (expected !== undefined && type !== expected) {
    throw contractError(`${where} › type`, `expected a '${expected}' tokenizer, got '${type}'.`,
      `Load it with the '${type}' tokenizer's fromJSON instead.`);
  }
  if (j.version !== FORMAT_VERSION) {
    throw contractError(`${where} › version`, `unsupported format version ${JSON.stringify(j.version)}; this build reads version ${FORMAT_VERSION}.`,
      'Retrain the tokenizer or use the plugin version that wrote the file.');
  }
  const pre = j.pretokenizer as { name?: unknown; pattern?: unknown } | undefined;
  const name = pre?.name as PretokenizerName;
  if (typeof pre !== 'object' || pre === null || typeof name !== 'string' || !Object.hasOwn(PRETOKENIZERS, name) || pre.pattern !== PRETOKENIZERS[name]) {
    throw contractError(`${where} › pretokenizer`, `must name a known pattern (${Object.keys(PRETOKENIZERS).join(', ')}) with its exact text, got ${JSON.stringify(pre)?.slice(0, 80)}.`,
      'A different pattern would split text differently from training; retrain with this version.');
  }
  if (!Array.isArray(j.specialTokens) || j.specialTokens.some((s) => typeof s !== 'string' || s === '')) {
    throw contractError(`${where} › specialTokens`, 'must be a list of non-empty strings.', 'Keep the list written by toJSON().');
  }
  if (!Array.isArray(j.merges) || j.merges.some((m) => !Array.isArray(m) || m.length !== 2)) {
    throw contractError(`${where} › merges`, 'must be a list of [a, b] id pairs.', 'Keep the list written by toJSON().');
  }
  if (!Array.isArray(j.scaffold) || (type === 'bpe' && j.scaffold.length > 0)) {
    throw contractError(`${where} › scaffold`, type === 'bpe' ? 'a plain BPE tokenizer has no scaffold tokens.' : 'must be a list of ids.',
      'Keep the list written by toJSON().');
  }
  if (j.ids !== undefined && !Array.isArray(j.ids)) {
    throw contractError(`${where} › ids`, 'must be a list of ids when present.', 'Keep the list written by toJSON().');
  }
  return j as unknown as BpeTokenizerJSON;
}

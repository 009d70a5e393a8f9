import { readFileSync, statSync } from 'node:fs';
import { DataError } from './errors.js';

/**
 * Limits on JSON lines read from files a user (or a CI artifact) hands us. JSON.parse and the code
 * after it recurse per nesting level, so depth is checked on the text before parsing: a deeply
 * nested line becomes a sentence, not a stack overflow.
 */
export interface JsonLimits {
  readonly maxDepth: number;
  readonly maxLineChars: number;
  readonly maxFileBytes: number;
}

export const JSON_LIMITS: JsonLimits = { maxDepth: 32, maxLineChars: 16_000_000, maxFileBytes: 1_000_000_000 };

/** The deepest nesting of arrays and objects in a JSON text (brackets inside strings ignored). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** Parses one line under the limits; returns the value or a sentence saying what is wrong. */
export function parseJsonLine(line: string, limits: JsonLimits = JSON_LIMITS): { value: unknown } | { problem: string } {
  if (line.length > limits.maxLineChars) return { problem: `line of ${line.length} characters, more than the limit of ${limits.maxLineChars}` };
  const depth = jsonDepth(line);
  if (depth > limits.maxDepth) return { problem: `JSON nested ${depth} levels deep, more than the limit of ${limits.maxDepth}` };
  try {
    return { value: JSON.parse(line) };
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
}

/**
 * Reads a whole input file as text, refusing what is not a regular file or is too large, with a
 * DataError naming the path (a directory given as a file used to end in EISDIR and a stack trace).
 */
export function readInputText(path: string, what: string, limits: JsonLimits = JSON_LIMITS): string {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new DataError(path, `${what} not found.`, 'Name an existing file.');
  }
  if (stat.isDirectory()) throw new DataError(path, `is a directory, not a ${what}.`, `Name the ${what} inside it (for example ${path}/results.jsonl), or use --runs for a folder of runs.`);
  if (!stat.isFile()) throw new DataError(path, `is not a regular file (a ${what} is expected).`, `Name a ${what}.`);
  if (stat.size > limits.maxFileBytes) throw new DataError(path, `${what} of ${stat.size} bytes, more than the limit of ${limits.maxFileBytes}.`, 'Split it (labbench merge combines files) or check that it is the right file.');
  return readFileSync(path, 'utf8');
}

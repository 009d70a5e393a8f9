/** The typed arrays the trainer's tables grow. */
export type GrowableArray = Float64Array | Int32Array | Uint8Array;

/**
 * A copy of `array` in a new array of the same type with `size` elements: the old values first,
 * zeros after (or the first `size` values when it shrinks). The tables grow by doubling with it.
 */
export function resized<T extends GrowableArray>(array: T, size: number): T {
  const out = new (array.constructor as new (length: number) => T)(size);
  out.set(size < array.length ? array.subarray(0, size) : array);
  return out;
}

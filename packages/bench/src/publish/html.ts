/** Escapes text for HTML element content and attribute values (both quote kinds). */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Four significant digits, no exponent below a million (as the page's script formats). */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  if (Math.abs(x) >= 1e6) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** `1.2M`, `153.6k`: a compact count for headers. */
export function compact(x: number): string {
  if (x >= 1e9) return `${fmt(x / 1e9)}B`;
  if (x >= 1e6) return `${fmt(x / 1e6)}M`;
  if (x >= 1e3) return `${fmt(x / 1e3)}k`;
  return fmt(x);
}

/** `a` or `a–b` for the range of a list of numbers, formatted by `f`. */
export function range(values: readonly number[], f: (x: number) => string = compact): string {
  if (values.length === 0) return '-';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? f(lo) : `${f(lo)}\u2013${f(hi)}`;
}

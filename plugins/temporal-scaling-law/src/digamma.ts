/**
 * Digamma psi(x) for x > 0: recurrence up to x >= 6, then the asymptotic series
 * (absolute error below 1e-12 there).
 */
export function digamma(x: number): number {
  if (!(x > 0)) throw new Error(`digamma: x must be > 0, got ${x}`);
  let result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  return result + Math.log(x) - 0.5 * inv
    - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
}

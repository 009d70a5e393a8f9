/** Fit and forecast metrics, computed on the same points (spec 3.4 item 8). */

/** Coefficient of determination 1 - SS_res / SS_tot; <= 1; 1 for a perfect fit (0/0 counts as 1). */
export function rSquared(observed: readonly number[], predicted: readonly number[]): number {
  const n = observed.length;
  if (n === 0) return Number.NaN;
  const mean = observed.reduce((a, b) => a + b, 0) / n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (observed[i] - predicted[i]) ** 2;
    tot += (observed[i] - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : Number.NEGATIVE_INFINITY;
  return 1 - res / tot;
}

/** Mean absolute percentage error, in percent; >= 0. */
export function mape(observed: readonly number[], predicted: readonly number[]): number {
  if (observed.length === 0) return Number.NaN;
  return (100 * observed.reduce((a, o, i) => a + Math.abs((o - predicted[i]) / o), 0)) / observed.length;
}

/** Largest absolute percentage error, in percent. */
export function maxApe(observed: readonly number[], predicted: readonly number[]): number {
  return observed.reduce((m, o, i) => Math.max(m, (100 * Math.abs(o - predicted[i])) / Math.abs(o)), observed.length ? 0 : Number.NaN);
}

/** Coefficient of variation sd / |mean| (population sd). */
export function coefficientOfVariation(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
  return sd / Math.abs(mean);
}

/** Moved here from core: only the temporal scaling law ranks arms (mixture ranking). */
/**
 * Kendall's rank correlation tau-b between two paired lists (ties handled as in tau-b; 0 when
 * either list is constant). Used to compare rankings of arms, e.g. predicted vs true final loss.
 *
 * Example: kendallTau([1, 2, 3], [1, 3, 2]) = (2 concordant - 1 discordant) / 3 = 1/3.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error(`kendallTau: lists differ in length (${x.length} vs ${y.length})`);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denominator > 0 ? (concordant - discordant) / denominator : 0;
}

/**
 * A small L2-regularised logistic regression on the host (the detectors' shared classifier head).
 * Rows are sparse (index, value) lists so that hashed TF-IDF features stay cheap; dense features
 * are standardised with the training mean and sd first (`Standardizer`). Fitted by full-batch Adam
 * on the mean log-loss + lambda/2 |w|^2 (bias not penalised): deterministic, no randomness.
 */
export interface SparseRow {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export interface LogisticOptions {
  readonly lambda: number;
  readonly iterations: number;
  readonly learningRate: number;
}
// lambda 1e-2: strong enough that separable tiny training sets keep finite weights.
export const logisticDefaults: LogisticOptions = { lambda: 1e-2, iterations: 300, learningRate: 0.05 };

export class LogisticRegression {
  private constructor(readonly weights: Float64Array, readonly bias: number) {}

  static fit(rows: readonly SparseRow[], labels: readonly (0 | 1)[], dimension: number, options: Partial<LogisticOptions> = {}): LogisticRegression {
    const { lambda, iterations, learningRate } = { ...logisticDefaults, ...options };
    const n = rows.length;
    const w = new Float64Array(dimension + 1); // last entry: bias
    const m = new Float64Array(dimension + 1);
    const v = new Float64Array(dimension + 1);
    const g = new Float64Array(dimension + 1);
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    for (let it = 1; it <= iterations && n > 0; it++) {
      g.fill(0);
      for (let r = 0; r < n; r++) {
        const err = sigmoid(dot(rows[r], w) + w[dimension]) - labels[r];
        const { indices, values } = rows[r];
        for (let k = 0; k < indices.length; k++) g[indices[k]] += (err * values[k]) / n;
        g[dimension] += err / n;
      }
      for (let j = 0; j < dimension; j++) g[j] += lambda * w[j];
      for (let j = 0; j <= dimension; j++) {
        m[j] = b1 * m[j] + (1 - b1) * g[j];
        v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
        w[j] -= (learningRate * (m[j] / (1 - b1 ** it))) / (Math.sqrt(v[j] / (1 - b2 ** it)) + eps);
      }
    }
    return new LogisticRegression(w.subarray(0, dimension), w[dimension]);
  }

  /** Log-odds of label 1 for a row. */
  score(row: SparseRow): number {
    return dot(row, this.weights) + this.bias;
  }
}

function dot(row: SparseRow, w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < row.indices.length; k++) s += row.values[k] * w[row.indices[k]];
  return s;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** A dense row as a sparse one. */
export function denseRow(values: readonly number[]): SparseRow {
  return { indices: Int32Array.from(values.keys()), values: Float32Array.from(values) };
}

/** Standardises dense features with the mean and sd of the training rows (sd 0 -> 1; NaN -> 0). */
export class Standardizer {
  private constructor(private readonly mean: number[], private readonly sd: number[]) {}
  static fit(rows: readonly (readonly number[])[]): Standardizer {
    const d = rows[0]?.length ?? 0;
    const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + finite(r[j]), 0) / Math.max(1, rows.length));
    const sd = mean.map((mu, j) => Math.sqrt(rows.reduce((a, r) => a + (finite(r[j]) - mu) ** 2, 0) / Math.max(1, rows.length)) || 1);
    return new Standardizer(mean, sd);
  }
  apply(row: readonly number[]): SparseRow {
    return denseRow(row.map((x, j) => (finite(x) - this.mean[j]) / this.sd[j]));
  }
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** Fits standardiser + regression on dense training rows and returns a scoring function (log-odds of label 1). */
export function fitDense(train: readonly (readonly number[])[], labels: readonly (0 | 1)[], options: Partial<LogisticOptions> = {}): (row: readonly number[]) => number {
  const standardizer = Standardizer.fit(train);
  const model = LogisticRegression.fit(train.map((r) => standardizer.apply(r)), labels, train[0]?.length ?? 0, options);
  return (row) => model.score(standardizer.apply(row));
}

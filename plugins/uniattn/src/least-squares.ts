import { createRequire } from 'node:module';

type MlMatrix = typeof import('ml-matrix');
let mlMatrix: MlMatrix | undefined;
/** ml-matrix, loaded on the first solve: an import of it cost about 35 ms at every labbench start. */
function matrices(): MlMatrix {
  mlMatrix ??= createRequire(import.meta.url)('ml-matrix') as MlMatrix;
  return mlMatrix;
}

/**
 * W = argmin ||X W - Delta||_F (spec §4.3), on the host in float64.
 * @param x     [R, d] rows: normalised attention inputs of a reuse layer
 * @param delta [R, d] rows: base minus unified post-attention residual stream
 * 'pinv' drops singular values below 1e-10 (the authors' code); 'ridge' adds lambda I to X^T X with
 * lambda = ridge * tr(X^T X) / d. Either way ||X W - Delta|| <= ||Delta|| (W = 0 is a candidate).
 */
export function solveCompensation(x: number[][], delta: number[][], solver: 'pinv' | 'ridge', ridge: number): number[][] {
  const w = solveRaw(x, delta, solver, ridge);
  // guard: a numerically failed solve (non-finite, or worse than W = 0) falls back to W = 0
  const finite = w.every((row) => row.every(Number.isFinite));
  if (finite) {
    const { residual, target } = residualNorms(x, delta, w);
    if (residual <= target) return w;
  }
  return w.map((row) => row.map(() => 0));
}

function solveRaw(x: number[][], delta: number[][], solver: 'pinv' | 'ridge', ridge: number): number[][] {
  const { Matrix, pseudoInverse, solve } = matrices();
  const X = new Matrix(x);
  const D = new Matrix(delta);
  if (solver === 'pinv') return pseudoInverse(X, 1e-10).mmul(D).to2DArray();
  const gram = X.transpose().mmul(X);
  const d = gram.rows;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += gram.get(i, i);
  // X = 0: every W fits equally and lambda would be 0 (a singular system); W = 0 is the
  // minimum-norm solution, the one 'pinv' gives
  if (trace === 0) return Array.from({ length: d }, () => new Array<number>(D.columns).fill(0));
  const lambda = (ridge * trace) / Math.max(1, d);
  for (let i = 0; i < d; i++) gram.set(i, i, gram.get(i, i) + lambda);
  return solve(gram, X.transpose().mmul(D)).to2DArray();
}

/** ||X W - Delta||_F and ||Delta||_F. */
export function residualNorms(x: number[][], delta: number[][], w: number[][]): { residual: number; target: number } {
  const { Matrix } = matrices();
  const r = new Matrix(x).mmul(new Matrix(w)).sub(new Matrix(delta));
  return { residual: r.norm('frobenius'), target: new Matrix(delta).norm('frobenius') };
}

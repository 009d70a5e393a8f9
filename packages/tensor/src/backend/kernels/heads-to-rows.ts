import type { TensorInfo } from '#tfjs';
import * as tf from '#tfjs';
import { type BackendName, defineKernel } from '../kernel.js';
import { HEADS_TO_ROWS, ROWS_TO_HEADS } from '../kernel-names.js';

/**
 * Attention's mixed heads back to token rows in one kernel: [B, H, T, Dh] -> [B * T, H * Dh]
 * (composed: a rank-4 transpose to [B, T, H, Dh], a reshape, and the clone tfjs saves of the
 * transposed tensor for the reshape's gradient; backward a reshape and a transpose). Its gradient,
 * RowsToHeads, is the same copy the other way. Pure copies of Dh-float blocks: no arithmetic, so
 * bit for bit the composed ops.
 */

interface Geometry {
  batch: number;
  heads: number;
  time: number;
  dh: number;
}

/** For each Dh block: `copy(rowsAt, headsAt)` with rows[b * T + t, h * Dh] and heads[b, h, t, 0] as flat offsets. */
function eachBlock({ batch, heads, time, dh }: Geometry, copy: (rowsAt: number, headsAt: number) => void): void {
  const d = heads * dh;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let t = 0; t < time; t++) copy((b * time + t) * d + h * dh, ((b * heads + h) * time + t) * dh);
    }
  }
}

/** Element copies between separate arrays (cpu backend). */
function moveArrays(rows: Float32Array, headsArr: Float32Array, g: Geometry, toRows: boolean): void {
  const { dh } = g;
  eachBlock(g, (r, h) => {
    if (toRows) for (let e = 0; e < dh; e++) rows[r + e] = headsArr[h + e];
    else for (let e = 0; e < dh; e++) headsArr[h + e] = rows[r + e];
  });
}

/** On wasm every tensor lives in one heap: copyWithin per block (a memmove), no views. */
function moveOnHeap(heap: Float32Array, rowsAt: number, headsAt: number, g: Geometry, toRows: boolean): void {
  const { dh } = g;
  eachBlock(g, (r, h) => {
    if (toRows) heap.copyWithin(rowsAt + r, headsAt + h, headsAt + h + dh);
    else heap.copyWithin(headsAt + h, rowsAt + r, rowsAt + r + dh);
  });
}

/**
 * heads [B, H, T, Dh] <-> rows at (b * T + t) * rowStride + rowOffset + h * Dh (default: rows
 * [B * T, H * Dh]) over separate views: the addon's `headsToRows` (SplitHeads and MergeHeads use it
 * too, with the fused QKV rows' stride 3D); on wasm the JS path copies within the heap instead.
 */
export type HeadsToRowsLoop = (
  rows: Float32Array,
  heads: Float32Array,
  batch: number,
  headCount: number,
  time: number,
  dh: number,
  toRows: boolean,
  rowStride?: number,
  rowOffset?: number,
) => void;

const offsetOf = (w: { dataIdMap: { get(id: object): { memoryOffset: number } } }, t: TensorInfo) => w.dataIdMap.get(t.dataId).memoryOffset / 4;
const fromHeads = (shape: readonly number[]): Geometry => ({ batch: shape[0], heads: shape[1], time: shape[2], dh: shape[3] });

type GradAttrs = { batch: number; heads: number };
const fromRows = (shape: readonly number[], { batch, heads }: GradAttrs): Geometry => ({ batch, heads, time: shape[0] / batch, dh: shape[1] / heads });

export function headsToRowsKernel(backendName: BackendName, native?: HeadsToRowsLoop) {
  const rowsShape = (g: Geometry) => [g.batch * g.time, g.heads * g.dh];
  if (backendName === 'cpu') {
    return defineKernel<{ x: TensorInfo }, Record<string, never>, 'cpu'>(HEADS_TO_ROWS, 'cpu', ({ inputs: { x }, backend: c }) => {
      const g = fromHeads(x.shape);
      const rows = new Float32Array(g.batch * g.time * g.heads * g.dh);
      moveArrays(rows, Float32Array.from(c.readSync(x.dataId)), g, true);
      return c.makeTensorInfo(rowsShape(g), 'float32', rows);
    });
  }
  return defineKernel<{ x: TensorInfo }>(HEADS_TO_ROWS, 'wasm', ({ inputs: { x }, backend: w }) => {
    const g = fromHeads(x.shape);
    const out = w.makeOutput(rowsShape(g), 'float32');
    if (native) native(w.typedArrayFromHeap(out), w.typedArrayFromHeap(x), g.batch, g.heads, g.time, g.dh, true);
    else moveOnHeap(w.wasm.HEAPF32, offsetOf(w, out), offsetOf(w, x), g, true); // the heap after the allocation
    return out;
  });
}

export function rowsToHeadsKernel(backendName: BackendName, native?: HeadsToRowsLoop) {
  const headsShape = (g: Geometry) => [g.batch, g.heads, g.time, g.dh];
  if (backendName === 'cpu') {
    return defineKernel<{ dy: TensorInfo }, GradAttrs, 'cpu'>(ROWS_TO_HEADS, 'cpu', ({ inputs: { dy }, attrs, backend: c }) => {
      const g = fromRows(dy.shape, attrs);
      const out = new Float32Array(g.batch * g.time * g.heads * g.dh);
      moveArrays(Float32Array.from(c.readSync(dy.dataId)), out, g, false);
      return c.makeTensorInfo(headsShape(g), 'float32', out);
    });
  }
  return defineKernel<{ dy: TensorInfo }, GradAttrs>(ROWS_TO_HEADS, 'wasm', ({ inputs: { dy }, attrs, backend: w }) => {
    const g = fromRows(dy.shape, attrs);
    const out = w.makeOutput(headsShape(g), 'float32');
    if (native) native(w.typedArrayFromHeap(dy), w.typedArrayFromHeap(out), g.batch, g.heads, g.time, g.dh, false);
    else moveOnHeap(w.wasm.HEAPF32, offsetOf(w, dy), offsetOf(w, out), g, false);
    return out;
  });
}

/** HeadsToRows' gradient: RowsToHeads of dy (nothing saved: the geometry is in the attributes). */
export const headsToRowsGradConfig: tf.GradConfig = {
  kernelName: HEADS_TO_ROWS,
  gradFunc: (dy, saved, attrs) => {
    void saved;
    const { batch, heads } = attrs as unknown as GradAttrs;
    return { x: () => tf.engine().runKernel(ROWS_TO_HEADS, { dy: dy as tf.Tensor }, { batch, heads }) as tf.Tensor };
  },
};

/** [B, H, T, Dh] -> [B * T, H * Dh] with its gradient, or undefined without the kernel (the caller transposes and reshapes). */
export function fusedHeadsToRows(x: tf.Tensor): tf.Tensor2D | undefined {
  if (!tf.getKernel(HEADS_TO_ROWS, tf.getBackend()) || !tf.getKernel(ROWS_TO_HEADS, tf.getBackend()) || x.dtype !== 'float32' || x.rank !== 4) return undefined;
  // batch and heads ride along as attributes for the gradient (the kernel itself reads them from the shape)
  const [batch, heads] = x.shape as number[];
  return tf.engine().runKernel(HEADS_TO_ROWS, { x }, { batch, heads }) as tf.Tensor2D;
}

import * as tf from '#tfjs';
import type { TensorInfo } from '#tfjs';
import { type BackendName, defineKernel } from '../kernel.js';
import { MERGE_HEADS, SPLIT_HEADS } from '../kernel-names.js';
import type { HeadsToRowsLoop } from './heads-to-rows.js';

/**
 * The fused QKV projection's output to attention heads in one kernel: [B, T, 3D] -> q, k, v, each
 * [B, H, T, Dh] (composed: a SplitV, three reshapes and three rank-4 transposes; backward three
 * transposes and a concat). Its gradient, MergeHeads, writes the three head gradients back into
 * one [B, T, 3D]. Pure copies of Dh-float blocks, so no arithmetic changes.
 */

interface Geometry {
  batch: number;
  time: number;
  heads: number;
  dh: number;
}
const geometry = (shape: readonly number[], heads: number): Geometry => ({ batch: shape[0], time: shape[1], heads, dh: shape[2] / 3 / heads });

/**
 * q[b, h, t, :] = qkv[b, t, 0 * D + h * Dh : ...], k from D, v from 2D (split = true); the reverse
 * with split = false. `copy(from, to, n)` moves n floats from packed (at from) to a part (at to),
 * or back.
 */
function moveHeads({ batch, time, heads, dh }: Geometry, copy: (s: number, from: number, to: number) => void): void {
  const d = heads * dh;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const row = (b * time + t) * 3 * d;
      for (let s = 0; s < 3; s++) for (let h = 0; h < heads; h++) copy(s, row + s * d + h * dh, ((b * heads + h) * time + t) * dh);
    }
  }
}

/** Element copies between separate arrays (cpu backend). */
function moveArrays(packed: Float32Array, parts: Float32Array[], g: Geometry, split: boolean): void {
  const { dh } = g;
  moveHeads(g, (s, from, to) => {
    const part = parts[s];
    if (split) for (let e = 0; e < dh; e++) part[to + e] = packed[from + e];
    else for (let e = 0; e < dh; e++) packed[from + e] = part[to + e];
  });
}

/** On wasm every tensor lives in one heap: copyWithin per block (a memmove), no views. */
function moveOnHeap(heap: Float32Array, packedAt: number, partsAt: number[], g: Geometry, split: boolean): void {
  const { dh } = g;
  moveHeads(g, (s, from, to) => {
    if (split) heap.copyWithin(partsAt[s] + to, packedAt + from, packedAt + from + dh);
    else heap.copyWithin(packedAt + from, partsAt[s] + to, partsAt[s] + to + dh);
  });
}

const offsetOf = (w: { dataIdMap: { get(id: object): { memoryOffset: number } } }, t: TensorInfo) => w.dataIdMap.get(t.dataId).memoryOffset / 4;

type Attrs = { heads: number };

export function splitHeadsKernel(backendName: BackendName, native?: HeadsToRowsLoop) {
  const shapes = (g: Geometry) => [g.batch, g.heads, g.time, g.dh];
  if (backendName === 'cpu') {
    return defineKernel<{ qkv: TensorInfo }, Attrs, 'cpu'>(SPLIT_HEADS, 'cpu', ({ inputs: { qkv }, attrs: { heads }, backend: c }) => {
      const g = geometry(qkv.shape, heads);
      const parts = [0, 1, 2].map(() => new Float32Array(g.batch * g.time * heads * g.dh));
      moveArrays(Float32Array.from(c.readSync(qkv.dataId)), parts, g, true);
      return parts.map((p) => c.makeTensorInfo(shapes(g), 'float32', p));
    });
  }
  return defineKernel<{ qkv: TensorInfo }, Attrs>(SPLIT_HEADS, 'wasm', ({ inputs: { qkv }, attrs: { heads }, backend: w }) => {
    const g = geometry(qkv.shape, heads);
    const outs = [0, 1, 2].map(() => w.makeOutput(shapes(g), 'float32'));
    // the addon's copy: part s from the rows of qkv at offset s * D, stride 3D
    if (native) for (const [s, o] of outs.entries()) native(w.typedArrayFromHeap(qkv), w.typedArrayFromHeap(o), g.batch, heads, g.time, g.dh, false, 3 * heads * g.dh, s * heads * g.dh);
    else moveOnHeap(w.wasm.HEAPF32, offsetOf(w, qkv), outs.map((o) => offsetOf(w, o)), g, true); // the heap after the allocations
    return outs;
  });
}

export function mergeHeadsKernel(backendName: BackendName, native?: HeadsToRowsLoop) {
  const packedShape = (q: TensorInfo) => [q.shape[0], q.shape[2], 3 * q.shape[1] * q.shape[3]];
  if (backendName === 'cpu') {
    return defineKernel<{ dq: TensorInfo; dk: TensorInfo; dv: TensorInfo }, Attrs, 'cpu'>(MERGE_HEADS, 'cpu', ({ inputs: { dq, dk, dv }, attrs: { heads }, backend: c }) => {
      const shape = packedShape(dq);
      const packed = new Float32Array(shape[0] * shape[1] * shape[2]);
      moveArrays(packed, [dq, dk, dv].map((t) => Float32Array.from(c.readSync(t.dataId))), geometry(shape, heads), false);
      return c.makeTensorInfo(shape, 'float32', packed);
    });
  }
  return defineKernel<{ dq: TensorInfo; dk: TensorInfo; dv: TensorInfo }, Attrs>(MERGE_HEADS, 'wasm', ({ inputs: { dq, dk, dv }, attrs: { heads }, backend: w }) => {
    const shape = packedShape(dq);
    const out = w.makeOutput(shape, 'float32');
    const g = geometry(shape, heads);
    if (native) for (const [s, part] of [dq, dk, dv].entries()) native(w.typedArrayFromHeap(out), w.typedArrayFromHeap(part), g.batch, heads, g.time, g.dh, true, 3 * heads * g.dh, s * heads * g.dh);
    else moveOnHeap(w.wasm.HEAPF32, offsetOf(w, out), [dq, dk, dv].map((t) => offsetOf(w, t)), g, false);
    return out;
  });
}

/** SplitHeads' gradient: the three head gradients merged back (unused outputs arrive as zeros). */
export const splitHeadsGradConfig: tf.GradConfig = {
  kernelName: SPLIT_HEADS,
  gradFunc: (dy, saved, attrs) => {
    void saved;
    const [dq, dk, dv] = dy as tf.Tensor[];
    return { qkv: () => tf.engine().runKernel(MERGE_HEADS, { dq, dk, dv }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor };
  },
};

/** [B, T, 3D] -> q, k, v [B, H, T, Dh] with its gradient, or undefined without the kernel (the caller splits and transposes). */
export function fusedSplitHeads(qkv: tf.Tensor, heads: number): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D] | undefined {
  if (!tf.getKernel(SPLIT_HEADS, tf.getBackend()) || qkv.dtype !== 'float32' || qkv.rank !== 3 || (qkv.shape[2] ?? 0) % (3 * heads) !== 0) return undefined;
  return tf.engine().runKernel(SPLIT_HEADS, { qkv }, { heads }) as unknown as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
}

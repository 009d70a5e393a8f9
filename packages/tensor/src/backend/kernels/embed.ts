import type { TensorInfo } from '#tfjs';
import * as tf from '#tfjs';
import { type BackendName, defineKernel, heapInt32 } from '../kernel.js';
import { EMBED, EMBED_GRAD } from '../kernel-names.js';

/**
 * The decoder's input, x = table[ids] * scale + positions[:T], in one kernel and its gradient in
 * one (composed: a slice, a gather, a reshape, a product and a broadcast add forward, 14 kernel
 * calls with the clones tfjs saves; backward about 12: the add's sum over the batch, the
 * product's, the reshape's, the gather's transposes and segment sum, the slice's pad).
 *
 * The arithmetic is the stock ops', so the bits are theirs: each element is
 * f32(f32(table * scale) + position); the table gradient adds f32(dy * scale) row by row in token
 * order and the position gradient sums dy over the batch in order, in float32 on wasm (its Sum
 * kernel and labbench's UnsortedSegmentSum) and in float64 rounded once on cpu (tfjs's cpu Sum,
 * which its UnsortedSegmentSum composes).
 */

/** out[i] = f32(table[ids[i]] * scale) + positions[i % time], rows of d (the JS loop; the addon's `embed` has the same signature). */
export function embedRows(
  table: Float32Array,
  ids: Int32Array,
  positions: Float32Array,
  out: Float32Array,
  tokens: number,
  time: number,
  d: number,
  scale: number,
  vocab: number,
): void {
  for (let i = 0; i < tokens; i++) {
    const id = ids[i];
    if (id < 0 || id >= vocab) throw new Error(`${EMBED}: token id ${id} at position ${i} is not in [0, ${vocab - 1}]`);
    const src = id * d;
    const pos = (i % time) * d;
    const dst = i * d;
    if (scale === 1) for (let j = 0; j < d; j++) out[dst + j] = table[src + j] + positions[pos + j];
    else for (let j = 0; j < d; j++) out[dst + j] = Math.fround(table[src + j] * scale) + positions[pos + j];
  }
}

/**
 * Zeroes dTable [V, D] and dPositions [P, D] and accumulates into them; the accumulators' type sets
 * the rounding (the addon's `embedGrad` has the same signature, float32 only).
 */
export function embedGradRows(
  dy: Float32Array,
  ids: Int32Array,
  dTable: Float32Array | Float64Array,
  dPositions: Float32Array | Float64Array,
  tokens: number,
  time: number,
  d: number,
  scale: number,
): void {
  dTable.fill(0);
  dPositions.fill(0);
  for (let i = 0; i < tokens; i++) {
    const dst = ids[i] * d;
    const src = i * d;
    if (scale === 1) for (let j = 0; j < d; j++) dTable[dst + j] += dy[src + j];
    else for (let j = 0; j < d; j++) dTable[dst + j] += Math.fround(dy[src + j] * scale);
  }
  // batch by batch: each position's sum runs over b in order, as the Sum kernels do
  for (let i = 0; i < tokens; i++) {
    const pos = (i % time) * d;
    const src = i * d;
    for (let j = 0; j < d; j++) dPositions[pos + j] += dy[src + j];
  }
}

type Attrs = { scale: number };
type GradAttrs = { vocab: number; positions: number; scale: number };
const tokensOf = (ids: TensorInfo) => ids.shape[0] * ids.shape[1];

export function embedKernel(backendName: BackendName, rows: typeof embedRows = embedRows) {
  type Inputs = { table: TensorInfo; ids: TensorInfo; positions: TensorInfo };
  const outShape = (ids: TensorInfo, table: TensorInfo) => [ids.shape[0], ids.shape[1], table.shape[1]];
  if (backendName === 'cpu') {
    return defineKernel<Inputs, Attrs, 'cpu'>(EMBED, 'cpu', ({ inputs: { table, ids, positions }, attrs: { scale }, backend: c }) => {
      const [tokens, d] = [tokensOf(ids), table.shape[1]];
      const out = new Float32Array(tokens * d);
      const read = (t: TensorInfo) => c.readSync(t.dataId) as Float32Array;
      rows(read(table), Int32Array.from(c.readSync(ids.dataId)), read(positions), out, tokens, ids.shape[1], d, scale, table.shape[0]);
      return c.makeTensorInfo(outShape(ids, table), 'float32', out);
    });
  }
  return defineKernel<Inputs, Attrs>(EMBED, 'wasm', ({ inputs: { table, ids, positions }, attrs: { scale }, backend: w }) => {
    const out = w.makeOutput(outShape(ids, table), 'float32');
    // views after the allocation (it may grow the heap)
    rows(
      w.typedArrayFromHeap(table),
      heapInt32(w, ids),
      w.typedArrayFromHeap(positions),
      w.typedArrayFromHeap(out),
      tokensOf(ids),
      ids.shape[1],
      table.shape[1],
      scale,
      table.shape[0],
    );
    return out;
  });
}

export function embedGradKernel(backendName: BackendName, rows: typeof embedGradRows = embedGradRows) {
  type Inputs = { dy: TensorInfo; ids: TensorInfo };
  if (backendName === 'cpu') {
    return defineKernel<Inputs, GradAttrs, 'cpu'>(EMBED_GRAD, 'cpu', ({ inputs: { dy, ids }, attrs: { vocab, positions, scale }, backend: c }) => {
      const d = dy.shape[2];
      const dTable = new Float64Array(vocab * d);
      const dPositions = new Float64Array(positions * d);
      rows(c.readSync(dy.dataId) as Float32Array, Int32Array.from(c.readSync(ids.dataId)), dTable, dPositions, tokensOf(ids), ids.shape[1], d, scale);
      return [c.makeTensorInfo([vocab, d], 'float32', Float32Array.from(dTable)), c.makeTensorInfo([positions, d], 'float32', Float32Array.from(dPositions))];
    });
  }
  return defineKernel<Inputs, GradAttrs>(EMBED_GRAD, 'wasm', ({ inputs: { dy, ids }, attrs: { vocab, positions, scale }, backend: w }) => {
    const d = dy.shape[2];
    const outs = [w.makeOutput([vocab, d], 'float32'), w.makeOutput([positions, d], 'float32')];
    // views after the allocations (the loop zeroes them: wasm's malloc does not)
    const [dTable, dPositions] = outs.map((o) => w.typedArrayFromHeap(o));
    rows(w.typedArrayFromHeap(dy), heapInt32(w, ids), dTable, dPositions, tokensOf(ids), ids.shape[1], d, scale);
    return outs;
  });
}

/** The embedding's gradient: both tables from one kernel (ids saved: one clone of [B, T] int32). */
export const embedGradConfig: tf.GradConfig = {
  kernelName: EMBED,
  inputsToSave: ['ids'],
  gradFunc: (dy, saved, attrs) => {
    const [ids] = saved;
    const [dTable, dPositions] = tf.engine().runKernel(EMBED_GRAD, { dy: dy as tf.Tensor, ids }, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
    // ids are integers: like gather's, their entry is never asked for (no gradient reaches int inputs)
    return { table: () => dTable, positions: () => dPositions, ids: () => ids };
  },
};

/**
 * table[ids] * scale + positions[:T] for ids [B, T] with its gradient, or undefined without the
 * kernels (the caller composes gather, product and add).
 */
export function fusedEmbed(table: tf.Tensor2D, ids: tf.Tensor2D, positions: tf.Tensor2D, scale: number): tf.Tensor3D | undefined {
  const backend = tf.getBackend();
  if (
    !tf.getKernel(EMBED, backend) ||
    !tf.getKernel(EMBED_GRAD, backend) ||
    table.dtype !== 'float32' ||
    positions.dtype !== 'float32' ||
    ids.dtype !== 'int32'
  )
    return undefined;
  if (positions.shape[0] < ids.shape[1] || positions.shape[1] !== table.shape[1]) return undefined;
  // scale as float32, as the stock product's scalar tensor holds it
  const attrs = { scale: Math.fround(scale), vocab: table.shape[0], positions: positions.shape[0] };
  return tf.engine().runKernel(EMBED, { table, ids, positions }, attrs) as tf.Tensor3D;
}

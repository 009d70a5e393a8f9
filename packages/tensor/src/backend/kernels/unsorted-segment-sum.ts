import { UnsortedSegmentSum, type TensorInfo } from '#tfjs';
import { defineKernel, heapInt32, sizeOf } from '../kernel.js';

/**
 * `UnsortedSegmentSum` is the gradient of `gather` (every embedding lookup) and wasm has none.
 * A host-side loop is enough: it runs once per step over [tokens, D].
 */
export function unsortedSegmentSum() {
  return defineKernel<{ x: TensorInfo; segmentIds: TensorInfo }, { numSegments: number }>(UnsortedSegmentSum, 'wasm', ({ inputs, attrs, backend: w }) => {
    const { x, segmentIds } = inputs;
    const { numSegments } = attrs;
    const inner = sizeOf(x.shape.slice(segmentIds.shape.length));
    const result = w.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    // views after the allocation (it may grow the heap); wasm's malloc does not zero
    const out = w.typedArrayFromHeap(result);
    out.fill(0);
    const values = w.typedArrayFromHeap(x);
    const ids = heapInt32(w, segmentIds);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0 || id >= numSegments) continue;
      const src = i * inner;
      const dst = id * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += values[src + j];
    }
    return result;
  });
}

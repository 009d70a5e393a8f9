import { Cast, Identity, type KernelConfig, type TensorInfo } from '#tfjs';
import { defineKernel } from '../kernel.js';

/**
 * Identity without a copy. tfjs clones every tensor a gradient saves for the backward pass through
 * the Identity kernel, and wasm's copies the memory (~280 copies per step of the ref model); like
 * the cpu backend and wasm's own Reshape, share the memory and count the reference (tensors are
 * immutable; no kernel writes into its inputs).
 */
export function sharedIdentity(stockIdentity: KernelConfig): KernelConfig {
  return defineKernel<{ x: TensorInfo }>(Identity, 'wasm', ({ inputs: { x }, backend, raw }) => {
    if (x.dtype === 'string') return stockIdentity.kernelFunc(raw);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  });
}

/** Cast to the same dtype (every gradient of a saved tensor casts dy to float32) shares the memory too. */
export function sharedCast(stockCast: KernelConfig): KernelConfig {
  return defineKernel<{ x: TensorInfo }, { dtype: string }>(Cast, 'wasm', ({ inputs: { x }, attrs: { dtype }, backend, raw }) => {
    if (x.dtype !== dtype || x.dtype === 'string') return stockCast.kernelFunc(raw);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  });
}

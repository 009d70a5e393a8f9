import * as tf from '#tfjs';
import type { KernelConfig } from '#tfjs';

/**
 * Which wasm kernels are tfjs's own (stock) and which are labbench's, so benchmarks and parity
 * tests can compare the two and `setWasmKernels` can switch between them.
 */

/** The stock kernels as tfjs registered them, captured before any patch. */
const stock = new Map<string, KernelConfig>();
/** Set once the stock kernels are captured: later registrations (native ones) are never taken for stock. */
let stockFrozen = false;
const patched = new Map<string, KernelConfig>();

/** The stock wasm kernel of `name` (before labbench's patches and native kernels), if tfjs has one. */
export function stockWasmKernel(name: string): KernelConfig | undefined {
  if (!stockFrozen && !stock.has(name)) {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel) stock.set(name, kernel);
  }
  return stock.get(name);
}

/** Captures the stock kernels of `names`, then stops capturing. */
export function freezeStock(names: readonly string[]): void {
  for (const name of names) stockWasmKernel(name);
  stockFrozen = true;
}

/** The labbench patch of a wasm kernel (after patchWasm), if any. */
export function patchedKernel(name: string): KernelConfig | undefined {
  return patched.get(name);
}

export function patchedNames(): string[] {
  return [...patched.keys()];
}

/** Replaces (or adds) a wasm kernel, keeping the stock one for benchmarks. */
export function replaceWasm(config: KernelConfig): void {
  stockWasmKernel(config.kernelName);
  patched.set(config.kernelName, config);
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

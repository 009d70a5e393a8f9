import * as tf from '#tfjs';
import type { BackendInfo, BackendName } from '@labbench/core';
import type { KernelConfig } from '#tfjs';
import { LABBENCH_KERNELS, type LabbenchKernelNames } from './kernel-names.js';
import { type NativeFused, nativeFusedKernels, patchCpu, patchWasm, patchedKernel, patchedKernelNames, registerMissingGradients, stockWasmKernel, wasmAdditions } from './patches.js';
import type { NativeLogitStats } from '../eval/logit-stats.js';

export type BackendPreference = 'auto' | BackendName;

/** What the optional @labbench/tensor-native package exports (see packages/tensor-native). */
interface NativePackage {
  readonly available: boolean;
  readonly loadError?: string;
  /** The raw addon (its fused row functions are wrapped by this package's kernels). */
  readonly binding?: Partial<NativeFused> & { readonly logitStats?: NativeLogitStats };
  register(names: LabbenchKernelNames): boolean;
  kernels(names: LabbenchKernelNames): KernelConfig[];
  threads(n?: number): number;
}

/** The native package with labbench's kernel names bound (it takes them from here, the one list). */
export interface NativeModule {
  readonly available: boolean;
  register(): boolean;
  kernels(): KernelConfig[];
  threads(n?: number): number;
}

let native: NativeModule | undefined;
let nativeError: string | undefined;
let logitStats: NativeLogitStats | undefined;

/** The addon's logit-statistics loop while the native kernels are in use (eval/logit-stats.ts), else undefined. */
export function nativeLogitStats(): NativeLogitStats | undefined {
  return current?.nativeKernels ? logitStats : undefined;
}

/** The optional native package, loaded once (undefined when it is not installed or not built). */
export async function loadNative(): Promise<NativeModule | undefined> {
  if (native || nativeError) return native;
  if (process.env.LABBENCH_NATIVE === '0') {
    nativeError = 'disabled by LABBENCH_NATIVE=0';
    return undefined;
  }
  try {
    const mod = (await import('@labbench/tensor-native' as string)) as NativePackage;
    if (!mod.available) nativeError = mod.loadError ?? 'the addon is not built';
    else {
      // the fused kernels are written once, here; the addon gives their row loops (an older addon without them: JS loops)
      const b = mod.binding;
      logitStats = b?.logitStats; // an older addon without it: the JS loop
      const nativeMatMul = mod.kernels(LABBENCH_KERNELS).find((k) => k.kernelName === tf.BatchMatMul);
      const complete = b?.rmsNorm && b.rmsNormGrad && b.layerNorm && b.layerNormGrad && b.swiglu && b.swigluGrad && b.attentionSoftmax && b.attentionSoftmaxGrad && b.biasActivation;
      const fused = complete ? nativeFusedKernels(b as NativeFused, nativeMatMul) : [];
      const kernels = () => [...mod.kernels(LABBENCH_KERNELS), ...fused];
      const register = () => {
        if (!mod.register(LABBENCH_KERNELS)) return false;
        for (const config of fused) {
          if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
          tf.registerKernel(config);
        }
        return true;
      };
      native = { available: true, register, kernels, threads: (n) => mod.threads(n) };
    }
  } catch (error) {
    nativeError = `@labbench/tensor-native is not installed (${(error as Error).message.split('\n')[0]})`;
  }
  return native;
}

/** Why native kernels are off, with what to install; undefined when they are available. */
export function nativeUnavailableReason(): string | undefined {
  return nativeError === undefined ? undefined : `${nativeError}. For the native speed-up install libopenblas-dev (Debian/Ubuntu: apt-get install libopenblas-dev build-essential pkg-config) and run npm rebuild @labbench/tensor-native.`;
}

/** Optional native acceleration: a package that registers native kernels over wasm, if installed. */
async function tryNativeKernels(): Promise<boolean> {
  const mod = await loadNative();
  return mod?.register() ?? false;
}

/** Kernel sets of the wasm backend: tfjs's own, labbench's pure-wasm patches, or native (OpenBLAS) over the patches. */
export type WasmKernelMode = 'stock' | 'patched' | 'native';

/**
 * Switches the kernels of the running wasm backend (benchmarks compare the modes in one process).
 * `stock` keeps only the kernels wasm lacks entirely (UnsortedSegmentSum). Returns the new info.
 */
export async function setWasmKernels(mode: WasmKernelMode): Promise<BackendInfo> {
  if (current?.name !== 'wasm') throw new Error(`setWasmKernels: the wasm backend is not active (${current?.name ?? 'none'}).`);
  const mod = mode === 'native' ? await loadNative() : undefined;
  if (mode === 'native' && !mod) throw new Error(`native kernels are not available: ${nativeUnavailableReason()}`);
  const wanted = new Map<string, KernelConfig | undefined>();
  for (const name of patchedKernelNames()) wanted.set(name, mode === 'stock' && !wasmAdditions.has(name) ? stockWasmKernel(name) : patchedKernel(name) ?? stockWasmKernel(name));
  if (mode === 'native') for (const config of mod!.kernels()) wanted.set(config.kernelName, config);
  for (const [name, config] of wanted) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    if (config) tf.registerKernel(config);
  }
  current = { name: 'wasm', nativeKernels: mode === 'native' };
  return current;
}

/** OpenBLAS threads of the native kernels (set with n); 0 without them. */
export async function nativeThreads(n?: number): Promise<number> {
  return (await loadNative())?.threads(n) ?? 0;
}

async function tryTensorflow(): Promise<BackendName | undefined> {
  for (const [pkg, name] of [['@tensorflow/tfjs-node-gpu', 'tensorflow-gpu'], ['@tensorflow/tfjs-node', 'tensorflow']] as const) {
    try {
      await import(pkg as string);
      if (await tf.setBackend('tensorflow')) return name;
    } catch {
      // not installed (its install needs a download); fall through
    }
  }
  return undefined;
}

let current: BackendInfo | undefined;

/**
 * Chooses the backend: `tensorflow` (tfjs-node-gpu, then tfjs-node, both optional) -> `wasm`
 * (+ native kernels when the optional addon is built) -> `cpu`. `LABBENCH_BACKEND` or the CLI's
 * `--backend` overrides. Returns what actually runs; that goes into every result.
 */
export async function initBackend(preference: BackendPreference = (process.env.LABBENCH_BACKEND as BackendPreference) || 'auto'): Promise<BackendInfo> {
  if (current && (preference === 'auto' || preference === current.name)) return current;
  registerMissingGradients();
  patchCpu();
  tf.env().set('PROD', true); // drop per-op debug checks
  let info: BackendInfo | undefined;
  if (preference === 'auto' || preference === 'tensorflow' || preference === 'tensorflow-gpu') {
    const name = await tryTensorflow();
    if (name) info = { name, nativeKernels: false };
    else if (preference !== 'auto') throw new Error(`backend '${preference}' is not available: @tensorflow/tfjs-node(-gpu) is not installed (its install downloads libtensorflow). Use --backend wasm, or install it on a machine with internet.`);
  }
  if (!info && (preference === 'auto' || preference === 'wasm')) {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      patchWasm();
      info = { name: 'wasm', nativeKernels: await tryNativeKernels() };
    }
  }
  if (!info) {
    await tf.setBackend('cpu');
    info = { name: 'cpu', nativeKernels: false };
  }
  await tf.ready();
  current = info;
  return info;
}

export function currentBackend(): BackendInfo | undefined {
  return current;
}

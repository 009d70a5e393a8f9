import * as tf from '@tensorflow/tfjs';
import type { BackendInfo, BackendName } from '@labbench/core';
import { patchWasm, registerMissingGradients } from './patches.js';

export type BackendPreference = 'auto' | BackendName;

/** Optional native acceleration: a package that registers native kernels over wasm, if installed. */
async function tryNativeKernels(): Promise<boolean> {
  if (process.env.LABBENCH_NATIVE === '0') return false;
  try {
    const native = (await import('@labbench/tensor-native' as string)) as { register?: () => boolean };
    return native.register?.() ?? false;
  } catch {
    return false;
  }
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

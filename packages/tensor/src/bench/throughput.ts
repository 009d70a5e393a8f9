import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '#tfjs';
import type { BackendInfo } from '@labbench/core';
import { initBackend, loadNative, nativeThreads, nativeUnavailableReason, setWasmKernels, type WasmKernelMode } from '../backend/select.js';
import { buildBenchModel, randomBatch, referenceAdam, trainStep } from './models.js';
import { profileStep } from './profile.js';

/**
 * `labbench bench throughput --model ref|tiny [--backend B] [--steps N] [--peer pytorch] [--stock]`:
 * tokens/s of full training steps (forward, backward, Adam update) and the fraction of the matmul
 * ceiling measured in the same run. Backends (variants) measured, all in one process:
 * - `native`: wasm + the OpenBLAS kernels of @labbench/tensor-native (one addon thread per core,
 *   each running single-threaded OpenBLAS: both cores)
 * - `native-1t`: the same on one thread (shows what the second core gives)
 * - `wasm`: wasm with labbench's pure-wasm kernel patches (what CI and users without OpenBLAS get)
 * - `wasm-stock`: tfjs's own wasm kernels (slow; only with --stock or --backend wasm-stock)
 * - `cpu`: tfjs's pure-JS backend (only when asked)
 * Default: every available one of native, native-1t, wasm. `--profile [N]` adds the top N kernels
 * of one profiled step per variant.
 */
export type ThroughputVariant = 'native' | 'native-1t' | 'wasm' | 'wasm-stock' | 'cpu';

export interface VariantResult {
  readonly variant: ThroughputVariant;
  readonly backend: BackendInfo;
  readonly threads?: number;
  readonly params: number;
  readonly steps: number;
  readonly stepSeconds: number;
  readonly tokensPerSecond: number;
  readonly losses: number[];
  /** Matmul GFLOP/s achieved by whole training steps. */
  readonly achievedGflops: number;
  /** 1024^3 float32 matmul of the same kernels, measured just before. */
  readonly ceilingGflops: number;
  readonly fractionOfCeiling: number;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The project's PyTorch reference of the `ref` model. */
export const pytorchReference = join(here, '..', '..', '..', '..', 'tools', 'pytorch-ref', 'pytorch_ref_gpt.py');

function matmulCeiling(): number {
  return tf.tidy(() => {
    const a = tf.randomNormal([1024, 1024], 0, 1, 'float32', 1);
    const b = tf.randomNormal([1024, 1024], 0, 1, 'float32', 2);
    tf.matMul(a, b).dataSync();
    let best = Infinity;
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      c.dataSync();
      best = Math.min(best, performance.now() - t0);
      c.dispose();
    }
    return (2 * 1024 ** 3) / (best / 1000) / 1e9;
  });
}

async function activate(variant: ThroughputVariant): Promise<{ backend: BackendInfo; threads?: number } | string> {
  if (variant === 'cpu') {
    await tf.setBackend('cpu');
    return { backend: { name: 'cpu', nativeKernels: false } };
  }
  await initBackend('wasm');
  await tf.setBackend('wasm');
  if (variant === 'native' || variant === 'native-1t') {
    if (!(await loadNative())) return nativeUnavailableReason() ?? 'native kernels are not available';
    const backend = await setWasmKernels('native');
    const threads = await nativeThreads(variant === 'native-1t' ? 1 : defaultThreads);
    return { backend, threads };
  }
  const mode: WasmKernelMode = variant === 'wasm-stock' ? 'stock' : 'patched';
  return { backend: await setWasmKernels(mode) };
}

let defaultThreads = 0;

export async function measureVariant(modelId: string, variant: ThroughputVariant, steps: number, seed = 1): Promise<VariantResult | { variant: ThroughputVariant; skipped: string }> {
  const active = await activate(variant);
  if (typeof active === 'string') return { variant, skipped: active };
  const ceilingGflops = matmulCeiling();
  const model = buildBenchModel(modelId, seed);
  const optimizer = referenceAdam(model.variables);
  const { ids, targets } = randomBatch(model, seed);
  const losses: number[] = [];
  try {
    losses.push(trainStep(model, optimizer, ids, targets)); // warm-up (kernel setup, allocations)
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) losses.push(trainStep(model, optimizer, ids, targets));
    const stepSeconds = (performance.now() - t0) / 1000 / steps;
    const achievedGflops = model.trainFlopsPerStep / stepSeconds / 1e9;
    return {
      variant, backend: active.backend, threads: active.threads, params: model.variables.reduce((n, v) => n + v.size, 0), steps, stepSeconds,
      tokensPerSecond: (model.batch * model.time) / stepSeconds, losses,
      achievedGflops, ceilingGflops, fractionOfCeiling: achievedGflops / ceilingGflops,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
    tf.dispose([ids, targets]);
  }
}

export interface PeerResult { peer: 'pytorch'; tokens_per_s?: number; step_s?: number; torch?: string; threads?: number; error?: string; config: string }

/** The first python3 that imports torch: LABBENCH_PYTHON, Debian's /usr/bin/python3, then python3 on PATH. */
function findPython(): string | undefined {
  for (const candidate of [process.env.LABBENCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return candidate;
  }
  return undefined;
}

/** Runs the PyTorch reference (its best configuration here: 1 intra-op thread, OpenBLAS's own 2). */
export function runPytorchPeer(steps: number): PeerResult {
  const config = 'torch.set_num_threads(1); OpenBLAS threads: its default (one per core)';
  if (!existsSync(pytorchReference)) return { peer: 'pytorch', config, error: `${pytorchReference} is missing` };
  const env = { ...process.env };
  delete env.OPENBLAS_NUM_THREADS;
  delete env.OMP_NUM_THREADS;
  const python = findPython();
  if (!python) return { peer: 'pytorch', config, error: 'no python3 with torch was found (tried LABBENCH_PYTHON, /usr/bin/python3, python3): install Debian\'s python3-torch and libopenblas0-pthread' };
  const run = spawnSync(python, [pytorchReference, '--json', '--threads', '1', '--steps', String(steps)], { encoding: 'utf8', env, timeout: 600_000 });
  if (run.error) return { peer: 'pytorch', config, error: `${python} could not run (${run.error.message})` };
  if (run.status === 3) return { peer: 'pytorch', config, error: 'python3-torch is not installed: apt-get install python3-torch libopenblas0-pthread' };
  if (run.status !== 0) return { peer: 'pytorch', config, error: `the PyTorch reference failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  // Debian's torch calls the system BLAS (libblas.so.3): fast when the alternative is OpenBLAS
  const blas = spawnSync('readlink', ['-f', '/usr/lib/x86_64-linux-gnu/libblas.so.3'], { encoding: 'utf8' });
  const fastBlas = /openblas/i.test(blas.stdout ?? '');
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as PeerResult;
  return { ...out, config: fastBlas ? config : `${config}; WARNING: libopenblas0-pthread not found, PyTorch may use the slow reference BLAS` };
}

export async function throughputBenchmark(options: Readonly<Record<string, string | boolean | undefined>>): Promise<Record<string, unknown>> {
  const modelId = String(options.model ?? 'ref');
  const steps = Number(options.steps ?? (modelId === 'ref' ? 5 : 20));
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${options.steps}`);
  const requested = String(options.backend ?? 'all');
  const variants: ThroughputVariant[] = requested === 'all' ? ['native', 'native-1t', 'wasm', ...(options.stock ? ['wasm-stock' as const] : [])] : (requested.split(',') as ThroughputVariant[]);
  for (const v of variants) if (!['native', 'native-1t', 'wasm', 'wasm-stock', 'cpu'].includes(v)) throw new Error(`unknown --backend '${v}': native, native-1t, wasm, wasm-stock, cpu or all`);
  if (options.peer && options.peer !== 'pytorch') throw new Error(`unknown --peer '${options.peer}' (pytorch)`);
  if (options.peer && modelId !== 'ref') throw new Error('--peer pytorch compares the ref model: use --model ref');
  const loadBefore = loadavg()[0];
  const peerBefore = options.peer ? runPytorchPeer(steps) : undefined;
  await initBackend('wasm');
  defaultThreads = await nativeThreads();
  // the first variant in a process pays for JIT warm-up and the wasm heap's growth: one discarded
  // pass of two steps first, so that the order of the variants does not favour the later ones
  const native = variants.some((v) => v.startsWith('native')) ? await loadNative() : undefined;
  await measureVariant(modelId, native ? variants.find((v) => v.startsWith('native'))! : variants.find((v) => !v.startsWith('native')) ?? variants[0], 2);
  const results: (VariantResult | { variant: ThroughputVariant; skipped: string })[] = [];
  const profiles: Record<string, unknown> = {};
  for (const variant of variants) {
    // tfjs's own wasm kernels are ~10x slower: fewer steps keep the run short
    const result = await measureVariant(modelId, variant, variant === 'wasm-stock' ? Math.max(1, Math.ceil(steps / 3)) : steps);
    results.push(result);
    if (options.profile && 'tokensPerSecond' in result) profiles[variant] = await profileStep(modelId, Number(options.profile) > 1 ? Number(options.profile) : 12);
  }
  if (defaultThreads > 0) await nativeThreads(defaultThreads);
  const measured = results.filter((r): r is VariantResult => 'tokensPerSecond' in r);
  const out: Record<string, unknown> = { model: modelId, steps, loadAverageBefore: loadBefore, results };
  if (options.peer) {
    // the peer runs before and after labbench; the ratio uses the mean (the machine's load drifts)
    const after = runPytorchPeer(steps);
    const runs = [peerBefore!, after];
    const ok = runs.filter((p) => p.tokens_per_s);
    const peer: PeerResult & { runs?: (number | undefined)[] } = ok.length > 0
      ? { ...ok[0], tokens_per_s: ok.reduce((s, p) => s + p.tokens_per_s!, 0) / ok.length, step_s: ok.reduce((s, p) => s + p.step_s!, 0) / ok.length, runs: runs.map((p) => p.tokens_per_s) }
      : after;
    out.peer = peer;
    if (peer.tokens_per_s) {
      const ratios: Record<string, number> = {};
      for (const r of measured) ratios[`${r.variant}/pytorch`] = r.tokensPerSecond / peer.tokens_per_s;
      out.ratios = ratios;
    }
  }
  if (options.profile) out.profiles = profiles;
  out.loadAverageAfter = loadavg()[0];
  const lines = measured.map((r) => `${r.variant.padEnd(10)} ${r.tokensPerSecond.toFixed(0).padStart(7)} tokens/s  ${(r.fractionOfCeiling * 100).toFixed(0)}% of its ${r.ceilingGflops.toFixed(0)} GFLOP/s matmul ceiling${r.threads ? ` (${r.threads} native thread${r.threads > 1 ? 's' : ''})` : ''}`);
  for (const r of results) if ('skipped' in r) lines.push(`${r.variant.padEnd(10)} skipped: ${r.skipped}`);
  if (out.peer) {
    const peer = out.peer as PeerResult;
    const runs = (peer as { runs?: number[] }).runs?.map((r) => (r ? r.toFixed(0) : '-')).join(' before, ');
    lines.push(peer.tokens_per_s ? `pytorch    ${peer.tokens_per_s.toFixed(0).padStart(7)} tokens/s  (mean of ${runs} after; torch ${peer.torch}, ${peer.config})` : `pytorch    not measured: ${peer.error}`);
    for (const [name, value] of Object.entries((out.ratios as Record<string, number>) ?? {})) lines.push(`labbench ${name} = ${value.toFixed(2)}`);
  }
  lines.push(`load average (1 min) ${loadBefore.toFixed(1)} before, ${(out.loadAverageAfter as number).toFixed(1)} after: compare ratios from one run on a quiet machine`);
  for (const [variant, p] of Object.entries(profiles) as [string, Awaited<ReturnType<typeof profileStep>>][]) {
    lines.push(`profile of one step, ${variant} (${p.totalMs.toFixed(0)} ms in kernels, profiler overhead included):`);
    for (const k of p.kernels) lines.push(`  ${k.kernel.padEnd(28)} ${k.ms.toFixed(1).padStart(8)} ms ${String(k.calls).padStart(4)} calls ${(k.share * 100).toFixed(1).padStart(5)}%`);
  }
  out.summary = lines;
  return out;
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '#tfjs';
import type { BackendInfo } from '@labbench/core';
import { elementwiseFusions, stockWasmKernel } from '../backend/patches.js';
import { initBackend, loadNative, nativeThreads, nativeUnavailableReason, setWasmKernels, type WasmKernelMode } from '../backend/select.js';
import { type ArmResolver, type PeerSpec, buildBenchModel, randomBatch, trainStep } from './models.js';
import { profileStep } from './profile.js';

/**
 * `labbench bench throughput --model ref|tiny [--backend B] [--steps N] [--peer pytorch] [--stock]`:
 * tokens/s of full training steps (forward, backward, Adam update) and the fraction of the matmul
 * ceiling measured in the same run. Backends (variants) measured, all in one process:
 * - `native`: wasm + the OpenBLAS kernels of @labbench/tensor-native (one addon thread per core,
 *   each running single-threaded OpenBLAS: both cores)
 * - `native-1t`: the same on one thread (shows what the second core gives)
 * - `wasm`: wasm with labbench's pure-wasm kernel patches (what CI and users without OpenBLAS get)
 * - `native-1t-unfused`: native-1t without the elementwise fusions (only with --unfused): what they give
 * - `wasm-stock`: tfjs's own wasm kernels (slow; only with --stock or --backend wasm-stock)
 * - `cpu`: tfjs's pure-JS backend (only when asked)
 * Default: every available one of native, native-1t, wasm. `--profile [N]` adds the top N kernels
 * of one profiled step per variant.
 */
export type ThroughputVariant = 'native' | 'native-1t' | 'native-1t-unfused' | 'wasm' | 'wasm-stock' | 'cpu';

export interface VariantResult {
  readonly variant: ThroughputVariant;
  readonly backend: BackendInfo;
  readonly threads?: number;
  readonly params: number;
  readonly steps: number;
  readonly stepSeconds: number;
  readonly tokensPerSecond: number;
  /** Tokens per CPU-second of this process (user + system): on a loaded machine, steadier than wall time for one thread. */
  readonly tokensPerCpuSecond: number;
  readonly losses: number[];
  /** Matmul GFLOP/s achieved by whole training steps. */
  readonly achievedGflops: number;
  /** 1024^3 float32 matmul of the same kernels, measured just before. */
  readonly ceilingGflops: number;
  readonly fractionOfCeiling: number;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The project's PyTorch peers (tools/pytorch-ref): the `ref` model and the reference decoder. */
export const pytorchDir = join(here, '..', '..', '..', '..', 'tools', 'pytorch-ref');

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
  if (variant.startsWith('native')) {
    if (!(await loadNative())) return nativeUnavailableReason() ?? 'native kernels are not available';
    const backend = await setWasmKernels('native');
    const threads = await nativeThreads(variant === 'native' ? defaultThreads : 1);
    if (variant === 'native-1t-unfused') {
      // the same without the elementwise fusions: their ops compose stock kernels again (the next activation restores them)
      for (const name of elementwiseFusions) {
        if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
        const stock = stockWasmKernel(name);
        if (stock) tf.registerKernel(stock);
      }
    }
    return { backend, threads };
  }
  const mode: WasmKernelMode = variant === 'wasm-stock' ? 'stock' : 'patched';
  return { backend: await setWasmKernels(mode) };
}

let defaultThreads = 0;

export async function measureVariant(modelId: string, variant: ThroughputVariant, steps: number, seed = 1, resolve?: ArmResolver): Promise<VariantResult | { variant: ThroughputVariant; skipped: string }> {
  const active = await activate(variant);
  if (typeof active === 'string') return { variant, skipped: active };
  const ceilingGflops = matmulCeiling();
  const model = buildBenchModel(modelId, seed, {}, resolve);
  const optimizer = model.optimizer();
  const { ids, targets } = randomBatch(model, seed);
  const losses: number[] = [];
  try {
    losses.push(trainStep(model, optimizer, ids, targets)); // warm-up (kernel setup, allocations)
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) losses.push(trainStep(model, optimizer, ids, targets));
    const cpu = process.cpuUsage(cpu0);
    const stepSeconds = (performance.now() - t0) / 1000 / steps;
    const cpuStepSeconds = (cpu.user + cpu.system) / 1e6 / steps;
    const achievedGflops = model.trainFlopsPerStep / stepSeconds / 1e9;
    return {
      variant, backend: active.backend, threads: active.threads, params: model.variables.reduce((n, v) => n + v.size, 0), steps, stepSeconds,
      tokensPerSecond: (model.batch * model.time) / stepSeconds, tokensPerCpuSecond: (model.batch * model.time) / cpuStepSeconds, losses,
      achievedGflops, ceilingGflops, fractionOfCeiling: achievedGflops / ceilingGflops,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
    tf.dispose([ids, targets]);
  }
}

export interface PeerResult { peer: 'pytorch'; tokens_per_s?: number; step_s?: number; cpu_step_s?: number; tokens_per_cpu_s?: number; torch?: string; threads?: number; error?: string; config: string }

/** The first python3 that imports torch: LABBENCH_PYTHON, Debian's /usr/bin/python3, then python3 on PATH. */
function findPython(): string | undefined {
  for (const candidate of [process.env.LABBENCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return candidate;
  }
  return undefined;
}

/**
 * PyTorch configurations tried on 2 cores, the best of each round counts: one intra-op thread with
 * OpenBLAS's own threads (best for the ref model's large matmuls), and everything on one thread
 * (best for small models, where OpenBLAS's threads wait more than they work). Two intra-op threads
 * oversubscribe the cores with OpenBLAS's and measured 2.5-30x slower here.
 */
const peerConfigs = [
  { threads: 1, openblas: undefined, label: 'torch.set_num_threads(1), OpenBLAS threads: its default (one per core)' },
  { threads: 1, openblas: '1', label: 'torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1' },
] as const;

/** Runs one PyTorch configuration of the peer script. */
function runPeerConfig(python: string, peer: PeerSpec, steps: number, config: (typeof peerConfigs)[number]): PeerResult {
  const env = { ...process.env };
  delete env.OPENBLAS_NUM_THREADS;
  delete env.OMP_NUM_THREADS;
  if (config.openblas) env.OPENBLAS_NUM_THREADS = config.openblas;
  const script = join(pytorchDir, peer.script);
  const run = spawnSync(python, [script, ...peer.args, '--json', '--threads', String(config.threads), '--steps', String(steps)], { encoding: 'utf8', env, timeout: 600_000 });
  if (run.error) return { peer: 'pytorch', config: config.label, error: `${python} could not run (${run.error.message})` };
  if (run.status === 3) return { peer: 'pytorch', config: config.label, error: 'python3-torch is not installed: apt-get install python3-torch libopenblas0-pthread' };
  if (run.status !== 0) return { peer: 'pytorch', config: config.label, error: `the PyTorch reference failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  return { ...(JSON.parse(run.stdout.trim().split('\n').pop()!) as PeerResult), config: config.label };
}

/** Runs the PyTorch peer of `model` in each configuration and returns the fastest (all runs in `tried`). */
export function runPytorchPeer(peer: PeerSpec | undefined, steps: number): PeerResult & { tried?: PeerResult[] } {
  const base = { peer: 'pytorch' as const, config: 'none' };
  if (!peer) return { ...base, error: 'this model has no PyTorch twin (only the reference decoder and the ref model have one)' };
  if (!existsSync(join(pytorchDir, peer.script))) return { ...base, error: `${join(pytorchDir, peer.script)} is missing` };
  const python = findPython();
  if (!python) return { ...base, error: 'no python3 with torch was found (tried LABBENCH_PYTHON, /usr/bin/python3, python3): install Debian\'s python3-torch and libopenblas0-pthread' };
  const tried = peerConfigs.map((c) => runPeerConfig(python, peer, steps, c));
  const ok = tried.filter((r) => r.tokens_per_s);
  if (ok.length === 0) return { ...tried[0], tried };
  const best = ok.reduce((a, b) => (b.tokens_per_s! > a.tokens_per_s! ? b : a));
  // Debian's torch calls the system BLAS (libblas.so.3): fast when the alternative is OpenBLAS
  const blas = spawnSync('readlink', ['-f', '/usr/lib/x86_64-linux-gnu/libblas.so.3'], { encoding: 'utf8' });
  const fastBlas = /openblas/i.test(blas.stdout ?? '');
  return { ...best, config: fastBlas ? best.config : `${best.config}; WARNING: libopenblas0-pthread not found, PyTorch may use the slow reference BLAS`, tried };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The benchmark. With `--peer pytorch`, labbench and PyTorch alternate (A B A B, `--rounds` of
 * each, default 2): every round measures the peer and then each variant, and the ratio of a variant
 * is the median over rounds of its tokens/s over the same round's PyTorch tokens/s, so load that
 * drifts during the run hits both sides. `resolve` turns a profile or study arm into a model (the
 * CLI passes the plugin registry's).
 */
export async function throughputBenchmark(options: Readonly<Record<string, string | boolean | undefined>>, resolve?: ArmResolver): Promise<Record<string, unknown>> {
  const modelId = String(options.model ?? 'ref');
  const steps = Number(options.steps ?? (modelId === 'ref' ? 5 : 20));
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${options.steps}`);
  const rounds = Number(options.rounds ?? (options.peer ? 2 : 1));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${options.rounds}`);
  const requested = String(options.backend ?? 'all');
  const variants: ThroughputVariant[] = requested === 'all' ? ['native', 'native-1t', ...(options.unfused ? ['native-1t-unfused' as const] : []), 'wasm', ...(options.stock ? ['wasm-stock' as const] : [])] : (requested.split(',') as ThroughputVariant[]);
  for (const v of variants) if (!['native', 'native-1t', 'native-1t-unfused', 'wasm', 'wasm-stock', 'cpu'].includes(v)) throw new Error(`unknown --backend '${v}': native, native-1t, native-1t-unfused, wasm, wasm-stock, cpu or all`);
  if (options.peer && options.peer !== 'pytorch') throw new Error(`unknown --peer '${options.peer}' (pytorch)`);
  const loadBefore = loadavg()[0];
  await initBackend('wasm');
  defaultThreads = await nativeThreads();
  const probe = buildBenchModel(modelId, 1, {}, resolve); // fails early on an unknown model; gives the peer's shapes
  const peerSpec = probe.peer;
  probe.dispose();
  // the first variant in a process pays for JIT warm-up and the wasm heap's growth: one discarded
  // pass of two steps first, so that the order of the variants does not favour the later ones
  const native = variants.some((v) => v.startsWith('native')) ? await loadNative() : undefined;
  await measureVariant(modelId, native ? variants.find((v) => v.startsWith('native'))! : variants.find((v) => !v.startsWith('native')) ?? variants[0], 2, 1, resolve);
  const perRound: { peer?: PeerResult & { tried?: PeerResult[] }; results: (VariantResult | { variant: ThroughputVariant; skipped: string })[]; loadAverage: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const peer = options.peer ? runPytorchPeer(peerSpec, steps) : undefined;
    const results: (VariantResult | { variant: ThroughputVariant; skipped: string })[] = [];
    for (const variant of variants) {
      // tfjs's own wasm kernels are ~10x slower: fewer steps keep the run short
      results.push(await measureVariant(modelId, variant, variant === 'wasm-stock' ? Math.max(1, Math.ceil(steps / 3)) : steps, 1, resolve));
    }
    perRound.push({ peer, results, loadAverage: loadavg()[0] });
  }
  const profiles: Record<string, unknown> = {};
  if (options.profile) {
    for (const r of perRound[0].results) if ('tokensPerSecond' in r) {
      await activate(r.variant);
      profiles[r.variant] = await profileStep(modelId, Number(options.profile) > 1 ? Number(options.profile) : 12, 1, resolve);
    }
  }
  if (defaultThreads > 0) await nativeThreads(defaultThreads);
  // one result per variant: the median round (its tokens/s), with every round's figure beside it
  const results = variants.map((_variant, v) => {
    const all = perRound.map((r) => r.results[v]);
    const ok = all.filter((r): r is VariantResult => 'tokensPerSecond' in r);
    if (ok.length === 0) return all[0];
    const mid = median(ok.map((r) => r.tokensPerSecond));
    const chosen = ok.reduce((a, b) => (Math.abs(b.tokensPerSecond - mid) < Math.abs(a.tokensPerSecond - mid) ? b : a));
    return { ...chosen, tokensPerSecond: mid, stepSeconds: (chosen.stepSeconds * chosen.tokensPerSecond) / mid, rounds: ok.map((r) => r.tokensPerSecond) };
  });
  const measured = results.filter((r): r is VariantResult & { rounds: number[] } => 'tokensPerSecond' in r);
  const out: Record<string, unknown> = { model: modelId, steps, rounds, loadAverageBefore: loadBefore, results };
  if (options.peer) {
    const peers = perRound.map((r) => r.peer!);
    const ok = peers.filter((p) => p.tokens_per_s);
    out.peer = ok.length > 0
      ? { ...ok[0], tokens_per_s: median(ok.map((p) => p.tokens_per_s!)), step_s: median(ok.map((p) => p.step_s!)), rounds: peers.map((p) => p.tokens_per_s), tried: undefined, configs: peers.map((p) => p.config) }
      : peers[0];
    if (ok.length > 0) {
      const ratios: Record<string, number> = {};
      const roundRatios: Record<string, number[]> = {};
      for (const [v, variant] of variants.entries()) {
        const pairs = perRound.map((r) => [r.results[v], r.peer] as const).filter(([x, p]) => 'tokensPerSecond' in x && p?.tokens_per_s);
        if (pairs.length === 0) continue;
        roundRatios[`${variant}/pytorch`] = pairs.map(([x, p]) => (x as VariantResult).tokensPerSecond / p!.tokens_per_s!);
        ratios[`${variant}/pytorch`] = median(roundRatios[`${variant}/pytorch`]);
      }
      out.ratios = ratios;
      out.roundRatios = roundRatios;
      // one thread against one thread in CPU time (steadier under load): native-1t and wasm against
      // PyTorch with one intra-op and one OpenBLAS thread
      const cpuRatios: Record<string, number> = {};
      for (const [v, variant] of variants.entries()) {
        if (variant === 'native') continue;
        const pairs = perRound.map((r) => [r.results[v], r.peer?.tried?.find((t) => t.config === peerConfigs[1].label)] as const).filter(([x, p]) => 'tokensPerCpuSecond' in x && p?.tokens_per_cpu_s);
        if (pairs.length > 0) cpuRatios[`${variant}/pytorch-1t`] = median(pairs.map(([x, p]) => (x as VariantResult).tokensPerCpuSecond / p!.tokens_per_cpu_s!));
      }
      out.cpuRatios = cpuRatios;
      out.peerTried = peers.map((p) => p.tried?.map((t) => ({ config: t.config, tokens_per_s: t.tokens_per_s, error: t.error })));
    }
  }
  // what the elementwise fusions give, measured in this process round by round (no peer needed)
  const fusedAt = variants.indexOf('native-1t');
  const unfusedAt = variants.indexOf('native-1t-unfused');
  if (fusedAt >= 0 && unfusedAt >= 0) {
    const pairs = perRound.map((r) => [r.results[fusedAt], r.results[unfusedAt]]).filter(([a, b]) => 'tokensPerSecond' in a && 'tokensPerSecond' in b) as [VariantResult, VariantResult][];
    if (pairs.length > 0) out.fusionGain = { rounds: pairs.map(([a, b]) => a.tokensPerSecond / b.tokensPerSecond), median: median(pairs.map(([a, b]) => a.tokensPerSecond / b.tokensPerSecond)) };
  }
  if (options.profile) out.profiles = profiles;
  out.loadAverageRounds = perRound.map((r) => r.loadAverage);
  out.loadAverageAfter = loadavg()[0];
  const lines = measured.map((r) => `${r.variant.padEnd(10)} ${r.tokensPerSecond.toFixed(0).padStart(7)} tokens/s  ${(r.fractionOfCeiling * 100).toFixed(0)}% of its ${r.ceilingGflops.toFixed(0)} GFLOP/s matmul ceiling${r.threads ? ` (${r.threads} native thread${r.threads > 1 ? 's' : ''})` : ''}${rounds > 1 ? `; rounds ${r.rounds.map((x) => x.toFixed(0)).join(', ')}` : ''}`);
  for (const r of results) if ('skipped' in r) lines.push(`${r.variant.padEnd(10)} skipped: ${r.skipped}`);
  if (out.peer) {
    const peer = out.peer as PeerResult & { rounds?: (number | undefined)[] };
    const runs = peer.rounds?.map((r) => (r ? r.toFixed(0) : '-')).join(', ');
    lines.push(peer.tokens_per_s ? `pytorch    ${peer.tokens_per_s.toFixed(0).padStart(7)} tokens/s  (median of rounds ${runs}; torch ${peer.torch}; best of: ${peerConfigs.map((c) => c.label).join(' | ')})` : `pytorch    not measured: ${peer.error}`);
    for (const [name, value] of Object.entries((out.ratios as Record<string, number>) ?? {})) lines.push(`labbench ${name} = ${value.toFixed(2)}${rounds > 1 ? ` (rounds ${(out.roundRatios as Record<string, number[]>)[name].map((x) => x.toFixed(2)).join(', ')})` : ''}`);
    for (const [name, value] of Object.entries((out.cpuRatios as Record<string, number>) ?? {})) lines.push(`labbench ${name} in tokens per CPU-second = ${value.toFixed(2)}`);
  }
  if (out.fusionGain) lines.push(`native-1t / native-1t-unfused = ${(out.fusionGain as { median: number }).median.toFixed(2)} (median of ${perRound.length} rounds): what the elementwise fusions give`);
  lines.push(`load average (1 min) ${loadBefore.toFixed(1)} before, ${perRound.map((r) => r.loadAverage.toFixed(1)).join(', ')} after each round: compare ratios from one run, never absolute numbers of different runs`);
  for (const [variant, p] of Object.entries(profiles) as [string, Awaited<ReturnType<typeof profileStep>>][]) {
    lines.push(`profile of one step, ${variant} (${p.totalMs.toFixed(0)} ms in kernels, profiler overhead included):`);
    for (const k of p.kernels) lines.push(`  ${k.kernel.padEnd(28)} ${k.ms.toFixed(1).padStart(8)} ms ${String(k.calls).padStart(4)} calls ${(k.share * 100).toFixed(1).padStart(5)}%`);
  }
  out.summary = lines;
  return out;
}

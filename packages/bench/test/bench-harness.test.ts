import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/labbench.mjs', import.meta.url));
/** Runs the labbench CLI in a child process (stdout is the benchmark's output). */
function labbench(args: string[]) {
  const child = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, LABBENCH_NATIVE: '0' } });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

test('bench: an unknown id lists the harness benchmarks (kernels, throughput) and the plugin ones (tokenizer)', () => {
  const { code, stderr } = labbench(['bench', 'no-such-benchmark']);
  assert.equal(code, 2, stderr);
  for (const id of ['kernels', 'throughput', 'tokenizer']) assert.match(stderr, new RegExp(id));
});

test('bench throughput --json: one step of the tiny model reports the backend that ran and whether native kernels were active', () => {
  const { code, stdout, stderr } = labbench(['bench', 'throughput', '--model', 'tiny', '--steps', '1', '--backend', 'wasm,native', '--json']);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout) as { model: string; results: ({ variant: string; backend: { name: string; nativeKernels: boolean }; tokensPerSecond: number; losses: number[] } | { variant: string; skipped: string })[] };
  assert.equal(result.model, 'tiny');
  const [wasm, native] = result.results;
  assert.ok('backend' in wasm);
  assert.deepEqual(wasm.backend, { name: 'wasm', nativeKernels: false });
  assert.ok(wasm.tokensPerSecond > 0 && wasm.losses.every(Number.isFinite));
  // LABBENCH_NATIVE=0 (as on a machine without OpenBLAS): the native variant says why it did not run
  assert.ok('skipped' in native && /libopenblas-dev/.test(native.skipped), JSON.stringify(native));
});

test('bench throughput: a bad option says what is allowed', () => {
  const { code, stderr } = labbench(['bench', 'throughput', '--model', 'tiny', '--backend', 'gpu']);
  assert.notEqual(code, 0);
  assert.match(stderr, /native, native-1t, native-1t-unfused, wasm, wasm-stock, cpu/);
});

test('bench throughput --model quick and --model <study>/<arm>: the arm is built by its plugin at the profile, and the PyTorch peer has the same parameter count', () => {
  const { code, stdout, stderr } = labbench(['bench', 'throughput', '--model', 'quick', '--steps', '1', '--backend', 'wasm', '--json']);
  assert.equal(code, 0, stderr);
  const quick = JSON.parse(stdout) as { model: string; results: { params: number; losses: number[] }[] };
  assert.equal(quick.model, 'quick');
  const [wasm] = quick.results;
  // the first loss of an untrained model is near ln V (V = 1024 at quick)
  assert.ok(Math.abs(wasm.losses[0] - Math.log(1024)) < 0.5, `first loss ${wasm.losses[0]}`);
  // the planner's knock-out arm too: the FFN of width 1 leaves 2 x (3 x 64 x 256 - 3 x 64) fewer parameters
  const knockout = JSON.parse(labbench(['bench', 'throughput', '--model', 'dense-baseline/knockout-ffn@quick', '--steps', '1', '--backend', 'wasm', '--json']).stdout) as typeof quick;
  assert.equal(wasm.params - knockout.results[0].params, 2 * (3 * 64 * 256 - 3 * 64));
  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
  if (!python) return; // the peer itself is optional (python3-torch)
  const config = { vocab: 1024, dModel: 64, layers: 2, heads: 2, ffnHidden: 256, activation: 'swiglu', time: 64, batch: 8 };
  const script = fileURLToPath(new URL('../../../tools/pytorch-ref/pytorch_decoder.py', import.meta.url));
  const peer = spawnSync(python, [script, '--config', JSON.stringify(config), '--steps', '1', '--json'], { encoding: 'utf8' });
  assert.equal(peer.status, 0, peer.stderr);
  assert.equal(JSON.parse(peer.stdout).params, wasm.params);
});

test('bench throughput --model: an unknown model or arm says what exists (exit 2)', () => {
  const unknown = labbench(['bench', 'throughput', '--model', 'quik']);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /quick/);
  const arm = labbench(['bench', 'throughput', '--model', 'dense-baseline/gelu']);
  assert.equal(arm.code, 2, arm.stderr);
  assert.match(arm.stderr, /swiglu, relu/);
});

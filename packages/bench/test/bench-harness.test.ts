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
  assert.match(stderr, /native, native-1t, wasm, wasm-stock, cpu/);
});

import type { TensorInfo } from '#tfjs';
import * as tf from '#tfjs';
import type { AdamUpdateConfig } from '../../ops/index.js';
import { type BackendName, defineKernel } from '../kernel.js';
import { ADAM_UPDATE, ADAM_UPDATE_ALL } from '../kernel-names.js';

/**
 * The optimiser step of every variable in one kernel call: the per-variable Adam(W) kernel
 * (LabbenchAdamUpdate, native or JS, whichever is registered) run for each variable inside this
 * kernel, so tfjs's engine sees one call instead of one per variable (15 on the quick model). The
 * arithmetic is that kernel's, so the bits are the same as calling it per variable.
 */

type Attrs = AdamUpdateConfig & { weightDecays: number[] };

export function adamUpdateAllKernel(backendName: BackendName) {
  return defineKernel<Record<string, TensorInfo>, Attrs, typeof backendName>(ADAM_UPDATE_ALL, backendName, ({ inputs, attrs, raw }) => {
    // looked up per call: the native Adam replaces the JS one when the addon is switched on
    const single = tf.getKernel(ADAM_UPDATE, backendName);
    if (!single) throw new Error(`${ADAM_UPDATE_ALL}: no ${ADAM_UPDATE} kernel on ${backendName}`);
    const { weightDecays, ...config } = attrs;
    const outs: TensorInfo[] = [];
    for (let i = 0; i < weightDecays.length; i++) {
      const [x, g, m, v] = [0, 1, 2, 3].map((j) => inputs[`t${4 * i + j}`]);
      const out = single.kernelFunc({
        inputs: { x, g, m, v },
        attrs: { ...config, weightDecay: weightDecays[i] } as unknown as tf.NamedAttrMap,
        backend: raw.backend,
      });
      outs.push(...(out as TensorInfo[]));
    }
    return outs;
  });
}

/**
 * Adam(W) for every variable (weightDecays[i] replaces config.weightDecay for variable i) as one
 * kernel call, returning [x', m', v'] per variable; undefined where the kernels are not registered
 * (the caller updates variable by variable).
 */
export function fusedAdamUpdateAll(
  xs: readonly tf.Tensor[],
  gs: readonly tf.Tensor[],
  ms: readonly tf.Tensor[],
  vs: readonly tf.Tensor[],
  config: AdamUpdateConfig,
  weightDecays: readonly number[],
): [tf.Tensor, tf.Tensor, tf.Tensor][] | undefined {
  const backend = tf.getBackend();
  if (!tf.getKernel(ADAM_UPDATE_ALL, backend) || !tf.getKernel(ADAM_UPDATE, backend) || xs.length === 0) return undefined;
  const inputs: Record<string, tf.Tensor> = {};
  xs.forEach((x, i) => {
    for (const [j, t] of [x, gs[i], ms[i], vs[i]].entries()) inputs[`t${4 * i + j}`] = t;
  });
  const outs = tf
    .engine()
    .runKernel(ADAM_UPDATE_ALL, inputs, { ...config, weightDecays: [...weightDecays] } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return xs.map((_, i) => [outs[3 * i], outs[3 * i + 1], outs[3 * i + 2]]);
}

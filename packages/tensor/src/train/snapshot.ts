import { deserialize, serialize } from 'node:v8';
import type * as tf from '#tfjs';
import type { CurvePoint, PositionCurve } from '@labbench/core';
import { assignVariables, packFloat32, unpackFloat32, type PackedHeader } from './checkpoint.js';

/** Everything of a training after a step that is not a weight or a moment. */
export interface TrainerState {
  /** The last completed step. */
  readonly step: number;
  /** Adam's step count in the phase of `step`. */
  readonly optimizerSteps: number;
  readonly sampler: readonly number[];
  /** The model's `trainingState()`, when it has one. */
  readonly model?: unknown;
  readonly trainLoss: CurvePoint[];
  readonly validLoss: CurvePoint[];
  readonly positionLosses: PositionCurve[];
  readonly lastStats: Record<string, number[]>;
  readonly smoothedLoss: number;
  /** Training wall seconds up to `step`, over every run that contributed. */
  readonly wallSeconds: number;
}

interface SnapshotHeader extends PackedHeader {
  readonly format: 'labbench.snapshot/v1';
  readonly variables: { name: string; shape: number[] }[];
  /** The variables the optimizer updates in this phase (their moments follow the weights, in this order). */
  readonly optimized: { name: string; shape: number[] }[];
  /** The TrainerState, structured-clone serialised (keeps NaN, typed arrays) and base64-encoded. */
  readonly state: string;
}

const FORMAT = 'labbench.snapshot/v1';

const shapes = (variables: readonly tf.Variable[]) => variables.map((v) => ({ name: v.name, shape: [...v.shape] }));

/** The snapshot bytes: every variable, then the optimizer's first and second moments, then the state. */
export function encodeSnapshot(state: TrainerState, variables: readonly tf.Variable[], optimized: readonly tf.Variable[], moments: { m: Float32Array[]; v: Float32Array[] }): Uint8Array {
  const header = { format: FORMAT, variables: shapes(variables), optimized: shapes(optimized), state: serialize(state).toString('base64') };
  return packFloat32(header, [...variables.map((v) => v.dataSync() as Float32Array), ...moments.m, ...moments.v]);
}

/** A snapshot read and checked, not yet applied. */
export interface ReadSnapshot {
  readonly state: TrainerState;
  /** Throws unless the snapshot was saved for these variables and this optimizer's (shapes, in order). */
  check(variables: readonly tf.Variable[], optimized: readonly tf.Variable[]): void;
  /** `check`, then assigns the weights and returns the moments. */
  apply(variables: readonly tf.Variable[], optimized: readonly tf.Variable[]): { m: Float32Array[]; v: Float32Array[] };
}

/** Reads a snapshot's header, data and state; throws on another format or a failed checksum. */
export function readSnapshot(bytes: Uint8Array): ReadSnapshot {
  const what = 'training snapshot';
  const { header, data } = unpackFloat32<SnapshotHeader>(bytes, FORMAT, what);
  const state = deserialize(Buffer.from(header.state, 'base64')) as TrainerState;
  // shapes in order, as checkpoints check them (tfjs makes a variable's name unique per process)
  const listed = (list: readonly { shape: readonly number[] }[]) => list.map((v) => `[${v.shape}]`).join(',');
  const size = (list: readonly tf.Variable[]) => list.reduce((n, v) => n + v.size, 0);
  return {
    state,
    check(variables, optimized) {
      if (listed(header.variables) !== listed(shapes(variables)) || listed(header.optimized) !== listed(shapes(optimized))) {
        throw new Error(`${what}: saved for other variables (${header.variables.length} of shapes ${listed(header.variables).slice(0, 200)}, optimizing ${header.optimized.length}) than this model's (${variables.length}, optimizing ${optimized.length}).`);
      }
      const needed = size(variables) + 2 * size(optimized);
      if (needed !== data.length) throw new Error(`${what}: ${data.length} values, the model and its optimizer need ${needed}.`);
    },
    apply(variables, optimized) {
      this.check(variables, optimized);
      const weights = size(variables);
      assignVariables(variables, header.variables, data.subarray(0, weights), what);
      const m: Float32Array[] = [];
      const v: Float32Array[] = [];
      let offset = weights;
      for (const list of [m, v]) {
        for (const x of optimized) {
          list.push(data.slice(offset, offset + x.size));
          offset += x.size;
        }
      }
      return { m, v };
    },
  };
}

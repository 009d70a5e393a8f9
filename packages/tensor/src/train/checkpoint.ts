import { readFileSync } from 'node:fs';
import * as tf from '#tfjs';
import { sha256, writeFileAtomic } from '@labbench/core';

/**
 * The file layout of checkpoints and training snapshots: 4-byte little-endian header length, a JSON
 * header (its format, the sha256 of the data, whatever else the format records), then float32 data.
 */
export interface PackedHeader {
  readonly format: string;
  readonly sha256: string;
}

/** Header + float32 arrays, concatenated in order, as one buffer. */
export function packFloat32(header: Omit<PackedHeader, 'sha256'> & Record<string, unknown>, arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    data.set(a, offset);
    offset += a.length;
  }
  const bytes = new Uint8Array(data.buffer);
  const headerBytes = new TextEncoder().encode(JSON.stringify({ ...header, sha256: sha256(bytes) }));
  const out = new Uint8Array(4 + headerBytes.length + bytes.length);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  out.set(bytes, 4 + headerBytes.length);
  return out;
}

/** The header and data of a packed buffer; throws naming `what` on another format or a failed checksum. */
export function unpackFloat32<H extends PackedHeader>(file: Uint8Array, format: H['format'], what: string): { header: H; data: Float32Array } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = file.byteLength >= 4 ? view.getUint32(0, true) : 0;
  let header: H;
  try {
    header = JSON.parse(new TextDecoder().decode(file.subarray(4, 4 + headerLength))) as H;
  } catch {
    throw new Error(`${what}: not a ${format} file (no readable header).`);
  }
  if (header.format !== format) throw new Error(`${what}: not a ${format} file (format ${header.format}).`);
  const bytes = file.subarray(4 + headerLength);
  if (sha256(bytes) !== header.sha256) throw new Error(`${what}: checksum mismatch (the file is corrupted).`);
  return { header, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
}

interface CheckpointHeader extends PackedHeader {
  readonly format: 'labbench.ckpt/v1';
  readonly variables: { name: string; shape: number[] }[];
}

/** Checkpoint file: the packed layout with the variables' names and shapes, their data in order. */
export function saveVariables(variables: readonly tf.Variable[], path: string): void {
  const header = { format: 'labbench.ckpt/v1', variables: variables.map((v) => ({ name: v.name, shape: v.shape })) };
  writeFileAtomic(path, packFloat32(header, variables.map((v) => v.dataSync() as Float32Array)));
}

/** Loads weights into `variables` (same names and shapes, same order); throws on any mismatch. */
export function loadVariables(variables: readonly tf.Variable[], path: string): void {
  const { header, data } = unpackFloat32<CheckpointHeader>(readFileSync(path), 'labbench.ckpt/v1', path);
  assignVariables(variables, header.variables, data, path);
}

/** Assigns consecutive slices of `data` to `variables` after checking their count and shapes against `saved`. */
export function assignVariables(variables: readonly tf.Variable[], saved: readonly { name: string; shape: number[] }[], data: Float32Array, what: string): void {
  if (saved.length !== variables.length) throw new Error(`${what}: ${saved.length} variables saved, the model has ${variables.length}.`);
  let offset = 0;
  variables.forEach((v, i) => {
    if (saved[i].shape.join('x') !== v.shape.join('x')) throw new Error(`${what}: variable ${i} (${saved[i].name}) has shape [${saved[i].shape}], the model's ${v.name} has [${v.shape}].`);
    tf.tidy(() => v.assign(tf.tensor(data.subarray(offset, offset + v.size), v.shape, 'float32')));
    offset += v.size;
  });
}

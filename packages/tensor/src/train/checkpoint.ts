import { readFileSync } from 'node:fs';
import * as tf from '#tfjs';
import { sha256, writeFileAtomic } from '@labbench/core';

/**
 * Checkpoint file: 4-byte little-endian header length, a JSON header (format, variable names and
 * shapes, sha256 of the data), then the float32 data of every variable in order.
 */
interface Header {
  readonly format: 'labbench.ckpt/v1';
  readonly variables: { name: string; shape: number[] }[];
  readonly sha256: string;
}

export function saveVariables(variables: readonly tf.Variable[], path: string): void {
  const arrays = variables.map((v) => v.dataSync() as Float32Array);
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    data.set(a, offset);
    offset += a.length;
  }
  const bytes = new Uint8Array(data.buffer);
  const header: Header = { format: 'labbench.ckpt/v1', variables: variables.map((v) => ({ name: v.name, shape: v.shape })), sha256: sha256(bytes) };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + headerBytes.length + bytes.length);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  out.set(bytes, 4 + headerBytes.length);
  writeFileAtomic(path, out);
}

/** Loads weights into `variables` (same names and shapes, same order); throws on any mismatch. */
export function loadVariables(variables: readonly tf.Variable[], path: string): void {
  const file = readFileSync(path);
  const headerLength = file.readUInt32LE(0);
  const header = JSON.parse(file.subarray(4, 4 + headerLength).toString('utf8')) as Header;
  const bytes = file.subarray(4 + headerLength);
  if (header.format !== 'labbench.ckpt/v1') throw new Error(`${path}: not a labbench checkpoint (format ${header.format}).`);
  if (sha256(bytes) !== header.sha256) throw new Error(`${path}: checksum mismatch (the file is corrupted).`);
  if (header.variables.length !== variables.length) throw new Error(`${path}: ${header.variables.length} variables saved, the model has ${variables.length}.`);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  variables.forEach((v, i) => {
    const saved = header.variables[i];
    if (saved.shape.join('x') !== v.shape.join('x')) throw new Error(`${path}: variable ${i} (${saved.name}) has shape [${saved.shape}], the model's ${v.name} has [${v.shape}].`);
    tf.tidy(() => v.assign(tf.tensor(data.subarray(offset, offset + v.size), v.shape, "float32")));
    offset += v.size;
  });
}

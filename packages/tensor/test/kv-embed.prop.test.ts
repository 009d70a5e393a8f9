import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { byteTokenizer } from '@labbench/core/testing';
import { DecoderLM, decoderDefaults, initBackend } from '../src/index.js';
import { KvDecoder } from '../src/eval/kv-decoder.js';

/**
 * The key-value decoder builds its input on the host (token row * scale + position row) instead of
 * two wasm gathers, a multiply and an add. Evaluation must not change: the same float32 bits as
 * the tensor ops, for any ids, positions and scale.
 */

const T = 12;
const vocab = byteTokenizer().vocabSize;
await initBackend('wasm');

test('KvDecoder input: bit for bit the tensor ops it replaced (gather, mul by the scale, add positions)', () => {
  fc.assert(fc.property(
    fc.nat(1000), fc.constantFrom(1, Math.sqrt(16), 0.37, 3), fc.array(fc.tuple(fc.nat(vocab - 1), fc.nat(T - 1)), { minLength: 1, maxLength: 40 }),
    (seed, scale, pairs) => {
      const model = new DecoderLM({ ...decoderDefaults, dModel: 16, layers: 1, heads: 2, ffnHidden: 8, seqLen: T }, { vocabSize: vocab, seqLen: T, seed });
      const ids = Int32Array.from(pairs, ([id]) => id);
      const positions = Int32Array.from(pairs, ([, p]) => p);
      const decoder = new KvDecoder(model, scale) as unknown as { embed(ids: Int32Array, positions: Int32Array): tf.Tensor2D };
      const got = tf.tidy(() => decoder.embed(ids, positions).dataSync());
      const expected = tf.tidy(() => {
        const embedded = tf.gather(model.tokenEmbedding, tf.tensor1d(ids, 'int32'));
        const scaled = scale === 1 ? embedded : tf.mul(embedded, scale);
        return tf.add(scaled, tf.gather(model.positionEmbedding, tf.tensor1d(positions, 'int32'))).dataSync();
      });
      assert.deepEqual(new Uint32Array(got.buffer, got.byteOffset, got.length), new Uint32Array(expected.buffer, expected.byteOffset, expected.length));
      model.dispose();
    },
  ), { numRuns: 30 });
});

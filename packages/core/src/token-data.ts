import type { ArmSpec } from './contracts/study.js';
import type { DataProvider, ValidationTextOptions } from './contracts/data.js';
import type { TokenizerJSON, TrainedTokenizer } from './contracts/tokenizer.js';
import type { ContentStore } from './cache.js';
import { hashJson } from './hash.js';
import type { Profile } from './profiles.js';
import { trainTokens } from './profiles.js';
import type { Registry } from './registry.js';

/** Encoded streams a cell trains and validates on. */
export interface TokenStreams {
  readonly train: Int32Array;
  readonly valid: Int32Array;
  readonly ood: Int32Array;
  /** Occurrences of each token id in `train` (MaskMoE masks, frequency buckets). */
  readonly counts: Float64Array;
}

// Bytes of text per token is about 3-4 for small BPE vocabularies; 6 leaves room so a cell never
// runs short of fresh text within its budget (the stream wraps around if it does).
const CHARS_PER_TOKEN_MARGIN = 6;

/** Joins documents into one stream, each followed by the end-of-text id. */
export function encodeDocuments(tokenizer: TrainedTokenizer, documents: readonly string[]): Int32Array {
  const parts = documents.map((d) => tokenizer.encode(d));
  const out = new Int32Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
    out[offset++] = tokenizer.eosId;
  }
  return out;
}

/**
 * Trains (or loads) tokenizers and encodes the data every cell shares. Arms of a study that use the
 * same tokenizer config get the identical tokenizer and, per seed, the identical stream.
 */
export class TokenData {
  private readonly tokenizers = new Map<string, TrainedTokenizer>();
  private readonly streamCache = new Map<string, TokenStreams>();

  constructor(
    private readonly data: DataProvider,
    private readonly store: ContentStore,
    private readonly registry: Registry,
    private readonly profile: Profile,
    private readonly reporter: { log(message: string): void },
  ) {}

  private tokenizerOptions(arm: ArmSpec) {
    return { vocabSize: this.profile.vocabSize, ...(arm.tokenizerConfig ?? {}) } as { vocabSize: number; [k: string]: unknown };
  }

  private tokenizerTextOptions(arm: ArmSpec) {
    return { mixture: arm.tokenizerMixture ?? 'default', maxChars: this.profile.tokenizerChars, seed: 0 };
  }

  tokenizerKey(arm: ArmSpec): string {
    return hashJson({ id: arm.tokenizer, version: this.registry.versionOf('tokenizer', arm.tokenizer), options: this.tokenizerOptions(arm), text: this.tokenizerTextOptions(arm) });
  }

  async tokenizer(arm: ArmSpec): Promise<TrainedTokenizer> {
    const key = this.tokenizerKey(arm);
    const known = this.tokenizers.get(key);
    if (known) return known;
    const factory = this.registry.get('tokenizer', arm.tokenizer);
    const saved = this.store.get<TokenizerJSON>('tokenizers', key);
    let tokenizer: TrainedTokenizer;
    if (saved) tokenizer = factory.fromJSON(saved);
    else {
      const started = performance.now();
      const text = await this.data.trainingText(this.tokenizerTextOptions(arm));
      tokenizer = factory.train(text, this.tokenizerOptions(arm));
      this.store.put('tokenizers', key, tokenizer.toJSON());
      this.reporter.log(`trained tokenizer ${arm.tokenizer} (vocab ${tokenizer.vocabSize}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    this.tokenizers.set(key, tokenizer);
    return tokenizer;
  }

  private trainingTextOptions(arm: ArmSpec, seed: number) {
    return { mixture: arm.mixture ?? 'default', maxChars: trainTokens(this.profile, arm.stepsFraction ?? 1) * CHARS_PER_TOKEN_MARGIN, seed };
  }

  async dataHash(arm: ArmSpec, seed: number): Promise<string> {
    return this.data.hash(this.trainingTextOptions(arm, seed));
  }

  async streams(arm: ArmSpec, seed: number): Promise<TokenStreams> {
    const tokenizer = await this.tokenizer(arm);
    const options = this.trainingTextOptions(arm, seed);
    const key = `${this.tokenizerKey(arm)}|${JSON.stringify(options)}`;
    const known = this.streamCache.get(key);
    if (known) return known;
    const streams = await this.encodeOrLoad(arm, seed, tokenizer);
    this.streamCache.set(key, streams);
    return streams;
  }

  /**
   * Makes sure the arm's streams for this seed are in the content store, without keeping them in
   * memory: `labbench run` calls it in its own process before sending a cell to a worker, so
   * workers load the encoded streams instead of each encoding them.
   */
  async prepare(arm: ArmSpec, seed: number): Promise<void> {
    const tokenizer = await this.tokenizer(arm);
    await this.encodeOrLoad(arm, seed, tokenizer);
  }

  /** The stored streams' key: the tokenizer and the exact text (training options and content hash, held-out text). */
  private async streamsKey(arm: ArmSpec, seed: number, validHash: string, oodHash: string): Promise<string> {
    const options = this.trainingTextOptions(arm, seed);
    return hashJson({ tokenizer: this.tokenizerKey(arm), train: options, trainHash: await this.data.hash(options), valid: validHash, ood: oodHash });
  }

  private async encodeOrLoad(arm: ArmSpec, seed: number, tokenizer: TrainedTokenizer): Promise<TokenStreams> {
    const validOptions = { domain: 'in-domain', maxChars: this.profile.validationChars } as const;
    const oodOptions = { domain: 'out-of-domain', maxChars: this.profile.validationChars } as const;
    // the texts' hashes name the stored streams; the texts themselves are built only to encode them
    const textHash = async (o: ValidationTextOptions) => this.data.validationHash ? this.data.validationHash(o) : hashJson(await this.data.validationText(o));
    const key = await this.streamsKey(arm, seed, await textHash(validOptions), await textHash(oodOptions));
    const saved = this.store.getBytes('streams', key);
    if (saved) return unpackStreams(saved, tokenizer.vocabSize);
    const validText = await this.data.validationText(validOptions);
    const oodText = await this.data.validationText(oodOptions);
    const train = encodeDocuments(tokenizer, await this.data.trainingText(this.trainingTextOptions(arm, seed)));
    const valid = encodeDocuments(tokenizer, validText);
    const ood = encodeDocuments(tokenizer, oodText);
    try {
      this.store.putBytes('streams', key, packStreams(train, valid, ood));
    } catch {
      // a full disk: the streams are still returned, and recomputed next time
    }
    return { train, valid, ood, counts: countTokens(train, tokenizer.vocabSize) };
  }
}

function countTokens(train: Int32Array, vocabSize: number): Float64Array {
  const counts = new Float64Array(vocabSize);
  for (const id of train) counts[id]++;
  return counts;
}

/** Three lengths, then the three streams, as one Int32Array's bytes (little-endian, as every supported platform). */
function packStreams(train: Int32Array, valid: Int32Array, ood: Int32Array): Uint8Array {
  const out = new Int32Array(3 + train.length + valid.length + ood.length);
  out.set([train.length, valid.length, ood.length]);
  out.set(train, 3);
  out.set(valid, 3 + train.length);
  out.set(ood, 3 + train.length + valid.length);
  return new Uint8Array(out.buffer);
}

function unpackStreams(bytes: Uint8Array, vocabSize: number): TokenStreams {
  // copy into an aligned buffer (a file's bytes may start at any offset)
  const all = new Int32Array(new Uint8Array(bytes).buffer);
  const [nTrain, nValid, nOod] = all;
  const train = all.subarray(3, 3 + nTrain);
  const valid = all.subarray(3 + nTrain, 3 + nTrain + nValid);
  const ood = all.subarray(3 + nTrain + nValid, 3 + nTrain + nValid + nOod);
  return { train, valid, ood, counts: countTokens(train, vocabSize) };
}

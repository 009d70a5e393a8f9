import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { canonicalJson, sha256 } from './hash.js';

/**
 * A content-addressed store of JSON artifacts (trained cells, evaluation results, tokenizers).
 * Each file carries the sha256 of its payload; a file whose checksum fails is treated as absent
 * (and removed), so a corrupted entry is recomputed instead of trusted.
 */
export class ContentStore {
  constructor(readonly dir: string) {}

  path(kind: string, key: string, ext = 'json'): string {
    return join(this.dir, kind, `${key}.${ext}`);
  }

  get<T>(kind: string, key: string): T | undefined {
    const path = this.path(kind, key);
    if (!existsSync(path)) return undefined;
    try {
      const { checksum, payload } = JSON.parse(readFileSync(path, 'utf8')) as { checksum: string; payload: T };
      if (sha256(canonicalJson(payload)) === checksum) return payload;
    } catch {
      // unreadable: fall through and recompute
    }
    process.stderr.write(`labbench: cached ${kind} ${key.slice(0, 12)} failed its checksum; recomputing it.\n`);
    rmSync(path, { force: true });
    return undefined;
  }

  put<T>(kind: string, key: string, payload: T): void {
    const body = JSON.stringify({ checksum: sha256(canonicalJson(payload)), payload });
    writeFileAtomic(this.path(kind, key), body);
  }

  /**
   * Binary artifacts (encoded token streams): JSON would triple their size and take longer to
   * parse than to recompute. The file is the hex sha256 of the bytes, a newline, then the bytes;
   * a failed checksum counts as absent, as for JSON entries.
   */
  getBytes(kind: string, key: string): Uint8Array | undefined {
    const path = this.path(kind, key, 'bin');
    if (!existsSync(path)) return undefined;
    try {
      const file = readFileSync(path);
      const bytes = file.subarray(CHECKSUM_HEADER);
      if (file.length >= CHECKSUM_HEADER && file.toString('latin1', 0, CHECKSUM_HEADER - 1) === sha256(bytes)) return bytes;
    } catch {
      // unreadable: fall through and recompute
    }
    process.stderr.write(`labbench: cached ${kind} ${key.slice(0, 12)} failed its checksum; recomputing it.\n`);
    rmSync(path, { force: true });
    return undefined;
  }

  putBytes(kind: string, key: string, bytes: Uint8Array): void {
    writeFileAtomic(this.path(kind, key, 'bin'), Buffer.concat([Buffer.from(`${sha256(bytes)}\n`, 'latin1'), bytes]));
  }
}

/** 64 hex digits of sha256 and a newline. */
const CHECKSUM_HEADER = 65;

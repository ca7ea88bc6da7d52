/**
 * A small seedable PRNG for everything random on the data side (sampling order, crops, flips,
 * the synthetic scenes). xoshiro128** on 32-bit words: fast with JS integer ops, and its state
 * is four numbers, so it serialises into a checkpoint for exact resume.
 */

export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
}

/** murmur3's finaliser: full avalanche of a 32-bit word. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** MurmurHash3 (x86, 32-bit) of a sequence of 32-bit words. */
function murmur3(words: readonly number[], seed: number): number {
  let h = seed | 0;
  for (const w of words) {
    let k = Math.imul(w | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ (words.length * 4));
}

/** FNV-1a over a string, so that named streams ("crop", "scene") are stable across runs. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Four state words, each an independent hash of all the input words. */
function seedWords(words: readonly number[]): [number, number, number, number] {
  const s: [number, number, number, number] = [
    murmur3(words, 0x243f6a88),
    murmur3(words, 0x85a308d3),
    murmur3(words, 0x13198a2e),
    murmur3(words, 0x03707344),
  ];
  // xoshiro must not start from the all-zero state.
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`random seed must be a non-negative integer, got ${seed}`);
  }
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s: readonly [number, number, number, number]) {
    this.s0 = s[0] >>> 0;
    this.s1 = s[1] >>> 0;
    this.s2 = s[2] >>> 0;
    this.s3 = s[3] >>> 0;
  }

  /** A generator for a non-negative integer seed (up to 2^53). */
  static fromSeed(seed: number): Rng {
    checkSeed(seed);
    return new Rng(seedWords([seed >>> 0, Math.floor(seed / 0x100000000) >>> 0]));
  }

  /** Restores a generator from `state()`; rejects anything that is not such a state. */
  static fromState(state: RngState): Rng {
    const s = state?.s;
    const ok =
      state?.algorithm === 'xoshiro128**' &&
      Array.isArray(s) &&
      s.length === 4 &&
      s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) &&
      s.some((w) => w !== 0);
    if (!ok) {
      throw new Error(`not a random generator state: ${JSON.stringify(state)}; expected {algorithm: 'xoshiro128**', s: [4 uint32, not all 0]}`);
    }
    return new Rng([s[0], s[1], s[2], s[3]]);
  }

  /** The current state, JSON-serialisable. */
  state(): RngState {
    return { algorithm: 'xoshiro128**', s: [this.s0, this.s1, this.s2, this.s3] };
  }

  clone(): Rng {
    return new Rng([this.s0, this.s1, this.s2, this.s3]);
  }

  /**
   * An independent generator for a named or numbered sub-stream. It depends on this
   * generator's current state and the stream id only, and does not advance this one: the same
   * fork taken twice gives the same stream (so work can be planned and replayed in any order).
   */
  fork(stream: number | string): Rng {
    const id = typeof stream === 'number' ? stream : hashString(stream);
    if (typeof stream === 'number') checkSeed(stream);
    const tag = typeof stream === 'number' ? 0x5eed0001 : 0x5eed0002;
    return new Rng(
      seedWords([this.s0, this.s1, this.s2, this.s3, tag, id >>> 0, Math.floor(id / 0x100000000) >>> 0]),
    );
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  range(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`Rng.int needs a positive integer bound, got ${n}`);
    if (n > 0x100000000) return Math.floor(this.uniform() * n);
    const limit = 0x100000000 - (0x100000000 % n);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return r % n;
  }

  /** Uniform integer in [low, high] (both ends included). */
  intBetween(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.uniform() < p;
  }

  /** Standard normal (Box–Muller; uses two uniforms per call, keeps no cached value). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick needs a non-empty array');
    return items[this.int(items.length)];
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A shuffled 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

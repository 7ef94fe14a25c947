/*
 * The engine's randomness: xoshiro128** (Blackman & Vigna, 2018) streams, each seeded through
 * SplitMix64 from (seed, scenario, block). A block's draws depend on nothing else, so any worker
 * can simulate any block and the answer is the same whatever the number of threads.
 */

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

function mix64(input: bigint): bigint {
  let z = input & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

const TWO_POW_MINUS_53 = 1 / 9007199254740992;

/** xoshiro128**: 128 bits of state, 32-bit outputs, period 2^128 − 1; fast in 32-bit JS arithmetic. */
export class Xoshiro128 {
  private s0 = 1;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Seeds the stream of one block: independent of every other (seed, scenario, block). */
  reseed(seed: number, scenario: number, block: number): void {
    // SplitMix64 over the three keys, then two more outputs for the 128-bit state (Vigna's advice for seeding xoshiro).
    let key = mix64(BigInt(seed) + GOLDEN_GAMMA);
    key = mix64(key ^ (BigInt(scenario) + 2n * GOLDEN_GAMMA));
    key = mix64(key ^ (BigInt(block) + 3n * GOLDEN_GAMMA));
    const a = mix64(key + GOLDEN_GAMMA);
    const b = mix64(key + 2n * GOLDEN_GAMMA);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next 32 random bits, as a signed int32. */
  nextInt32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    const s2 = this.s2 ^ this.s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 ^= s3;
    this.s2 = s2 ^ t;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextInt32() >>> 5;
    const lo = this.nextInt32() >>> 6;
    return (hi * 67108864 + lo) * TWO_POW_MINUS_53;
  }

  /** A uniform double in (0, 1), never 0: safe for logarithms. */
  nextOpen(): number {
    const hi = this.nextInt32() >>> 5;
    const lo = this.nextInt32() >>> 6;
    return (hi * 67108864 + lo + 0.5) * TWO_POW_MINUS_53;
  }
}

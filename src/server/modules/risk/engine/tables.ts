import type { Xoshiro128 } from './random.js';

/*
 * Fast exact samplers for the distributions drawn millions of times (the magnitude of every loss
 * event, the rate of every simulated year). Both cut the support into 1,024 cells chosen with one
 * random number; a second gives the position in the cell, and a rejection step against the true
 * density makes the draw exact — the table only makes it cheap. The rejection test is first
 * tried on the 22 bits left in the first number ("squeeze"); the density is computed only when
 * that is inconclusive, in well under 1% of draws.
 */

const CELL_BITS = 10;
export const CELLS = 1 << CELL_BITS;
const SQUEEZE_BITS = 32 - CELL_BITS;
const SQUEEZE_SCALE = 2 ** SQUEEZE_BITS;
const SQUEEZE_MASK = SQUEEZE_SCALE - 1;
const TWO_POW_MINUS_32 = 1 / 4294967296;
/** Below this ratio of density inside a cell, the lognormal table inverts the CDF in that cell. */
const MIN_SQUEEZE = 0.75;

// Wichura's coefficients (AS 241, PPND16), lowest degree first, rounded to doubles.
const AS241_A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const AS241_B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852546,
];
const AS241_C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const AS241_D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
const AS241_E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const AS241_F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + (coefficients[i] ?? 0);
  return value;
}

/** Φ⁻¹, the standard normal quantile: Wichura's AS 241 (PPND16), relative error about 1e-16. */
export function inverseNormalCdf(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_A, r)) / polynomial(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(AS241_C, r) / polynomial(AS241_D, r);
  } else {
    r -= 5;
    value = polynomial(AS241_E, r) / polynomial(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

// Cell boundaries of the standard normal at the quantiles j/CELLS, shared by every lognormal table.
const NORMAL_Z = new Float64Array(CELLS + 1);
const NORMAL_KERNEL = new Float64Array(CELLS + 1);
for (let j = 1; j < CELLS; j++) {
  const z = inverseNormalCdf(j / CELLS);
  NORMAL_Z[j] = z;
  NORMAL_KERNEL[j] = Math.exp(-0.5 * z * z);
}
NORMAL_Z[0] = Number.NEGATIVE_INFINITY;
NORMAL_Z[CELLS] = Number.POSITIVE_INFINITY;

/**
 * Lognormal(mu, sigma): cells of equal probability 1/1024 between exact quantiles, so a cell is
 * chosen uniformly and sampled exactly within. The two unbounded tail cells, and cells where the
 * density varies too much for the squeeze to pay, are sampled by inverting the CDF within the cell.
 */
export class LognormalTable {
  private readonly lower = new Float64Array(CELLS);
  private readonly width = new Float64Array(CELLS);
  private readonly height = new Float64Array(CELLS);
  /** Squeeze threshold on 22 bits; −1 marks a cell sampled by inversion. */
  private readonly squeeze = new Int32Array(CELLS);

  constructor(
    private readonly mu: number,
    private readonly sigma: number,
  ) {
    const x = new Float64Array(CELLS + 1);
    const density = new Float64Array(CELLS + 1);
    for (let j = 1; j < CELLS; j++) {
      x[j] = Math.exp(mu + sigma * (NORMAL_Z[j] ?? 0));
      density[j] = this.kernel(x[j] ?? 0);
    }
    const modeZ = -sigma;
    const modeDensity = this.kernel(Math.exp(mu - sigma * sigma));
    for (let j = 0; j < CELLS; j++) {
      const a = x[j] ?? 0;
      const b = x[j + 1] ?? 0;
      this.lower[j] = a;
      this.width[j] = b - a;
      if (j === 0 || j === CELLS - 1) {
        this.squeeze[j] = -1;
        continue;
      }
      const fa = density[j] ?? 0;
      const fb = density[j + 1] ?? 0;
      const containsMode = (NORMAL_Z[j] ?? 0) < modeZ && modeZ < (NORMAL_Z[j + 1] ?? 0);
      const sup = containsMode ? Math.max(fa, fb, modeDensity) : Math.max(fa, fb);
      const inf = Math.min(fa, fb);
      this.height[j] = sup;
      this.squeeze[j] = inf / sup < MIN_SQUEEZE ? -1 : Math.floor((inf / sup) * SQUEEZE_SCALE);
    }
  }

  /** The lognormal density up to a constant factor (constant within a table). */
  private kernel(x: number): number {
    const z = (Math.log(x) - this.mu) / this.sigma;
    return Math.exp(-0.5 * z * z) / x;
  }

  /** out[i] = a draw, for i in [from, to). */
  fill(rng: Xoshiro128, out: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i++) out[i] = this.draw(rng);
  }

  /** out[i] ×= a draw, for i in [from, to). */
  multiply(rng: Xoshiro128, out: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i++) out[i] = (out[i] ?? 0) * this.draw(rng);
  }

  /** out[i] += the sum of counts[i] draws, for i in [from, to). */
  addSums(rng: Xoshiro128, counts: Float64Array, out: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const count = counts[i] ?? 0;
      let sum = 0;
      for (let k = 0; k < count; k++) sum += this.draw(rng);
      out[i] = (out[i] ?? 0) + sum;
    }
  }

  /** One draw. Kept small so that V8 inlines it into the batch loops; rare paths are apart. */
  draw(rng: Xoshiro128): number {
    const a = rng.nextInt32();
    const j = a >>> SQUEEZE_BITS;
    const threshold = this.squeeze[j] ?? -1;
    if (threshold < 0) return this.invert(rng, j);
    const x =
      (this.lower[j] ?? 0) + (this.width[j] ?? 0) * ((rng.nextInt32() >>> 0) + 0.5) * TWO_POW_MINUS_32;
    if ((a & SQUEEZE_MASK) < threshold) return x;
    return this.reject(rng, j, a & SQUEEZE_MASK, x);
  }

  /** Inversion of the CDF within cell j (the tails, and cells too uneven for the squeeze). */
  private invert(rng: Xoshiro128, j: number): number {
    const p = (j + rng.nextOpen()) / CELLS;
    return Math.exp(this.mu + this.sigma * inverseNormalCdf(p));
  }

  /**
   * Finishes an inconclusive squeeze with the full uniform, retrying inside the same cell: every
   * cell has probability exactly 1/1024, so rejection there keeps the cell's share.
   */
  private reject(rng: Xoshiro128, j: number, coarse: number, x: number): number {
    const lower = this.lower[j] ?? 0;
    const width = this.width[j] ?? 0;
    const height = this.height[j] ?? 0;
    let v = (coarse + rng.nextDouble()) / SQUEEZE_SCALE;
    let candidate = x;
    for (;;) {
      if (v * height <= this.kernel(candidate)) return candidate;
      candidate = lower + width * rng.nextDouble();
      v = rng.nextDouble();
    }
  }
}

/**
 * Beta(α, β) with α, β ≥ 1 (every modified PERT), scaled to [min, max]. The cells are a
 * ziggurat of equal envelope areas: each cell's box (width × the density's maximum over it) has
 * the same area, so a uniformly chosen cell and a uniform point in its box, kept when it falls
 * under the density, is an exact draw; boxes overshoot the density by well under 1% overall.
 */
export class BetaTable {
  private readonly lower = new Float64Array(CELLS);
  private readonly width = new Float64Array(CELLS);
  private readonly height = new Float64Array(CELLS);
  private readonly squeeze = new Int32Array(CELLS);
  private readonly count: number;
  private readonly logMode: number;

  constructor(
    private readonly alpha: number,
    private readonly beta: number,
    private readonly min: number,
    private readonly max: number,
  ) {
    const mode = (alpha - 1) / (alpha + beta - 2);
    this.logMode = 0;
    this.logMode = this.logKernel(mode);
    // Total area under the density (normalized to 1 at the mode), by Simpson's rule: it only sets
    // the target cell area, so its accuracy affects speed, never exactness.
    const steps = 4096;
    let area = 0;
    for (let i = 0; i <= steps; i++) {
      const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
      area += weight * this.density(i / steps);
    }
    area /= 3 * steps;
    let target = area / (CELLS - 24);
    let count = this.build(mode, target);
    while (count > CELLS) {
      target *= (count / (CELLS - 24)) * 1.001;
      count = this.build(mode, target);
    }
    this.count = count;
  }

  private logKernel(x: number): number {
    // α = 1 or β = 1 drops the factor (and keeps 0 · log 0 from becoming NaN at the ends).
    const left = this.alpha === 1 ? 0 : (this.alpha - 1) * Math.log(x);
    const right = this.beta === 1 ? 0 : (this.beta - 1) * Math.log(1 - x);
    return left + right - this.logMode;
  }

  /** The Beta density on [0, 1], scaled to 1 at the mode. */
  private density(x: number): number {
    return Math.exp(this.logKernel(x));
  }

  /**
   * Cuts [0, mode] from the left and [mode, 1] from the right into boxes of area `target`;
   * returns the number of cells (more than CELLS means the target was too small).
   */
  private build(mode: number, target: number): number {
    let count = 0;
    // Rising side: the density peaks at a box's right end.
    let a = 0;
    while (a < mode && count <= CELLS) {
      const b = this.solve(a, mode, target);
      this.setCell(count++, a, b, this.density(b), this.density(a), target);
      a = b;
    }
    // Falling side, cut from 1 down to the mode: the density peaks at a box's left end.
    let b = 1;
    while (b > mode && count <= CELLS) {
      const a = this.solve(b, mode, target);
      this.setCell(count++, a, b, this.density(a), this.density(b), target);
      b = a;
    }
    return count;
  }

  private setCell(j: number, a: number, b: number, sup: number, inf: number, target: number): void {
    if (j >= CELLS) return;
    const width = b - a;
    // Every box has the same area (so the same chance to be chosen); solve() keeps width × sup
    // within it, so the box covers the density (a box cut short at the mode is taller than needed).
    const height = target / width;
    if (!(sup <= height * (1 + 1e-9))) throw new Error('beta table: a box does not cover the density');
    this.lower[j] = a;
    this.width[j] = width;
    this.height[j] = height;
    this.squeeze[j] = Math.floor((Math.min(inf, sup) / height) * SQUEEZE_SCALE);
  }

  /**
   * The far end of a box starting at `from` and growing towards the mode (never past it): a point
   * where width × density(far end) is within `target` and close to it. Newton's method on
   * g(b) = log(width) + log(density(b)) − log(target), which increases towards the mode,
   * safeguarded by bisection; it returns a point with g ≤ 0 so the box's height target/width
   * covers the density.
   */
  private solve(from: number, mode: number, target: number): number {
    const logTarget = Math.log(target);
    const g = (b: number) => Math.log(Math.abs(b - from)) + this.logKernel(b) - logTarget;
    if (g(mode) <= 0) return mode;
    let inside = from;
    let outside = mode;
    const flatGuess = target / this.density(from);
    let b = from + (mode > from ? flatGuess : -flatGuess);
    for (let i = 0; i < 200; i++) {
      if (!((b - inside) * (b - outside) < 0)) b = 0.5 * (inside + outside);
      const value = g(b);
      if (value <= 0) {
        inside = b;
        if (value > -1e-9) break;
      } else {
        outside = b;
      }
      const left = this.alpha === 1 ? 0 : (this.alpha - 1) / b;
      const right = this.beta === 1 ? 0 : (this.beta - 1) / (1 - b);
      b -= value / (1 / (b - from) + left - right);
    }
    if (inside === from) throw new Error('beta table: empty box');
    return inside;
  }

  /** out[i] = a draw, for i in [from, to). */
  fill(rng: Xoshiro128, out: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i++) out[i] = this.draw(rng);
  }

  /** out[i] ×= a draw, for i in [from, to). */
  multiply(rng: Xoshiro128, out: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i++) out[i] = (out[i] ?? 0) * this.draw(rng);
  }

  /** out[i] += the sum of counts[i] draws, for i in [from, to). */
  addSums(rng: Xoshiro128, counts: Float64Array, out: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const count = counts[i] ?? 0;
      let sum = 0;
      for (let k = 0; k < count; k++) sum += this.draw(rng);
      out[i] = (out[i] ?? 0) + sum;
    }
  }

  /** One draw. Kept small so that V8 inlines it into the batch loops; rare paths are apart. */
  draw(rng: Xoshiro128): number {
    for (;;) {
      const a = rng.nextInt32();
      const j = a >>> SQUEEZE_BITS;
      if (j >= this.count) continue;
      const x =
        (this.lower[j] ?? 0) + (this.width[j] ?? 0) * ((rng.nextInt32() >>> 0) + 0.5) * TWO_POW_MINUS_32;
      if ((a & SQUEEZE_MASK) < (this.squeeze[j] ?? 0) || this.accepts(rng, j, a & SQUEEZE_MASK, x))
        return Math.min(this.min + (this.max - this.min) * x, this.max);
    }
  }

  /** The full rejection test when the squeeze is inconclusive. */
  private accepts(rng: Xoshiro128, j: number, coarse: number, x: number): boolean {
    return ((coarse + rng.nextDouble()) / SQUEEZE_SCALE) * (this.height[j] ?? 0) <= this.density(x);
  }
}

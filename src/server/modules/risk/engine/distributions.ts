import { Z95, type Distribution } from '../../../../contracts/risk-simulation.js';
import type { Xoshiro128 } from './random.js';
import { BetaTable, LognormalTable } from './tables.js';

/**
 * Draws from which a distribution gets a table sampler (tables.ts): building one costs about as
 * much as this many direct draws. The choice depends only on the request, so it is reproducible.
 */
export const TABLE_MIN_DRAWS = 4096;

/*
 * Exact samplers (no approximation beyond floating point) for the distributions of a FAIR estimate.
 * Normal: Doornik's ZIGNOR ziggurat (2005), which fixes the correlation of Marsaglia & Tsang's
 * original by drawing the layer and the value from separate bits. Gamma: Marsaglia & Tsang (2000).
 * Beta (and so PERT): two Gammas. Poisson: inversion below λ = 10, Hörmann's PTRS (1993) above.
 */

const ZIG_LAYERS = 128;
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const zigX = new Float64Array(ZIG_LAYERS + 1);
const zigRatio = new Float64Array(ZIG_LAYERS);
{
  let f = Math.exp(-0.5 * ZIG_R * ZIG_R);
  zigX[0] = ZIG_V / f;
  zigX[1] = ZIG_R;
  zigX[ZIG_LAYERS] = 0;
  for (let i = 2; i < ZIG_LAYERS; i++) {
    const previous = zigX[i - 1] ?? 0;
    const x = Math.sqrt(-2 * Math.log(ZIG_V / previous + f));
    zigX[i] = x;
    f = Math.exp(-0.5 * x * x);
  }
  for (let i = 0; i < ZIG_LAYERS; i++) zigRatio[i] = (zigX[i + 1] ?? 0) / (zigX[i] ?? 1);
}

const TWO_POW_MINUS_52 = 1 / 4503599627370496;

/** A standard normal draw. */
export function standardNormal(rng: Xoshiro128): number {
  for (;;) {
    const a = rng.nextInt32();
    const b = rng.nextInt32();
    // 53 bits for the value in [-1, 1), and 7 of the bits it leaves unused for the layer.
    const u = ((a >>> 5) * 67108864 + (b >>> 6)) * TWO_POW_MINUS_52 - 1;
    const layer = (a & 31) | ((b & 3) << 5);
    const xi = zigX[layer] ?? 0;
    if (Math.abs(u) < (zigRatio[layer] ?? 0)) return u * xi;
    if (layer === 0) return normalTail(rng, u < 0);
    const x = u * xi;
    const next = zigX[layer + 1] ?? 0;
    const f0 = Math.exp(-0.5 * (xi * xi - x * x));
    const f1 = Math.exp(-0.5 * (next * next - x * x));
    if (f1 + rng.nextDouble() * (f0 - f1) < 1) return x;
  }
}

function normalTail(rng: Xoshiro128, negative: boolean): number {
  let x: number;
  let y: number;
  do {
    x = Math.log(rng.nextOpen()) / ZIG_R;
    y = Math.log(rng.nextOpen());
  } while (-2 * y < x * x);
  return negative ? x - ZIG_R : ZIG_R - x;
}

/** A Gamma(shape, 1) draw (Marsaglia & Tsang; shape < 1 through the boost Γ(a+1)·U^(1/a)). */
export function gamma(rng: Xoshiro128, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(rng.nextOpen(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.nextOpen();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

// log(k!) for small k from a table; Stirling's series beyond (error < 1e-15 for k ≥ 256).
const LOG_FACTORIAL = new Float64Array(256);
for (let k = 1; k < 256; k++) LOG_FACTORIAL[k] = (LOG_FACTORIAL[k - 1] ?? 0) + Math.log(k);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL[k] ?? 0;
  const x = k + 1;
  const inv = 1 / x;
  const inv2 = inv * inv;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    HALF_LOG_2PI +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680))))
  );
}

// 1/k: the inversion's recurrence multiplies instead of dividing (a division costs several multiplications).
const RECIPROCALS = new Float64Array(1001);
for (let k = 1; k <= 1000; k++) RECIPROCALS[k] = 1 / k;

/** A Poisson(λ) draw: exact inversion for small λ, transformed rejection (PTRS) for large. */
export function poisson(rng: Xoshiro128, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const u = rng.nextDouble();
    // e^-λ ≥ 1 − λ: below that the inversion's answer is 0 without computing e^-λ (most years of a rare risk).
    if (u < 1 - lambda) return 0;
    let p = Math.exp(-lambda);
    let cumulative = p;
    let k = 0;
    // p reaches 0 long before k = 1000 for λ < 10; the bound only guards u ≈ 1 against rounding.
    while (u > cumulative && k < 1000) {
      k++;
      p *= lambda * (RECIPROCALS[k] ?? 0);
      cumulative += p;
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.nextDouble() - 0.5;
    const v = rng.nextOpen();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * logLambda - logFactorial(k)
    )
      return k;
  }
}

const CONSTANT = 0;
const UNIFORM = 1;
const TRIANGULAR = 2;
const BETA = 3;
const LOGNORMAL = 4;
const BETA_TABLE = 5;
const LOGNORMAL_TABLE = 6;

/**
 * A distribution compiled for drawing: one class with a switch keeps every call site monomorphic,
 * which matters in the inner loop of the simulation.
 */
export class Sampler {
  private constructor(
    readonly kind: number,
    private readonly p0: number,
    private readonly p1: number,
    private readonly p2: number,
    private readonly p3: number,
    private readonly p4: number,
    private readonly betaTable: BetaTable | null = null,
    private readonly lognormalTable: LognormalTable | null = null,
  ) {}

  /** Compiles a validated distribution that will be drawn about `expectedDraws` times. */
  static of(dist: Distribution, expectedDraws = 0): Sampler {
    const table = expectedDraws >= TABLE_MIN_DRAWS;
    switch (dist.type) {
      case 'constant':
        return new Sampler(CONSTANT, dist.value, 0, 0, 0, 0);
      case 'uniform':
        return dist.min === dist.max
          ? new Sampler(CONSTANT, dist.min, 0, 0, 0, 0)
          : new Sampler(UNIFORM, dist.min, dist.max - dist.min, dist.max, 0, 0);
      case 'triangular': {
        const width = dist.max - dist.min;
        if (width === 0) return new Sampler(CONSTANT, dist.min, 0, 0, 0, 0);
        return new Sampler(
          TRIANGULAR,
          dist.min,
          dist.max,
          (dist.mode - dist.min) / width,
          width * (dist.mode - dist.min),
          width * (dist.max - dist.mode),
        );
      }
      case 'pert': {
        const width = dist.max - dist.min;
        if (width === 0) return new Sampler(CONSTANT, dist.min, 0, 0, 0, 0);
        const alpha = 1 + (dist.lambda * (dist.mode - dist.min)) / width;
        const beta = 1 + (dist.lambda * (dist.max - dist.mode)) / width;
        if (alpha === 1 && beta === 1) return new Sampler(UNIFORM, dist.min, width, dist.max, 0, 0);
        if (table)
          return new Sampler(BETA_TABLE, 0, 0, 0, 0, 0, new BetaTable(alpha, beta, dist.min, dist.max));
        return new Sampler(BETA, dist.min, width, dist.max, alpha, beta);
      }
      case 'lognormal': {
        const { mu, sigma } = lognormalParameters(dist);
        if (table) return new Sampler(LOGNORMAL_TABLE, 0, 0, 0, 0, 0, null, new LognormalTable(mu, sigma));
        return new Sampler(LOGNORMAL, mu, sigma, 0, 0, 0);
      }
    }
  }

  /*
   * The batch methods below hand each loop to one concrete sampler (a table's own loop, where V8
   * inlines its draw and keeps the doubles unboxed): a draw per loss event must not allocate.
   */

  /** out[i] = a draw, for i in [from, to). */
  fill(rng: Xoshiro128, out: Float64Array, from: number, to: number): void {
    if (this.kind === CONSTANT) out.fill(this.p0, from, to);
    else if (this.betaTable) this.betaTable.fill(rng, out, from, to);
    else if (this.lognormalTable) this.lognormalTable.fill(rng, out, from, to);
    else for (let i = from; i < to; i++) out[i] = this.draw(rng);
  }

  /** out[i] ×= a draw, for i in [from, to). */
  multiply(rng: Xoshiro128, out: Float64Array, from: number, to: number): void {
    if (this.kind === CONSTANT) for (let i = from; i < to; i++) out[i] = (out[i] ?? 0) * this.p0;
    else if (this.betaTable) this.betaTable.multiply(rng, out, from, to);
    else if (this.lognormalTable) this.lognormalTable.multiply(rng, out, from, to);
    else for (let i = from; i < to; i++) out[i] = (out[i] ?? 0) * this.draw(rng);
  }

  /** out[i] += the sum of counts[i] draws, for i in [from, to). */
  addSums(rng: Xoshiro128, counts: Float64Array, out: Float64Array, from: number, to: number): void {
    if (this.kind === CONSTANT) {
      // n × value is the exact (correctly rounded) sum of n equal losses.
      for (let i = from; i < to; i++) out[i] = (out[i] ?? 0) + this.p0 * (counts[i] ?? 0);
    } else if (this.betaTable) {
      this.betaTable.addSums(rng, counts, out, from, to);
    } else if (this.lognormalTable) {
      this.lognormalTable.addSums(rng, counts, out, from, to);
    } else {
      for (let i = from; i < to; i++) {
        const count = counts[i] ?? 0;
        let sum = 0;
        for (let k = 0; k < count; k++) sum += this.draw(rng);
        out[i] = (out[i] ?? 0) + sum;
      }
    }
  }

  /** One draw. */
  draw(rng: Xoshiro128): number {
    switch (this.kind) {
      case CONSTANT:
        return this.p0;
      case UNIFORM:
        return Math.min(this.p0 + this.p1 * rng.nextDouble(), this.p2);
      case TRIANGULAR: {
        const u = rng.nextDouble();
        return u < this.p2 ? this.p0 + Math.sqrt(u * this.p3) : this.p1 - Math.sqrt((1 - u) * this.p4);
      }
      case BETA_TABLE:
        return this.betaTable?.draw(rng) ?? 0;
      case LOGNORMAL_TABLE:
        return this.lognormalTable?.draw(rng) ?? 0;
      case BETA: {
        const x = gamma(rng, this.p3);
        const y = gamma(rng, this.p4);
        return Math.min(this.p0 + (this.p1 * x) / (x + y), this.p2);
      }
      default:
        return Math.exp(this.p0 + this.p1 * standardNormal(rng));
    }
  }
}

/** mu and sigma of the normal underlying a lognormal estimate (low/high are its 5th/95th percentiles). */
export function lognormalParameters(dist: Extract<Distribution, { type: 'lognormal' }>): {
  mu: number;
  sigma: number;
} {
  if (dist.low !== undefined && dist.high !== undefined) {
    const logLow = Math.log(dist.low);
    const logHigh = Math.log(dist.high);
    return { mu: (logLow + logHigh) / 2, sigma: (logHigh - logLow) / (2 * Z95) };
  }
  return { mu: dist.mu ?? 0, sigma: dist.sigma ?? 1 };
}

/** The closed-form mean of a distribution. */
export function distributionMean(dist: Distribution): number {
  switch (dist.type) {
    case 'constant':
      return dist.value;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'triangular':
      return (dist.min + dist.mode + dist.max) / 3;
    case 'pert':
      return (dist.min + dist.lambda * dist.mode + dist.max) / (dist.lambda + 2);
    case 'lognormal': {
      const { mu, sigma } = lognormalParameters(dist);
      return Math.exp(mu + (sigma * sigma) / 2);
    }
  }
}

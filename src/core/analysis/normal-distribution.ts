/**
 * The standard normal tail and quantile the judge needs for p-values and interval ranks.
 *
 * erfc follows W. J. Cody, "Rational Chebyshev approximations for the error function",
 * Math. Comp. 23 (1969) 631-638, as transcribed in Netlib SPECFUN CALERF (ACM TOMS 715), which
 * keeps full relative precision deep into the tail; scipy's `special.ndtr` (Cephes) agrees with it
 * to about 1e-15, which the reference table checks.
 */
// CALERF's coefficients, each written as the shortest decimal of the same binary64 value.
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
const SQRPI = 0.5641895835477563; // 1/sqrt(pi)
const XBIG = 26.543; // erfc underflows to 0 beyond this in binary64

const at = (coefficients: readonly number[], i: number): number => coefficients[i] ?? 0;

/** exp(-y*y) without losing the low bits of y*y (CALERF's split of y into a 1/16 grid plus a rest). */
function expMinusSquare(y: number): number {
  const ySq = Math.trunc(y * 16) / 16;
  const del = (y - ySq) * (y + ySq);
  return Math.exp(-ySq * ySq) * Math.exp(-del);
}

/** Complementary error function erfc(x) with full relative precision in the upper tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ySq = y > 1.11e-16 ? y * y : 0;
    let num = at(A, 4) * ySq;
    let den = ySq;
    for (let i = 0; i < 3; i++) {
      num = (num + at(A, i)) * ySq;
      den = (den + at(B, i)) * ySq;
    }
    return 1 - (x * (num + at(A, 3))) / (den + at(B, 3));
  }
  if (y <= 4) {
    let num = at(C, 8) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + at(C, i)) * y;
      den = (den + at(D, i)) * y;
    }
    result = (expMinusSquare(y) * (num + at(C, 7))) / (den + at(D, 7));
  } else if (y >= XBIG) {
    result = 0;
  } else {
    const ySq = 1 / (y * y);
    let num = at(P, 5) * ySq;
    let den = ySq;
    for (let i = 0; i < 4; i++) {
      num = (num + at(P, i)) * ySq;
      den = (den + at(Q, i)) * ySq;
    }
    result = (ySq * (num + at(P, 4))) / (den + at(Q, 4));
    result = (expMinusSquare(y) * (SQRPI - result)) / y;
  }
  return x < 0 ? 2 - result : result;
}

/** P(Z > z) for a standard normal Z. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The z with P(Z > z) = q, for 0 < q < 1 (scipy's `norm.isf`, R's `qnorm(q, lower.tail = FALSE)`). */
export function normalUpperQuantile(q: number): number {
  if (!(q > 0 && q < 1)) throw new RangeError(`normalUpperQuantile needs 0 < q < 1, got ${q}`);
  if (q > 0.5) return -normalUpperQuantile(1 - q);
  // Bisection on the survival function reaches the last bit in about 60 steps; the quantile is
  // needed once per judgement, so a closed-form approximation (AS 241) would buy nothing.
  let low = 0;
  let high = 40;
  for (;;) {
    const mid = (low + high) / 2;
    if (mid <= low || mid >= high) return mid;
    if (normalSurvival(mid) > q) low = mid;
    else high = mid;
  }
}

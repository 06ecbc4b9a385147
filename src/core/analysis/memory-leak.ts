/**
 * A memory leak detector: the least-squares slope of resident memory over the sampling window
 * (ordinary least squares, e.g. Montgomery & Runger, "Applied Statistics", §11-2). A slope beyond
 * the bound, measured over at least `minPoints` samples, is reported as a leak; fewer samples say
 * nothing, so a short window cannot raise a false alarm.
 */

export interface TimedValue {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly value: number;
}

export interface LeakBound {
  readonly maxBytesPerSecond: number;
  /** Least samples the slope needs; default 5. */
  readonly minPoints?: number | undefined;
}

export type LeakAssessment =
  | { readonly kind: "too-few-points"; readonly points: number; readonly needed: number }
  | {
      readonly kind: "leak" | "steady";
      readonly bytesPerSecond: number;
      readonly points: number;
      readonly bound: number;
    };

/** Slope in value per second of the least-squares line through the points; NaN for fewer than 2 distinct times. */
export function leastSquaresSlope(points: readonly TimedValue[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  let meanT = 0;
  let meanV = 0;
  for (const p of points) {
    meanT += p.at / 1000;
    meanV += p.value;
  }
  meanT /= n;
  meanV /= n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    const dt = p.at / 1000 - meanT;
    sxy += dt * (p.value - meanV);
    sxx += dt * dt;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/** Whether memory grows faster than the bound over the window. */
export function assessMemoryLeak(points: readonly TimedValue[], bound: LeakBound): LeakAssessment {
  const needed = bound.minPoints ?? 5;
  if (points.length < needed) return { kind: "too-few-points", points: points.length, needed };
  const slope = leastSquaresSlope(points);
  if (Number.isNaN(slope)) return { kind: "too-few-points", points: points.length, needed };
  return {
    kind: slope > bound.maxBytesPerSecond ? "leak" : "steady",
    bytesPerSecond: slope,
    points: points.length,
    bound: bound.maxBytesPerSecond,
  };
}

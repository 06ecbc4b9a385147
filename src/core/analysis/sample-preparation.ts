/**
 * Cleaning of one side's samples before the comparison, following Kayenta's NetflixACAJudge
 * (kayenta-judge/.../NetflixACAJudge.scala `transformMetric`, preprocessing/Transforms.scala):
 * missing values are removed or replaced by 0, then outliers may be dropped with Tukey's fences,
 * widened as Kayenta's IQRDetector does when `reduceSensitivity` is set.
 */
import { sortSamples } from "./sort-samples.js";

/** What to do with a missing sample (NaN, null, or an infinity): drop it or count it as 0. */
export type NanStrategy = "remove" | "replace";

/** Tukey's fences: drop values below Q1 - factor*IQR or above Q3 + factor*IQR. */
export interface OutlierRemoval {
  readonly factor: number;
  /** Never drop values between the 1st and 99th percentiles (Kayenta's `reduceSensitivity`). */
  readonly reduceSensitivity: boolean;
}

export interface PreparedSamples {
  /** The kept samples, ascending. */
  readonly sorted: Float64Array;
  /** How many samples arrived. */
  readonly received: number;
  /** Missing values removed (nanStrategy "remove") or replaced by 0 ("replace"). */
  readonly missing: number;
  /** Values dropped as outliers. */
  readonly outliers: number;
}

/**
 * Cleans and sorts one side's samples for the judge; `into` as for sortSamples (the sorted samples
 * then live there until the buffer is used again).
 */
export function prepareSamples(
  values: ArrayLike<number | null>,
  nanStrategy: NanStrategy,
  outlierRemoval: OutlierRemoval | undefined,
  into?: Float64Array,
): PreparedSamples {
  const { kept, missing } = keptValues(values, nanStrategy);
  const sorted = sortSamples(kept, into);
  if (outlierRemoval === undefined || sorted.length === 0) {
    return { sorted, received: values.length, missing, outliers: 0 };
  }
  const [lowFence, highFence] = tukeyFences(sorted, outlierRemoval);
  const from = firstIndexAtLeast(sorted, lowFence);
  const to = firstIndexAbove(sorted, highFence);
  return {
    sorted: sorted.subarray(from, to),
    received: values.length,
    missing,
    outliers: sorted.length - (to - from),
  };
}

/**
 * The values to sort and how many were missing. Typed arrays of finite numbers (what providers and
 * the bench hand over) are used as they are: sortSamples only reads its input.
 */
function keptValues(
  values: ArrayLike<number | null>,
  nanStrategy: NanStrategy,
): { kept: ArrayLike<number>; missing: number } {
  if (values instanceof Float64Array && allFinite(values)) return { kept: values, missing: 0 };
  const kept = new Float64Array(values.length);
  let size = 0;
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && Number.isFinite(v)) kept[size++] = v;
    else {
      missing++;
      if (nanStrategy === "replace") kept[size++] = 0;
    }
  }
  return { kept: kept.subarray(0, size), missing };
}

/**
 * Whether no value is NaN or infinite: v * 0 is 0 (or -0) for a finite v and NaN otherwise, and a
 * NaN stays in a sum, so four running sums (independent, so the additions overlap) tell without a
 * branch per value; Number.isFinite per value took about three times as long.
 */
function allFinite(values: Float64Array): boolean {
  const n = values.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a += values[i]! * 0;
    b += values[i + 1]! * 0;
    c += values[i + 2]! * 0;
    d += values[i + 3]! * 0;
  }
  for (; i < n; i++) a += values[i]! * 0;
  return a + b + c + d === 0;
}

/** The lower and upper fence outside which a sorted sample's values count as outliers. */
export function tukeyFences(sorted: Float64Array, removal: OutlierRemoval): readonly [number, number] {
  const q1 = percentile(sorted, 25);
  const q3 = percentile(sorted, 75);
  const iqr = q3 - q1;
  const low = q1 - removal.factor * iqr;
  const high = q3 + removal.factor * iqr;
  if (!removal.reduceSensitivity) return [low, high];
  return [Math.min(percentile(sorted, 1), low), Math.max(percentile(sorted, 99), high)];
}

/**
 * Percentile p (0-100] of a sorted sample as Apache Commons Math's default `Percentile` estimates it
 * (which Kayenta's IQRDetector calls): position p(n+1)/100, linear between neighbours, clamped to
 * the extremes (Hyndman & Fan, Am. Stat. 50 (1996), definition 6).
 */
export function percentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (p * (n + 1)) / 100;
  if (position < 1) return sorted[0]!;
  if (position >= n) return sorted[n - 1]!;
  const whole = Math.floor(position);
  const lower = sorted[whole - 1]!;
  const upper = sorted[whole]!;
  return lower + (position - whole) * (upper - lower);
}

function firstIndexAtLeast(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstIndexAbove(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

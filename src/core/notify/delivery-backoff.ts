/** How retries of a failed delivery are spaced. */
export interface BackoffPolicy {
  /** Delay after the first failure, in ms. */
  readonly baseMs: number;
  /** Longest delay, in ms: a channel down for hours is tried at least this often. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 10 * 60_000 };

/**
 * Delay before attempt `attempts + 1` after `attempts` failures: exponential (base × 2^(n-1)),
 * capped, with "equal jitter" (half fixed, half random; AWS Architecture Blog, "Exponential Backoff
 * and Jitter", 2015) so replicas retrying the same channel spread out. `random` is in [0, 1).
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy, random: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** How the executor waits for locks: short waits, retried with growing pauses in between. */
export interface LockRetryPolicy {
  /** lock_timeout of every statement: how long it may queue (and make others queue) for a lock. */
  readonly lockTimeoutMs: number;
  /** statement_timeout of statements that hold blocking locks; 0 disables it. */
  readonly statementTimeoutMs: number;
  /** Attempts per statement, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_LOCK_RETRY_POLICY: LockRetryPolicy = {
  lockTimeoutMs: 2_000,
  statementTimeoutMs: 60_000,
  maxAttempts: 8,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
};

/**
 * Pause before attempt `attempt + 1` after `attempt` (1-based) failed on lock_timeout:
 * exponential backoff with "equal jitter" (AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015): half the capped exponential delay, plus a random half, so that several
 * migrators retrying against the same long transaction do not retry in lockstep, yet each waits
 * at least half the nominal delay. `random` is in [0, 1).
 */
export function lockRetryDelayMs(attempt: number, policy: LockRetryPolicy, random: number): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random);
}

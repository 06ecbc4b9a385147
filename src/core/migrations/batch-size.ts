/** Bounds and goal of the adaptive batch size. */
export interface BatchSizePolicy {
  /** Each batch should hold its row locks for about this long (default 100 ms). */
  readonly targetMs: number;
  readonly minRows: number;
  readonly maxRows: number;
  /** Largest growth factor per batch, so one fast batch (cached pages) does not overshoot. */
  readonly maxGrowth: number;
  /**
   * Fraction of the target to aim at (default 0.75): the target is a ceiling, and batch times
   * vary by tens of percent on a loaded server, so aiming at the target itself would put half
   * the batches over it.
   */
  readonly aim?: number;
}

const DEFAULT_AIM = 0.75;

export const DEFAULT_BATCH_SIZE_POLICY: BatchSizePolicy = {
  targetMs: 100,
  minRows: 100,
  maxRows: 100_000,
  maxGrowth: 2,
};

/**
 * The next batch size from the last batch's duration: scale by target/elapsed (the rows per
 * millisecond just observed, times the target), growing at most `maxGrowth`× per step but
 * shrinking at once when a batch overran. This is pt-online-schema-change's `--chunk-time`
 * rule (Percona Toolkit documentation: "adjusts the chunk size after each data-copy query, so
 * that the next query takes this amount of time"), without its decaying average: the growth cap
 * damps noise, and an overrun must shrink the next batch at once to keep lock holds bounded.
 */
export function nextBatchSize(
  current: number,
  elapsedMs: number,
  rows: number,
  policy: BatchSizePolicy = DEFAULT_BATCH_SIZE_POLICY,
): number {
  if (rows <= 0) return clamp(current, policy);
  // A batch faster than 1 ms says little about the rate; treat it as 1 ms.
  const rowsPerMs = rows / Math.max(elapsedMs, 1);
  const ideal = rowsPerMs * policy.targetMs * (policy.aim ?? DEFAULT_AIM);
  const capped = Math.min(ideal, current * policy.maxGrowth);
  return clamp(Math.floor(capped), policy);
}

function clamp(size: number, policy: BatchSizePolicy): number {
  return Math.max(policy.minRows, Math.min(policy.maxRows, size));
}

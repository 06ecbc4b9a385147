import type { ChainPoint } from "../core/audit/audit-entry.js";

/** Where a fast scan stopped: at the end, or before the first record it could not vouch for. */
export interface FastScanResult {
  /** The last record verified (or the start). */
  readonly last: ChainPoint;
  /** The hash of the record before `last`, as the core's verification state keeps it. */
  readonly beforeLastHash: string | undefined;
  readonly verified: number;
  /** True when every record was verified; false when one needs the core's full verification. */
  readonly complete: boolean;
  /** How many of `verified` a worker thread verified (the second half of a split scan). */
  readonly inWorker: number;
}

import type { BackfillCheckpoint } from "./backfill-checkpoint.js";

/**
 * The port through which a backfill keeps its checkpoint in the control-plane store (not in the
 * target database, whose restore or failover must not rewind the control plane's view).
 */
export interface BackfillCheckpointStore {
  load(name: string): Promise<BackfillCheckpoint | undefined>;
  /**
   * Saves `next`; `previousBatches` is the batch count the writer last read (null for a new
   * checkpoint). The save fails with a ConflictError when another runner moved it on since.
   */
  save(next: BackfillCheckpoint, previousBatches: number | null): Promise<void>;
}

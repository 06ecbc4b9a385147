import { addToChecksum, EMPTY_CHECKSUM } from "./backfill-checksum.js";

/** Where a backfill stands; `running` also covers a run killed mid-way (resume it). */
export type BackfillState = "running" | "paused" | "cancelled" | "completed";

/**
 * What the control-plane store keeps after every batch, so that a killed backfill resumes at
 * the exact next key: the last key done, counts, and the running checksum.
 */
export interface BackfillCheckpoint {
  readonly name: string;
  /** `backfillFingerprint(spec)`: a resumed run must do the same thing. */
  readonly fingerprint: string;
  readonly table: string;
  readonly state: BackfillState;
  /** Last key of the last committed batch, as text; null before the first batch. */
  readonly lastKey: string | null;
  readonly rowsDone: number;
  readonly batches: number;
  readonly checksum: string;
  /** The adapted batch size, so a resumed run starts at the learned size. */
  readonly batchSize: number;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

/** What one committed batch changed. */
export interface BatchOutcome {
  readonly rows: number;
  /** Largest key in the batch; null when the range was empty (the table is done). */
  readonly upperKey: string | null;
  /** Decimal sum of the batch's row hashes (see backfill-checksum.ts). */
  readonly hashSum: string;
}

/** A fresh checkpoint for a backfill that has not run a batch yet. */
export function initialCheckpoint(
  name: string,
  fingerprint: string,
  table: string,
  batchSize: number,
  now: number,
): BackfillCheckpoint {
  return {
    name,
    fingerprint,
    table,
    state: "running",
    lastKey: null,
    rowsDone: 0,
    batches: 0,
    checksum: EMPTY_CHECKSUM,
    batchSize,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
  };
}

/** The checkpoint after a batch: past its last key, with its rows counted and hashed in. */
export function advanceCheckpoint(
  checkpoint: BackfillCheckpoint,
  batch: BatchOutcome,
  nextBatchSize: number,
  now: number,
): BackfillCheckpoint {
  if (batch.upperKey === null) return completeCheckpoint(checkpoint, now);
  return {
    ...checkpoint,
    lastKey: batch.upperKey,
    rowsDone: checkpoint.rowsDone + batch.rows,
    batches: checkpoint.batches + 1,
    checksum: addToChecksum(checkpoint.checksum, batch.hashSum),
    batchSize: nextBatchSize,
    updatedAt: now,
  };
}

/** The checkpoint once the key range is exhausted. */
export function completeCheckpoint(checkpoint: BackfillCheckpoint, now: number): BackfillCheckpoint {
  return { ...checkpoint, state: "completed", updatedAt: now, finishedAt: now };
}

/** The checkpoint with a new state (pause, cancel, resume), everything else kept. */
export function withBackfillState(
  checkpoint: BackfillCheckpoint,
  state: BackfillState,
  now: number,
): BackfillCheckpoint {
  return { ...checkpoint, state, updatedAt: now };
}

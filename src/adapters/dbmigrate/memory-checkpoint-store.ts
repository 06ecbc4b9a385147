import { ConflictError } from "../../core/errors/domain-error.js";
import type { BackfillCheckpoint } from "../../core/migrations/backfill-checkpoint.js";
import type { BackfillCheckpointStore } from "../../core/migrations/backfill-checkpoint-store.js";

/**
 * Checkpoints kept in memory, for backfills whose database is thrown away afterwards (the
 * scratch database of `migrate validate`): nothing there needs to survive the process.
 */
export class MemoryCheckpointStore implements BackfillCheckpointStore {
  private readonly checkpoints = new Map<string, BackfillCheckpoint>();

  async load(name: string): Promise<BackfillCheckpoint | undefined> {
    return this.checkpoints.get(name);
  }

  async save(next: BackfillCheckpoint, previousBatches: number | null): Promise<void> {
    const current = this.checkpoints.get(next.name);
    if ((current?.batches ?? null) !== previousBatches)
      throw new ConflictError(
        "backfill.checkpoint-moved",
        `checkpoint ${next.name} was moved by another runner`,
      );
    this.checkpoints.set(next.name, next);
  }
}

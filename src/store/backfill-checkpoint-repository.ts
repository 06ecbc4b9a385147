import { ConflictError } from "../core/errors/domain-error.js";
import type { BackfillCheckpoint, BackfillState } from "../core/migrations/backfill-checkpoint.js";
import type { BackfillCheckpointStore } from "../core/migrations/backfill-checkpoint-store.js";
import type { Database } from "./database.js";
import type { BackfillCheckpointTable } from "./schema.js";

/** Backfill checkpoints in the control-plane store (SQLite or PostgreSQL). */
export class BackfillCheckpointRepository implements BackfillCheckpointStore {
  constructor(private readonly database: Database) {}

  async load(name: string): Promise<BackfillCheckpoint | undefined> {
    const row = await this.database.db
      .selectFrom("backfill_checkpoints")
      .selectAll()
      .where("name", "=", name)
      .executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async list(): Promise<BackfillCheckpoint[]> {
    const rows = await this.database.db
      .selectFrom("backfill_checkpoints")
      .selectAll()
      .orderBy("name")
      .execute();
    return rows.map(fromRow);
  }

  /**
   * Inserts or advances a checkpoint. The update is guarded by the batch count the writer read
   * (optimistic concurrency), so two runners of the same backfill cannot both advance it.
   */
  async save(next: BackfillCheckpoint, previousBatches: number | null): Promise<void> {
    const row = toRow(next);
    if (previousBatches === null) {
      const inserted = await this.database.db
        .insertInto("backfill_checkpoints")
        .values(row)
        .onConflict((oc) => oc.column("name").doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return;
    } else {
      const updated = await this.database.db
        .updateTable("backfill_checkpoints")
        .set(row)
        .where("name", "=", next.name)
        .where("batches", "=", previousBatches)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) return;
    }
    throw new ConflictError(
      "backfill.checkpoint-moved",
      `backfill ${next.name}: its checkpoint was changed by another runner; is it running twice?`,
    );
  }

  /** Forgets a backfill's checkpoint, so that it starts again from the first key. */
  async remove(name: string): Promise<boolean> {
    const result = await this.database.db
      .deleteFrom("backfill_checkpoints")
      .where("name", "=", name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toRow(c: BackfillCheckpoint): BackfillCheckpointTable {
  return {
    name: c.name,
    fingerprint: c.fingerprint,
    target_table: c.table,
    state: c.state,
    last_key: c.lastKey,
    rows_done: c.rowsDone,
    batches: c.batches,
    checksum: c.checksum,
    batch_size: c.batchSize,
    started_at: c.startedAt,
    updated_at: c.updatedAt,
    finished_at: c.finishedAt,
  };
}

function fromRow(r: BackfillCheckpointTable): BackfillCheckpoint {
  return {
    name: r.name,
    fingerprint: r.fingerprint,
    table: r.target_table,
    state: r.state as BackfillState,
    lastKey: r.last_key,
    rowsDone: Number(r.rows_done),
    batches: Number(r.batches),
    checksum: r.checksum,
    batchSize: Number(r.batch_size),
    startedAt: Number(r.started_at),
    updatedAt: Number(r.updated_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  };
}

import type pg from "pg";
import { ConflictError } from "../../core/errors/domain-error.js";
import type { BackfillCheckpoint } from "../../core/migrations/backfill-checkpoint.js";
import type { BackfillCheckpointStore } from "../../core/migrations/backfill-checkpoint-store.js";
import type { BackfillProgress } from "../../core/migrations/backfill-progress.js";
import { type DeclaredBackfill, declaredBackfillSpec } from "../../core/migrations/declared-backfill.js";
import { formatReconciliation, type ReconciliationResult } from "../../core/migrations/reconciliation.js";
import { BackfillControl } from "./backfill-control.js";
import { installDualWrite } from "./dual-write.js";
import { reconcileBackfill } from "./reconcile.js";
import { runBackfill } from "./run-backfill.js";

export interface DeclaredBackfillOptions {
  /** The checkpoint's key: environment, service and file, so dev's checkpoint never ends prod's backfill. */
  readonly name: string;
  readonly store: BackfillCheckpointStore;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BackfillProgress, done: boolean) => void;
}

/** A backfill that was stopped (the step's lease was lost, the run aborted): resume it later. */
export class BackfillInterruptedError extends Error {
  constructor(name: string, checkpoint: BackfillCheckpoint) {
    super(`backfill ${name} stopped after key ${checkpoint.lastKey ?? "-"}; it resumes there`);
    this.name = "BackfillInterruptedError";
  }
}

/**
 * Runs a backfill declared in a migration file (resuming from its checkpoint), with its
 * dual-write trigger first when the file asks for one, then reconciles the column against the
 * expression in every key range. A mismatch is a ConflictError `backfill.mismatch` naming the ranges.
 */
export async function runDeclaredBackfill(
  client: pg.ClientBase,
  backfill: DeclaredBackfill,
  options: DeclaredBackfillOptions,
): Promise<{ readonly checkpoint: BackfillCheckpoint; readonly reconciliation: ReconciliationResult }> {
  const spec = declaredBackfillSpec(backfill, options.name);
  if (backfill.dualWrite) await installDualWrite(client, spec);
  let last = 0;
  const outcome = await runBackfill(client, spec, {
    store: options.store,
    ...(options.signal === undefined ? {} : { control: BackfillControl.fromAbortSignal(options.signal) }),
    onEvent: (event) => {
      if (event.kind !== "batch" && event.kind !== "completed") return;
      const done = event.kind === "completed";
      if (!done && performance.now() - last < 1000) return;
      last = performance.now();
      options.onProgress?.(event.progress, done);
    },
  });
  if (outcome.kind === "cancelled") throw new BackfillInterruptedError(spec.name, outcome.checkpoint);
  const reconciliation = await reconcileBackfill(client, spec);
  if (reconciliation.kind === "mismatch")
    throw new ConflictError(
      "backfill.mismatch",
      `backfill ${spec.name}: ${formatReconciliation(reconciliation).join("; ")}`,
      { details: reconciliation },
    );
  return { checkpoint: outcome.checkpoint, reconciliation };
}

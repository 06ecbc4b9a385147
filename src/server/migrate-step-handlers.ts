import { pgMigrationStepRunner } from "../adapters/dbmigrate/migration-step-runner.js";
import type { StepHandler } from "../core/run/step-handler.js";
import { migrateHandlers } from "../engine/handlers/migrate-handler.js";
import { BackfillCheckpointRepository } from "../store/backfill-checkpoint-repository.js";
import { appendStepProgressEvent } from "../store/step-progress-events.js";
import type { Store } from "../store/store.js";

/**
 * The `migrate-expand` and `migrate-contract` handlers wired to this store: documents for the
 * Service and Environment, backfill checkpoints and progress events in the control plane, and
 * migration directories relative to UPSHIFT_MIGRATIONS_ROOT (default: the working directory).
 */
export function migrateStepHandlers(
  store: Store,
  root = process.env.UPSHIFT_MIGRATIONS_ROOT ?? process.cwd(),
): StepHandler[] {
  return migrateHandlers({
    runner: pgMigrationStepRunner({
      documents: async () => (await store.documents.list()).map((s) => s.doc),
      checkpoints: new BackfillCheckpointRepository(store.database),
      root,
    }),
    events: (fence, event) => appendStepProgressEvent(store.database, fence, event),
  });
}

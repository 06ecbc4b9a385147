import type { PlanArchive } from "../../core/planner/release-plan.js";
import type { StepContext, StepHandler, StepOutcome } from "../../core/run/step-handler.js";
import type { StepProgressSink } from "../step-progress-sink.js";
import type { MigrationStepProgress, MigrationStepRunner } from "./migration-step-port.js";

export type { StepProgressSink };

export interface MigrateHandlerDeps {
  readonly runner: MigrationStepRunner;
  readonly events?: StepProgressSink;
}

function describe(progress: MigrationStepProgress): string {
  switch (progress.kind) {
    case "file-applied":
      return `applied ${progress.file} in ${progress.ms} ms`;
    case "backfill": {
      const pct = progress.rowsTotal > 0 ? Math.floor((100 * progress.rowsDone) / progress.rowsTotal) : 100;
      const eta = progress.etaSeconds === null ? "?" : `${progress.etaSeconds}s`;
      return `backfill ${progress.name}: ${pct}% ${progress.rowsDone}/${progress.rowsTotal} rows, ${progress.rowsPerSecond} rows/s, ETA ${eta}`;
    }
    case "reconciled":
      return `reconciled ${progress.name}: ${progress.rows} rows in ${progress.chunks} key ranges match`;
    case "archived":
      return `archived ${progress.table} to ${progress.archiveTable} (${progress.rows} rows)`;
    case "lock-retry":
      return `${progress.file}:${progress.line} lock timeout, retrying: ${progress.message}`;
    default:
      return progress satisfies never;
  }
}

function inputMigrations(input: Record<string, unknown>): string[] | undefined {
  const raw = input.migrations;
  return Array.isArray(raw) && raw.every((m) => typeof m === "string") ? raw : undefined;
}

/**
 * `migrate-expand` and `migrate-contract`: apply the step's migrations (and the backfills of its
 * migrate files) to the environment's database. Level-triggered: the target's history table and
 * the backfill checkpoints say what is done, so a rerun after a crash or a takeover skips applied
 * files and resumes a backfill at its checkpoint. Progress (files, rows/s and ETA, reconciliation,
 * archives) goes to the run's events and the step's output. Drift, lint findings, a failed
 * reconciliation or a missing database parameter fail the step with a message and are not retried.
 */
export function migrateHandlers(deps: MigrateHandlerDeps): StepHandler[] {
  return (["expand", "contract"] as const).map((phase) => ({
    kind: `migrate-${phase}`,
    // Expand is backward compatible and contract runs after the rollback window: neither is undone.
    revertible: false,
    async reconcile(ctx: StepContext): Promise<StepOutcome> {
      if (ctx.direction === "rollback")
        return {
          kind: "succeeded",
          message: `${phase} migrations are not reverted (backward compatible by design)`,
        };
      const migrations = inputMigrations(ctx.input);
      if (migrations === undefined || ctx.service === null)
        return {
          kind: "failed",
          retryable: false,
          message: `migrate-${phase} needs a service and input.migrations (names such as "V7__add_status"); got ${JSON.stringify(ctx.input.migrations)}`,
        };
      let writes: Promise<unknown> = Promise.resolve();
      let writeError: unknown;
      const result = await deps.runner.run({
        runId: ctx.runId,
        service: ctx.service,
        environment: ctx.environment,
        phase,
        migrations,
        archive: Array.isArray(ctx.input.archive) ? (ctx.input.archive as PlanArchive[]) : [],
        signal: ctx.abort,
        onProgress: (progress) => {
          const message = describe(progress);
          ctx.log(message);
          const at = ctx.now().getTime();
          writes = writes
            .then(async () => {
              await deps.events?.(ctx.fence, {
                runId: ctx.runId,
                stepKey: ctx.key,
                at,
                type: `migration.${progress.kind}`,
                data: { ...progress, message },
              });
              if (progress.kind === "backfill") await ctx.checkpoint({ ...ctx.output, progress });
            })
            .catch((error: unknown) => {
              writeError ??= error;
            });
        },
      });
      await writes;
      if (writeError !== undefined) throw writeError;
      switch (result.kind) {
        case "done":
          return {
            kind: "succeeded",
            output: { ...result },
            message: `${phase}: applied ${result.applied.length} migration(s)${result.alreadyApplied.length > 0 ? `, ${result.alreadyApplied.length} already applied` : ""}${result.backfills.length > 0 ? `, ${result.backfills.length} backfill(s) reconciled` : ""}${result.archived.length > 0 ? `, archived ${result.archived.map((a) => a.table).join(", ")}` : ""}`,
          };
        case "blocked":
          return { kind: "failed", retryable: false, message: `${result.reason}: ${result.message}` };
        default:
          return result satisfies never;
      }
    },
  }));
}

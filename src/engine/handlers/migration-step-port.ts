import type { PlanArchive } from "../../core/planner/release-plan.js";

/** What a migrate step asks of its target database: apply these migrations of one phase. */
export interface MigrationStepRequest {
  readonly runId: string;
  readonly service: string;
  readonly environment: string;
  readonly phase: "expand" | "contract";
  /** Migration names (`V7__add_status`) in the order the release lists them. */
  readonly migrations: readonly string[];
  /** Archive steps the plan requires before the contract (the runner also checks retention itself). */
  readonly archive: readonly PlanArchive[];
  readonly signal: AbortSignal;
  /** Progress while the step runs; at most about one per second per backfill. */
  onProgress(progress: MigrationStepProgress): void;
}

/** Progress a migrate step reports to its run. */
export type MigrationStepProgress =
  | { readonly kind: "file-applied"; readonly file: string; readonly ms: number }
  | {
      readonly kind: "backfill";
      readonly file: string;
      readonly name: string;
      readonly rowsDone: number;
      readonly rowsTotal: number;
      readonly rowsPerSecond: number;
      readonly etaSeconds: number | null;
      readonly done: boolean;
    }
  | { readonly kind: "reconciled"; readonly name: string; readonly rows: number; readonly chunks: number }
  | {
      readonly kind: "archived";
      readonly table: string;
      readonly archiveTable: string;
      readonly rows: number;
    }
  | { readonly kind: "lock-retry"; readonly file: string; readonly line: number; readonly message: string };

/** How a migrate step ended: done, or stopped for a reason a person must act on (never retried). */
export type MigrationStepResult =
  | {
      readonly kind: "done";
      readonly applied: readonly string[];
      /** Named by the step but already in the target's history (a rerun after a crash). */
      readonly alreadyApplied: readonly string[];
      readonly backfills: readonly {
        readonly name: string;
        readonly rows: number;
        readonly checksum: string;
      }[];
      readonly archived: readonly {
        readonly table: string;
        readonly archiveTable: string;
        readonly rows: number;
      }[];
    }
  | {
      readonly kind: "blocked";
      readonly reason: "drift" | "lint" | "configuration" | "reconciliation" | "archive";
      readonly message: string;
    };

/** The port the migrate handlers use; `src/adapters/dbmigrate` implements it against PostgreSQL. */
export interface MigrationStepRunner {
  run(request: MigrationStepRequest): Promise<MigrationStepResult>;
}

/**
 * The plan of a release: the stable JSON shape of `upshift plan --output json` and
 * `POST /v1/plans` (issue 3). Field names and nesting are a public contract; add, never rename.
 */

/** One step of a wave. Steps of a wave run in the order listed, per service. */
export type PlanStep =
  | { readonly kind: "migrate-expand"; readonly service: string; readonly migrations: readonly string[] }
  | { readonly kind: "rollout"; readonly service: string; readonly from: string; readonly to: string }
  | { readonly kind: "verify"; readonly service: string }
  | {
      readonly kind: "migrate-contract";
      readonly service: string;
      readonly migrations: readonly string[];
      /** Tables under a retention rule that the contract drops or moves: archived first (absent when none). */
      readonly archive?: readonly PlanArchive[];
    };

/** A table a contract removes that a retention rule covers: copied to an archive schema first, kept readable. */
export interface PlanArchive {
  readonly migration: string;
  /** `schema.table` as the contract finds it. */
  readonly table: string;
  readonly how: "drop" | "rename" | "set-schema";
  /** Where the rows are copied before the contract runs (`archive.audit_log`). */
  readonly archiveTable: string;
  /** The read-only view left in the table's place once the contract has removed it. */
  readonly view: string;
  /** The retention rule's period, as written (`7y`). */
  readonly retention: string;
}

export type PlanStepKind = PlanStep["kind"];

export interface PlanWave {
  readonly index: number;
  readonly steps: readonly PlanStep[];
  /** Estimated time from the start of the wave until it is verified. */
  readonly estimateSeconds: number;
  /** Estimated time to return to the state before the wave, from its end. */
  readonly backoutSeconds: number;
}

export interface EnvironmentPlan {
  readonly name: string;
  /** Empty when the environment has no valid order (see `conflicts` and `cycles`). */
  readonly waves: readonly PlanWave[];
}

/** A requirement that takes part in a conflict: `consumer` needs `api` in `range` from `provider`. */
export interface PlanRequirement {
  readonly consumer: string;
  readonly api: string;
  readonly range: string;
  /** The provider that fails the range; null when no service provides the API at all. */
  readonly provider: string | null;
  /** The versions of `api` that `provider` offers in the failing state (empty: none). */
  readonly provides: readonly string[];
}

/** The smallest set of services and requirements that cannot be satisfied together. */
export interface PlanConflict {
  readonly services: readonly string[];
  readonly requirements: readonly PlanRequirement[];
  readonly message: string;
  readonly suggestions: readonly string[];
}

export interface PlanEstimate {
  readonly durationSeconds: number;
  readonly backoutSeconds: number;
}

export interface ReleasePlan {
  readonly release: string;
  readonly feasible: boolean;
  readonly environments: readonly EnvironmentPlan[];
  readonly conflicts: readonly PlanConflict[];
  /** dependsOn cycles among the services a release changes, each as a closed path `[a, b, a]`. */
  readonly cycles: readonly (readonly string[])[];
  readonly estimate: PlanEstimate;
  /**
   * Why the release's migrations stop the plan (a breaking statement in an expand migration, a
   * missing file...), present when the migration sets were linted as plan input.
   */
  readonly migrationProblems?: readonly PlanMigrationProblem[];
}

/** One reason a release's migration cannot run as planned, located in its file. */
export interface PlanMigrationProblem {
  readonly service: string;
  readonly migration: string;
  /** The lint rule id, or `migration-missing`, `phase-mismatch`, `migration-set-invalid`. */
  readonly ruleId: string;
  /** `<migration directory>/<file>`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

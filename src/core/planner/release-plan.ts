/**
 * The plan of a release: the stable JSON shape of `upshift plan --output json` and
 * `POST /v1/plans` (issue 3). Field names and nesting are a public contract; add, never rename.
 */

/** One step of a wave. Steps of a wave run in the order listed, per service. */
export type PlanStep =
  | { readonly kind: "migrate-expand"; readonly service: string; readonly migrations: readonly string[] }
  | { readonly kind: "rollout"; readonly service: string; readonly from: string; readonly to: string }
  | { readonly kind: "verify"; readonly service: string }
  | { readonly kind: "migrate-contract"; readonly service: string; readonly migrations: readonly string[] };

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
}

import type { ChangeType } from "../change-state.js";

/** A service of the fleet as the blast radius sees it: its tier and what it depends on. */
export interface FleetService {
  readonly name: string;
  readonly tier: number | undefined;
  readonly dependsOn: readonly string[];
}

/** One past change of a service, as its change record closed. */
export interface PastChange {
  readonly service: string;
  readonly outcome: "successful" | "successful-with-issues" | "unsuccessful";
  /** Priorities (1–3) of incidents the change caused. */
  readonly incidents: readonly (1 | 2 | 3)[];
}

/** A migration flagged by the migration linter (or, without its files, by its contract phase). */
export interface MigrationHazard {
  readonly service: string;
  readonly migration: string;
  readonly kind: "destructive" | "locking";
  readonly detail: string;
  /** The linter rule that flagged it, when the migration files were linted. */
  readonly rule?: string;
  /** Where: `<migration directory>/<file>:<line>`, when the files were linted. */
  readonly file?: string;
}

/** An instant range in epoch milliseconds, start inclusive, end exclusive. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Everything risk is computed from; each fact is gathered elsewhere (planner, linter, store, calendar). */
export interface RiskFacts {
  readonly type: ChangeType;
  /** Services the change deploys. */
  readonly services: readonly string[];
  readonly fleet: readonly FleetService[];
  readonly waves: number;
  readonly migrationHazards: readonly MigrationHazard[];
  /** Past changes of the services in scope (the store keeps a rolling window). */
  readonly history: readonly PastChange[];
  /** When the assessment is made, epoch ms. */
  readonly assessedAt: number;
  readonly window: Interval | undefined;
  /** Freeze windows near the change window, expanded by the calendar. */
  readonly freezes: readonly (Interval & { readonly name: string })[];
  readonly coverageGaps: readonly { readonly service: string; readonly description: string }[];
}

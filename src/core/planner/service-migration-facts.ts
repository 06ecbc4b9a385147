import type { MigrationLint } from "../migrations/lint-finding.js";
import type { RemovedTable } from "../migrations/removed-tables.js";

/** One file of a service's migration set as the planner sees it: its lint verdict and what it removes. */
export interface MigrationFileFacts {
  /** The name a Release uses: the file name without `.sql` (`V7__add_status`). */
  readonly name: string;
  readonly fileName: string;
  readonly lint: MigrationLint;
  readonly removedTables: readonly RemovedTable[];
}

/**
 * A changed service's migration set, read and linted outside the core (the planner stays pure):
 * the adapter that builds the plan input reads `spec.migrations.path` and lints it.
 */
export interface ServiceMigrationFacts {
  readonly service: string;
  /** The directory as the Service names it, for messages. */
  readonly directory: string;
  readonly files: readonly MigrationFileFacts[];
  /** Problems of the set as a whole that block every run (bad file names, duplicate versions). */
  readonly problems: readonly string[];
}

import type { LintFinding } from "./lint-finding.js";
import { lintMigrationSet } from "./lint-migration-set.js";
import { type AppliedMigration, compareWithHistory, type MigrationSetStatus } from "./migration-history.js";
import type { MigrationPhase } from "./migration-phase.js";
import type { MigrationFile, MigrationSet } from "./migration-set.js";

/** One pending migration as `upshift migrate plan` shows it. */
export interface PlannedMigration {
  readonly file: MigrationFile;
  readonly phase: MigrationPhase;
  readonly findings: readonly LintFinding[];
}

/** What `migrate apply` would do, and whether it may. */
export interface MigrationPlan {
  readonly status: MigrationSetStatus;
  readonly pending: readonly PlannedMigration[];
  /** Drift, a broken set, or a blocking lint finding in a pending file. */
  readonly blocked: boolean;
  readonly blockReasons: readonly string[];
}

/**
 * The pending migrations with their phase and lint findings (the executor sets lock_timeout and
 * statement_timeout before every statement, so the linter is told). The whole set is linted, in
 * order, so later files know the column types earlier ones created. Needs `loadSqlParser()`.
 */
export function planMigrations(
  set: MigrationSet,
  history: readonly AppliedMigration[],
  postgresMajor = 17,
): MigrationPlan {
  const status = compareWithHistory(set, history);
  const lints = lintMigrationSet(set, {
    postgresMajor,
    presetTimeouts: ["lock_timeout", "statement_timeout"],
  });
  const byFile = new Map(lints.map((l) => [l.file, l]));
  const pending = status.pending.map((file) => {
    const lint = byFile.get(file.fileName);
    return {
      file,
      phase: lint?.phase ?? "expand",
      findings: lint?.findings ?? [],
    } satisfies PlannedMigration;
  });
  const lintReasons = pending.flatMap((p) =>
    p.findings
      .filter((f) => f.blocking)
      .map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`),
  );
  const blockReasons = [...status.blockReasons, ...lintReasons];
  return { status, pending, blocked: blockReasons.length > 0, blockReasons };
}

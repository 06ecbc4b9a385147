import { DEFAULT_LINT_OPTIONS, type LintOptions } from "./lint-check.js";
import type { LintFinding, MigrationLint } from "./lint-finding.js";
import { lintMigration } from "./lint-migration.js";
import type { SchemaCatalog } from "./lint-state.js";
import type { MigrationSet } from "./migration-set.js";

/**
 * Lints every file of a set in apply order, carrying the column types each file creates into the
 * next, so that V7's `ALTER COLUMN ... TYPE text` knows V1 made the column varchar(40).
 */
export function lintMigrationSet(
  set: MigrationSet,
  options: LintOptions = DEFAULT_LINT_OPTIONS,
): MigrationLint[] {
  let catalog: SchemaCatalog = new Map();
  const lints: MigrationLint[] = [];
  for (const file of [...set.versioned, ...set.repeatable]) {
    const outcome = lintMigration(file.fileName, file.text, options, catalog);
    lints.push(outcome.lint);
    catalog = outcome.catalog;
  }
  return lints;
}

/**
 * The findings that make an expand migration break clients still on the old version (drops,
 * renames, type changes, SET NOT NULL...). The planner fails the plan with them: they belong in
 * a contract migration, after every consumer has moved. Acknowledgements do not remove them.
 */
export function breakingInExpand(lint: MigrationLint): LintFinding[] {
  if (lint.phase !== "expand") return [];
  return lint.findings.filter((finding) => !finding.allowedPhases.includes("expand"));
}

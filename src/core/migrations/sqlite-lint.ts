import type { MigrationLint } from "./lint-finding.js";

/**
 * The lint rules that hold for a SQLite target (the embedded demo). SQLite has one writer and
 * no lock_timeout, CONCURRENTLY, NOT VALID or ALTER COLUMN, and its INTEGER is 64-bit, so the
 * PostgreSQL locking and typing rules say nothing about it. What still matters: changes that
 * break the old application version (drops, renames: the phase rules), ADD COLUMN forms SQLite
 * itself refuses (NOT NULL without a default, a non-constant default), and transaction control
 * (each file runs in the executor's own transaction), plus acknowledgement and header hygiene.
 * Idempotence is moot: a file and its history row commit together, so no file is half-applied
 * (and SQLite has no ADD COLUMN IF NOT EXISTS to offer).
 */
export const SQLITE_LINT_RULES: ReadonlySet<string> = new Set([
  "add-not-null-column-without-default",
  "volatile-default",
  "rename-column",
  "rename-table",
  "drop-column",
  "drop-table",
  "transaction-nesting",
  "transaction-unterminated",
  "ack-missing-reason",
  "ack-unknown-rule",
  "ack-unused",
  "phase-header-invalid",
]);

/**
 * A PostgreSQL lint verdict narrowed to the rules that hold for SQLite. A file the PostgreSQL
 * parser cannot read (SQLite dialect such as AUTOINCREMENT) keeps no findings: SQLite's own
 * parser is the judge when it is applied.
 */
export function lintForSqlite(lint: MigrationLint): MigrationLint {
  const findings = lint.findings.filter((f) => SQLITE_LINT_RULES.has(f.ruleId));
  return { ...lint, findings, blocking: findings.some((f) => f.blocking) };
}

import type { LintRule } from "./lint-rule.js";

const ALL = ["expand", "migrate", "contract"] as const;
const CONTRACT = ["contract"] as const;
const NONE = [] as const;

/**
 * Every rule of the linter. Lock names and behaviour follow the PostgreSQL manual, "Explicit
 * Locking" (13.3) and ALTER TABLE "Notes"; the catalogue of hazards follows squawk's rules
 * (squawk.dev/rules) and strong_migrations, extended with phase compatibility.
 */
export const LINT_RULES = [
  {
    id: "add-not-null-column-without-default",
    severity: "error",
    title: "Adding a NOT NULL column without a default",
    why: "Fails outright on a table that has rows; where it succeeds, every INSERT of the running application version (which does not know the column) fails.",
    safePattern:
      "Add the column nullable (or with a constant DEFAULT), backfill it in the migrate phase, then enforce NOT NULL through a NOT VALID CHECK in contract.",
    allowedPhases: NONE,
  },
  {
    id: "volatile-default",
    severity: "error",
    title: "Adding a column whose default rewrites the table",
    why: "A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval()) is evaluated per row, so PostgreSQL rewrites the whole table under ACCESS EXCLUSIVE: no reads or writes until it ends. Before PostgreSQL 11 any non-null default rewrites; from 11 a constant or stable default (now(), CURRENT_TIMESTAMP) is stored in the catalogue without a rewrite.",
    safePattern:
      "Add the column without a default (or with a constant), SET DEFAULT for new rows in a separate statement, and backfill existing rows in batches.",
    allowedPhases: ALL,
  },
  {
    id: "set-not-null",
    severity: "error",
    title: "SET NOT NULL on an existing column",
    why: "Scans the whole table under ACCESS EXCLUSIVE to check for nulls, blocking every query; old application versions that still write NULL start failing.",
    safePattern:
      "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (SHARE UPDATE EXCLUSIVE, writes continue); then, on PostgreSQL 12+, SET NOT NULL uses the valid check and skips the scan; drop the check after.",
    allowedPhases: CONTRACT,
  },
  {
    id: "constraint-without-not-valid",
    severity: "error",
    title: "Foreign key or CHECK constraint validated while it is added",
    why: "Validation scans the table while holding the lock taken to add it: SHARE ROW EXCLUSIVE on both tables for a foreign key (writes blocked), ACCESS EXCLUSIVE for a CHECK (everything blocked).",
    safePattern:
      "ADD CONSTRAINT ... NOT VALID (brief lock, new rows checked), then ALTER TABLE ... VALIDATE CONSTRAINT in a later statement (SHARE UPDATE EXCLUSIVE: reads and writes continue).",
    allowedPhases: ALL,
  },
  {
    id: "change-column-type",
    severity: "error",
    title: "Changing a column's type (not binary-coercible)",
    why: "Rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE; clients that read or bind the old type break. Only binary-coercible changes (varchar(n) to varchar(m>n) or text, numeric(p,s) to numeric(q>p,s), cidr to inet) avoid the rewrite.",
    safePattern:
      "Add a new column of the new type, dual-write with a trigger, backfill in batches, switch reads, and drop the old column in contract.",
    allowedPhases: CONTRACT,
  },
  {
    id: "rename-column",
    severity: "error",
    title: "Renaming a column",
    why: "Takes ACCESS EXCLUSIVE briefly, but every running client that names the old column fails at once; no order of deploys makes a bare rename safe.",
    safePattern:
      "Add the new column, dual-write, backfill, move readers, then drop the old column in contract (or expose the new name through a view).",
    allowedPhases: NONE,
  },
  {
    id: "rename-table",
    severity: "error",
    title: "Renaming a table",
    why: "Every running client that names the old table fails at once.",
    safePattern:
      "Rename and create a view with the old name in the same transaction, move clients, drop the view in contract.",
    allowedPhases: NONE,
  },
  {
    id: "drop-column",
    severity: "warning",
    title: "Dropping a column",
    why: "Old application versions that select or write the column fail; the data is gone (the drop itself is quick, ACCESS EXCLUSIVE without a rewrite).",
    safePattern:
      "Only in a contract migration, after every consumer stopped using the column and the rollback window has passed.",
    allowedPhases: CONTRACT,
  },
  {
    id: "drop-table",
    severity: "warning",
    title: "Dropping a table",
    why: "Old application versions that use the table fail; the data is gone.",
    safePattern: "Only in a contract migration; archive the table first when a retention rule covers it.",
    allowedPhases: CONTRACT,
  },
  {
    id: "drop-database",
    severity: "error",
    title: "Dropping a database",
    why: "Destroys every table of every service in it; it has no place in a service migration.",
    safePattern: "Do it by hand, outside migrations, after a backup.",
    allowedPhases: NONE,
  },
  {
    id: "create-index-non-concurrently",
    severity: "error",
    title: "CREATE INDEX without CONCURRENTLY",
    why: "Holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits, for minutes on a large table.",
    safePattern:
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS, outside a transaction block; drop the index if the build leaves it INVALID.",
    allowedPhases: ALL,
  },
  {
    id: "drop-index-non-concurrently",
    severity: "error",
    title: "DROP INDEX without CONCURRENTLY",
    why: "Takes ACCESS EXCLUSIVE on the index's table; while it waits behind a long query, every new query on the table queues behind it.",
    safePattern: "DROP INDEX CONCURRENTLY IF EXISTS, outside a transaction block.",
    allowedPhases: ALL,
  },
  {
    id: "reindex-non-concurrently",
    severity: "error",
    title: "REINDEX without CONCURRENTLY",
    why: "Blocks writes to the table (and reads that use the index, ACCESS EXCLUSIVE on it) for the whole rebuild.",
    safePattern: "REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction block.",
    allowedPhases: ALL,
  },
  {
    id: "concurrently-in-transaction",
    severity: "error",
    title: "CONCURRENTLY inside a transaction block",
    why: 'PostgreSQL refuses it ("cannot run inside a transaction block"), so the migration fails halfway; tools that wrap files in a transaction hang or fail here.',
    safePattern: "Put concurrent statements outside BEGIN ... COMMIT, ideally in a file of their own.",
    allowedPhases: ALL,
  },
  {
    id: "add-unique-constraint",
    severity: "error",
    title: "Adding a UNIQUE, PRIMARY KEY or EXCLUDE constraint directly",
    why: "Builds the index under ACCESS EXCLUSIVE: no reads or writes for the whole build.",
    safePattern:
      "CREATE UNIQUE INDEX CONCURRENTLY idx ...; then ALTER TABLE ... ADD CONSTRAINT c UNIQUE USING INDEX idx (or PRIMARY KEY USING INDEX), which is instant. For a primary key, make the columns NOT NULL first: otherwise PRIMARY KEY USING INDEX sets it itself, scanning under ACCESS EXCLUSIVE.",
    allowedPhases: ALL,
  },
  {
    id: "add-serial-column",
    severity: "error",
    title: "Adding a serial or identity column (such as a new primary key) to an existing table",
    why: "Each existing row needs a sequence value, so the table is rewritten under ACCESS EXCLUSIVE; a primary key on it also builds its index under that lock.",
    safePattern:
      "Add a nullable bigint column, attach a sequence default for new rows, backfill in batches, enforce NOT NULL through a validated CHECK, build a unique index concurrently, then ADD PRIMARY KEY USING INDEX.",
    allowedPhases: ALL,
  },
  {
    id: "require-lock-timeout",
    severity: "warning",
    title: "Locking statement without a lock_timeout",
    why: "A statement that waits for a lock (behind one long transaction) blocks every query that arrives after it; without lock_timeout the queue grows until the application times out.",
    safePattern:
      "SET lock_timeout = '2s'; at the top of the file, and retry the migration when it times out.",
    allowedPhases: ALL,
  },
  {
    id: "require-statement-timeout",
    severity: "warning",
    title: "Blocking statement without a statement_timeout",
    why: "Once it holds its lock, nothing bounds how long the statement blocks other clients.",
    safePattern:
      "SET statement_timeout = '5s'; before blocking statements (not before CONCURRENTLY builds, which may rightly take long).",
    allowedPhases: ALL,
  },
  {
    id: "non-idempotent-statement",
    severity: "warning",
    title: "Statement that fails when retried (no IF [NOT] EXISTS)",
    why: "Outside a transaction block each statement commits on its own; when the file is retried after a failure, statements that already ran fail and block the retry.",
    safePattern:
      "Use CREATE ... IF NOT EXISTS, DROP ... IF EXISTS, ADD COLUMN IF NOT EXISTS, CREATE OR REPLACE, or wrap the file in BEGIN ... COMMIT.",
    allowedPhases: ALL,
  },
  {
    id: "prefer-bigint-keys",
    severity: "warning",
    title: "int or smallint key column",
    why: "A 32-bit key runs out at 2,147,483,647; widening it later is a full table rewrite under ACCESS EXCLUSIVE, on every referencing table too.",
    safePattern: "Use bigint (or bigserial / bigint GENERATED ... AS IDENTITY) for primary and foreign keys.",
    allowedPhases: ALL,
  },
  {
    id: "prefer-timestamptz",
    severity: "warning",
    title: "timestamp without time zone",
    why: "Stores wall-clock time without an offset: values shift or collide across DST changes and between servers in different zones; converting later rewrites the table.",
    safePattern: "Use timestamptz (timestamp with time zone).",
    allowedPhases: ALL,
  },
  {
    id: "prefer-text-over-char",
    severity: "warning",
    title: "char(n)",
    why: "Pads with spaces, compares surprisingly, and is no faster than text; changing it later rewrites the table.",
    safePattern: "Use text (with a CHECK on length if needed) or varchar(n).",
    allowedPhases: ALL,
  },
  {
    id: "truncate-cascade",
    severity: "error",
    title: "TRUNCATE ... CASCADE",
    why: "Takes ACCESS EXCLUSIVE and silently empties every table that references the truncated ones, including tables of other services.",
    safePattern: "Name every table to truncate explicitly, or delete in batches.",
    allowedPhases: CONTRACT,
  },
  {
    id: "transaction-nesting",
    severity: "error",
    title: "Nested BEGIN or COMMIT without BEGIN",
    why: "PostgreSQL has no nested transactions: an inner BEGIN only warns and the inner COMMIT commits everything, so the statements after it run outside the transaction the author intended.",
    safePattern: "One BEGIN ... COMMIT per block; use SAVEPOINT for nested rollback points.",
    allowedPhases: ALL,
  },
  {
    id: "transaction-unterminated",
    severity: "error",
    title: "BEGIN without COMMIT or ROLLBACK",
    why: "The file ends inside a transaction: its locks stay held until the session ends, and the work is rolled back silently when it does.",
    safePattern: "End every BEGIN with COMMIT in the same file.",
    allowedPhases: ALL,
  },
  {
    id: "ack-missing-reason",
    severity: "error",
    title: "Acknowledgement without a reason",
    why: "An acknowledgement tells reviewers why a hazard is acceptable; without a reason it silences the linter and explains nothing.",
    safePattern: "-- upshift-lint-ack: <rule-id> <why this is safe here>",
    allowedPhases: ALL,
  },
  {
    id: "ack-unknown-rule",
    severity: "error",
    title: "Acknowledgement of a rule that does not exist",
    why: "A misspelt rule id silences nothing; the hazard it meant to accept is still reported, or the rule was renamed.",
    safePattern: "Use one of the rule ids listed in docs/migrations.md.",
    allowedPhases: ALL,
  },
  {
    id: "ack-unused",
    severity: "warning",
    title: "Acknowledgement that matches no finding",
    why: "The statement below it does not trigger the rule, so the comment is stale or misplaced.",
    safePattern: "Put the acknowledgement on the line just above the statement it concerns, or remove it.",
    allowedPhases: ALL,
  },
  {
    id: "phase-header-invalid",
    severity: "error",
    title: "Phase header naming no phase",
    why: "The planner orders migrations by phase; a misspelt phase would silently fall back to inference.",
    safePattern: "-- upshift: phase=expand (or migrate, or contract) among the first comment lines.",
    allowedPhases: ALL,
  },
  {
    id: "syntax-error",
    severity: "error",
    title: "SQL that PostgreSQL cannot parse",
    why: "The migration would fail when run.",
    safePattern: "Fix the statement; the position is that of the statement that fails.",
    allowedPhases: ALL,
  },
] as const satisfies readonly LintRule[];

/** Identifier of one of the linter's rules. */
export type LintRuleId = (typeof LINT_RULES)[number]["id"];

const BY_ID = new Map<string, LintRule>(LINT_RULES.map((rule) => [rule.id, rule]));

/** The rule with this id, or undefined for an unknown id. */
export function findLintRule(id: string): LintRule | undefined {
  return BY_ID.get(id);
}

/** The rule with this (known) id. */
export function lintRule(id: LintRuleId): LintRule {
  return BY_ID.get(id) as LintRule;
}

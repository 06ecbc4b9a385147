import type SQLite from "better-sqlite3";
import { ConflictError, InputError } from "../../../core/errors/domain-error.js";
import type { MigrationLint } from "../../../core/migrations/lint-finding.js";
import { lintMigrationSet } from "../../../core/migrations/lint-migration-set.js";
import type { AppliedMigration } from "../../../core/migrations/migration-history.js";
import { compareWithHistory, type MigrationSetStatus } from "../../../core/migrations/migration-history.js";
import type { MigrationPhase } from "../../../core/migrations/migration-phase.js";
import type { MigrationSet } from "../../../core/migrations/migration-set.js";
import { loadSqlParser } from "../../../core/migrations/sql-statements.js";
import { lintForSqlite } from "../../../core/migrations/sqlite-lint.js";

const HISTORY = "upshift_schema_history";

/** The applied history of a SQLite target, in apply order; empty before the first apply. */
export function readSqliteHistory(db: SQLite.Database): AppliedMigration[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(HISTORY);
  if (exists === undefined) return [];
  return (
    db.prepare(`SELECT version, name, checksum FROM ${HISTORY} ORDER BY installed_rank`).all() as {
      version: number | null;
      name: string;
      checksum: string;
    }[]
  ).map((r) => ({ version: r.version, name: r.name, checksum: r.checksum }));
}

export interface SqliteApplyResult {
  readonly applied: readonly {
    readonly fileName: string;
    readonly phase: MigrationPhase;
    readonly ms: number;
  }[];
  readonly status: MigrationSetStatus;
}

/** The set's lint verdicts narrowed to the rules that hold for SQLite. Needs nothing loaded first. */
export async function lintSqliteSet(set: MigrationSet): Promise<MigrationLint[]> {
  await loadSqlParser();
  return lintMigrationSet(set, { postgresMajor: 17 }).map(lintForSqlite);
}

/**
 * Applies a migration set to a SQLite database (the embedded demo): the same files, history
 * and checksums as on PostgreSQL, drift blocks the same way. SQLite's DDL is transactional, so
 * each file runs with its history row in one IMMEDIATE transaction: a crash leaves a file either
 * wholly applied and recorded or not at all. Only the lint rules that hold for SQLite gate it.
 */
export async function applySqliteMigrations(
  db: SQLite.Database,
  set: MigrationSet,
  options: { readonly lintGate?: boolean; readonly now?: () => Date } = {},
): Promise<SqliteApplyResult> {
  db.exec(`CREATE TABLE IF NOT EXISTS ${HISTORY} (
    installed_rank INTEGER PRIMARY KEY AUTOINCREMENT,
    version INTEGER,
    name TEXT NOT NULL,
    file_name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    phase TEXT NOT NULL,
    execution_ms INTEGER NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const status = compareWithHistory(set, readSqliteHistory(db));
  if (status.blocked)
    throw new ConflictError("migration.drift", `migrations blocked: ${status.blockReasons.join("; ")}`, {
      details: status.blockReasons,
    });
  const lints = new Map((await lintSqliteSet(set)).map((l) => [l.file, l]));
  const pending = status.pending.map((file) => ({ file, lint: lints.get(file.fileName) }));
  const blocking = pending.flatMap((p) =>
    (p.lint?.findings ?? [])
      .filter((f) => f.blocking)
      .map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`),
  );
  if (blocking.length > 0 && options.lintGate !== false)
    throw new InputError(
      "migration.lint-blocked",
      `pending migrations have blocking lint findings: ${blocking.join("; ")}`,
      {
        details: blocking,
      },
    );
  const record = db.prepare(
    `INSERT INTO ${HISTORY} (version, name, file_name, checksum, phase, execution_ms, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const applied: { fileName: string; phase: MigrationPhase; ms: number }[] = [];
  for (const { file, lint } of pending) {
    const phase = lint?.phase ?? "expand";
    const started = performance.now();
    const run = db.transaction(() => {
      db.exec(file.text);
      const ms = Math.round(performance.now() - started);
      record.run(
        file.kind === "versioned" ? file.version : null,
        file.name,
        file.fileName,
        file.checksum,
        phase,
        ms,
        (options.now?.() ?? new Date()).toISOString(),
      );
      return ms;
    });
    try {
      applied.push({ fileName: file.fileName, phase, ms: run.immediate() });
    } catch (error) {
      throw new InputError("migration.failed", `${file.fileName}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return { applied, status };
}

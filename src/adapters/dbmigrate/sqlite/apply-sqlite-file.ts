import SQLite from "better-sqlite3";
import type { MigrationSet } from "../../../core/migrations/migration-set.js";
import { applySqliteMigrations } from "./apply-sqlite-migrations.js";

/** `upshift migrate apply --database-url sqlite:<file>`: opens the file (created if absent), applies, closes. */
export async function applySqliteFile(path: string, set: MigrationSet, lintGate = true) {
  const db = new SQLite(path);
  try {
    return (await applySqliteMigrations(db, set, { lintGate })).applied;
  } finally {
    db.close();
  }
}

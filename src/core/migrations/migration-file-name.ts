/**
 * What a migration's file name says: `V<n>__<name>.sql` is versioned (applied once, in version
 * order), `R__<name>.sql` is repeatable (re-applied whenever it changes, after the versioned
 * ones). Flyway's naming convention (documentation, "Migrations: Naming").
 */
export type MigrationFileName =
  | { readonly kind: "versioned"; readonly version: number; readonly name: string }
  | { readonly kind: "repeatable"; readonly name: string }
  | { readonly kind: "not-sql" }
  | { readonly kind: "invalid"; readonly reason: string };

const VERSIONED = /^V(\d+)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;

/** Classifies a file name (a path is allowed: only its last segment counts). */
export function parseMigrationFileName(fileName: string): MigrationFileName {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  if (!base.toLowerCase().endsWith(".sql")) return { kind: "not-sql" };
  const versioned = VERSIONED.exec(base);
  if (versioned !== null) {
    const version = Number(versioned[1]);
    if (!Number.isSafeInteger(version))
      return { kind: "invalid", reason: `version ${versioned[1]} is too large` };
    return { kind: "versioned", version, name: versioned[2] ?? "" };
  }
  const repeatable = REPEATABLE.exec(base);
  if (repeatable !== null) return { kind: "repeatable", name: repeatable[1] ?? "" };
  return {
    kind: "invalid",
    reason:
      "expected V<number>__<name>.sql (versioned) or R__<name>.sql (repeatable); the file would never run",
  };
}

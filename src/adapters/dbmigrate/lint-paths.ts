import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { InputError } from "../../core/errors/domain-error.js";
import type { MigrationLint } from "../../core/migrations/lint-finding.js";
import { lintMigration } from "../../core/migrations/lint-migration.js";
import { lintMigrationSet } from "../../core/migrations/lint-migration-set.js";
import { formatMigrationSetProblem, readMigrationSet } from "../../core/migrations/migration-set.js";
import { loadSqlParser } from "../../core/migrations/sql-statements.js";
import { readMigrationDirectory } from "./read-migration-directory.js";

/**
 * Lints what `upshift migrate lint <paths>` names: a directory as one migration set (in apply
 * order, column types carried from file to file), a file on its own. Returns the verdicts and the
 * set problems (bad names, duplicate versions) found in directories.
 */
export async function lintPaths(
  paths: readonly string[],
  postgresMajor = 17,
): Promise<{ readonly lints: MigrationLint[]; readonly problems: string[] }> {
  await loadSqlParser();
  const lints: MigrationLint[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      throw new InputError("migration.path-missing", `${path}: no such file or directory`, { cause: error });
    }
    if (isDirectory) {
      const set = readMigrationSet(readMigrationDirectory(path));
      problems.push(...set.problems.map((p) => `${path}: ${formatMigrationSetProblem(p)}`));
      lints.push(...lintMigrationSet(set, { postgresMajor }));
    } else {
      lints.push(lintMigration(basename(path), readFileSync(path, "utf8"), { postgresMajor }).lint);
    }
  }
  return { lints, problems };
}

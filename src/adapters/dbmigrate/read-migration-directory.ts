import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors/domain-error.js";
import type { MigrationSource } from "../../core/migrations/migration-set.js";

/** The files of a migration directory (not recursive), for `readMigrationSet`. */
export function readMigrationDirectory(dir: string): MigrationSource[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw new InputError("migration.dir-unreadable", `cannot read migration directory ${dir}`, {
      cause: error,
    });
  }
  return entries
    .sort()
    .filter((name) => statSync(join(dir, name)).isFile())
    .map((fileName) => ({ fileName, text: readFileSync(join(dir, fileName), "utf8") }));
}

import { isAbsolute, join } from "node:path";
import type { DocumentOf } from "../../core/documents/document-kinds.js";
import { lintMigrationSet } from "../../core/migrations/lint-migration-set.js";
import { formatMigrationSetProblem, readMigrationSet } from "../../core/migrations/migration-set.js";
import { removedTables } from "../../core/migrations/removed-tables.js";
import { loadSqlParser } from "../../core/migrations/sql-statements.js";
import type { PlanInput } from "../../core/planner/planning-fleet.js";
import type { ServiceMigrationFacts } from "../../core/planner/service-migration-facts.js";
import { readMigrationDirectory } from "./read-migration-directory.js";

/** Where a Service's `spec.migrations.path` is: absolute, or relative to `root`. */
export function migrationDirectory(service: DocumentOf<"Service">, root: string): string | undefined {
  const path = service.spec.migrations?.path;
  if (path === undefined) return undefined;
  return isAbsolute(path) ? path : join(root, path);
}

/**
 * Reads and lints the migration set of one service, as the planner and the migrate steps need it.
 * A directory that cannot be read becomes a set problem (the plan names it), not an exception.
 * The executor sets lock_timeout and statement_timeout itself, so the linter is told.
 */
export async function readServiceMigrationFacts(
  service: DocumentOf<"Service">,
  root: string,
): Promise<ServiceMigrationFacts | undefined> {
  const dir = migrationDirectory(service, root);
  if (dir === undefined) return undefined;
  const directory = service.spec.migrations?.path ?? dir;
  await loadSqlParser();
  let listing: ReturnType<typeof readMigrationDirectory>;
  try {
    listing = readMigrationDirectory(dir);
  } catch (error) {
    return {
      service: service.metadata.name,
      directory,
      files: [],
      problems: [
        `cannot read the migration directory ${dir}: ${(error as Error).cause ?? (error as Error).message}`,
      ],
    };
  }
  const set = readMigrationSet(listing);
  const lints = lintMigrationSet(set, {
    postgresMajor: 17,
    presetTimeouts: ["lock_timeout", "statement_timeout"],
  });
  const byFile = new Map(lints.map((l) => [l.file, l]));
  const files = [...set.versioned, ...set.repeatable].flatMap((file) => {
    const lint = byFile.get(file.fileName);
    return lint === undefined
      ? []
      : [
          {
            name: file.fileName.replace(/\.sql$/, ""),
            fileName: file.fileName,
            lint,
            removedTables: removedTables(file.text),
          },
        ];
  });
  return {
    service: service.metadata.name,
    directory,
    files,
    problems: set.problems.filter((p) => p.blocking).map(formatMigrationSetProblem),
  };
}

/**
 * The plan input with the migration sets of every service the release migrates, read from disk
 * and linted here so that the planner core stays pure. `rootOf` says what a service's relative
 * path is relative to (the directory of its document's file, or the server's migrations root).
 */
export async function withMigrationFacts(
  input: PlanInput,
  rootOf: (service: DocumentOf<"Service">) => string,
): Promise<PlanInput> {
  const facts: ServiceMigrationFacts[] = [];
  for (const change of input.release.spec.changes) {
    if ((change.migrations ?? []).length === 0) continue;
    const service = input.services.find((s) => s.metadata.name === change.service);
    if (service === undefined) continue; // the planner reports the unknown service
    const read = await readServiceMigrationFacts(service, rootOf(service));
    if (read !== undefined) facts.push(read);
  }
  return { ...input, migrations: facts };
}

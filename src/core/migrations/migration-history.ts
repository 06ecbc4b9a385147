import type { MigrationFile, MigrationSet } from "./migration-set.js";

/** A row of the target database's history table: what was applied, under which checksum. */
export interface AppliedMigration {
  /** null for a repeatable migration. */
  readonly version: number | null;
  readonly name: string;
  readonly checksum: string;
}

/** Where one migration stands against the applied history. */
export type MigrationStatus =
  | { readonly kind: "applied"; readonly file: MigrationFile }
  | {
      readonly kind: "pending";
      readonly file: MigrationFile;
      /** A versioned file older than the newest applied one: it was merged late. */
      readonly outOfOrder: boolean;
      /** A repeatable file that was applied before and has changed since. */
      readonly reapply: boolean;
    }
  | {
      readonly kind: "drifted";
      readonly file: MigrationFile;
      readonly applied: AppliedMigration;
      readonly changed: readonly ("checksum" | "name")[];
    }
  | { readonly kind: "missing"; readonly applied: AppliedMigration };

/** The set compared with the history: each migration's status and whether a run may start. */
export interface MigrationSetStatus {
  readonly statuses: readonly MigrationStatus[];
  /** Files to apply, in order. */
  readonly pending: readonly MigrationFile[];
  /** Drift blocks: an applied file was edited, so the database no longer matches the repository. */
  readonly blocked: boolean;
  readonly blockReasons: readonly string[];
}

/** Compares a migration set with the applied history (pending, applied, drifted, missing). */
export function compareWithHistory(
  set: MigrationSet,
  history: readonly AppliedMigration[],
): MigrationSetStatus {
  // Later rows win: a repeatable migration gets a row each time it is re-applied.
  const byVersion = new Map<number, AppliedMigration>();
  const byRepeatable = new Map<string, AppliedMigration>();
  for (const row of history) {
    if (row.version === null) byRepeatable.set(row.name, row);
    else byVersion.set(row.version, row);
  }
  const newestApplied = Math.max(-1, ...byVersion.keys());
  const statuses: MigrationStatus[] = [];
  for (const file of set.versioned) {
    const applied = byVersion.get(file.version);
    byVersion.delete(file.version);
    if (applied === undefined) {
      statuses.push({ kind: "pending", file, outOfOrder: file.version < newestApplied, reapply: false });
      continue;
    }
    const changed: ("checksum" | "name")[] = [];
    if (applied.checksum !== file.checksum) changed.push("checksum");
    if (applied.name !== file.name) changed.push("name");
    statuses.push(
      changed.length === 0 ? { kind: "applied", file } : { kind: "drifted", file, applied, changed },
    );
  }
  for (const file of set.repeatable) {
    const applied = byRepeatable.get(file.name);
    byRepeatable.delete(file.name);
    if (applied?.checksum === file.checksum) statuses.push({ kind: "applied", file });
    else statuses.push({ kind: "pending", file, outOfOrder: false, reapply: applied !== undefined });
  }
  for (const applied of [...byVersion.values(), ...byRepeatable.values()])
    statuses.push({ kind: "missing", applied });

  const blockReasons = statuses.flatMap((s) =>
    s.kind === "drifted"
      ? [
          `${s.file.fileName} was applied with a different ${s.changed.join(" and ")}; restore the applied text or add a new migration`,
        ]
      : [],
  );
  for (const problem of set.problems)
    if (problem.blocking) blockReasons.push(`migration set: ${problem.kind}`);
  return {
    statuses,
    pending: statuses.flatMap((s) => (s.kind === "pending" ? [s.file] : [])),
    blocked: blockReasons.length > 0,
    blockReasons,
  };
}

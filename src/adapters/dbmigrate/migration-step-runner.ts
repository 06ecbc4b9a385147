import { isAbsolute, join } from "node:path";
import pg from "pg";
import type { DocumentOf, UpshiftDocument } from "../../core/documents/document-kinds.js";
import { DomainError } from "../../core/errors/domain-error.js";
import type { BackfillCheckpointStore } from "../../core/migrations/backfill-checkpoint-store.js";
import { declaredBackfillSpec, declaredBackfills } from "../../core/migrations/declared-backfill.js";
import type { LockRetryPolicy } from "../../core/migrations/lock-retry.js";
import { compareWithHistory } from "../../core/migrations/migration-history.js";
import { formatMigrationSetProblem, readMigrationSet } from "../../core/migrations/migration-set.js";
import { quoteQualifiedName } from "../../core/migrations/sql-identifier.js";
import { loadSqlParser } from "../../core/migrations/sql-statements.js";
import { archivesFor } from "../../core/planner/migration-gate.js";
import type { PlanArchive } from "../../core/planner/release-plan.js";
import type {
  MigrationStepRequest,
  MigrationStepResult,
  MigrationStepRunner,
} from "../../engine/handlers/migration-step-port.js";
import { applyMigrations } from "./apply-migrations.js";
import { archiveTable, archiveView } from "./archive-table.js";
import { dropDualWrite } from "./dual-write.js";
import { readHistory } from "./history-table.js";
import { migrationDatabaseUrl } from "./migration-database-url.js";
import { readServiceMigrationFacts } from "./migration-facts.js";
import { readMigrationDirectory } from "./read-migration-directory.js";
import { runDeclaredBackfill } from "./run-declared-backfill.js";

export interface PgMigrationStepRunnerOptions {
  /** The control plane's current documents (Service, Environment). */
  readonly documents: () => Promise<readonly UpshiftDocument[]>;
  /** Where backfill checkpoints live: the control-plane store, not the target. */
  readonly checkpoints: BackfillCheckpointStore;
  /** What a Service's relative `spec.migrations.path` is relative to. */
  readonly root: string;
  readonly policy?: LockRetryPolicy;
}

/** A declared backfill's checkpoint key: per environment, so dev's checkpoint never ends prod's backfill. */
function backfillName(request: MigrationStepRequest, fileName: string, line: number): string {
  return `${request.environment}/${request.service}/${fileName}:${line}`;
}

type Blocked = Extract<MigrationStepResult, { kind: "blocked" }>;
const blocked = (reason: Blocked["reason"], message: string): Blocked => ({
  kind: "blocked",
  reason,
  message,
});

/** Errors a rerun cannot fix: they block the run with their message instead of being retried. */
function blockingReason(error: unknown): Blocked["reason"] | undefined {
  if (!(error instanceof DomainError)) return undefined;
  if (error.code === "migration.drift") return "drift";
  if (error.code === "migration.lint-blocked" || error.code === "migration.syntax-error") return "lint";
  if (error.code === "backfill.mismatch") return "reconciliation";
  if (error.code.startsWith("archive.")) return "archive";
  if (error.code === "backfill.declaration" || error.code === "backfill.changed") return "configuration";
  return undefined;
}

/**
 * The migrate steps' runner for PostgreSQL targets: finds the service's migration set and its
 * database (a parameter, usually a secret reference, of the Service or Environment), then
 * applies the step's migrations through `applyMigrations` (history table, checksums, drift,
 * lock_timeout retries), running declared backfills in checkpointed batches with reconciliation.
 * A contract first archives every retained table it drops or moves. Everything it does is
 * recorded (history rows, checkpoints, archive tables), so running it again after a crash
 * continues where it stopped instead of repeating.
 */
export function pgMigrationStepRunner(options: PgMigrationStepRunnerOptions): MigrationStepRunner {
  return {
    async run(request: MigrationStepRequest): Promise<MigrationStepResult> {
      const docs = await options.documents();
      const service = docs.find(
        (d): d is DocumentOf<"Service"> => d.kind === "Service" && d.metadata.name === request.service,
      );
      const environment = docs.find(
        (d): d is DocumentOf<"Environment"> =>
          d.kind === "Environment" && d.metadata.name === request.environment,
      );
      if (service === undefined) return blocked("configuration", `no Service ${request.service}`);
      const path = service.spec.migrations?.path;
      if (path === undefined)
        return blocked("configuration", `Service ${request.service} declares no spec.migrations.path`);
      let url: string;
      try {
        url = migrationDatabaseUrl(service, environment, request.environment);
      } catch (error) {
        return blocked("configuration", (error as Error).message);
      }
      await loadSqlParser();
      let set: ReturnType<typeof readMigrationSet>;
      try {
        set = readMigrationSet(readMigrationDirectory(isAbsolute(path) ? path : join(options.root, path)));
      } catch (error) {
        return blocked(
          "configuration",
          `${(error as Error).message} (relative paths are relative to ${options.root})`,
        );
      }
      const setProblems = set.problems.filter((p) => p.blocking).map(formatMigrationSetProblem);
      if (setProblems.length > 0) return blocked("configuration", `${path}: ${setProblems.join("; ")}`);
      const files = [...set.versioned, ...set.repeatable];
      const missing = request.migrations.filter((m) => !files.some((f) => f.fileName === `${m}.sql`));
      if (missing.length > 0)
        return blocked("configuration", `${path} has no ${missing.map((m) => `${m}.sql`).join(", ")}`);

      const client = new pg.Client({ connectionString: url, application_name: `upshift ${request.runId}` });
      await client.connect();
      try {
        const archives: PlanArchive[] = [];
        if (request.phase === "contract") {
          // Only contracts still to run need their tables archived (a rerun finds the copy made).
          const pending = new Set(
            compareWithHistory(set, await readHistory(client)).pending.map((f) =>
              f.fileName.replace(/\.sql$/, ""),
            ),
          );
          const facts = await readServiceMigrationFacts(service, options.root);
          for (const a of [
            ...request.archive,
            ...(facts ? archivesFor(service, facts, request.migrations) : []),
          ])
            if (pending.has(a.migration) && !archives.some((b) => b.table === a.table)) archives.push(a);
        }
        const archived = [];
        for (const archive of archives) {
          const outcome = await archiveTable(client, archive);
          request.onProgress({ kind: "archived", ...outcome });
          archived.push({ table: outcome.table, archiveTable: outcome.archiveTable, rows: outcome.rows });
        }
        if (request.phase === "contract") {
          // The transition is over: the dual-write triggers go first (they read columns a contract may drop).
          for (const file of files)
            for (const b of declaredBackfills(file.fileName, file.text)) {
              const spec = declaredBackfillSpec(b, backfillName(request, file.fileName, b.line));
              const table = await client.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [
                quoteQualifiedName(spec.table),
              ]);
              if (b.dualWrite && table.rows[0]?.t != null) await dropDualWrite(client, spec);
            }
        }
        const backfills: { name: string; rows: number; checksum: string }[] = [];
        const applied = await applyMigrations(client, set, {
          only: new Set(request.migrations),
          ...(options.policy ? { policy: options.policy } : {}),
          onEvent: (event) => {
            if (event.kind === "file-applied")
              request.onProgress({ kind: "file-applied", file: event.file, ms: event.ms });
            else if (event.kind === "lock-retry")
              request.onProgress({
                kind: "lock-retry",
                file: event.file,
                line: event.line,
                message: event.message,
              });
          },
          backfill: async (file, backfill) => {
            const name = backfillName(request, file.fileName, backfill.line);
            const result = await runDeclaredBackfill(client, backfill, {
              name,
              store: options.checkpoints,
              signal: request.signal,
              onProgress: (p, done) =>
                request.onProgress({
                  kind: "backfill",
                  file: file.fileName,
                  name,
                  rowsDone: p.rowsDone,
                  rowsTotal: p.rowsTotal,
                  rowsPerSecond: Math.round(p.rowsPerSecond),
                  etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds),
                  done,
                }),
            });
            if (result.reconciliation.kind === "match")
              request.onProgress({
                kind: "reconciled",
                name,
                rows: result.reconciliation.rows,
                chunks: result.reconciliation.chunks,
              });
            backfills.push({ name, rows: result.checkpoint.rowsDone, checksum: result.checkpoint.checksum });
          },
        });
        if (request.phase === "contract") {
          for (const archive of archives) await archiveView(client, archive);
        }
        const appliedNames = applied.map((a) => a.fileName.replace(/\.sql$/, ""));
        return {
          kind: "done",
          applied: appliedNames,
          alreadyApplied: request.migrations.filter((m) => !appliedNames.includes(m)),
          backfills,
          archived,
        };
      } catch (error) {
        const reason = blockingReason(error);
        if (reason === undefined) throw error;
        return blocked(reason, (error as Error).message);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

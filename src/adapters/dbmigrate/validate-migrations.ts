import { randomBytes } from "node:crypto";
import pg from "pg";
import { type AppliedMigration, compareWithHistory } from "../../core/migrations/migration-history.js";
import { planMigrations } from "../../core/migrations/migration-plan.js";
import type { MigrationSet } from "../../core/migrations/migration-set.js";
import { loadSqlParser } from "../../core/migrations/sql-statements.js";
import { applyMigrations } from "./apply-migrations.js";
import { readHistory } from "./history-table.js";
import { checkIntegrity, type IntegrityReport } from "./integrity-checks.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";
import { runDeclaredBackfill } from "./run-declared-backfill.js";

export interface ValidateOptions {
  /** The environment's database: its history says what is applied and what is pending. */
  readonly targetUrl?: string;
  /** A server where the scratch database may be created (default: the target's server). */
  readonly scratchServerUrl: string;
  readonly historyTable?: string;
  /** SQL run after the applied history and before the pending migrations (a sample of data). */
  readonly seedSql?: string;
  readonly onStage?: (line: string) => void;
}

export interface ValidationReport {
  readonly scratchDatabase: string;
  readonly replayed: readonly string[];
  readonly pending: readonly string[];
  readonly backfills: readonly { readonly name: string; readonly rows: number; readonly ranges: number }[];
  readonly integrity: IntegrityReport | null;
  /** The state between expand and contract (null when nothing pending is a contract). */
  readonly integrityBeforeContract?: IntegrityReport | null;
  /** Everything that fails the validation; empty when it passes. */
  readonly problems: readonly string[];
  readonly dropped: boolean;
}

/** The scratch database's URL on the same server as `serverUrl`. */
function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "upshift migrate validate" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function targetHistory(options: ValidateOptions): Promise<AppliedMigration[]> {
  if (options.targetUrl === undefined) return [];
  return withClient(options.targetUrl, (c) => readHistory(c, options.historyTable));
}

/**
 * Validates a service's pending migrations in isolation: creates a scratch database, applies the
 * target's applied history from zero (backfills included), then an optional seed, then the
 * pending migrations and their backfills (each reconciled), and checks referential integrity
 * (orphans of every foreign key, NOT VALID ones too), CHECK constraints and invalid indexes.
 * The scratch database is dropped at the end, whatever happened.
 */
export async function validateMigrations(
  set: MigrationSet,
  options: ValidateOptions,
): Promise<ValidationReport> {
  await loadSqlParser();
  const stage = options.onStage ?? (() => undefined);
  const history = await targetHistory(options);
  const status = compareWithHistory(set, history);
  const plan = planMigrations(set, history);
  const problems: string[] = [...status.blockReasons];
  const pendingNames = new Set(status.pending.map((f) => f.fileName.replace(/\.sql$/, "")));
  const all = [...set.versioned, ...set.repeatable].map((f) => f.fileName.replace(/\.sql$/, ""));
  const replayNames = all.filter((n) => !pendingNames.has(n));
  problems.push(...plan.blockReasons.filter((r) => !status.blockReasons.includes(r)));
  const base = {
    replayed: replayNames,
    pending: [...pendingNames],
    backfills: [] as { name: string; rows: number; ranges: number }[],
  };
  if (status.blocked) return { scratchDatabase: "", ...base, integrity: null, problems, dropped: false };

  const scratch = `upshift_validate_${randomBytes(6).toString("hex")}`;
  await withClient(options.scratchServerUrl, (c) => c.query(`CREATE DATABASE "${scratch}"`));
  stage(`created scratch database ${scratch}`);
  let integrity: IntegrityReport | null = null;
  let integrityBeforeContract: IntegrityReport | null = null;
  let dropped = false;
  try {
    integrity = await withClient(databaseUrl(options.scratchServerUrl, scratch), async (client) => {
      const checkpoints = new MemoryCheckpointStore();
      const run = async (names: readonly string[], label: string) => {
        if (names.length === 0) return;
        const applied = await applyMigrations(client, set, {
          only: new Set(names),
          lintGate: false,
          ...(options.historyTable ? { historyTable: options.historyTable } : {}),
          backfill: async (file, backfill) => {
            const name = `${file.fileName}:${backfill.line}`;
            const result = await runDeclaredBackfill(client, backfill, { name, store: checkpoints });
            const ranges = result.reconciliation.kind === "match" ? result.reconciliation.chunks : 0;
            base.backfills.push({ name, rows: result.checkpoint.rowsDone, ranges });
            stage(
              `  backfill ${name}: ${result.checkpoint.rowsDone} rows, reconciled in ${ranges} key range(s)`,
            );
          },
        });
        stage(`${label}: ${applied.map((a) => a.fileName).join(", ")}`);
      };
      await run(replayNames, "applied history replayed");
      if (options.seedSql !== undefined) {
        await client.query(options.seedSql);
        stage("seed loaded");
      }
      // The state between expand and contract is the one old and new versions share for the whole
      // rollback window: check it too, before a contract drops what would show a problem.
      const name = (f: { fileName: string }) => f.fileName.replace(/\.sql$/, "");
      const contract = plan.pending.filter((p) => p.phase === "contract").map((p) => name(p.file));
      await run(
        plan.pending.filter((p) => p.phase !== "contract").map((p) => name(p.file)),
        "pending expand/migrate applied",
      );
      if (contract.length > 0) {
        integrityBeforeContract = await checkIntegrity(client);
        await run(contract, "pending contract applied");
      }
      return checkIntegrity(client);
    });
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    await withClient(options.scratchServerUrl, (c) =>
      c.query(`DROP DATABASE IF EXISTS "${scratch}" WITH (FORCE)`),
    );
    dropped = true;
    stage(`dropped scratch database ${scratch}`);
  }
  const final = integrityProblems(integrity);
  problems.push(
    ...integrityProblems(integrityBeforeContract)
      .filter((p) => !final.includes(p))
      .map((p) => `before contract: ${p}`),
    ...final,
  );
  return { scratchDatabase: scratch, ...base, integrity, integrityBeforeContract, problems, dropped };
}

/** Each integrity failure as one line: orphans, broken checks, invalid indexes. */
function integrityProblems(integrity: IntegrityReport | null): string[] {
  const problems: string[] = [];
  for (const fk of integrity?.foreignKeys ?? [])
    if (fk.orphans > 0)
      problems.push(
        `${fk.table}.${fk.constraint}${fk.validated ? "" : " (NOT VALID)"}: ${fk.orphans} row(s) reference no row of ${fk.references}, e.g. ${fk.columns.join(", ")} = ${fk.sample.join(", ")}`,
      );
  for (const check of integrity?.checks ?? [])
    if (check.violations > 0)
      problems.push(
        `${check.table}.${check.constraint}: ${check.violations} row(s) break ${check.definition}`,
      );
  for (const index of integrity?.invalidIndexes ?? []) problems.push(`index ${index} is INVALID`);
  return problems;
}

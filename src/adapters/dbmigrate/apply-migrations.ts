import { setTimeout as delay } from "node:timers/promises";
import type pg from "pg";
import { ConflictError, InputError } from "../../core/errors/domain-error.js";
import { type DeclaredBackfill, declaredBackfills } from "../../core/migrations/declared-backfill.js";
import { executionUnits, type TimeoutSetting } from "../../core/migrations/execution-unit.js";
import { DEFAULT_LOCK_RETRY_POLICY, type LockRetryPolicy } from "../../core/migrations/lock-retry.js";
import type { MigrationEvent } from "../../core/migrations/migration-event.js";
import type { MigrationPhase } from "../../core/migrations/migration-phase.js";
import { type MigrationPlan, planMigrations } from "../../core/migrations/migration-plan.js";
import type { MigrationFile, MigrationSet } from "../../core/migrations/migration-set.js";
import { loadSqlParser } from "../../core/migrations/sql-statements.js";
import { DEFAULT_HISTORY_TABLE, ensureHistoryTable, readHistory, recordApplied } from "./history-table.js";
import { runUnit } from "./run-unit.js";

export interface ApplyOptions {
  readonly historyTable?: string;
  readonly policy?: LockRetryPolicy;
  readonly onEvent?: (event: MigrationEvent) => void;
  /** Refuse to start when a pending file has a blocking lint finding (default true). */
  readonly lintGate?: boolean;
  readonly postgresMajor?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /**
   * Apply only these pending migrations (file names without `.sql`), e.g. the expand files of a
   * run's step; others stay pending. Already applied ones are skipped, so a rerun converges.
   */
  readonly only?: ReadonlySet<string>;
  /**
   * Runs a statement the file declares as a backfill (`-- upshift: backfill key=...`) in batches
   * instead of as one UPDATE; without it, such files are refused rather than run as one UPDATE.
   */
  readonly backfill?: (file: MigrationFile, backfill: DeclaredBackfill) => Promise<void>;
}

export interface AppliedFile {
  readonly fileName: string;
  readonly phase: MigrationPhase;
  readonly ms: number;
}

/** Compares the set with the target's history and lints what is pending (status and plan). */
export async function planAgainstDatabase(
  client: pg.ClientBase,
  set: MigrationSet,
  options: Pick<ApplyOptions, "historyTable" | "postgresMajor"> = {},
): Promise<MigrationPlan> {
  await loadSqlParser();
  const history = await readHistory(client, options.historyTable ?? DEFAULT_HISTORY_TABLE);
  return planMigrations(set, history, options.postgresMajor ?? (await postgresMajor(client)));
}

/**
 * Applies the pending migrations in order, statement by statement, under lock_timeout with
 * retries and statement_timeout, recording each file in the history table once all its
 * statements succeeded. Drift (an applied file changed) blocks before anything runs. An
 * advisory lock keeps two appliers of the same history table apart.
 */
export async function applyMigrations(
  client: pg.ClientBase,
  set: MigrationSet,
  options: ApplyOptions = {},
): Promise<AppliedFile[]> {
  const table = options.historyTable ?? DEFAULT_HISTORY_TABLE;
  const onEvent = options.onEvent ?? (() => undefined);
  const locked = await client.query<{ ok: boolean }>(
    "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok",
    [`upshift:${table}`],
  );
  if (locked.rows[0]?.ok !== true)
    throw new ConflictError("migration.locked", `another upshift migrate apply is running against ${table}`);
  try {
    await ensureHistoryTable(client, table);
    const plan = await planAgainstDatabase(client, set, options);
    if (plan.status.blocked)
      throw new ConflictError(
        "migration.drift",
        `migrations blocked: ${plan.status.blockReasons.join("; ")}`,
        {
          details: plan.status.blockReasons,
        },
      );
    const only = options.only;
    const chosen =
      only === undefined
        ? plan.pending
        : plan.pending.filter((p) => only.has(p.file.fileName.replace(/\.sql$/, "")));
    const lintReasons = chosen.flatMap((p) =>
      p.findings
        .filter((f) => f.blocking)
        .map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}: ${f.message}`),
    );
    if (lintReasons.length > 0 && options.lintGate !== false)
      throw new InputError(
        "migration.lint-blocked",
        `pending migrations have blocking lint findings: ${lintReasons.join("; ")}`,
        { details: lintReasons },
      );
    const applied: AppliedFile[] = [];
    for (const [index, pending] of chosen.entries()) {
      const file = pending.file;
      onEvent({ kind: "file-started", file: file.fileName, index, total: chosen.length });
      const started = performance.now();
      const fileSets = new Set<TimeoutSetting>();
      const backfills = new Map(declaredBackfills(file.fileName, file.text).map((b) => [b.line, b]));
      if (backfills.size > 0 && options.backfill === undefined)
        throw new InputError(
          "migration.backfill-unsupported",
          `${file.fileName} declares a backfill; run it through a migrate step, \`upshift migrate validate\` or \`upshift migrate backfill\``,
        );
      for (const unit of executionUnits(file.fileName, file.text)) {
        const backfill = unit.kind === "statement" ? backfills.get(unit.line) : undefined;
        if (backfill !== undefined && options.backfill !== undefined) {
          await options.backfill(file, backfill);
          continue;
        }
        await runUnit(unit, {
          client,
          file: file.fileName,
          policy: options.policy ?? DEFAULT_LOCK_RETRY_POLICY,
          onEvent,
          sleep: options.sleep ?? ((ms) => delay(ms)),
          random: options.random ?? Math.random,
          fileSets,
        });
      }
      // A file's own SET must not leak into the next file.
      await client.query("RESET lock_timeout; RESET statement_timeout");
      const ms = Math.round(performance.now() - started);
      await recordApplied(
        client,
        {
          version: file.kind === "versioned" ? file.version : null,
          name: file.name,
          fileName: file.fileName,
          checksum: file.checksum,
          phase: pending.phase,
          executionMs: ms,
        },
        table,
      );
      onEvent({ kind: "file-applied", file: file.fileName, phase: pending.phase, ms });
      applied.push({ fileName: file.fileName, phase: pending.phase, ms });
    }
    return applied;
  } finally {
    // If the session is gone the lock went with it; the error that ended the run is the one to report.
    await client
      .query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [`upshift:${table}`])
      .catch(() => undefined);
  }
}

async function postgresMajor(client: pg.ClientBase): Promise<number> {
  const result = await client.query<{ v: string }>("SHOW server_version_num");
  return Math.floor(Number(result.rows[0]?.v ?? "170000") / 10000);
}

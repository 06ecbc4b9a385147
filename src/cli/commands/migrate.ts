import type { Command } from "commander";
import type pg from "pg";
import type { BackfillProgress } from "../../core/migrations/backfill-progress.js";
import { formatBackfillProgress } from "../../core/migrations/backfill-progress.js";
import type { BackfillSpec } from "../../core/migrations/backfill-spec.js";
import { buildLintReport, formatLintReport } from "../../core/migrations/lint-report.js";
import { DEFAULT_LOCK_RETRY_POLICY, type LockRetryPolicy } from "../../core/migrations/lock-retry.js";
import { formatMigrationEvent } from "../../core/migrations/migration-event.js";
import type { MigrationPlan } from "../../core/migrations/migration-plan.js";
import {
  formatMigrationPlan,
  migrationPlanJson,
  migrationStatusJson,
  migrationStatusRows,
} from "../../core/migrations/migration-plan-view.js";
import { readMigrationSet } from "../../core/migrations/migration-set.js";
import { formatReconciliation, type ReconciliationResult } from "../../core/migrations/reconciliation.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { parseOutputFormat, renderTable } from "../output.js";
import { declaredBackfillRunner } from "./migrate-apply-backfills.js";
import { registerMigrateValidate } from "./migrate-validate.js";

interface TargetOptions {
  readonly databaseUrl: string;
  readonly historyTable: string;
}
interface SetOptions extends TargetOptions {
  readonly dir: string;
  readonly output: string;
}
interface SpecOptions {
  readonly databaseUrl: string;
  readonly name?: string;
  readonly table: string;
  readonly key: string;
  readonly column?: string;
  readonly expression?: string;
  readonly template?: string;
}

/**
 * `upshift migrate lint|status|plan|apply|backfill|reconcile|drop-dual-write|validate`: the DBA's
 * commands, run directly against the target database (no server needed): `--database-url`, or for
 * `validate` the Service's database parameter in the environment.
 */
export function registerMigrate(program: Command): void {
  const migrate = program
    .command("migrate")
    .description("lint, plan and apply schema migrations; run backfills");

  migrate
    .command("lint")
    .description(
      "lint migration files or directories with the PostgreSQL parser; exit 1 on blocking findings",
    )
    .argument("<paths...>", ".sql files, or migration directories (linted as one set, in order)")
    .option("-o, --output <format>", "text or json", "text")
    .option("--verbose", "add why and the safe pattern under each finding")
    .option("--postgres-major <n>", "major version of the target PostgreSQL", "17")
    .action(
      async (paths: string[], options: { output: string; verbose?: boolean; postgresMajor: string }) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const { lintPaths } = await import("../../adapters/dbmigrate/lint-paths.js");
        const { lints, problems } = await lintPaths(paths, Number(options.postgresMajor));
        const report = buildLintReport(lints);
        if (format === "json") process.stdout.write(`${JSON.stringify({ ...report, problems }, null, 2)}\n`);
        else {
          for (const problem of problems) process.stdout.write(`${problem}\n`);
          process.stdout.write(`${formatLintReport(report, { verbose: options.verbose === true })}\n`);
        }
        if (report.blocking || problems.length > 0) process.exitCode = EXIT.invalid;
      },
    );

  registerMigrateValidate(migrate);

  const withSet = (command: Command) =>
    withTarget(command)
      .requiredOption("--dir <dir>", "the service's migration directory (V<n>__<name>.sql, R__<name>.sql)")
      .option("-o, --output <format>", "text or json", "text");

  withSet(
    migrate.command("status").description("each migration against the target's applied history"),
  ).action(async (options: SetOptions) => {
    const format = parseOutputFormat(options.output, ["text", "json"]);
    const plan = await planFor(options);
    if (format === "json") process.stdout.write(`${JSON.stringify(migrationStatusJson(plan), null, 2)}\n`);
    else process.stdout.write(`${renderStatus(plan)}\n`);
    if (plan.status.blocked) process.exitCode = EXIT.invalid;
  });

  withSet(
    migrate.command("plan").description("the pending migrations, their phase and lint findings"),
  ).action(async (options: SetOptions) => {
    const format = parseOutputFormat(options.output, ["text", "json"]);
    const plan = await planFor(options);
    if (format === "json") process.stdout.write(`${JSON.stringify(migrationPlanJson(plan), null, 2)}\n`);
    else process.stdout.write(`${formatMigrationPlan(plan)}\n`);
    if (plan.blocked) process.exitCode = EXIT.invalid;
  });

  withSet(migrate.command("apply").description("apply the pending migrations, statement by statement"))
    .option(
      "--lock-timeout <ms>",
      "lock_timeout of each statement",
      String(DEFAULT_LOCK_RETRY_POLICY.lockTimeoutMs),
    )
    .option(
      "--statement-timeout <ms>",
      "statement_timeout of statements holding blocking locks (0: none)",
      String(DEFAULT_LOCK_RETRY_POLICY.statementTimeoutMs),
    )
    .option(
      "--max-attempts <n>",
      "attempts per statement on lock timeout",
      String(DEFAULT_LOCK_RETRY_POLICY.maxAttempts),
    )
    .option("--no-lint-gate", "apply even when a pending file has blocking lint findings")
    .option(
      "--target <version>",
      "apply pending versioned files up to this version only (e.g. leave contract for later)",
    )
    .action(
      async (
        options: SetOptions & {
          lockTimeout: string;
          statementTimeout: string;
          maxAttempts: string;
          lintGate: boolean;
          target?: string;
        },
        command: Command,
      ) => {
        const policy: LockRetryPolicy = {
          ...DEFAULT_LOCK_RETRY_POLICY,
          lockTimeoutMs: positive(options.lockTimeout, "--lock-timeout"),
          statementTimeoutMs: positive(options.statementTimeout, "--statement-timeout", true),
          maxAttempts: positive(options.maxAttempts, "--max-attempts"),
        };
        const { applyMigrations } = await import("../../adapters/dbmigrate/apply-migrations.js");
        const set = await readSet(options.dir);
        if (options.databaseUrl.startsWith("sqlite:")) {
          const { applySqliteFile } = await import("../../adapters/dbmigrate/sqlite/apply-sqlite-file.js");
          const applied = await applySqliteFile(
            options.databaseUrl.slice("sqlite:".length),
            set,
            options.lintGate,
          );
          if (options.output === "json") process.stdout.write(`${JSON.stringify({ applied }, null, 2)}\n`);
          else process.stdout.write(`applied ${applied.length} migration(s) to SQLite\n`);
          return;
        }
        const backfills = await declaredBackfillRunner(
          command.optsWithGlobals<GlobalOptions>().dataDir,
          options.databaseUrl,
          progressBar(),
        );
        const applied = await withClient(options.databaseUrl, (client) =>
          applyMigrations(client, set, {
            historyTable: options.historyTable,
            policy,
            lintGate: options.lintGate,
            onEvent: (event) => process.stderr.write(`${formatMigrationEvent(event)}\n`),
            backfill: (file, backfill) => backfills.run(client, file, backfill),
            ...(options.target === undefined
              ? {}
              : {
                  only: new Set(
                    set.versioned
                      .filter((f) => f.version <= positive(options.target ?? "", "--target"))
                      .map((f) => f.fileName.replace(/\.sql$/, "")),
                  ),
                }),
          }),
        ).finally(() => backfills.close());
        if (options.output === "json") process.stdout.write(`${JSON.stringify({ applied }, null, 2)}\n`);
        else process.stdout.write(`applied ${applied.length} migration(s)\n`);
      },
    );

  withSpec(migrate.command("backfill").description("run or resume a batched backfill; progress on stderr"))
    .option("--target-batch-ms <ms>", "aim each batch (and its row locks) at this duration", "100")
    .option("--max-batch-rows <n>", "upper bound of the adaptive batch size", "100000")
    .option("--dual-write", "first install the trigger that keeps new writes consistent (expression only)")
    .action(
      async (
        options: SpecOptions & { targetBatchMs: string; maxBatchRows: string; dualWrite?: boolean },
        command: Command,
      ) => {
        const spec = specOf(options);
        const { runBackfill } = await import("../../adapters/dbmigrate/run-backfill.js");
        const { BackfillControl } = await import("../../adapters/dbmigrate/backfill-control.js");
        const { installDualWrite } = await import("../../adapters/dbmigrate/dual-write.js");
        const { BackfillCheckpointRepository } = await import(
          "../../store/backfill-checkpoint-repository.js"
        );
        const { openDatabase } = await import("../../store/database.js");
        const { storeConfigFromEnv } = await import("../../store/store.js");
        const database = await openDatabase(
          storeConfigFromEnv(command.optsWithGlobals<GlobalOptions>().dataDir),
        );
        const abort = new AbortController();
        const onSigint = () => {
          process.stderr.write("\nstopping after the current batch; run the same command again to resume\n");
          abort.abort();
        };
        process.once("SIGINT", onSigint);
        const bar = progressBar();
        try {
          const outcome = await withClient(options.databaseUrl, async (client) => {
            if (options.dualWrite === true) {
              if (spec.kind !== "expression")
                throw new CliError("--dual-write needs --column and --expression", EXIT.usage);
              await installDualWrite(client, spec);
              process.stderr.write(`dual-write trigger installed on ${spec.table}\n`);
            }
            return runBackfill(client, spec, {
              store: new BackfillCheckpointRepository(database),
              control: BackfillControl.fromAbortSignal(abort.signal),
              policy: {
                targetMs: positive(options.targetBatchMs, "--target-batch-ms"),
                minRows: 100,
                maxRows: positive(options.maxBatchRows, "--max-batch-rows"),
                maxGrowth: 2,
              },
              onEvent: (event) => {
                if (event.kind === "batch" || event.kind === "completed")
                  bar.update(event.progress, event.kind === "completed");
                else if (event.kind === "throttled") bar.note(`throttled ${event.ms} ms: ${event.reason}`);
                else if (event.kind === "lock-retry") bar.note(`batch retried: ${event.message}`);
              },
            });
          });
          bar.done();
          const c = outcome.checkpoint;
          process.stdout.write(
            `${outcome.kind}: ${spec.name} ${c.rowsDone} rows in ${c.batches} batches, last key ${c.lastKey ?? "-"}, checksum ${c.checksum}, longest batch ${Math.round(outcome.longestBatchMs)} ms\n`,
          );
          if (outcome.kind === "cancelled") process.exitCode = EXIT.notPossible;
        } finally {
          process.off("SIGINT", onSigint);
          await database.close();
        }
      },
    );

  withTarget(
    migrate.command("reconcile").description("compare counts and per-range checksums; exit 1 on mismatch"),
  )
    .option("--source <table>", "compare this table (the expected side) ...")
    .option("--target <table>", "... with this one")
    .option("--columns <list>", "comma-separated columns to compare (default: whole rows)")
    .option("--table <table>", "or check a backfill: its table ...")
    .option("--column <column>", "... column ...")
    .option("--expression <sql>", "... against its expression")
    .requiredOption("--key <column>", "the key both sides are ordered and chunked by")
    .option("--chunk-rows <n>", "rows per key range", "10000")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: TargetOptions &
          Partial<SpecOptions> & {
            source?: string;
            target?: string;
            columns?: string;
            key: string;
            chunkRows: string;
            output: string;
          },
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const { reconcileBackfill, reconcileTables } = await import("../../adapters/dbmigrate/reconcile.js");
        const chunkRows = positive(options.chunkRows, "--chunk-rows");
        const result: ReconciliationResult = await withClient(options.databaseUrl, async (client) => {
          if (options.source !== undefined && options.target !== undefined)
            return reconcileTables(
              client,
              {
                source: options.source,
                target: options.target,
                key: options.key,
                ...(options.columns === undefined
                  ? {}
                  : { columns: options.columns.split(",").map((c) => c.trim()) }),
              },
              { chunkRows },
            );
          const spec = specOf({ ...options, table: options.table ?? "", databaseUrl: options.databaseUrl });
          if (spec.kind !== "expression")
            throw new CliError(
              "give --source and --target, or --table, --column and --expression",
              EXIT.usage,
            );
          return reconcileBackfill(client, spec, { chunkRows });
        });
        if (format === "json") process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else process.stdout.write(`${formatReconciliation(result).join("\n")}\n`);
        if (result.kind === "mismatch") process.exitCode = EXIT.invalid;
      },
    );

  withSpec(
    migrate.command("drop-dual-write").description("drop a backfill's dual-write trigger (contract)"),
  ).action(async (options: SpecOptions) => {
    const spec = specOf(options);
    if (spec.kind !== "expression") throw new CliError("needs --column and --expression", EXIT.usage);
    const { dropDualWrite } = await import("../../adapters/dbmigrate/dual-write.js");
    await withClient(options.databaseUrl, (client) => dropDualWrite(client, spec));
    process.stdout.write(`dual-write trigger of ${spec.name} dropped from ${spec.table}\n`);
  });
}

function withTarget(command: Command): Command {
  return command
    .requiredOption(
      "--database-url <url>",
      "the target PostgreSQL database (postgres://...; apply also takes sqlite:<file>)",
    )
    .option("--history-table <name>", "the applied-history table in the target", "upshift_schema_history");
}

function withSpec(command: Command): Command {
  return command
    .requiredOption("--database-url <url>", "the target PostgreSQL database (postgres://...)")
    .requiredOption("--table <table>", "table to backfill (schema-qualified if needed)")
    .requiredOption("--key <column>", "its primary key column, walked in order")
    .option("--column <column>", "the column to fill ...")
    .option("--expression <sql>", "... with this SQL expression over the row")
    .option(
      "--template <sql>",
      "or: one UPDATE per batch, $1 = lower key (exclusive, NULL first), $2 = upper key",
    )
    .option("--name <name>", "the backfill's name, its checkpoint's key (default <table>.<column>)");
}

function specOf(options: SpecOptions): BackfillSpec {
  if (options.template !== undefined) {
    if (options.name === undefined) throw new CliError("a template backfill needs --name", EXIT.usage);
    return {
      kind: "template",
      name: options.name,
      table: options.table,
      key: options.key,
      sql: options.template,
    };
  }
  if (options.column === undefined || options.expression === undefined)
    throw new CliError("give --column and --expression, or --template", EXIT.usage);
  return {
    kind: "expression",
    name: options.name ?? `${options.table}.${options.column}`,
    table: options.table,
    key: options.key,
    column: options.column,
    expression: options.expression,
  };
}

function positive(text: string, flag: string, zeroAllowed = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zeroAllowed ? 0 : 1))
    throw new CliError(
      `${flag} must be a ${zeroAllowed ? "non-negative" : "positive"} integer; got "${text}"`,
      EXIT.usage,
    );
  return n;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new CliError(
      `--database-url must be a postgres:// URL; got "${url.replace(/:[^:@/]*@/, ":***@")}"`,
      EXIT.usage,
    );
  const { default: pgModule } = await import("pg");
  const client = new pgModule.Client({ connectionString: url, application_name: "upshift migrate" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function readSet(dir: string) {
  const { readMigrationDirectory } = await import("../../adapters/dbmigrate/read-migration-directory.js");
  return readMigrationSet(readMigrationDirectory(dir));
}

async function planFor(options: SetOptions): Promise<MigrationPlan> {
  const { planAgainstDatabase } = await import("../../adapters/dbmigrate/apply-migrations.js");
  const set = await readSet(options.dir);
  return withClient(options.databaseUrl, (client) =>
    planAgainstDatabase(client, set, { historyTable: options.historyTable }),
  );
}

function renderStatus(plan: MigrationPlan): string {
  const reasons = plan.status.blockReasons.map((r) => `blocked: ${r}`);
  return [renderTable(["version", "file", "status"], migrationStatusRows(plan)), ...reasons].join("\n");
}

/** The progress line: redrawn in place on a terminal, one line per second otherwise (CI logs). */
function progressBar() {
  const tty = process.stderr.isTTY === true;
  let lastPrint = 0;
  let drawn = false;
  return {
    update(progress: BackfillProgress, last = false) {
      const line = formatBackfillProgress(progress);
      if (tty) {
        process.stderr.write(`\r${line}\u001b[K`);
        drawn = true;
      } else if (last || performance.now() - lastPrint >= 1000) {
        process.stderr.write(`${line}\n`);
        lastPrint = performance.now();
      }
    },
    note(message: string) {
      process.stderr.write(`${drawn ? "\n" : ""}${message}\n`);
      drawn = false;
    },
    done() {
      if (drawn) process.stderr.write("\n");
    },
  };
}

import type pg from "pg";
import { expressionColumns } from "../../core/migrations/backfill-expression.js";
import type { BackfillSpec } from "../../core/migrations/backfill-spec.js";
import { dualWriteTriggerSql } from "../../core/migrations/backfill-sql.js";
import type { StatementUnit, TimeoutSetting } from "../../core/migrations/execution-unit.js";
import { DEFAULT_LOCK_RETRY_POLICY, type LockRetryPolicy } from "../../core/migrations/lock-retry.js";
import type { MigrationEvent } from "../../core/migrations/migration-event.js";
import { loadSqlParser } from "../../core/migrations/sql-statements.js";
import { runUnit } from "./run-unit.js";

type ExpressionSpec = Extract<BackfillSpec, { kind: "expression" }>;

/**
 * Creates the dual-write trigger of an expression backfill, before the backfill starts, so that
 * rows the old or new application writes during the transition get the same value the backfill
 * computes. CREATE TRIGGER takes SHARE ROW EXCLUSIVE on the table: it runs under lock_timeout
 * with retries, like any migration statement.
 */
export async function installDualWrite(
  client: pg.ClientBase,
  spec: ExpressionSpec,
  options: { readonly policy?: LockRetryPolicy; readonly onEvent?: (e: MigrationEvent) => void } = {},
): Promise<void> {
  await loadSqlParser();
  const columns = expressionColumns(spec.expression).filter((c) => c !== spec.column);
  await runStatements(client, dualWriteTriggerSql(spec, columns).create, `dual-write ${spec.name}`, options);
}

/** Drops the dual-write trigger and its function (the contract phase, once old code is gone). */
export async function dropDualWrite(
  client: pg.ClientBase,
  spec: ExpressionSpec,
  options: { readonly policy?: LockRetryPolicy; readonly onEvent?: (e: MigrationEvent) => void } = {},
): Promise<void> {
  await runStatements(client, dualWriteTriggerSql(spec, []).drop, `dual-write ${spec.name}`, options);
}

async function runStatements(
  client: pg.ClientBase,
  statements: readonly string[],
  file: string,
  options: { readonly policy?: LockRetryPolicy; readonly onEvent?: (e: MigrationEvent) => void },
): Promise<void> {
  const fileSets = new Set<TimeoutSetting>();
  for (const [i, text] of statements.entries()) {
    const unit: StatementUnit = {
      kind: "statement",
      text,
      line: i + 1,
      concurrent: false,
      blocksNobody: false,
      concurrentIndex: null,
      sets: [],
    };
    await runUnit(unit, {
      client,
      file,
      policy: options.policy ?? DEFAULT_LOCK_RETRY_POLICY,
      onEvent: options.onEvent ?? (() => undefined),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      fileSets,
    });
  }
}

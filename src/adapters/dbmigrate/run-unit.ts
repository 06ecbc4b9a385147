import type pg from "pg";
import { ConflictError, InputError } from "../../core/errors/domain-error.js";
import type { ExecutionUnit, StatementUnit, TimeoutSetting } from "../../core/migrations/execution-unit.js";
import { type LockRetryPolicy, lockRetryDelayMs } from "../../core/migrations/lock-retry.js";
import type { MigrationEvent } from "../../core/migrations/migration-event.js";
import { dropInvalidIndex } from "./invalid-index.js";
import { errorMessage, isLockFailure, sqlState } from "./pg-error.js";

/** What running one file's units needs: a connection, the policy, and where to report. */
export interface UnitContext {
  readonly client: pg.ClientBase;
  readonly file: string;
  readonly policy: LockRetryPolicy;
  readonly onEvent: (event: MigrationEvent) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Timeouts the file has set itself so far: the executor then leaves them alone. */
  readonly fileSets: Set<TimeoutSetting>;
}

/** Runs one statement or BEGIN...COMMIT block, retrying lock failures with backoff. */
export async function runUnit(unit: ExecutionUnit, ctx: UnitContext): Promise<void> {
  const index = unit.kind === "statement" ? unit.concurrentIndex : null;
  // A previous run killed during this build left an INVALID index that IF NOT EXISTS would keep.
  if (index !== null) await cleanInvalidIndex(ctx, unit.line, index);
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    try {
      if (unit.kind === "statement") await runStatement(unit, ctx);
      else await runBlock(unit, ctx);
      ctx.onEvent({
        kind: "statement-done",
        file: ctx.file,
        line: unit.line,
        attempts: attempt,
        ms: Math.round(performance.now() - started),
      });
      return;
    } catch (error) {
      if (index !== null) await cleanInvalidIndex(ctx, unit.line, index);
      if (!isLockFailure(error)) throw statementFailed(ctx.file, unit.line, error);
      if (attempt >= ctx.policy.maxAttempts)
        throw new ConflictError(
          "migration.lock-timeout",
          `${ctx.file}:${unit.line}: could not get its lock in ${attempt} attempts of ${ctx.policy.lockTimeoutMs} ms (${errorMessage(error)}); find the long transaction holding it (pg_stat_activity) and retry`,
          { cause: error, retryable: true },
        );
      const delayMs = lockRetryDelayMs(attempt, ctx.policy, ctx.random());
      ctx.onEvent({
        kind: "lock-retry",
        file: ctx.file,
        line: unit.line,
        attempt,
        delayMs,
        message: errorMessage(error),
      });
      await ctx.sleep(delayMs);
    }
  }
}

async function runStatement(unit: StatementUnit, ctx: UnitContext): Promise<void> {
  await applyTimeouts(ctx, unit.blocksNobody);
  await ctx.client.query(unit.text);
  for (const setting of unit.sets) ctx.fileSets.add(setting);
}

async function runBlock(
  unit: Extract<ExecutionUnit, { kind: "transaction" }>,
  ctx: UnitContext,
): Promise<void> {
  await applyTimeouts(ctx, false);
  await ctx.client.query("BEGIN");
  try {
    for (const statement of unit.statements) await ctx.client.query(statement.text);
    await ctx.client.query(unit.ending === "commit" ? "COMMIT" : "ROLLBACK");
  } catch (error) {
    // The block's error is what the caller needs; a failing ROLLBACK means the session is gone.
    await ctx.client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  for (const statement of unit.statements) for (const setting of statement.sets) ctx.fileSets.add(setting);
}

/**
 * Sets lock_timeout, and statement_timeout (none for statements that block nobody), unless the
 * file set them itself; set_config keeps it to one round trip.
 */
async function applyTimeouts(ctx: UnitContext, blocksNobody: boolean): Promise<void> {
  const lock = ctx.fileSets.has("lock_timeout") ? null : `${ctx.policy.lockTimeoutMs}ms`;
  const statement = ctx.fileSets.has("statement_timeout")
    ? null
    : `${blocksNobody ? 0 : ctx.policy.statementTimeoutMs}ms`;
  await ctx.client.query(
    "SELECT set_config('lock_timeout', coalesce($1, current_setting('lock_timeout')), false), set_config('statement_timeout', coalesce($2, current_setting('statement_timeout')), false)",
    [lock, statement],
  );
}

async function cleanInvalidIndex(
  ctx: UnitContext,
  line: number,
  index: { readonly schema: string | null; readonly name: string },
): Promise<void> {
  const dropped = await dropInvalidIndex(ctx.client, index);
  if (dropped !== null) ctx.onEvent({ kind: "invalid-index-dropped", file: ctx.file, line, index: dropped });
}

function statementFailed(file: string, line: number, error: unknown): Error {
  const state = sqlState(error);
  const timedOut = state === "57014";
  return new InputError(
    timedOut ? "migration.statement-timeout" : "migration.statement-failed",
    `${file}:${line}: ${errorMessage(error)}${state === undefined ? "" : ` (SQLSTATE ${state})`}`,
    { cause: error },
  );
}

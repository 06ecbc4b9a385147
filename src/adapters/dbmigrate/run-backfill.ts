import { setTimeout as delay } from "node:timers/promises";
import type pg from "pg";
import { ConflictError } from "../../core/errors/domain-error.js";
import {
  advanceCheckpoint,
  type BackfillCheckpoint,
  type BatchOutcome,
  initialCheckpoint,
  withBackfillState,
} from "../../core/migrations/backfill-checkpoint.js";
import type { BackfillCheckpointStore } from "../../core/migrations/backfill-checkpoint-store.js";
import {
  type BackfillProgress,
  backfillProgress,
  type ProgressSession,
} from "../../core/migrations/backfill-progress.js";
import {
  type BackfillSpec,
  backfillFingerprint,
  validateBackfillSpec,
} from "../../core/migrations/backfill-spec.js";
import { type BackfillSql, backfillSql } from "../../core/migrations/backfill-sql.js";
import {
  type BatchSizePolicy,
  DEFAULT_BATCH_SIZE_POLICY,
  nextBatchSize,
} from "../../core/migrations/batch-size.js";
import {
  DEFAULT_LOCK_RETRY_POLICY,
  type LockRetryPolicy,
  lockRetryDelayMs,
} from "../../core/migrations/lock-retry.js";
import type { BackfillControl } from "./backfill-control.js";
import { errorMessage, isLockFailure } from "./pg-error.js";
import { columnType } from "./target-catalog.js";

/** What the throttle hook says before each batch: go, or wait (replication lag, a metric over its bound). */
export type ThrottleDecision =
  | { readonly kind: "proceed" }
  | { readonly kind: "wait"; readonly ms: number; readonly reason: string };

/** Reported after every committed batch and on every pause, throttle and retry. */
export type BackfillEvent =
  | {
      readonly kind: "batch";
      readonly progress: BackfillProgress;
      readonly rows: number;
      readonly ms: number;
      readonly nextBatchSize: number;
    }
  | { readonly kind: "throttled"; readonly ms: number; readonly reason: string }
  | {
      readonly kind: "lock-retry";
      readonly attempt: number;
      readonly delayMs: number;
      readonly message: string;
    }
  | { readonly kind: "paused" | "resumed" | "completed"; readonly progress: BackfillProgress };

export interface BackfillOptions {
  readonly store: BackfillCheckpointStore;
  readonly policy?: BatchSizePolicy;
  /** First batch size of a new backfill; a resumed one starts at its checkpoint's learned size. */
  readonly initialBatchSize?: number;
  /** lock_timeout for each batch (row locks held by application transactions) and its retries. */
  readonly lockPolicy?: LockRetryPolicy;
  readonly throttle?: () => Promise<ThrottleDecision>;
  readonly control?: BackfillControl;
  readonly onEvent?: (event: BackfillEvent) => void;
  readonly now?: () => number;
}

/** How a backfill run ended. */
export type BackfillOutcome =
  | { readonly kind: "completed"; readonly checkpoint: BackfillCheckpoint; readonly longestBatchMs: number }
  | { readonly kind: "cancelled"; readonly checkpoint: BackfillCheckpoint; readonly longestBatchMs: number };

/**
 * Runs (or resumes) a backfill: keyset batches on the key, each one statement and one
 * transaction sized to last about `policy.targetMs`, the checkpoint committed to the
 * control-plane store after every batch. A run killed between a batch's commit and its
 * checkpoint redoes that batch, so the expression or template must be deterministic
 * (re-running it gives the same row). Keyset pagination: Winand, "Use The Index, Luke",
 * "Paging Through Results" (seek method), so every batch is an index range scan.
 */
export async function runBackfill(
  client: pg.ClientBase,
  rawSpec: BackfillSpec,
  options: BackfillOptions,
): Promise<BackfillOutcome> {
  const spec = validateBackfillSpec(rawSpec);
  const now = options.now ?? Date.now;
  const policy = options.policy ?? DEFAULT_BATCH_SIZE_POLICY;
  const lockPolicy = options.lockPolicy ?? DEFAULT_LOCK_RETRY_POLICY;
  const emit = options.onEvent ?? (() => undefined);
  const sql = backfillSql(spec, await columnType(client, spec.table, spec.key));
  const fingerprint = backfillFingerprint(spec);

  let checkpoint = await options.store.load(spec.name);
  if (checkpoint === undefined) {
    checkpoint = initialCheckpoint(
      spec.name,
      fingerprint,
      spec.table,
      options.initialBatchSize ?? 1000,
      now(),
    );
    await options.store.save(checkpoint, null);
  } else if (checkpoint.fingerprint !== fingerprint) {
    throw new ConflictError(
      "backfill.changed",
      `backfill ${spec.name} was started with a different definition; give the new one another name (rows before key ${checkpoint.lastKey} hold the old result)`,
    );
  }
  let longestBatchMs = 0;
  if (checkpoint.state === "completed") return { kind: "completed", checkpoint, longestBatchMs };
  checkpoint = await transition(options.store, checkpoint, "running", now());

  await client.query(
    "SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)",
    [`${lockPolicy.lockTimeoutMs}ms`, `${lockPolicy.statementTimeoutMs}ms`],
  );
  const session: ProgressSession = {
    startRows: checkpoint.rowsDone,
    startedAt: now(),
    rowsTotal: checkpoint.rowsDone + (await remainingRows(client, sql, checkpoint.lastKey)),
  };
  const progress = () => backfillProgress(checkpoint as BackfillCheckpoint, session, now());

  for (;;) {
    if (options.control?.current === "pause") {
      checkpoint = await transition(options.store, checkpoint, "paused", now());
      emit({ kind: "paused", progress: progress() });
      const next = await options.control.whenRunnable();
      if (next === "run") {
        checkpoint = await transition(options.store, checkpoint, "running", now());
        emit({ kind: "resumed", progress: progress() });
      }
    }
    if (options.control?.current === "cancel") {
      checkpoint = await transition(options.store, checkpoint, "cancelled", now());
      return { kind: "cancelled", checkpoint, longestBatchMs };
    }
    const decision = options.throttle === undefined ? { kind: "proceed" as const } : await options.throttle();
    if (decision.kind === "wait") {
      emit({ kind: "throttled", ms: decision.ms, reason: decision.reason });
      await delay(decision.ms);
      continue;
    }
    const started = performance.now();
    const batch = await runBatchWithRetry(client, spec, sql, checkpoint, lockPolicy, emit);
    const ms = performance.now() - started;
    longestBatchMs = Math.max(longestBatchMs, ms);
    const size = nextBatchSize(checkpoint.batchSize, ms, batch.rows, policy);
    const next = advanceCheckpoint(checkpoint, batch, size, now());
    await options.store.save(next, checkpoint.batches);
    checkpoint = next;
    if (checkpoint.state === "completed") {
      emit({ kind: "completed", progress: progress() });
      return { kind: "completed", checkpoint, longestBatchMs };
    }
    emit({ kind: "batch", progress: progress(), rows: batch.rows, ms, nextBatchSize: size });
  }
}

async function transition(
  store: BackfillCheckpointStore,
  checkpoint: BackfillCheckpoint,
  state: BackfillCheckpoint["state"],
  now: number,
): Promise<BackfillCheckpoint> {
  if (checkpoint.state === state) return checkpoint;
  const next = withBackfillState(checkpoint, state, now);
  await store.save(next, checkpoint.batches);
  return next;
}

async function remainingRows(
  client: pg.ClientBase,
  sql: BackfillSql,
  lastKey: string | null,
): Promise<number> {
  const result =
    lastKey === null
      ? await client.query<{ n: string }>(sql.firstRemaining)
      : await client.query<{ n: string }>(sql.remaining, [lastKey]);
  return Number(result.rows[0]?.n ?? 0);
}

async function runBatchWithRetry(
  client: pg.ClientBase,
  spec: BackfillSpec,
  sql: BackfillSql,
  checkpoint: BackfillCheckpoint,
  lockPolicy: LockRetryPolicy,
  emit: (event: BackfillEvent) => void,
): Promise<BatchOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runBatch(client, spec, sql, checkpoint.lastKey, checkpoint.batchSize);
    } catch (error) {
      if (!isLockFailure(error) || attempt >= lockPolicy.maxAttempts) throw error;
      const delayMs = lockRetryDelayMs(attempt, lockPolicy, Math.random());
      emit({ kind: "lock-retry", attempt, delayMs, message: errorMessage(error) });
      await delay(delayMs);
    }
  }
}

interface BatchRow {
  rows: number;
  upper_key: string | null;
  hash_sum: string;
}

/** One batch, one transaction: the expression kind in a single statement, a template in three. */
async function runBatch(
  client: pg.ClientBase,
  spec: BackfillSpec,
  sql: BackfillSql,
  lastKey: string | null,
  size: number,
): Promise<BatchOutcome> {
  switch (spec.kind) {
    case "expression": {
      const result =
        lastKey === null
          ? await client.query<BatchRow>(sql.firstBatch, [size])
          : await client.query<BatchRow>(sql.batch, [lastKey, size]);
      const row = result.rows[0];
      return { rows: row?.rows ?? 0, upperKey: row?.upper_key ?? null, hashSum: row?.hash_sum ?? "0" };
    }
    case "template": {
      await client.query("BEGIN");
      try {
        const bound =
          lastKey === null
            ? await client.query<{ upper_key: string | null }>(sql.firstUpperKey, [size])
            : await client.query<{ upper_key: string | null }>(sql.upperKey, [lastKey, size]);
        const upperKey = bound.rows[0]?.upper_key ?? null;
        if (upperKey === null) {
          await client.query("COMMIT");
          return { rows: 0, upperKey: null, hashSum: "0" };
        }
        await client.query(spec.sql, [lastKey, upperKey]);
        const sum =
          lastKey === null
            ? await client.query<BatchRow>(sql.firstRangeChecksum, [upperKey])
            : await client.query<BatchRow>(sql.rangeChecksum, [lastKey, upperKey]);
        await client.query("COMMIT");
        return { rows: sum.rows[0]?.rows ?? 0, upperKey, hashSum: sum.rows[0]?.hash_sum ?? "0" };
      } catch (error) {
        // The batch's own error is the one to report; a failing ROLLBACK means the session is gone.
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
    default:
      return spec satisfies never;
  }
}

/**
 * One round of a step's checks: every check that is due runs once, its progress (runs, failures,
 * consecutive errors, next run) advances, and the rollback triggers see each outcome. The state
 * is plain JSON, kept by the caller (the verify handler's checkpoint, the executor's `state`).
 */
import { durationMs } from "../../core/analysis/analysis-document-schema.js";
import {
  DEFAULT_CONSECUTIVE_ERROR_LIMIT,
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
} from "../../core/analysis/analysis-metric-spec.js";
import type { MetricValue } from "../../core/analysis/metric-value.js";
import {
  burnRateTriggerFired,
  type FiredTrigger,
  type TriggerStreaks,
  triggersFiredByCheck,
} from "../../core/analysis/rollback-trigger.js";
import type {
  ReleaseCheckDocument,
  RollbackTriggerDocument,
} from "../../core/analysis/verification-schema.js";
import type { StepContext } from "../../core/run/step-handler.js";
import { serverErrorRate } from "../../core/traffic/version-stats.js";
import { runVerificationCheck, type VerificationTarget } from "./run-verification-check.js";
import type { VerificationPorts } from "./verification-ports.js";

/**
 * How long a check that waits is left before it is looked at again. Ticks wake a waiting step at
 * once; this recheck only catches a tick that landed in the instant between a reconcile's last
 * read and its outcome being written.
 */
const WAITING_RECHECK_MS = 10_000;
/** How often burn-rate triggers are measured while checks are still running. */
const BURN_RATE_EVERY_MS = 10_000;

export interface CheckProgress {
  readonly runs: number;
  readonly failed: number;
  readonly consecutiveErrors: number;
  readonly nextAt: number;
  readonly result?: "passed" | "failed" | "error";
  readonly message: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
}

export interface CheckRoundState {
  readonly startedAt: number;
  readonly checks: Readonly<Record<string, CheckProgress>>;
  readonly streaks: TriggerStreaks;
  readonly burnRateAt?: number;
}

export interface CheckRound {
  readonly state: CheckRoundState;
  readonly fired: readonly FiredTrigger[];
  /** Set once every check has a result: passed only when every check passed. */
  readonly verdict?: "passed" | "failed";
  readonly nextAt?: number;
  readonly message: string;
}

export function startCheckRound(now: number): CheckRoundState {
  return { startedAt: now, checks: {}, streaks: {} };
}

/** Runs the due checks once and advances their progress. */
export async function runCheckRound(
  ctx: StepContext,
  entries: readonly ReleaseCheckDocument[],
  triggers: readonly RollbackTriggerDocument[],
  ports: VerificationPorts,
  target: VerificationTarget,
  previous: CheckRoundState,
): Promise<CheckRound> {
  const checks: Record<string, CheckProgress> = { ...previous.checks };
  let streaks = previous.streaks;
  const fired: FiredTrigger[] = [];
  for (const entry of entries) {
    const before = checks[entry.name] ?? { runs: 0, failed: 0, consecutiveErrors: 0, nextAt: 0, message: "" };
    const now = ctx.now().getTime();
    // A checklist is read whenever the step wakes (a tick wakes it); other checks keep their pace.
    const early = before.nextAt > now && entry.check.kind !== "manual-checklist";
    if (before.result !== undefined || early) continue;
    const outcome = await runVerificationCheck(ctx, entry, ports, target);
    const at = ctx.now().getTime();
    if (outcome.kind === "waiting") {
      checks[entry.name] = {
        ...before,
        nextAt: outcome.until ?? at + WAITING_RECHECK_MS,
        message: outcome.message,
      };
      continue;
    }
    if (outcome.kind === "error") {
      const consecutiveErrors = before.consecutiveErrors + 1;
      const exhausted = consecutiveErrors > DEFAULT_CONSECUTIVE_ERROR_LIMIT;
      checks[entry.name] = {
        ...before,
        consecutiveErrors,
        nextAt: at + DEFAULT_ERROR_RETRY_INTERVAL_MS,
        message: exhausted
          ? `${outcome.message} (${consecutiveErrors} errors in a row > ${DEFAULT_CONSECUTIVE_ERROR_LIMIT})`
          : `${outcome.message} (error ${consecutiveErrors}, retrying)`,
        evidence: outcome.evidence,
        ...(exhausted ? { result: "error" as const } : {}),
      };
      continue;
    }
    const triggered = triggersFiredByCheck(triggers, streaks, entry.name, outcome);
    streaks = triggered.streaks;
    fired.push(...triggered.fired);
    const runs = before.runs + 1;
    const failed = before.failed + (outcome.kind === "failed" ? 1 : 0);
    const count = entry.count ?? 1;
    const result =
      failed > (entry.failureLimit ?? 0)
        ? ("failed" as const)
        : runs >= count
          ? ("passed" as const)
          : undefined;
    checks[entry.name] = {
      runs,
      failed,
      consecutiveErrors: 0,
      nextAt: at + (durationMs(entry.interval) ?? 10_000),
      message: count > 1 ? `${outcome.message} (run ${runs}/${count}, ${failed} failed)` : outcome.message,
      evidence: outcome.evidence,
      ...(result !== undefined ? { result } : {}),
    };
  }
  let burnRateAt = previous.burnRateAt;
  const burnTriggers = triggers.filter((t) => t.burnRate !== undefined);
  const now = ctx.now().getTime();
  if (burnTriggers.length > 0 && (burnRateAt === undefined || now - burnRateAt >= BURN_RATE_EVERY_MS)) {
    burnRateAt = now;
    for (const trigger of burnTriggers) {
      const ratio = await errorRatio(ctx, trigger, ports, target);
      const hit = ratio === undefined ? undefined : burnRateTriggerFired(trigger, ratio);
      if (hit !== undefined) fired.push(hit);
    }
  }
  const state: CheckRoundState = {
    ...previous,
    checks,
    streaks,
    ...(burnRateAt !== undefined ? { burnRateAt } : {}),
  };
  const progress = entries.map((e) => checks[e.name]);
  const pending = progress.filter((p) => p?.result === undefined);
  const bad = entries.filter(
    (e) => checks[e.name]?.result === "failed" || checks[e.name]?.result === "error",
  );
  const lines = entries.map((e) => checks[e.name]?.message).filter((m): m is string => !!m);
  if (pending.length === 0)
    return {
      state,
      fired,
      verdict: bad.length === 0 ? "passed" : "failed",
      message:
        bad.length === 0
          ? `${entries.length} check(s) passed: ${lines.join("; ")}`
          : `${bad.length} of ${entries.length} check(s) failed: ${bad.map((e) => checks[e.name]?.message).join("; ")}`,
    };
  const nextChecks = Math.min(...pending.map((p) => p?.nextAt ?? now));
  const nextAt =
    burnTriggers.length > 0 ? Math.min(nextChecks, (burnRateAt ?? now) + BURN_RATE_EVERY_MS) : nextChecks;
  return {
    state,
    fired,
    nextAt,
    message: `${entries.length - pending.length} of ${entries.length} check(s) done; ${lines.join("; ")}`,
  };
}

/** The error ratio a burn-rate trigger measures; undefined when it cannot be measured now. */
async function errorRatio(
  ctx: StepContext,
  trigger: RollbackTriggerDocument,
  ports: VerificationPorts,
  target: VerificationTarget,
): Promise<number | undefined> {
  const source = trigger.burnRate?.errorRatio;
  if (source === undefined) return undefined;
  try {
    if (source.kind === "builtin") {
      if (ports.routerStats === undefined || target.version === undefined) return undefined;
      const stats = (await ports.routerStats(target.service, target.environment))[target.version];
      return stats === undefined || stats.requests === 0 ? undefined : serverErrorRate(stats);
    }
    if (ports.createMetricProvider === undefined) return undefined;
    const value: MetricValue = await ports
      .createMetricProvider(source)
      .measure({ args: { service: target.service, version: target.version ?? "" }, signal: ctx.abort });
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === "number" ? first : undefined;
  } catch (error) {
    ctx.log(`burn-rate trigger "${trigger.name}" could not measure: ${(error as Error).message}`);
    return undefined;
  }
}

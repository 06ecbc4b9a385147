/**
 * Rollback triggers (Release and Policy `rollbackTriggers`): which observation fires which trigger.
 * A check trigger fires after `failures` consecutive hits (a failed run of the check, or its `when`
 * condition holding over the check's evidence); an analysis trigger when the analysis ends in one
 * of its phases; a burn-rate trigger when the error ratio spends the error budget `threshold`
 * times faster than the objective allows (Google SRE Workbook, "Alerting on SLOs", burn rate =
 * error ratio / (1 - objective)).
 */
import type { AnalysisPhase } from "./analysis-state.js";
import type { CheckOutcome } from "./check-outcome.js";
import { evaluateCondition } from "./condition-evaluator.js";
import { parseCondition } from "./condition-parser.js";
import type { MetricValue } from "./metric-value.js";
import type { RollbackTriggerDocument } from "./verification-schema.js";

export type TriggerAction = "rollback" | "pause";

export interface FiredTrigger {
  readonly trigger: string;
  readonly action: TriggerAction;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** Consecutive hits per trigger name, carried between runs of the checks. */
export type TriggerStreaks = Readonly<Record<string, number>>;

/** Whether one run of a check counts as a hit for the trigger; an unusable condition is a hit with its reason. */
export function checkTriggerHit(
  trigger: RollbackTriggerDocument,
  outcome: CheckOutcome,
): { readonly hit: boolean; readonly reason: string } {
  if (trigger.when === undefined) return { hit: outcome.kind === "failed", reason: outcome.message };
  const evidence = outcome.evidence;
  const result: MetricValue = Object.hasOwn(evidence, "result") ? (evidence.result ?? null) : evidence;
  const verdict = evaluateCondition(parseCondition(trigger.when), result);
  if (verdict.kind === "error") return { hit: false, reason: verdict.message };
  return {
    hit: verdict.value,
    reason: verdict.value ? `"${trigger.when}" holds: ${outcome.message}` : `"${trigger.when}" does not hold`,
  };
}

/** Updates the streaks with one run of a named check and returns the triggers that fire. */
export function triggersFiredByCheck(
  triggers: readonly RollbackTriggerDocument[],
  streaks: TriggerStreaks,
  check: string,
  outcome: CheckOutcome,
): { readonly streaks: TriggerStreaks; readonly fired: readonly FiredTrigger[] } {
  const next: Record<string, number> = { ...streaks };
  const fired: FiredTrigger[] = [];
  for (const trigger of triggers) {
    if (trigger.check !== check || outcome.kind === "error") continue;
    const { hit, reason } = checkTriggerHit(trigger, outcome);
    const streak = hit ? (next[trigger.name] ?? 0) + 1 : 0;
    next[trigger.name] = streak;
    const needed = trigger.failures ?? 1;
    if (hit && streak >= needed)
      fired.push({
        trigger: trigger.name,
        action: trigger.action ?? "rollback",
        reason: `check "${check}" hit ${streak} time(s) in a row (trigger after ${needed}): ${reason}`,
        evidence: {
          check,
          consecutive: streak,
          outcome: outcome.kind,
          message: outcome.message,
          ...outcome.evidence,
        },
      });
  }
  return { streaks: next, fired };
}

/** The triggers an analysis that ended in `phase` fires. */
export function triggersFiredByAnalysis(
  triggers: readonly RollbackTriggerDocument[],
  phase: AnalysisPhase,
  message: string,
  evidence: Readonly<Record<string, unknown>> = {},
): readonly FiredTrigger[] {
  return triggers
    .filter((t) => t.analysis?.includes(phase as "Failed" | "Error" | "Inconclusive") === true)
    .map((t) => ({
      trigger: t.name,
      action: t.action ?? "rollback",
      reason: `analysis ended ${phase}: ${message}`,
      evidence: { phase, message, ...evidence },
    }));
}

/** How many times faster than allowed the error budget is spent (error ratio / (1 - objective)). */
export function burnRate(errorRatio: number, objective: number): number {
  return errorRatio / (1 - objective);
}

/** Whether a burn-rate trigger fires for an observed error ratio. */
export function burnRateTriggerFired(
  trigger: RollbackTriggerDocument,
  errorRatio: number,
): FiredTrigger | undefined {
  const spec = trigger.burnRate;
  if (spec === undefined || !Number.isFinite(errorRatio)) return undefined;
  const rate = burnRate(errorRatio, spec.objective);
  if (!(rate > spec.threshold)) return undefined;
  return {
    trigger: trigger.name,
    action: trigger.action ?? "rollback",
    reason: `error budget burns ${rate.toFixed(2)}x (error ratio ${errorRatio}, objective ${spec.objective}) > ${spec.threshold}x`,
    evidence: { errorRatio, objective: spec.objective, burnRate: rate, threshold: spec.threshold },
  };
}

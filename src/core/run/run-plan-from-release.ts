import type { VerificationSettings } from "../analysis/verification-settings.js";
import type { ReleaseChange } from "../documents/kinds/release.js";
import type { EnvironmentPlan, PlanStep, PlanWave } from "../planner/release-plan.js";
import type { PlannedStep, RunPlan } from "./run-plan.js";

function stepKey(wave: number, step: PlanStep): string {
  return `w${wave}/${step.kind}/${step.service}`;
}

function inputOf(step: PlanStep, change: ReleaseChange | undefined): Record<string, unknown> {
  switch (step.kind) {
    case "rollout":
      return {
        from: step.from,
        to: step.to,
        ...(change?.strategy ? { strategy: change.strategy } : {}),
        ...(change?.artifact ? { artifact: change.artifact } : {}),
      };
    case "migrate-expand":
      return { migrations: step.migrations };
    case "migrate-contract":
      return { migrations: step.migrations, ...(step.archive ? { archive: step.archive } : {}) };
    case "verify":
      return {};
    default: {
      const never: never = step;
      throw new Error(`unhandled plan step ${JSON.stringify(never)}`);
    }
  }
}

/** The versions a verify step checks: those of its service's rollout in the same wave. */
function versionsVerified(steps: readonly PlanStep[], service: string): { from?: string; to?: string } {
  const rollout = steps.find((s) => s.kind === "rollout" && s.service === service);
  return rollout?.kind === "rollout" ? { from: rollout.from, to: rollout.to } : {};
}

/**
 * The engine's DAG for one environment's plan: every step of wave k waits for all of wave k-1, and a
 * service's steps inside a wave run in the order the planner listed them (expand → rollout → verify).
 */
export function runPlanFromEnvironmentPlan(
  release: string,
  plan: EnvironmentPlan,
  changes: readonly ReleaseChange[],
  verification?: (service: string) => VerificationSettings,
  options: { readonly rollbackWindowSeconds?: number } = {},
): RunPlan {
  const steps: PlannedStep[] = [];
  let previousWave: string[] = [];
  for (const wave of plan.waves) {
    const keys: string[] = [];
    const window = rollbackWindowStep(wave, previousWave, options.rollbackWindowSeconds ?? 0);
    if (window !== undefined) {
      steps.push(window);
      previousWave = [window.key];
    }
    const lastOfService = new Map<string, string>();
    for (const step of wave.steps) {
      const key = stepKey(wave.index, step);
      const before = lastOfService.get(step.service);
      steps.push({
        key,
        kind: step.kind,
        service: step.service,
        wave: wave.index,
        dependsOn: before === undefined ? previousWave : [...previousWave, before],
        input: {
          ...inputOf(
            step,
            changes.find((c) => c.service === step.service),
          ),
          // Checks, analysis and triggers as planned (rollout and verify steps read them).
          ...(verification && (step.kind === "rollout" || step.kind === "verify")
            ? { verification: verification(step.service) }
            : {}),
          ...(step.kind === "verify" ? versionsVerified(wave.steps, step.service) : {}),
        },
      });
      lastOfService.set(step.service, key);
      keys.push(key);
    }
    previousWave = keys;
  }
  return { release, environment: plan.name, steps };
}

/**
 * A durable timer before the first wave with contract migrations: contract runs only once every
 * consumer is on its new version (all earlier waves) AND the release's rollback window has passed,
 * since after a contract the old version cannot be rolled back to.
 */
function rollbackWindowStep(
  wave: PlanWave,
  previousWave: readonly string[],
  seconds: number,
): PlannedStep | undefined {
  if (seconds <= 0 || !wave.steps.some((s) => s.kind === "migrate-contract")) return undefined;
  return {
    key: `w${wave.index}/wait/rollback-window`,
    kind: "wait",
    wave: wave.index,
    dependsOn: previousWave,
    input: { duration: seconds, reason: "rollback window before contract migrations" },
  };
}

import type { EnvironmentPlan, PlanEstimate } from "./release-plan.js";

const isContractWave = (steps: readonly { kind: string }[]) =>
  steps.some((s) => s.kind === "migrate-contract");

/**
 * Totals of a release: environments are promoted one after another as soon as the previous one's
 * rollout waves are verified, while each environment's contract wave waits out the rollback
 * window alongside later promotions, so the duration is the longest such path. Backing out the
 * whole release means backing out every rollout wave of every environment.
 */
export function releaseEstimate(environments: readonly EnvironmentPlan[]): PlanEstimate {
  let promoted = 0;
  let durationSeconds = 0;
  let backoutSeconds = 0;
  for (const env of environments) {
    let contract = 0;
    for (const wave of env.waves) {
      if (isContractWave(wave.steps)) contract += wave.estimateSeconds;
      else promoted += wave.estimateSeconds;
      backoutSeconds += wave.backoutSeconds;
    }
    durationSeconds = Math.max(durationSeconds, promoted + contract);
  }
  return { durationSeconds, backoutSeconds };
}

import { durationSeconds } from "../documents/duration.js";
import type { Strategy } from "../documents/kinds/release.js";

/**
 * The estimate model (docs/planner.md "Estimates"). Figures a strategy does not state are
 * assumptions, named here so that the documentation and the code cannot drift apart.
 */
export const ESTIMATE_DEFAULTS = {
  /** Start the new version's instances and pass readiness, for every strategy. */
  deploySeconds: 120,
  /** A rollout without a strategy: deploy plus a bake before it counts as done. */
  noStrategySeconds: 300,
  /** A canary pause without a duration waits for a person to promote. */
  manualPauseSeconds: 600,
  /** Argo Rollouts' default scaleDownDelaySeconds for blue-green. */
  blueGreenScaleDownSeconds: 30,
  /** Send traffic back to the blue-green side that is still running. */
  trafficSwitchSeconds: 30,
  /** Post-deploy checks of a wave, run for its services in parallel. */
  verifySeconds: 60,
  /** One migration (expand, migrate or contract). */
  migrationSeconds: 60,
} as const;

/**
 * Durations by their text: a release's strategies repeat a few pause lengths across thousands of
 * changes, and parsing one is two regular expressions. Bounded: emptied when it fills up.
 */
const parsedDurations = new Map<string, number>();
const PARSED_DURATIONS_LIMIT = 1024;

function seconds(text: string): number {
  let known = parsedDurations.get(text);
  if (known === undefined) {
    known = durationSeconds(text);
    if (parsedDurations.size >= PARSED_DURATIONS_LIMIT) parsedDurations.clear();
    parsedDurations.set(text, known);
  }
  return known;
}

/** Seconds from the start of a service's rollout until its strategy has finished. */
export function rolloutSeconds(strategy: Strategy | undefined): number {
  const d = ESTIMATE_DEFAULTS;
  if (strategy === undefined) return d.noStrategySeconds;
  if ("canary" in strategy) {
    let total = d.deploySeconds;
    const steps = strategy.canary.steps;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as (typeof steps)[number];
      if ("pause" in step)
        total += step.pause.duration === undefined ? d.manualPauseSeconds : seconds(step.pause.duration);
      else if ("analysis" in step) total += seconds(step.analysis.interval) * step.analysis.count;
    }
    return total;
  }
  if ("blueGreen" in strategy) {
    const delay = strategy.blueGreen.scaleDownDelay;
    return d.deploySeconds + (delay === undefined ? d.blueGreenScaleDownSeconds : seconds(delay));
  }
  return d.deploySeconds;
}

/**
 * Seconds to put the previous version back once a rollout has finished: blue-green keeps the old
 * side running (for its scale-down delay) and only switches traffic back; a finished canary,
 * rolling, recreate or unspecified rollout has replaced the old version and must redeploy it.
 */
export function backoutSeconds(strategy: Strategy | undefined): number {
  const d = ESTIMATE_DEFAULTS;
  if (strategy !== undefined && "blueGreen" in strategy) return d.trafficSwitchSeconds;
  return d.deploySeconds;
}

import type { RolloutPlan } from "../rollout/rollout-plan.js";
import type { PlannedStep, RunPlan } from "./run-plan.js";
import type { StepState } from "./step-state.js";

/** A forward step of a finished run, as the rollback planner needs it. */
export interface FinishedStep {
  readonly key: string;
  readonly kind: string;
  readonly service: string | null;
  readonly wave: number;
  readonly state: StepState;
  readonly direction: "forward" | "rollback";
  readonly startedAt: number | null;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown>;
}

/** The version a rollout step found running before it changed anything ("none" after a first deploy). */
export function versionBefore(step: FinishedStep): string | undefined {
  const mode = step.output.mode;
  const plan = step.output.plan as RolloutPlan | undefined;
  if (mode === "initial") return "none";
  if (mode !== "strategy" || plan === undefined) return undefined;
  switch (plan.kind) {
    case "canary":
      return plan.stable.version;
    case "blueGreen":
      return plan.active.version;
    case "rolling":
    case "recreate":
      return plan.from.version;
    default: {
      const never: never = plan;
      return never;
    }
  }
}

/**
 * The plan of a run that returns every service a finished run rolled out to the version it ran
 * before, through the same strategies (rollout steps with `rollback: true`), the last wave first.
 */
export function rollbackRunPlan(
  run: { readonly id: string; readonly release: string; readonly environment: string },
  steps: readonly FinishedStep[],
): RunPlan {
  const touched = steps.filter(
    (s) => s.direction === "forward" && s.kind === "rollout" && s.startedAt !== null && s.state !== "skipped",
  );
  const waves = [...new Set(touched.map((s) => s.wave))].sort((a, b) => b - a);
  const planned: PlannedStep[] = [];
  let previous: string[] = [];
  for (const [i, wave] of waves.entries()) {
    const keys: string[] = [];
    for (const s of touched.filter((t) => t.wave === wave).sort((a, b) => a.key.localeCompare(b.key))) {
      const key = `rollback/${s.key}`;
      const from = versionBefore(s) ?? s.input.from;
      planned.push({
        key,
        kind: "rollout",
        ...(s.service ? { service: s.service } : {}),
        wave: i,
        dependsOn: previous,
        input: { ...s.input, from, rollback: true, revertOf: s.key, revertRun: run.id },
      });
      keys.push(key);
    }
    previous = keys;
  }
  return { release: run.release, environment: run.environment, steps: planned };
}

import type { ReleaseChange } from "../documents/kinds/release.js";
import type { EnvironmentPlan, PlanStep } from "../planner/release-plan.js";

/** One step of backing out: a rollout undone, or what to do about the data. */
export type RollbackStep =
  | { readonly kind: "rollout-back"; readonly service: string; readonly from: string; readonly to: string }
  | { readonly kind: "verify"; readonly service: string };

/** A wave of the rollback: the plan's waves in reverse, each service back to the version it ran. */
export interface RollbackWave {
  /** The forward wave it undoes. */
  readonly undoes: number;
  readonly steps: readonly RollbackStep[];
  /** The planner's estimate of backing out this wave. */
  readonly estimateSeconds: number;
}

/** How to back a change out, generated from its plan so it cannot drift from what will run. */
export interface RollbackPlan {
  readonly waves: readonly RollbackWave[];
  /** One sentence per migration about its data: expand migrations stay, data migrations need care. */
  readonly dataNotes: readonly string[];
  /** Contract migrations the change defers: they run only after the rollback window, so backing out never meets them. */
  readonly deferredContracts: readonly { readonly service: string; readonly migrations: readonly string[] }[];
  /** Sum of the waves' back-out estimates: the worst case, from the end of the last wave. */
  readonly backoutSeconds: number;
}

/**
 * The rollback plan of one environment's plan: reverse waves (each rollout undone, then verified),
 * notes on the data each migration leaves behind, and the contract migrations held back. Expand
 * migrations are backward compatible by construction (expand/contract, as in pgroll), so the old
 * version runs on the expanded schema and they are not undone.
 */
export function rollbackPlanOf(plan: EnvironmentPlan, changes: readonly ReleaseChange[]): RollbackPlan {
  const waves: RollbackWave[] = [];
  const dataNotes: string[] = [];
  const deferred: { service: string; migrations: string[] }[] = [];
  for (const wave of [...plan.waves].reverse()) {
    const steps: RollbackStep[] = [];
    for (const step of [...wave.steps].reverse()) steps.push(...undo(step, dataNotes, deferred));
    // A wave of only deferred contracts or kept expands has nothing to undo.
    if (steps.length > 0)
      waves.push({ undoes: wave.index, steps: orderRollouts(steps), estimateSeconds: wave.backoutSeconds });
  }
  for (const change of changes) {
    for (const m of change.migrations ?? []) {
      if (m.phase === "migrate")
        dataNotes.push(
          `${change.service}/${m.name} migrates data: rows written by the new version stay in the new shape; check the old version reads them, or restore from the backfill's checkpoint`,
        );
    }
  }
  return {
    waves,
    dataNotes: [...new Set(dataNotes)],
    deferredContracts: deferred,
    backoutSeconds: waves.reduce((sum, w) => sum + w.estimateSeconds, 0),
  };
}

function undo(
  step: PlanStep,
  dataNotes: string[],
  deferred: { service: string; migrations: string[] }[],
): RollbackStep[] {
  switch (step.kind) {
    case "rollout":
      return [{ kind: "rollout-back", service: step.service, from: step.to, to: step.from }];
    case "verify":
      return [];
    case "migrate-expand":
      for (const m of step.migrations)
        dataNotes.push(`${step.service}/${m} (expand) stays applied: the old version ignores what it added`);
      return [];
    case "migrate-contract":
      deferred.push({ service: step.service, migrations: [...step.migrations] });
      return [];
    default: {
      const never: never = step;
      throw new Error(`unhandled plan step ${JSON.stringify(never)}`);
    }
  }
}

/** Each service rolled back, then verified, in the wave's reverse order. */
function orderRollouts(steps: readonly RollbackStep[]): RollbackStep[] {
  return steps.flatMap((s) =>
    s.kind === "rollout-back" ? [s, { kind: "verify" as const, service: s.service }] : [s],
  );
}

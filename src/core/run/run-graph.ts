import type { PlannedStep } from "./run-plan.js";
import { type StepState, satisfiesDependents } from "./step-state.js";

/** A step as stored: its plan plus where it stands. */
export interface StepView {
  readonly key: string;
  readonly kind: string;
  readonly wave: number;
  readonly dependsOn: readonly string[];
  readonly state: StepState;
  readonly direction: "forward" | "rollback";
  readonly service?: string | null;
  readonly input: Record<string, unknown>;
}

/** Pending steps whose dependencies are all done (succeeded or skipped): they become ready now. */
export function newlyReady(steps: readonly StepView[]): string[] {
  const state = new Map(steps.map((s) => [s.key, s.state]));
  return steps
    .filter(
      (s) =>
        s.state === "pending" && s.dependsOn.every((d) => satisfiesDependents(state.get(d) ?? "pending")),
    )
    .map((s) => s.key);
}

/** States in which a forward step may already have changed something that rollback must undo. */
const TOUCHED: ReadonlySet<StepState> = new Set(["succeeded", "running", "waiting", "failed"]);

/**
 * The rollback steps for an aborted run: every forward step that may have changed something, reverted
 * wave by wave in reverse order (the last wave first), through the same handlers in `rollback` direction.
 * Steps that never started need no rollback; `isRevertible` says which kinds change anything at all.
 */
export function rollbackPlan(
  steps: readonly StepView[],
  isRevertible: (kind: string) => boolean,
): PlannedStep[] {
  const touched = steps.filter(
    (s) => s.direction === "forward" && TOUCHED.has(s.state) && isRevertible(s.kind),
  );
  const waves = [...new Set(touched.map((s) => s.wave))].sort((a, b) => b - a);
  const planned: PlannedStep[] = [];
  let previous: string[] = [];
  for (const [i, wave] of waves.entries()) {
    const keys: string[] = [];
    for (const s of touched.filter((t) => t.wave === wave).sort((a, b) => b.key.localeCompare(a.key))) {
      const key = `rollback/${s.key}`;
      keys.push(key);
      planned.push({
        key,
        kind: s.kind,
        ...(s.service ? { service: s.service } : {}),
        wave: i,
        dependsOn: previous,
        input: { ...s.input, revertOf: s.key },
      });
    }
    previous = keys;
  }
  return planned;
}

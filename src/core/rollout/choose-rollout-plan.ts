import type { Strategy } from "../documents/kinds/release.js";
import type { Instance } from "./driver-port.js";
import type { RolloutPlan } from "./rollout-plan.js";
import { otherSlot, rolloutPlanFromRelease } from "./rollout-plan-from-release.js";

/** The version an initial deploy comes from: nothing runs yet. */
export const NO_VERSION = "none";

/**
 * How a rollout step goes about its change, decided once from the first observation and then
 * checkpointed, so a resumed step keeps the plan it started with:
 * - `initial`: nothing of `from` runs (a first deploy, or `from` is "none"): deploy `to` and route to it;
 * - `strategy`: the Release's strategy from the slot `from` runs in to the other slot;
 * - `revert`: rollback direction, a change half done: the strategy's own abort path takes it back;
 * - `reverse`: rollback direction after the change completed: a quick rollout back to `from`;
 * - `remove`: rollback of a first deploy: retire the slots of `to`;
 * - `unchanged`: rollback with nothing of `to` or `from` running: there is nothing to return.
 */
export type RolloutMode = "initial" | "strategy" | "revert" | "reverse" | "remove" | "unchanged";

export interface ChosenRollout {
  readonly mode: RolloutMode;
  readonly plan: RolloutPlan;
  /** Slots to retire (`remove` mode only). */
  readonly slots?: readonly string[];
}

/** Where a strategy puts the first version of a service (so its next rollout pairs slots naturally). */
function firstSlot(strategy: Strategy | undefined): string {
  if (strategy !== undefined && "canary" in strategy) return "stable";
  if (strategy !== undefined && "blueGreen" in strategy) return "blue";
  return "a";
}

/** The slot most live instances of `version` are in, if any. */
export function slotOf(instances: readonly Instance[], version: string): string | undefined {
  const count = new Map<string, number>();
  for (const i of instances)
    if (i.version === version && i.health !== "gone") count.set(i.slot, (count.get(i.slot) ?? 0) + 1);
  let best: string | undefined;
  for (const [slot, n] of count) if (best === undefined || n > (count.get(best) ?? 0)) best = slot;
  return best;
}

/** The version other than `except` with the most live instances, if any. */
function busiestOther(instances: readonly Instance[], except: string): string | undefined {
  const count = new Map<string, number>();
  for (const i of instances)
    if (i.version !== except && i.health !== "gone") count.set(i.version, (count.get(i.version) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of count) if (best === undefined || n > (count.get(best) ?? 0)) best = v;
  return best;
}

/** The same strategy without waiting: a rollback should not crawl back through canary steps. */
function quick(strategy: Strategy | undefined): Strategy | undefined {
  if (strategy === undefined) return undefined;
  if ("canary" in strategy) return { canary: { steps: [] } };
  if ("blueGreen" in strategy) return { blueGreen: { scaleDownDelay: "0s" } };
  return strategy;
}

/**
 * Picks the plan of a rollout step from what runs now. `direction: "rollback"` swaps the goal: the
 * service must end on `from`. Pure: the caller observes and checkpoints the choice.
 */
export function chooseRolloutPlan(input: {
  readonly from: string;
  readonly to: string;
  readonly strategy: Strategy | undefined;
  readonly replicas: number;
  readonly instances: readonly Instance[];
  readonly direction: "forward" | "rollback";
}): ChosenRollout {
  const { from, to, strategy, replicas, instances } = input;
  const toSlot = slotOf(instances, to);
  // What runs is what a rollout starts from, whatever the Service document says runs.
  const running =
    from !== NO_VERSION && slotOf(instances, from) !== undefined ? from : busiestOther(instances, to);
  const runningSlot = running === undefined ? undefined : slotOf(instances, running);
  if (input.direction === "forward") {
    if (running === undefined || runningSlot === undefined || running === to) {
      const side = { version: to, slot: toSlot ?? firstSlot(strategy) };
      return { mode: "initial", plan: { kind: "recreate", from: side, to: side, replicas } };
    }
    const target = { version: to, slot: otherSlot(runningSlot) };
    return {
      mode: "strategy",
      plan: rolloutPlanFromRelease(strategy, {
        current: { version: running, slot: runningSlot },
        target,
        replicas,
      }),
    };
  }
  if (from === NO_VERSION) {
    const slots = [
      ...new Set(instances.filter((i) => i.health !== "gone" && i.version === to).map((i) => i.slot)),
    ].sort();
    const side = { version: to, slot: toSlot ?? firstSlot(strategy) };
    return { mode: "remove", plan: { kind: "recreate", from: side, to: side, replicas }, slots };
  }
  const fromSlot = slotOf(instances, from);
  if (toSlot === undefined && fromSlot === undefined) {
    const side = { version: from, slot: firstSlot(strategy) };
    return { mode: "unchanged", plan: { kind: "recreate", from: side, to: side, replicas } };
  }
  if (toSlot === undefined || from === to) {
    const side = { version: from, slot: fromSlot ?? firstSlot(strategy) };
    return { mode: "initial", plan: { kind: "recreate", from: side, to: side, replicas } };
  }
  if (running !== undefined && runningSlot !== undefined && runningSlot !== toSlot) {
    const current = { version: running, slot: runningSlot };
    return {
      mode: "revert",
      plan: rolloutPlanFromRelease(strategy, { current, target: { version: to, slot: toSlot }, replicas }),
    };
  }
  const back = { version: from, slot: otherSlot(toSlot) };
  return {
    mode: "reverse",
    plan: rolloutPlanFromRelease(quick(strategy), {
      current: { version: to, slot: toSlot },
      target: back,
      replicas,
    }),
  };
}

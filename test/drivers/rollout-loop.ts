import { setTimeout as sleep } from "node:timers/promises";
import { DriverError } from "../../src/core/rollout/driver-error.js";
import type { DeployRequest, Driver, ServiceTarget } from "../../src/core/rollout/driver-port.js";
import type { RolloutAction, Weights } from "../../src/core/rollout/rollout-action.js";
import type {
  RolloutObservation,
  RolloutSignal,
  Verdict,
} from "../../src/core/rollout/rollout-observation.js";
import {
  nextRollout,
  type RolloutPlan,
  type RolloutState,
  rolloutFinished,
} from "../../src/core/rollout/rollout-plan.js";

/** A router stand-in that holds weights in memory (the real routers are tested with them). */
export interface MemoryRouter {
  weights: Weights;
  headerRoute: RolloutObservation["headerRoute"];
}

export interface LoopOptions {
  readonly driver: Driver;
  readonly target: ServiceTarget;
  readonly router: MemoryRouter;
  readonly request: (version: string, slot: string, replicas: number) => DeployRequest;
  readonly signals: RolloutSignal[];
  readonly verdictFor?: (action: RolloutAction) => Verdict;
  /** Called after every action that changed the world. */
  readonly afterAction?: (action: RolloutAction) => Promise<void>;
}

/**
 * The loop the engine's rollout handler runs, reduced to what a driver test needs: observe, ask
 * the strategy, carry out its actions with their ids as idempotency keys, until it finishes or
 * waits for a signal.
 */
export async function runRolloutLoop(
  plan: RolloutPlan,
  start: RolloutState,
  o: LoopOptions,
): Promise<RolloutState> {
  let state = start;
  const verdicts: Record<string, Verdict> = {};
  const failures: Record<string, string> = {};
  const fence = { stepId: "rollout", generation: 1 };
  for (let tick = 0; tick < 200; tick++) {
    const observation: RolloutObservation = {
      instances: await o.driver.observe(o.target),
      weights: o.router.weights,
      headerRoute: o.router.headerRoute,
      verdicts,
      signals: o.signals,
      failures,
    };
    const r = nextRollout(plan, state, observation, new Date());
    state = r.state;
    if (rolloutFinished(state)) return state;
    for (const a of r.actions) {
      const options = { idempotencyKey: a.id, fence, timeoutMs: 8000 };
      try {
        switch (a.kind) {
          case "deploy":
            await o.driver.deploy(o.request(a.version, a.slot, a.replicas), options);
            break;
          case "scale":
            await o.driver.scale(o.target, a.slot, a.replicas, options);
            break;
          case "retire":
            await o.driver.retire(o.target, a.slot, options);
            break;
          case "setWeights":
            o.router.weights = { ...a.weights };
            break;
          case "setHeaderRoute":
            o.router.headerRoute = {
              ...(a.cookie !== undefined ? { cookie: a.cookie } : { header: a.header }),
              value: a.value,
              version: a.version,
            };
            break;
          case "clearHeaderRoute":
            o.router.headerRoute = null;
            break;
          case "runAnalysis":
          case "runChecks":
            verdicts[a.id] = o.verdictFor?.(a) ?? "success";
            break;
          case "wait":
            if (a.until === undefined) return state;
            await sleep(Math.max(0, Math.min(100, Date.parse(a.until) - Date.now())));
            break;
          default: {
            const never: never = a;
            throw new Error(`unknown action ${JSON.stringify(never)}`);
          }
        }
      } catch (e) {
        if (!(e instanceof DriverError)) throw e;
        failures[a.id] = e.message;
      }
      if (a.kind !== "wait") await o.afterAction?.(a);
    }
  }
  throw new Error(`rollout did not finish: ${JSON.stringify(state)}`);
}

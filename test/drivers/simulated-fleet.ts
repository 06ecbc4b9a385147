import type { Instance } from "../../src/core/rollout/driver-port.js";
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
import type { RolloutPhase } from "../../src/core/rollout/rollout-status.js";

/**
 * A fleet that carries out rollout actions at once, in memory, so strategy tests can drive a state
 * machine to its end and check what a user would see (weights, instances) after every action.
 */
export class SimulatedFleet {
  instances: Instance[] = [];
  weights: Weights | undefined;
  headerRoute: RolloutObservation["headerRoute"] = null;
  verdicts: Record<string, Verdict> = {};
  signals: RolloutSignal[] = [];
  readonly applied: RolloutAction[] = [];
  /** Versions whose deploy the driver refuses (it stops what it started, as the process driver does). */
  readonly refused = new Set<string>();
  failures: Record<string, string> = {};
  /** Versions whose instances come up unhealthy. */
  readonly faulty = new Set<string>();
  /** Verdict each runAnalysis / runChecks returns, by action id (default success). */
  verdictFor: (id: string) => Verdict = () => "success";
  /** Called after every applied action, for invariant checks. */
  onChange: (action: RolloutAction) => void = () => {};

  constructor(
    readonly service = "orders",
    readonly withRouter = true,
  ) {}

  start(version: string, slot: string, replicas: number): void {
    for (let i = 0; i < replicas; i++) this.instances.push(this.instance(version, slot, i));
    if (this.withRouter) this.weights = { [version]: 100 };
  }

  observe(): RolloutObservation {
    return {
      instances: [...this.instances],
      weights: this.weights,
      headerRoute: this.headerRoute,
      verdicts: { ...this.verdicts },
      signals: [...this.signals],
      failures: { ...this.failures },
    };
  }

  apply(actions: readonly RolloutAction[]): void {
    for (const a of actions) {
      this.applied.push(a);
      switch (a.kind) {
        case "deploy": {
          if (this.refused.has(a.version)) {
            this.failures[a.id] = `${a.version} never became healthy`;
            break;
          }
          const others = this.instances.filter((i) => i.slot !== a.slot);
          const mine = this.instances.filter(
            (i) => i.slot === a.slot && i.version === a.version && i.index < a.replicas,
          );
          for (let i = 0; i < a.replicas; i++)
            if (!mine.some((m) => m.index === i)) mine.push(this.instance(a.version, a.slot, i));
          this.instances = [...others, ...mine];
          break;
        }
        case "scale":
          this.instances = this.instances.filter((i) => i.slot !== a.slot || i.index < a.replicas);
          break;
        case "retire":
          this.instances = this.instances.filter((i) => i.slot !== a.slot);
          break;
        case "setWeights":
          if (this.withRouter) this.weights = { ...a.weights };
          break;
        case "setHeaderRoute":
          this.headerRoute = {
            ...(a.cookie !== undefined ? { cookie: a.cookie } : { header: a.header }),
            value: a.value,
            version: a.version,
          };
          break;
        case "clearHeaderRoute":
          this.headerRoute = null;
          break;
        case "runAnalysis":
        case "runChecks":
          this.verdicts[a.id] = this.verdictFor(a.id);
          break;
        case "wait":
          break;
        default: {
          const never: never = a;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
      this.onChange(a);
    }
  }

  private instance(version: string, slot: string, index: number): Instance {
    const health = this.faulty.has(version) ? "unhealthy" : "healthy";
    return { service: this.service, environment: "prod", version, slot, index, health };
  }
}

/** Drives a rollout until it finishes or waits for a signal; jumps the clock to each `wait.until`. */
export function drive(
  plan: RolloutPlan,
  state: RolloutState,
  fleet: SimulatedFleet,
  start: Date,
  maxTicks = 200,
): { state: RolloutState; now: Date; phases: RolloutPhase[]; ticks: number } {
  let now = start;
  let s = state;
  const phases: RolloutPhase[] = [];
  for (let tick = 0; tick < maxTicks; tick++) {
    const r = nextRollout(plan, s, fleet.observe(), now);
    s = r.state;
    phases.push(r.phase);
    fleet.apply(r.actions);
    if (rolloutFinished(s)) return { state: s, now, phases, ticks: tick + 1 };
    const wait = r.actions.find((a) => a.kind === "wait");
    if (wait?.kind === "wait" && wait.forSignal !== undefined && wait.until === undefined)
      return { state: s, now, phases, ticks: tick + 1 };
    now =
      wait?.kind === "wait" && wait.until !== undefined
        ? new Date(wait.until)
        : new Date(now.getTime() + 1000);
  }
  return { state: s, now, phases, ticks: maxTicks };
}

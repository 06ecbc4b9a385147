import type { Instance } from "./driver-port.js";
import type { TesterMatch, Weights } from "./rollout-action.js";

/** Result of an analysis run or a named check, as the analysis layer reports it. */
export type Verdict = "success" | "failure" | "inconclusive";

/** A human or policy signal for this service's rollout, with the time it arrived. */
export interface RolloutSignal {
  readonly kind: "promote" | "abort";
  readonly at: string;
  readonly reason?: string;
}

/**
 * Everything a strategy needs to know about the world, gathered by the rollout handler before each
 * call to `next`: the driver's instances, the router's state, analysis and check results, signals.
 */
export interface RolloutObservation {
  readonly instances: readonly Instance[];
  /** The router's current weights; undefined when the service has no router. */
  readonly weights?: Weights;
  /** The tester route in force (a header or cookie value sent to `version`), null when none. */
  readonly headerRoute?: ({ readonly value: string; readonly version: string } & TesterMatch) | null;
  /** Verdicts by the id of the runAnalysis or runChecks action that asked for them. */
  readonly verdicts: Readonly<Record<string, Verdict>>;
  readonly signals: readonly RolloutSignal[];
  /**
   * Actions the driver refused for good (a deploy whose instances never became healthy: the
   * process driver stops them again), by action id, with the driver's message.
   */
  readonly failures?: Readonly<Record<string, string>>;
}

/** The failure message of the first action id that matches, if any. */
export function actionFailure(
  observation: RolloutObservation,
  matches: (id: string) => boolean,
): string | undefined {
  for (const [id, message] of Object.entries(observation.failures ?? {})) if (matches(id)) return message;
  return undefined;
}

/** How many instances of `version` in `slot` are healthy, and whether any gave up. */
export function slotHealth(
  observation: RolloutObservation,
  slot: string,
  version: string,
): { readonly healthy: number; readonly unhealthy: number; readonly total: number } {
  let healthy = 0;
  let unhealthy = 0;
  let total = 0;
  for (const i of observation.instances) {
    if (i.slot !== slot || i.version !== version || i.health === "gone") continue;
    total++;
    if (i.health === "healthy") healthy++;
    if (i.health === "unhealthy") unhealthy++;
  }
  return { healthy, unhealthy, total };
}

/** Instances in a slot, whatever their version (what `retire` must remove). */
export function slotSize(observation: RolloutObservation, slot: string): number {
  return observation.instances.filter((i) => i.slot === slot && i.health !== "gone").length;
}

/** The first signal of a kind that arrived at or after `since`. */
export function signalSince(
  observation: RolloutObservation,
  kind: RolloutSignal["kind"],
  since: string,
): RolloutSignal | undefined {
  const t = Date.parse(since);
  return observation.signals.find((s) => s.kind === kind && Date.parse(s.at) >= t);
}

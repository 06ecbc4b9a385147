import type { DeployRequest, Driver, Instance } from "../../core/rollout/driver-port.js";
import type { TrafficRouter } from "../../core/traffic/traffic-router.js";

/** What a rollout step touches for one service in one environment, built from the documents. */
export interface RolloutTarget {
  readonly driver: Driver;
  /** Undefined when the Environment has no router (`router.type: none` or left out). */
  readonly router: TrafficRouter | undefined;
  readonly replicas: number;
  /**
   * The deploy request of `version`: artifact resolved (Release change or artifact registry, the
   * two must agree), merged parameters as secret references (resolved only by the driver), probe.
   */
  deployRequest(version: string, slot: string, replicas: number): Promise<DeployRequest>;
  /** Runs the pre-checks for deploying `versions`; one line per failure, empty when all pass. */
  preCheck(versions: readonly string[]): Promise<readonly string[]>;
}

/** The rollout step's request for its target: the step's environment, service and input. */
export interface RolloutTargetRequest {
  readonly environment: string;
  readonly service: string;
  readonly to: string;
  /** The Release change's artifact for `to`, when it names one. */
  readonly artifact?: { readonly uri?: string; readonly digest: string };
}

/** The engine's port to the documents, drivers and routers (wired in src/server). */
export interface RolloutTargets {
  resolve(request: RolloutTargetRequest): Promise<RolloutTarget>;
  /** The router of an environment, for analysis; undefined when it has none. */
  routerFor(environment: string): Promise<TrafficRouter | undefined>;
  /** What the service's driver observes running in the environment (pids for infrastructure checks). */
  instancesOf(service: string, environment: string): Promise<readonly Instance[]>;
}

import type { Fence } from "../run/step-handler.js";
import type { ArtifactSpec } from "./artifact-spec.js";
import type { HealthProbe } from "./health-probe.js";

/** Where an instance stands, as its driver sees it now. */
export type InstanceHealth = "healthy" | "unhealthy" | "starting" | "gone";

/** One running copy of a service version in a slot (e.g. `stable`, `canary`, `blue`). */
export interface Instance {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly slot: string;
  /** Position inside the slot: a slot of 3 replicas holds instances 0, 1 and 2. */
  readonly index: number;
  readonly health: InstanceHealth;
  readonly pid?: number;
  /** `host:port` the instance serves on, when the driver knows it. */
  readonly endpoint?: string;
  readonly startedAt?: string;
  readonly artifactDigest?: string;
}

/** Identifies the service in one environment that an action touches. */
export interface ServiceTarget {
  readonly service: string;
  readonly environment: string;
}

/**
 * Passed with every changing action: the key makes a repeated action a no-op, the fence lets a
 * driver refuse a worker that lost its lease (DESIGN.md "Run engine").
 */
export interface DriverActionOptions {
  readonly idempotencyKey: string;
  readonly fence: Fence;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** What `deploy` must bring into being: `replicas` healthy instances of `version` in `slot`. */
export interface DeployRequest extends ServiceTarget {
  readonly version: string;
  readonly slot: string;
  readonly replicas: number;
  readonly artifact: ArtifactSpec;
  /** Rendered per instance by the driver; values may be secret references (`env:`, `file:`). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly probe?: HealthProbe;
}

/** The outcome of a changing action, with the lines that belong in the step log. */
export interface DriverActionResult {
  /** False when everything was already in place (the action was a repeat). */
  readonly changed: boolean;
  readonly instances: readonly Instance[];
  readonly log: readonly string[];
}

/**
 * The driver port: the engine's rollout handler deploys and observes through it. Every changing
 * action is idempotent (same request, same key → same end state, nothing started twice).
 */
export interface Driver {
  readonly kind: string;
  observe(target: ServiceTarget, options?: { readonly signal?: AbortSignal }): Promise<readonly Instance[]>;
  deploy(request: DeployRequest, options: DriverActionOptions): Promise<DriverActionResult>;
  scale(
    target: ServiceTarget,
    slot: string,
    replicas: number,
    options: DriverActionOptions,
  ): Promise<DriverActionResult>;
  retire(target: ServiceTarget, slot: string, options: DriverActionOptions): Promise<DriverActionResult>;
}

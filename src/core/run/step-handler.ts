import type { RunSignal } from "./signal.js";

/** What a handler decides after observing the world. */
export type StepOutcome =
  | { readonly kind: "succeeded"; readonly output?: Record<string, unknown>; readonly message?: string }
  | { readonly kind: "failed"; readonly message: string; readonly retryable?: boolean }
  | { readonly kind: "waiting"; readonly until?: Date; readonly message: string };

/** The fencing token: writes and driver actions are only valid while this generation holds the lease. */
export interface Fence {
  readonly stepId: string;
  readonly generation: number;
  /** The run the step belongs to (lets the store lock the run without a lookup). */
  readonly runId?: string;
}

/** Everything a handler may use while it reconciles one step. */
export interface StepContext {
  readonly runId: string;
  readonly stepId: string;
  readonly key: string;
  readonly kind: string;
  readonly service: string | null;
  readonly environment: string;
  readonly direction: "forward" | "rollback";
  readonly attempt: number;
  readonly input: Record<string, unknown>;
  /** The last checkpointed output (survives crashes and takeovers). */
  readonly output: Record<string, unknown>;
  /** Signals people sent to this step or its run, oldest first. */
  signals(): Promise<readonly RunSignal[]>;
  readonly fence: Fence;
  /** Aborted when the lease is lost or the run stops: stop acting at once. */
  readonly abort: AbortSignal;
  now(): Date;
  /** Attempt-independent key for one action of this step: the same after a crash or takeover. */
  idempotencyKey(actionId: string): string;
  /** Durably records progress; throws LeaseLostError if another worker owns the step now. */
  checkpoint(output: Record<string, unknown>): Promise<void>;
  log(message: string): void;
}

/**
 * A level-triggered reconciler for one kind of step: observe the real state, decide, act with
 * idempotency keys, and return. Running it again after a crash must converge, never repeat.
 */
export interface StepHandler {
  readonly kind: string;
  /** Whether rollback must run this handler in `rollback` direction for steps that started. */
  readonly revertible: boolean;
  reconcile(ctx: StepContext): Promise<StepOutcome>;
}

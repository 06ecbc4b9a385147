import type { RunSignal } from "./signal.js";
import type { Fence, StepOutcome } from "./step-handler.js";

/** A step a worker now holds under lease. */
export interface ClaimedStep {
  readonly id: string;
  readonly runId: string;
  readonly environment: string;
  readonly key: string;
  readonly kind: string;
  readonly service: string | null;
  readonly direction: "forward" | "rollback";
  readonly attempt: number;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown>;
  readonly generation: number;
  /** True when this claim took the step over from a worker whose lease expired. */
  readonly takeover: boolean;
  readonly readyAt: number | null;
  readonly claimedAt: number;
  /** The change request the step's run implements (protected environments), else null. */
  readonly change: string | null;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Delay before attempt n+1, in ms. */
  backoffMs(attempt: number): number;
}

/**
 * What the engine needs from persistence. Every write on behalf of a step carries its fence and
 * returns false when the lease generation moved on (another worker owns the step now).
 */
export interface RunStorePort {
  claim(owner: string, leaseMs: number, limit: number, now: number): Promise<ClaimedStep[]>;
  heartbeat(fence: Fence, leaseMs: number, now: number): Promise<boolean>;
  /** Signals for a step or its run, oldest first; read only by handlers that wait for people. */
  signalsFor(runId: string, stepKey: string): Promise<RunSignal[]>;
  checkpoint(fence: Fence, output: Record<string, unknown>, now: number): Promise<boolean>;
  complete(fence: Fence, outcome: StepOutcome, now: number, retry: RetryPolicy): Promise<boolean>;
  /** Several outcomes in one transaction (group commit); one boolean per item. */
  completeMany(
    items: readonly { fence: Fence; outcome: StepOutcome }[],
    now: number,
    retry: RetryPolicy,
  ): Promise<boolean[]>;
  /**
   * Group commit and the next claim in one transaction (one commit per busy worker cycle): the
   * outcomes are recorded and their runs advanced, then up to `claim.limit` due steps claimed.
   */
  completeAndClaim(
    items: readonly { fence: Fence; outcome: StepOutcome }[],
    now: number,
    retry: RetryPolicy,
    claim: { owner: string; leaseMs: number; limit: number } | undefined,
  ): Promise<{ recorded: boolean[]; claimed: ClaimedStep[] }>;
  /** Earliest time a waiting step or an expiring lease needs a worker (for the poll timer). */
  nextDueAt(now: number): Promise<number | null>;
}

/**
 * Decides, before a claimed step's handler runs, whether the step may start: the change-request
 * gate of protected environments. The worker asks only for forward steps whose run implements a
 * change (`ClaimedStep.change`), so other runs pay nothing for it.
 */
export interface StepGatePort {
  /** The outcome to record instead of running the handler (held: waiting; refused: failed), or undefined to run it. */
  check(step: ClaimedStep, now: number): Promise<StepOutcome | undefined>;
}

/** Wake-ups when steps become ready: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
export interface WakeUpPort {
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

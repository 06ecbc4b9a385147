import { LeaseLostError } from "../core/run/lease-lost-error.js";
import type {
  ClaimedStep,
  RetryPolicy,
  RunStorePort,
  StepGatePort,
  WakeUpPort,
} from "../core/run/run-store-port.js";
import type { Fence, StepContext, StepOutcome } from "../core/run/step-handler.js";
import type { HandlerRegistry } from "./handler-registry.js";

export interface WorkerLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface WorkerOptions {
  /** Unique per process: recorded as the lease owner. */
  readonly id: string;
  readonly store: RunStorePort;
  readonly wakeUps: WakeUpPort;
  readonly handlers: HandlerRegistry;
  /** Lease length; heartbeats renew it every third of it. Default 15 s. */
  readonly leaseMs?: number;
  /** Steps executed at once by this worker. */
  readonly concurrency?: number;
  /** Longest sleep between polls when no wake-up arrives (the fallback to notifications). */
  readonly pollMs?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: () => number;
  readonly log?: WorkerLog;
  /** Called for every claim with its dispatch latency (ready → claimed), for metrics and benchmarks. */
  readonly onDispatch?: (step: ClaimedStep, latencyMs: number) => void;
  /** Checks forward steps of runs that implement a change before they start (protected environments). */
  readonly stepGate?: StepGatePort;
}

/** How soon a step is looked at again when its change could not be read. */
const GATE_RETRY_MS = 5_000;

const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  backoffMs: (attempt) => Math.min(30_000, 500 * 2 ** (attempt - 1)),
};
const silent: WorkerLog = { info: () => {}, warn: () => {} };

interface PendingOutcome {
  readonly fence: Fence;
  readonly outcome: StepOutcome;
  readonly done: (ok: boolean) => void;
  readonly fail: (e: unknown) => void;
}

/**
 * One engine worker: claims due steps, runs their handlers under a heartbeated lease, and records
 * outcomes with fenced writes. Any number of workers (one per replica) can share one database.
 */
export class Worker {
  private running = false;
  private readonly inflight = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private pendingWake = false;
  private unsubscribe: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly retry: RetryPolicy;
  private readonly clock: () => number;
  private readonly log: WorkerLog;
  private readonly leases = new Map<string, { fence: Fence; controller: AbortController }>();
  private heartbeats: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: WorkerOptions) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.concurrency = options.concurrency ?? 8;
    this.pollMs = options.pollMs ?? 1_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? silent;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.wakeUps.subscribe(() => this.kick());
    this.heartbeats = setInterval(() => this.beat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.loopDone = this.loop();
  }

  /** One timer renews every lease this worker holds; a lease found lost stops its step at once. */
  private beat(): void {
    for (const [stepId, { fence, controller }] of this.leases) {
      this.options.store.heartbeat(fence, this.leaseMs, this.clock()).then(
        (ok) => {
          if (!ok) controller.abort(new LeaseLostError(stepId, fence.generation));
        },
        () => {
          // A failed heartbeat is retried at the next beat; the lease outlives two misses.
        },
      );
    }
  }

  /** Stops claiming; waits for steps in flight (their leases stay valid until they finish). */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.kick();
    await this.loopDone;
    await Promise.allSettled([...this.inflight]);
    clearInterval(this.heartbeats);
  }

  /** Stops at once, abandoning steps in flight as a crash would (their leases expire; others take over). */
  async halt(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    clearInterval(this.heartbeats);
    for (const { controller } of this.leases.values()) controller.abort(new Error("worker halted"));
    this.kick();
    await this.loopDone;
  }

  private kick(): void {
    this.pendingWake = true;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async sleep(ms: number): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.pendingWake = false;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedStep[] = [];
      let free = this.concurrency - this.inflight.size;
      try {
        if (this.pendingOutcomes.length > 0) {
          // Outcomes waiting to be recorded: write them and claim their successors in one
          // transaction. Their steps are about to leave `inflight`, so their slots count as free.
          await new Promise((resolve) => setImmediate(resolve)); // gather this tick's outcomes
          const batch = this.pendingOutcomes.splice(0);
          free += batch.length;
          claimed = await this.flush(batch, free);
        } else if (free > 0) {
          claimed = await this.options.store.claim(this.options.id, this.leaseMs, free, this.clock());
        }
      } catch (error) {
        this.log.warn("claim failed; retrying", { error: String(error) });
        await this.sleep(this.pollMs);
        continue;
      }
      this.dispatch(claimed);
      if (this.pendingOutcomes.length > 0) continue;
      if (claimed.length > 0 && claimed.length === free) continue;
      if (free <= 0) {
        // Every slot is busy: the next finished step kicks the loop; no need to look for timers.
        await this.sleep(this.pollMs);
        continue;
      }
      let wait = this.pollMs;
      try {
        const due = await this.options.store.nextDueAt(this.clock());
        if (due !== null) wait = Math.max(0, Math.min(wait, due - this.clock() + 1));
      } catch {
        // The poll below still runs; a database blip must not stop the worker.
      }
      await this.sleep(wait);
    }
    // Outcomes that arrived while stopping are still recorded (without claiming more work).
    const rest = this.pendingOutcomes.splice(0);
    if (rest.length > 0) await this.flush(rest, 0).catch(() => {});
  }

  private dispatch(claimed: readonly ClaimedStep[]): void {
    for (const step of claimed) {
      this.options.onDispatch?.(step, step.readyAt === null ? 0 : Math.max(0, step.claimedAt - step.readyAt));
      const p = this.execute(step).finally(() => {
        this.inflight.delete(p);
        this.kick();
      });
      this.inflight.add(p);
    }
  }

  /** Records a batch of outcomes (group commit), claiming up to `limit` steps in the same transaction. */
  private async flush(batch: readonly PendingOutcome[], limit: number): Promise<ClaimedStep[]> {
    try {
      const { recorded, claimed } = await this.options.store.completeAndClaim(
        batch.map(({ fence, outcome }) => ({ fence, outcome })),
        this.clock(),
        this.retry,
        limit > 0 ? { owner: this.options.id, leaseMs: this.leaseMs, limit } : undefined,
      );
      for (const [i, b] of batch.entries()) b.done(recorded[i] ?? false);
      return claimed;
    } catch (error) {
      for (const b of batch) b.fail(error);
      throw error;
    }
  }

  private async execute(step: ClaimedStep): Promise<void> {
    const fence = { stepId: step.id, generation: step.generation, runId: step.runId };
    const controller = new AbortController();
    this.leases.set(step.id, { fence, controller });
    try {
      if (step.takeover)
        this.log.warn(`taking over step ${step.key} of run ${step.runId}`, { attempt: step.attempt });
      const outcome = await this.reconcile(step, fence, controller.signal);
      if (controller.signal.aborted) return;
      const recorded = await this.record(fence, outcome);
      if (!recorded)
        this.log.warn(`lease on step ${step.key} of run ${step.runId} was lost; outcome discarded`);
    } catch (error) {
      if (error instanceof LeaseLostError || controller.signal.aborted) {
        this.log.warn(`stopped step ${step.key} of run ${step.runId}: ${String(error)}`);
        return;
      }
      this.log.warn(`recording step ${step.key} failed: ${String(error)}`);
    } finally {
      this.leases.delete(step.id);
    }
  }

  private readonly pendingOutcomes: PendingOutcome[] = [];

  /**
   * Outcomes are written together (group commit) by the claim loop, in the transaction that
   * claims the next steps. Once the worker is stopping, the loop may be gone: write at once.
   */
  private record(fence: Fence, outcome: StepOutcome): Promise<boolean> {
    return new Promise((done, fail) => {
      if (this.running) {
        this.pendingOutcomes.push({ fence, outcome, done, fail });
        this.kick();
        return;
      }
      this.options.store
        .completeMany([{ fence, outcome }], this.clock(), this.retry)
        .then((oks) => done(oks[0] ?? false), fail);
    });
  }

  private async reconcile(
    step: ClaimedStep,
    fence: { stepId: string; generation: number },
    abort: AbortSignal,
  ): Promise<StepOutcome> {
    const gate = this.options.stepGate;
    if (gate !== undefined && step.change !== null && step.direction === "forward") {
      try {
        const held = await gate.check(step, this.clock());
        if (held !== undefined) return held;
      } catch (error) {
        return {
          kind: "waiting",
          until: new Date(this.clock() + GATE_RETRY_MS),
          message: `held: could not read ${step.change} to check it before the step starts (${String(error)})`,
        };
      }
    }
    const handler = this.options.handlers.get(step.kind);
    if (handler === undefined) {
      return {
        kind: "failed",
        message: `no handler for step kind "${step.kind}" (known: ${this.options.handlers.kinds().join(", ")})`,
      };
    }
    let output = step.output;
    const ctx: StepContext = {
      runId: step.runId,
      stepId: step.id,
      key: step.key,
      kind: step.kind,
      service: step.service,
      environment: step.environment,
      direction: step.direction,
      attempt: step.attempt,
      input: step.input,
      get output() {
        return output;
      },
      signals: () => this.options.store.signalsFor(step.runId, step.key),
      fence,
      abort,
      now: () => new Date(this.clock()),
      idempotencyKey: (actionId) => `${step.runId}/${step.key}/${actionId}`,
      checkpoint: async (next) => {
        if (abort.aborted) throw new LeaseLostError(step.id, step.generation);
        const ok = await this.options.store.checkpoint(fence, next, this.clock());
        if (!ok) throw new LeaseLostError(step.id, step.generation);
        output = next;
      },
      log: (message) => this.log.info(`[${step.key}] ${message}`),
    };
    try {
      return await handler.reconcile(ctx);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      if (abort.aborted) throw abort.reason instanceof Error ? abort.reason : new Error(String(abort.reason));
      return {
        kind: "failed",
        message: error instanceof Error ? error.message : String(error),
        retryable: true,
      };
    }
  }
}

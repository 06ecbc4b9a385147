/**
 * What the verify-step tests share: a store with an engine worker that runs verify steps (and test
 * deploy steps, reverted on rollback) the way the server's engine does, the plan of a deploy
 * followed by its verify step, and the context and target one check runs with on its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EffectLog } from "../../src/adapters/drivers/test/effect-log.js";
import { testStepHandler } from "../../src/adapters/drivers/test/test-step-handler.js";
import type { VerificationSettings } from "../../src/core/analysis/verification-settings.js";
import type { RunPhase } from "../../src/core/run/run-phase.js";
import type { RunPlan } from "../../src/core/run/run-plan.js";
import type { StepContext } from "../../src/core/run/step-handler.js";
import type { VerificationTarget } from "../../src/engine/analysis/run-verification-check.js";
import { HandlerRegistry } from "../../src/engine/handler-registry.js";
import { createVerifyHandler } from "../../src/engine/handlers/verify-handler.js";
import { Worker } from "../../src/engine/worker.js";
import { verificationPorts } from "../../src/server/verification-runtime.js";
import type { RunRecord, StepRecord } from "../../src/store/run-repository.js";
import type { Store } from "../../src/store/store.js";
import type { StoreTarget } from "../support/store-targets.js";
import { until } from "../support/until.js";

/** A fresh store whose engine worker runs verify steps and test steps; `close` removes every trace. */
export class VerifyEngine {
  private constructor(
    readonly store: Store,
    private readonly worker: Worker,
    private readonly dir: string,
    private readonly cleanup: () => Promise<void>,
    private readonly waitMs: number,
  ) {}

  /**
   * Opens a store on `target` and starts worker `workerId` on it (its test steps log under a
   * temporary directory); its waits give up after `waitMs` unless told otherwise.
   */
  static async start(target: StoreTarget, o: { workerId: string; waitMs: number }): Promise<VerifyEngine> {
    const { store, cleanup } = await target.open();
    const dir = mkdtempSync(join(tmpdir(), "upshift-verify-"));
    const handlers = new HandlerRegistry([
      createVerifyHandler(verificationPorts(store)),
      testStepHandler(new EffectLog(join(dir, "effects.log"))),
    ]);
    store.runs.setRevertible((k) => handlers.isRevertible(k));
    const worker = new Worker({
      id: o.workerId,
      store: store.runs,
      wakeUps: store.wakeUps,
      handlers,
      leaseMs: 5000,
      pollMs: 200,
    });
    worker.start();
    return new VerifyEngine(store, worker, dir, cleanup, o.waitMs);
  }

  /** Starts a run of `plan`, as ana. */
  startRun(plan: RunPlan): Promise<RunRecord> {
    return this.store.runs.createRun(plan, { startedBy: "ana", now: Date.now() });
  }

  async phase(id: string): Promise<RunPhase | undefined> {
    return (await this.store.runs.getRun(id))?.run.phase;
  }

  /** The run's (only) verify step, going forward. */
  async verifyStep(id: string): Promise<StepRecord | undefined> {
    return (await this.store.runs.getRun(id))?.steps.find(
      (s) => s.kind === "verify" && s.direction === "forward",
    );
  }

  /** Waits until the run is in `phase`. */
  untilPhase(id: string, phase: RunPhase, timeoutMs = this.waitMs): Promise<void> {
    return until(`run ${phase}`, async () => (await this.phase(id)) === phase, timeoutMs);
  }

  /** Waits until the run's verify step satisfies `test`. */
  untilVerifyStep(
    id: string,
    what: string,
    test: (step: StepRecord) => boolean,
    timeoutMs = this.waitMs,
  ): Promise<void> {
    return until(
      what,
      async () => {
        const step = await this.verifyStep(id);
        return step !== undefined && test(step);
      },
      timeoutMs,
    );
  }

  /** Stops the worker, then removes the store and the effect log. */
  async close(): Promise<void> {
    await this.worker.halt();
    await this.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A deploy step of `service` (a test step, reverted on rollback) followed by its verify step. */
export function deployThenVerify(o: {
  readonly release: string;
  readonly environment: string;
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly verification: VerificationSettings;
}): RunPlan {
  return {
    release: o.release,
    environment: o.environment,
    steps: [
      {
        key: `w0/deploy/${o.service}`,
        kind: "test",
        service: o.service,
        wave: 0,
        dependsOn: [],
        input: { effects: ["up"] },
      },
      {
        key: `w0/verify/${o.service}`,
        kind: "verify",
        service: o.service,
        wave: 0,
        dependsOn: [`w0/deploy/${o.service}`],
        input: { to: o.to, from: o.from, verification: o.verification },
      },
    ],
  };
}

/** The context of a verify step of web for a check run on its own (nothing aborts it, logs go nowhere). */
export function checkContext(): StepContext {
  return {
    runId: "r",
    key: "w0/verify/web",
    abort: new AbortController().signal,
    now: () => new Date(),
    log: () => {},
  } as unknown as StepContext;
}

/** web 2.0.0 in dev, replacing 1.0.0, started now. */
export function checkTarget(): VerificationTarget {
  return {
    service: "web",
    environment: "dev",
    version: "2.0.0",
    previousVersion: "1.0.0",
    startedAt: Date.now(),
  };
}

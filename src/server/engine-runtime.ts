import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { EffectLog } from "../adapters/drivers/test/effect-log.js";
import { testStepHandler } from "../adapters/drivers/test/test-step-handler.js";
import { HandlerRegistry } from "../engine/handler-registry.js";
import { gateHandler } from "../engine/handlers/gate-handler.js";
import { createVerifyHandler } from "../engine/handlers/verify-handler.js";
import { waitHandler } from "../engine/handlers/wait-handler.js";
import { Worker, type WorkerLog } from "../engine/worker.js";
import type { Store } from "../store/store.js";
import { analysisByRelease } from "./analysis-by-release.js";
import { changeStepGate, DEFAULT_CHANGE_RECHECK_MS } from "./changes/change-step-gate.js";
import { migrateStepHandlers } from "./migrate-step-handlers.js";
import { type RolloutEngineOptions, registerRolloutHandler } from "./rollout-runtime.js";
import { type VerificationOptions, verificationPorts } from "./verification-runtime.js";

export interface EngineOptions extends RolloutEngineOptions {
  readonly leaseMs?: number;
  readonly concurrency?: number;
  readonly pollMs?: number;
  /** Registers the `test` step handler writing to this effect file (for the engine's own tests). */
  readonly testEffectsFile?: string;
  readonly log?: WorkerLog;
  /** Routers and instances for checks and analysis (src/server/verification-runtime.ts). */
  readonly verification?: VerificationOptions;
  /** How long a step held by its change (outside the window, not yet Implement) waits before the next check. */
  readonly changeRecheckMs?: number;
}

/** The composition root of the engine: handlers by kind and one worker for this process. */
export function startEngine(
  store: Store,
  options: EngineOptions = {},
): { worker: Worker; handlers: HandlerRegistry; workerId: string } {
  const handlers = new HandlerRegistry([waitHandler, gateHandler]);
  for (const handler of migrateStepHandlers(store)) handlers.register(handler);
  if (options.testEffectsFile) handlers.register(testStepHandler(new EffectLog(options.testEffectsFile)));
  const targets = registerRolloutHandler(handlers, store, {
    ...options,
    analysis: options.analysis ?? ((t) => analysisByRelease(store, t, options)),
  });
  // Verify steps read the same routers as rollouts (builtin series for burn-rate triggers).
  handlers.register(
    createVerifyHandler(
      verificationPorts(store, {
        router: (e) => targets.routerFor(e),
        instances: (s, e) => targets.instancesOf(s, e),
        ...options.verification,
      }),
    ),
  );
  store.runs.setRevertible((kind) => handlers.isRevertible(kind));
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const worker = new Worker({
    id: workerId,
    store: store.runs,
    wakeUps: store.wakeUps,
    handlers,
    stepGate: changeStepGate(store, options.changeRecheckMs ?? DEFAULT_CHANGE_RECHECK_MS),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  worker.start();
  return { worker, handlers, workerId };
}

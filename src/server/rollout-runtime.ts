import { join } from "node:path";
import type { RolloutAnalysisExecutor } from "../core/rollout/rollout-analysis-port.js";
import type { HandlerRegistry } from "../engine/handler-registry.js";
import { rolloutHandler } from "../engine/handlers/rollout-handler.js";
import { errorRateAnalysis } from "../engine/rollout/error-rate-analysis.js";
import type { RolloutTargets } from "../engine/rollout/rollout-target.js";
import type { Store } from "../store/store.js";
import { rolloutTargetsFromDocuments } from "./rollout-targets-from-documents.js";

/** The rollout parts of EngineOptions. */
export interface RolloutEngineOptions {
  /**
   * Where drivers and routers keep their state when documents give relative or no directories
   * (default `UPSHIFT_ROLLOUT_DIR`, else `rollouts` in the data directory). It outlives the control plane.
   */
  readonly rolloutStateDir?: string;
  /**
   * The analysis layer of `runAnalysis` / `runChecks`. Default: the builtin router's 5xx rate of
   * the canary against `maxErrorRate` (errorRateAnalysis). A function receives the rollout targets.
   */
  readonly analysis?: RolloutAnalysisExecutor | ((targets: RolloutTargets) => RolloutAnalysisExecutor);
  /** Thresholds of the default analysis. */
  readonly maxErrorRate?: number;
  readonly minRequests?: number;
}

/** Registers the `rollout` step handler with drivers and routers built from the stored documents. */
export function registerRolloutHandler(
  handlers: HandlerRegistry,
  store: Store,
  options: RolloutEngineOptions,
): RolloutTargets {
  const stateDir =
    options.rolloutStateDir ??
    process.env.UPSHIFT_ROLLOUT_DIR ??
    join(process.env.UPSHIFT_DATA_DIR ?? ".upshift", "rollouts");
  const targets = rolloutTargetsFromDocuments(store, { stateDir });
  const analysis =
    typeof options.analysis === "function"
      ? options.analysis(targets)
      : (options.analysis ??
        errorRateAnalysis({
          routerFor: (environment) => targets.routerFor(environment),
          ...(options.maxErrorRate !== undefined ? { maxErrorRate: options.maxErrorRate } : {}),
          ...(options.minRequests !== undefined ? { minRequests: options.minRequests } : {}),
        }));
  handlers.register(rolloutHandler(targets, analysis));
  return targets;
}

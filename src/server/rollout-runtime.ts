import { join } from "node:path";
import type { RolloutAnalysisExecutor } from "../core/rollout/rollout-analysis-port.js";
import type { HandlerRegistry } from "../engine/handler-registry.js";
import { rolloutHandler } from "../engine/handlers/rollout-handler.js";
import { errorRateAnalysis } from "../engine/rollout/error-rate-analysis.js";
import type { RolloutTargets } from "../engine/rollout/rollout-target.js";
import { appendStepProgressEvent } from "../store/step-progress-events.js";
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
  /** Thresholds of the default analysis (else `UPSHIFT_ANALYSIS_MAX_ERROR_RATE`, `UPSHIFT_ANALYSIS_MIN_REQUESTS`). */
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
          ...threshold("maxErrorRate", options.maxErrorRate, "UPSHIFT_ANALYSIS_MAX_ERROR_RATE"),
          ...threshold("minRequests", options.minRequests, "UPSHIFT_ANALYSIS_MIN_REQUESTS"),
        }));
  handlers.register(
    rolloutHandler(targets, analysis, (fence, event) =>
      appendStepProgressEvent(store.database, fence, event),
    ),
  );
  return targets;
}

/** An analysis threshold from the options, else from the environment; refused when not a number ≥ 0. */
function threshold(name: string, value: number | undefined, variable: string): Record<string, number> {
  const raw = value ?? process.env[variable];
  if (raw === undefined || raw === "") return {};
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${variable} must be a number ≥ 0 (${name}); got ${JSON.stringify(raw)}`);
  return { [name]: n };
}

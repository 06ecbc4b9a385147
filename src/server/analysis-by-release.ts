import { verificationOfInput } from "../core/analysis/verification-settings.js";
import type { RolloutAnalysisExecutor } from "../core/rollout/rollout-analysis-port.js";
import { errorRateAnalysis } from "../engine/rollout/error-rate-analysis.js";
import type { RolloutTargets } from "../engine/rollout/rollout-target.js";
import type { Store } from "../store/store.js";
import type { RolloutEngineOptions } from "./rollout-runtime.js";
import { createAnalysisExecutor, type VerificationOptions } from "./verification-runtime.js";

/**
 * The rollout handler's analysis, chosen per step by what its Release says: a step whose Release
 * has `analysis` (or `checks`, for canary runChecks) is judged by the judge-based executor, with
 * the builtin routers of the rollout targets; any other keeps the default error-rate analysis, so
 * Releases written before the analysis layer behave as they did.
 */
export function analysisByRelease(
  store: Store,
  targets: RolloutTargets,
  options: RolloutEngineOptions & { readonly verification?: VerificationOptions },
): RolloutAnalysisExecutor {
  const judge = createAnalysisExecutor(store, {
    ...options.verification,
    router: (environment) => targets.routerFor(environment),
  });
  const errorRate = errorRateAnalysis({
    routerFor: (environment) => targets.routerFor(environment),
    ...(options.maxErrorRate !== undefined ? { maxErrorRate: options.maxErrorRate } : {}),
    ...(options.minRequests !== undefined ? { minRequests: options.minRequests } : {}),
  });
  return {
    evaluate(ctx, service, action, previous) {
      const settings = verificationOfInput(ctx.input);
      const configured =
        action.kind === "runAnalysis" ? settings.analysis !== undefined : settings.checks.length > 0;
      return (configured ? judge : errorRate).evaluate(ctx, service, action, previous);
    },
  };
}

import type {
  AnalysisAction,
  AnalysisProgress,
  RolloutAnalysisExecutor,
} from "../../core/rollout/rollout-analysis-port.js";
import type { StepContext } from "../../core/run/step-handler.js";
import type { TrafficRouter } from "../../core/traffic/traffic-router.js";

export interface ErrorRateAnalysisOptions {
  /** The router of an environment (undefined: none, and analysis is inconclusive). */
  readonly routerFor: (environment: string) => Promise<TrafficRouter | undefined>;
  /** Highest share of 5xx answers a measurement may show (default 0.05). */
  readonly maxErrorRate?: number;
  /** Fewer requests than this in a measurement's interval make it inconclusive (default 20). */
  readonly minRequests?: number;
}

type Counts = {
  readonly requests: number;
  readonly errors: number;
};

type Measurement = Counts & {
  readonly at: string;
  readonly rate: number;
};

type ErrorRateState = {
  /** The canary's cumulative counters when the current interval began. */
  readonly since: Counts;
  readonly nextAt: string;
  readonly measurements: readonly Measurement[];
};

const pct = (x: number) => `${(Math.round(x * 10_000) / 100).toString()}%`;

/**
 * The default analysis until the judge lands: the builtin router's per-version 5xx rate for the
 * canary version, measured `count` times `intervalSeconds` apart on the requests of each interval.
 * One measurement above the threshold fails the analysis at once (a faulty canary should lose its
 * traffic as early as possible); all within it succeed; too few requests leave it inconclusive.
 * Named checks need the analysis layer: they are inconclusive here, and say so.
 */
export function errorRateAnalysis(options: ErrorRateAnalysisOptions): RolloutAnalysisExecutor {
  const maxRate = options.maxErrorRate ?? 0.05;
  const minRequests = options.minRequests ?? 20;
  return {
    async evaluate(ctx: StepContext, service: string, action: AnalysisAction, previous) {
      if (action.kind === "runChecks") {
        if (action.checks.length === 0)
          return { verdict: "success", message: "no checks are named", state: {} };
        return {
          verdict: "inconclusive",
          message: `checks ${action.checks.join(", ")} need the analysis layer, which is not installed; promote or abort`,
          state: {},
        };
      }
      const router = await options.routerFor(ctx.environment);
      if (router === undefined)
        return {
          verdict: "inconclusive",
          message: `no traffic router in ${ctx.environment}: no error rate to measure`,
          state: {},
        };
      const stats = (await router.observe(service)).stats[action.canary];
      const now: Counts = { requests: stats?.requests ?? 0, errors: stats?.responses["5xx"] ?? 0 };
      const at = ctx.now();
      const interval = action.intervalSeconds * 1000;
      const state = previous as ErrorRateState | undefined;
      if (state === undefined || now.requests < state.since.requests) {
        // First evaluation, or the router restarted (its counters begin again): start an interval.
        const fresh: ErrorRateState = {
          since: now,
          nextAt: new Date(at.getTime() + interval).toISOString(),
          measurements: state?.measurements ?? [],
        };
        return progress(fresh, `measuring ${action.canary} error rate (0/${action.count})`);
      }
      if (at.getTime() < Date.parse(state.nextAt))
        return progress(
          state,
          `measuring ${action.canary} error rate (${state.measurements.length}/${action.count})`,
        );
      const requests = now.requests - state.since.requests;
      const errors = now.errors - state.since.errors;
      const rate = requests === 0 ? 0 : errors / requests;
      const measurements = [...state.measurements, { at: at.toISOString(), requests, errors, rate }];
      const next: ErrorRateState = {
        since: now,
        nextAt: new Date(at.getTime() + interval).toISOString(),
        measurements,
      };
      const evidence = { maxErrorRate: maxRate, minRequests, version: action.canary, measurements };
      const account = `${action.canary} error rate ${pct(rate)} over ${requests} requests (limit ${pct(maxRate)}, ${measurements.length}/${action.count})`;
      if (requests >= minRequests && rate > maxRate)
        return { verdict: "failure", message: account, evidence, state: next };
      if (measurements.length < action.count) return progress(next, account);
      const thin = measurements.filter((m) => m.requests < minRequests).length;
      if (thin > 0)
        return {
          verdict: "inconclusive",
          message: `${thin} of ${measurements.length} measurements had fewer than ${minRequests} requests; promote or abort`,
          evidence,
          state: next,
        };
      return { verdict: "success", message: account, evidence, state: next };
    },
  };
}

function progress(state: ErrorRateState, message: string): AnalysisProgress {
  return { nextAt: new Date(state.nextAt), message, state: { ...state } };
}

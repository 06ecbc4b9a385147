/**
 * Before/after baselines: the same service's samples from a window before the deploy are the
 * baseline, those from an equally long window after it the canary, and the statistical judge
 * compares them — so a deploy without a side-by-side canary (recreate, rolling) is judged too.
 * Windows of the same length keep the sample sizes, and so the judge's power, comparable.
 */
import { InputError } from "../errors/domain-error.js";
import {
  type CanaryJudgeConfig,
  type CanaryJudgement,
  judgeCanary,
  type MetricSamples,
} from "./canary-judge.js";

export interface TimeWindow {
  /** Epoch milliseconds, inclusive. */
  readonly start: number;
  /** Epoch milliseconds, exclusive. */
  readonly end: number;
}

export interface BeforeAfterWindows {
  readonly before: TimeWindow;
  readonly after: TimeWindow;
}

/**
 * Windows for a deploy finished at `deployedAt`, judged at `now`: after is [deployedAt + settle,
 * now), before is as long and ends at `deployedAt - gap` (the gap leaves out the deploy itself).
 */
export function beforeAfterWindows(
  deployedAt: number,
  now: number,
  settleMs = 0,
  gapMs = 0,
): BeforeAfterWindows {
  const afterStart = deployedAt + settleMs;
  const length = now - afterStart;
  if (!(length > 0))
    throw new InputError(
      "before-after-window-empty",
      `the window after the deploy is empty: judged at ${now}, deploy finished at ${deployedAt} with ${settleMs} ms to settle`,
    );
  const beforeEnd = deployedAt - gapMs;
  return { before: { start: beforeEnd - length, end: beforeEnd }, after: { start: afterStart, end: now } };
}

export interface BeforeAfterJudgement {
  readonly windows: BeforeAfterWindows;
  readonly judgement: CanaryJudgement;
}

/** Judges the samples after the deploy against those before it with the statistical judge. */
export function judgeBeforeAfter(
  config: CanaryJudgeConfig,
  windows: BeforeAfterWindows,
  before: MetricSamples,
  after: MetricSamples,
): BeforeAfterJudgement {
  return { windows, judgement: judgeCanary(config, before, after) };
}

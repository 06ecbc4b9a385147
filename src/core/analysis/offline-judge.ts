/**
 * Offline judging for `upshift analysis judge --baseline FILE --canary FILE [--confidence C]
 * [--direction D] --output json`: the CLI reads the two files and prints what this returns, so
 * users can judge exported samples and check the maths against their own tools.
 */
import { InputError } from "../errors/domain-error.js";
import {
  type CanaryJudgeConfig,
  type CanaryJudgement,
  judgeCanary,
  type MetricSamples,
} from "./canary-judge.js";
import { type CanaryVerdictKind, DEFAULT_SCORE_THRESHOLDS } from "./canary-score.js";
import { type MetricDirection, metricJudgementConfig } from "./metric-judgement-config.js";
import type { MetricClassification } from "./metric-verdict.js";
import { type ParsedSampleFile, parseSampleFile, type SampleFile } from "./sample-file.js";

/** The name of the only metric when both files hold a plain array. */
export const SINGLE_METRIC_NAME = "value";

export interface OfflineJudgeOptions {
  /** Confidence of the interval; the CLI may pass the option's text as is. Default 0.98. */
  readonly confidence?: number | string | undefined;
  /** Which change fails every metric: increase, decrease or either (default). */
  readonly direction?: string | undefined;
}

export interface OfflineMetricReport {
  readonly name: string;
  readonly classification: MetricClassification;
  readonly u: number | null;
  readonly pValue: number | null;
  readonly estimate: number | null;
  readonly ci: readonly [number, number] | null;
  readonly baselineSize: number;
  readonly canarySize: number;
  readonly meanRatio: number | null;
  readonly reason: string;
}

export interface OfflineJudgeReport {
  readonly score: number;
  readonly verdict: CanaryVerdictKind;
  readonly confidence: number;
  readonly direction: MetricDirection;
  readonly reason: string;
  readonly metrics: readonly OfflineMetricReport[];
}

/** What the two files ask the judge: the settings and both sides' samples, checked. */
export interface OfflineJudgeRequest {
  readonly config: CanaryJudgeConfig;
  readonly baseline: MetricSamples;
  readonly canary: MetricSamples;
  readonly confidence: number;
  readonly direction: MetricDirection;
}

/** Judges the canary file's samples against the baseline file's, as `upshift analysis judge` prints them. */
export function judgeSampleFiles(
  baseline: SampleFile,
  canary: SampleFile,
  options: OfflineJudgeOptions = {},
): OfflineJudgeReport {
  const request = offlineJudgeRequest(baseline, canary, options);
  return offlineJudgeReport(request, judgeCanary(request.config, request.baseline, request.canary));
}

/** Parses and pairs the files and options; throws an InputError naming every problem. */
export function offlineJudgeRequest(
  baseline: SampleFile,
  canary: SampleFile,
  options: OfflineJudgeOptions = {},
): OfflineJudgeRequest {
  const confidence = parseConfidence(options.confidence);
  const direction = parseDirection(options.direction);
  const [baselineSamples, canarySamples] = pairMetrics(
    baseline,
    parseSampleFile(baseline),
    canary,
    parseSampleFile(canary),
  );
  const metrics = Object.keys(baselineSamples).map((name) =>
    metricJudgementConfig(name, { confidence, direction }),
  );
  return {
    config: { metrics, groupWeights: {}, thresholds: DEFAULT_SCORE_THRESHOLDS },
    baseline: baselineSamples,
    canary: canarySamples,
    confidence,
    direction,
  };
}

/** The report of a request's judgement (judged here or on other threads). */
export function offlineJudgeReport(
  request: OfflineJudgeRequest,
  judgement: CanaryJudgement,
): OfflineJudgeReport {
  const { confidence, direction } = request;
  return {
    score: judgement.score,
    verdict: judgement.verdict,
    confidence,
    direction,
    reason: judgement.reason,
    metrics: judgement.metrics.map((m) => ({
      name: m.name,
      classification: m.classification,
      u: m.kind === "compared" ? m.u : null,
      pValue: m.kind === "compared" ? m.pValue : null,
      estimate: m.kind === "compared" ? m.estimate : null,
      ci: m.kind === "compared" ? m.ci : null,
      baselineSize: m.baseline.size,
      canarySize: m.canary.size,
      meanRatio: m.kind === "compared" ? m.meanRatio : null,
      reason: m.reason,
    })),
  };
}

function pairMetrics(
  baselineFile: SampleFile,
  baseline: ParsedSampleFile,
  canaryFile: SampleFile,
  canary: ParsedSampleFile,
): readonly [MetricSamples, MetricSamples] {
  if (baseline.kind === "single-metric" && canary.kind === "single-metric") {
    return [{ [SINGLE_METRIC_NAME]: baseline.values }, { [SINGLE_METRIC_NAME]: canary.values }];
  }
  if (baseline.kind === "metrics" && canary.kind === "metrics") {
    const onlyBaseline = Object.keys(baseline.metrics).filter((name) => !Object.hasOwn(canary.metrics, name));
    const onlyCanary = Object.keys(canary.metrics).filter((name) => !Object.hasOwn(baseline.metrics, name));
    const problems = [
      ...onlyBaseline.map(
        (name) => `metric "${name}" is in ${baselineFile.name} but not in ${canaryFile.name}`,
      ),
      ...onlyCanary.map(
        (name) => `metric "${name}" is in ${canaryFile.name} but not in ${baselineFile.name}`,
      ),
    ];
    if (problems.length > 0) {
      throw new InputError(
        "judge-samples-mismatch",
        `${problems.join("; ")}; both files must name the same metrics.`,
        { details: problems },
      );
    }
    return [baseline.metrics, canary.metrics];
  }
  const shape = (p: ParsedSampleFile) =>
    p.kind === "single-metric" ? "a plain array" : "an object of metrics";
  throw new InputError(
    "judge-samples-mismatch",
    `${baselineFile.name} holds ${shape(baseline)} but ${canaryFile.name} holds ${shape(canary)}; both must have the same shape.`,
  );
}

function parseConfidence(value: number | string | undefined): number {
  if (value === undefined) return 0.98;
  const confidence = typeof value === "number" ? value : value.trim() === "" ? Number.NaN : Number(value);
  if (!(confidence > 0 && confidence < 1)) {
    throw new InputError(
      "judge-option-invalid",
      `--confidence must be a number between 0 and 1 (exclusive), such as 0.98; got ${JSON.stringify(value)}.`,
    );
  }
  return confidence;
}

function parseDirection(value: string | undefined): MetricDirection {
  if (value === undefined) return "either";
  if (value === "increase" || value === "decrease" || value === "either") return value;
  throw new InputError(
    "judge-option-invalid",
    `--direction must be increase, decrease or either; got ${JSON.stringify(value)}.`,
  );
}

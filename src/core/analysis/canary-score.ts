/**
 * The canary's score from its metrics' classifications, after Kayenta's WeightedSumScorer
 * (kayenta-judge/src/main/scala/com/netflix/kayenta/judge/scorers/WeightedSumScorer.scala) and
 * ThresholdScoreClassifier:
 *
 * - a group scores 100 * Pass / (Pass + High + Low + Nodata of must-have-data metrics); a group with
 *   none of those counts as 100 (it has nothing to say);
 * - groups are weighted: a weight given in `groupWeights` is used as is, groups without one share
 *   what is left of 100 equally; the score is the weighted mean, rounded to 2 decimals;
 * - a critical metric that is not Pass, or Nodata for at least half of the metrics, forces 0;
 * - score >= pass threshold is Pass, >= marginal is Marginal, anything lower is Fail.
 */
import type { MetricClassification, MetricVerdict } from "./metric-verdict.js";

export type CanaryVerdictKind = "Pass" | "Marginal" | "Fail";

export interface ScoreThresholds {
  readonly pass: number;
  readonly marginal: number;
}

/** Spinnaker's default canary thresholds. */
export const DEFAULT_SCORE_THRESHOLDS: ScoreThresholds = { pass: 95, marginal: 75 };

export interface GroupScore {
  readonly name: string;
  /** 0-100, or null when no metric of the group counted. */
  readonly score: number | null;
  readonly weight: number;
  readonly counts: Readonly<Record<MetricClassification, number>>;
}

export interface CanaryScore {
  readonly score: number;
  readonly verdict: CanaryVerdictKind;
  readonly reason: string;
  readonly groups: readonly GroupScore[];
}

/** Weighted score 0-100 and verdict of a canary from its metric verdicts. */
export function scoreCanary(
  metrics: readonly MetricVerdict[],
  groupWeights: Readonly<Record<string, number>>,
  thresholds: ScoreThresholds,
): CanaryScore {
  const groups = groupScores(metrics, groupWeights);
  const criticalFailures = metrics.filter((m) => m.critical && m.classification !== "Pass");
  const nodata = metrics.filter((m) => m.classification === "Nodata").length;
  const counted = groups.filter((g) => g.weight > 0);
  const totalWeight = counted.reduce((sum, g) => sum + g.weight, 0);
  const weighted = counted.reduce((sum, g) => sum + (g.score ?? 100) * g.weight, 0);
  const raw = totalWeight > 0 ? weighted / totalWeight : 0;
  const score = Math.round(raw * 100) / 100;

  const first = criticalFailures[0];
  if (first !== undefined) {
    const names = criticalFailures.map((m) => `"${m.name}" (${m.classification})`).join(", ");
    return {
      score: 0,
      verdict: "Fail",
      groups,
      reason: `Fail: critical metric ${names} did not pass, so the score is 0 (it would be ${score}). ${first.reason}`,
    };
  }
  if (metrics.length > 0 && nodata * 2 >= metrics.length) {
    return {
      score: 0,
      verdict: "Fail",
      groups,
      reason: `Fail: ${nodata} of ${metrics.length} metrics have no data (half or more), so the score is 0.`,
    };
  }
  const failed = metrics.filter(
    (m) => m.classification !== "Pass" && (m.classification !== "Nodata" || m.mustHaveData),
  );
  const detail =
    failed.length === 0
      ? "every metric passed"
      : `not passing: ${failed.map((m) => `"${m.name}" (${m.classification})`).join(", ")}`;
  const verdict: CanaryVerdictKind =
    score >= thresholds.pass ? "Pass" : score >= thresholds.marginal ? "Marginal" : "Fail";
  const rule =
    verdict === "Pass"
      ? `>= pass threshold ${thresholds.pass}`
      : verdict === "Marginal"
        ? `below pass threshold ${thresholds.pass} but >= marginal threshold ${thresholds.marginal}`
        : `below marginal threshold ${thresholds.marginal}`;
  return { score, verdict, groups, reason: `${verdict}: score ${score} ${rule}; ${detail}.` };
}

function groupScores(
  metrics: readonly MetricVerdict[],
  groupWeights: Readonly<Record<string, number>>,
): GroupScore[] {
  const names = [...new Set(metrics.map((m) => m.group))];
  const explicit = names.filter((name) => groupWeights[name] !== undefined);
  const given = explicit.reduce((sum, name) => sum + (groupWeights[name] ?? 0), 0);
  const unweighted = names.length - explicit.length;
  const share = unweighted > 0 ? Math.max(0, 100 - given) / unweighted : 0;
  return names.map((name) => {
    const members = metrics.filter((m) => m.group === name);
    const counts = { Pass: 0, High: 0, Low: 0, Nodata: 0 };
    for (const m of members) counts[m.classification]++;
    const requiredMissing = members.filter((m) => m.classification === "Nodata" && m.mustHaveData).length;
    const total = counts.Pass + counts.High + counts.Low + requiredMissing;
    return {
      name,
      score: total === 0 ? null : (100 * counts.Pass) / total,
      weight: groupWeights[name] ?? share,
      counts,
    };
  });
}

import type { RiskFactor } from "./risk-assessment.js";
import type { PastChange } from "./risk-facts.js";
import type { RiskWeights } from "./risk-model.js";

/** A service's change success score and what it was made of. */
export interface ChangeSuccessScore {
  readonly service: string;
  readonly score: number;
  readonly changes: number;
  readonly failed: number;
  readonly withIssues: number;
  readonly incidents: readonly [p1: number, p2: number, p3: number];
}

const OUTCOME_POINTS = { successful: 3, "successful-with-issues": -2, unsuccessful: -5 } as const;
const INCIDENT_POINTS = { 1: -10, 2: -5, 3: -2 } as const;

/**
 * ServiceNow's change success score (Change Management, "Change Success Score"): +3 per successful
 * change, -2 per change successful with issues, -5 per failed change, and -10, -5, -2 per P1, P2,
 * P3 incident a change caused.
 */
export function changeSuccessScore(service: string, history: readonly PastChange[]): ChangeSuccessScore {
  const own = history.filter((h) => h.service === service);
  let score = 0;
  const incidents: [number, number, number] = [0, 0, 0];
  for (const change of own) {
    score += OUTCOME_POINTS[change.outcome];
    for (const p of change.incidents) {
      score += INCIDENT_POINTS[p];
      incidents[p - 1] = (incidents[p - 1] ?? 0) + 1;
    }
  }
  const failed = own.filter((c) => c.outcome === "unsuccessful").length;
  const withIssues = own.filter((c) => c.outcome === "successful-with-issues").length;
  return { service, score, changes: own.length, failed, withIssues, incidents };
}

/**
 * Change history: the weakest service's score decides, since one fragile service is enough to sink
 * a change. A negative score adds points; a good record takes a few off, at most historyCreditMax.
 */
export function changeHistoryFactor(
  services: readonly string[],
  history: readonly PastChange[],
  w: RiskWeights,
): RiskFactor {
  const scores = services.map((s) => changeSuccessScore(s, history)).filter((s) => s.changes > 0);
  if (scores.length === 0)
    return { name: "change history", points: 0, fact: "no recorded changes of these services" };
  const weakest = scores.reduce((a, b) => (b.score < a.score ? b : a));
  const points =
    weakest.score < 0
      ? -weakest.score * w.historyPerPoint
      : -Math.min(w.historyCreditMax, weakest.score * w.historyPerPoint);
  return { name: "change history", points, fact: describe(weakest, scores.length) };
}

function describe(s: ChangeSuccessScore, services: number): string {
  const parts = [`${s.changes} change${s.changes === 1 ? "" : "s"}`];
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.withIssues > 0) parts.push(`${s.withIssues} with issues`);
  s.incidents.forEach((n, i) => {
    if (n > 0) parts.push(`${n} P${i + 1} incident${n === 1 ? "" : "s"}`);
  });
  const which = services === 1 ? s.service : `weakest of ${services}: ${s.service}`;
  return `success score ${s.score > 0 ? "+" : ""}${s.score} (${which}; ${parts.join(", ")})`;
}

import type { RiskAssessment } from "./risk-assessment.js";
import { type RiskBands, riskBandLabel } from "./risk-model.js";

/**
 * The risk table `upshift change risk CHG-n` prints: one row per factor with its points and fact,
 * the total, and the band with its thresholds so the reader sees how far the next band is.
 */
export function renderRiskTable(changeNumber: string, risk: RiskAssessment, bands: RiskBands): string {
  const rows = risk.factors.map((f) => [f.name, signed(f.points), f.fact] as const);
  const nameWidth = Math.max("factor".length, "total".length, ...rows.map((r) => r[0].length));
  const pointsWidth = Math.max("points".length, ...rows.map((r) => r[1].length), String(risk.score).length);
  const line = (name: string, points: string, fact: string) =>
    `${name.padEnd(nameWidth)}  ${points.padStart(pointsWidth)}  ${fact}`.trimEnd();
  const thresholds = `Moderate from ${bands.moderate}, High from ${bands.high}, Very high from ${bands.veryHigh}`;
  return [
    `Risk of ${changeNumber}: ${riskBandLabel(risk.band)} (${risk.score} points; ${thresholds})`,
    "",
    line("factor", "points", "fact"),
    ...rows.map(([n, p, f]) => line(n, p, f)),
    line("total", String(risk.score), riskBandLabel(risk.band)),
  ].join("\n");
}

function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

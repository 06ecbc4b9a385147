import { blastRadiusFactor } from "./blast-radius.js";
import { changeHistoryFactor } from "./change-success-score.js";
import type { RiskAssessment, RiskFactor } from "./risk-assessment.js";
import type { RiskFacts } from "./risk-facts.js";
import { DEFAULT_RISK_MODEL, type RiskModel, riskBandOf } from "./risk-model.js";
import { freezeFactor, leadTimeFactor } from "./schedule-factors.js";

/**
 * A change's risk as the sum of named factors, each with its points and the fact behind it, so a
 * reviewer can see why a change is High and what would lower it. Every factor is listed, even at
 * zero points, so the table shows what was considered.
 */
export function computeRisk(facts: RiskFacts, model: RiskModel = DEFAULT_RISK_MODEL): RiskAssessment {
  const w = model.weights;
  const emergency = facts.type === "emergency";
  const factors: RiskFactor[] = [
    blastRadiusFactor(facts.fleet, facts.services, w),
    servicesAndWaves(facts, model),
    migrations(facts, model),
    changeHistoryFactor(facts.services, facts.history, w),
    leadTimeFactor(facts.assessedAt, facts.window, emergency, model),
    freezeFactor(facts.window, facts.freezes, model),
    coverage(facts, model),
    {
      name: "emergency",
      points: emergency ? w.emergency : 0,
      fact: emergency ? "emergency change: expedited review" : `${facts.type} change`,
    },
  ];
  const score = factors.reduce((sum, f) => sum + f.points, 0);
  return { score, band: riskBandOf(score, model.bands), factors };
}

function servicesAndWaves(facts: RiskFacts, model: RiskModel): RiskFactor {
  const n = facts.services.length;
  const extraWaves = Math.max(0, facts.waves - 1);
  const points = n * model.weights.perService + extraWaves * model.weights.perExtraWave;
  const fact = `${n} service${n === 1 ? "" : "s"} in ${facts.waves} wave${facts.waves === 1 ? "" : "s"}`;
  return { name: "services and waves", points, fact };
}

function migrations(facts: RiskFacts, model: RiskModel): RiskFactor {
  const hazards = facts.migrationHazards;
  if (hazards.length === 0)
    return { name: "migrations", points: 0, fact: "no destructive or locking migration" };
  const destructive = hazards.filter((h) => h.kind === "destructive").length;
  const locking = hazards.length - destructive;
  const points = destructive * model.weights.destructiveMigration + locking * model.weights.lockingMigration;
  const fact = hazards
    .map(
      (h) =>
        `${h.service}/${h.migration} ${h.kind}${h.rule === undefined ? "" : `: ${h.rule}${h.file === undefined ? "" : ` at ${h.file}`}`} (${h.detail})`,
    )
    .join("; ");
  return { name: "migrations", points, fact };
}

function coverage(facts: RiskFacts, model: RiskModel): RiskFactor {
  const gaps = facts.coverageGaps;
  if (gaps.length === 0) return { name: "test coverage gaps", points: 0, fact: "none declared" };
  const fact = gaps.map((g) => `${g.service}: ${g.description}`).join("; ");
  return { name: "test coverage gaps", points: gaps.length * model.weights.coverageGap, fact };
}

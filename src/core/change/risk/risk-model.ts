import type { PolicySpec } from "../../documents/kinds/policy.js";
import { nearestName } from "../../documents/nearest-name.js";
import type { RiskBand } from "../approval/approval-subject.js";

/** Points per unit of each factor; Policy `risk.weights` overrides any of them by name. */
export const DEFAULT_RISK_WEIGHTS = {
  /** Per transitive dependent, by the dependent's tier (0 most critical). */
  dependentTier0: 8,
  dependentTier1: 4,
  dependentTier2: 2,
  dependentTier3: 1,
  dependentUntiered: 2,
  /** Per service the change deploys. */
  perService: 2,
  /** Per wave beyond the first: each wave is another mixed-version state to get through. */
  perExtraWave: 1,
  /** Per migration that drops or rewrites data, or takes a lock that blocks writes. */
  destructiveMigration: 15,
  lockingMigration: 6,
  /** Per point of negative change success score of the weakest service (ServiceNow's score). */
  historyPerPoint: 1,
  /** The most a good track record may take off. */
  historyCreditMax: 5,
  /** Window starting within a day, or within three days, of the assessment. */
  leadTimeUnder1d: 10,
  leadTimeUnder3d: 4,
  /** Window overlapping a freeze, or within a day or three days of one. */
  freezeOverlap: 30,
  freezeWithin1d: 8,
  freezeWithin3d: 3,
  /** Per declared test coverage gap. */
  coverageGap: 5,
  emergency: 15,
} as const;

export type RiskWeightName = keyof typeof DEFAULT_RISK_WEIGHTS;
export type RiskWeights = Readonly<Record<RiskWeightName, number>>;

/** Lowest scores of each band above Low; a score at or above `veryHigh` is Very high. */
export interface RiskBands {
  readonly moderate: number;
  readonly high: number;
  readonly veryHigh: number;
}

/** Default thresholds, documented in docs/change-management.md. */
export const DEFAULT_RISK_BANDS: RiskBands = { moderate: 15, high: 35, veryHigh: 60 };

/** Weights, bands and emergency waivers: everything a Policy configures about risk. */
export interface RiskModel {
  readonly weights: RiskWeights;
  readonly bands: RiskBands;
  /** Policy `emergency.skipLeadTime`: an emergency change's short lead time adds no points. */
  readonly emergencySkipsLeadTime: boolean;
}

export const DEFAULT_RISK_MODEL: RiskModel = {
  weights: DEFAULT_RISK_WEIGHTS,
  bands: DEFAULT_RISK_BANDS,
  emergencySkipsLeadTime: false,
};

/** The risk model a Policy configures, with a problem for each weight name it does not know. */
export function riskModelFromPolicy(policy: PolicySpec): { model: RiskModel; problems: string[] } {
  const problems: string[] = [];
  const weights: Record<string, number> = { ...DEFAULT_RISK_WEIGHTS };
  for (const [name, value] of Object.entries(policy.risk?.weights ?? {})) {
    if (Object.hasOwn(DEFAULT_RISK_WEIGHTS, name)) weights[name] = value;
    else {
      const near = nearestName(name, Object.keys(DEFAULT_RISK_WEIGHTS));
      problems.push(`unknown risk weight "${name}"${near === undefined ? "" : `. Did you mean "${near}"?`}`);
    }
  }
  const bands = policy.risk?.bands ?? DEFAULT_RISK_BANDS;
  if (!(bands.moderate <= bands.high && bands.high <= bands.veryHigh)) {
    problems.push(
      `risk bands must rise: moderate ${bands.moderate} ≤ high ${bands.high} ≤ veryHigh ${bands.veryHigh}`,
    );
  }
  const emergencySkipsLeadTime = policy.emergency?.skipLeadTime === true;
  return { model: { weights: weights as RiskWeights, bands, emergencySkipsLeadTime }, problems };
}

/** The band a score falls in. */
export function riskBandOf(score: number, bands: RiskBands): RiskBand {
  if (score >= bands.veryHigh) return "very-high";
  if (score >= bands.high) return "high";
  if (score >= bands.moderate) return "moderate";
  return "low";
}

/** The band as people write it: Low, Moderate, High, Very high. */
export function riskBandLabel(band: RiskBand): string {
  return { low: "Low", moderate: "Moderate", high: "High", "very-high": "Very high" }[band];
}

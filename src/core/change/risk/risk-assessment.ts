import type { RiskBand } from "../approval/approval-subject.js";

/** The factors, in the order the risk table lists them. */
export type RiskFactorName =
  | "blast radius"
  | "services and waves"
  | "migrations"
  | "change history"
  | "lead time"
  | "freeze proximity"
  | "test coverage gaps"
  | "emergency";

/** One named contribution to a change's risk: its points and the fact behind them. */
export interface RiskFactor {
  readonly name: RiskFactorName;
  readonly points: number;
  readonly fact: string;
}

/** A change's risk: the sum of its factors and the band the sum falls in. */
export interface RiskAssessment {
  readonly score: number;
  readonly band: RiskBand;
  readonly factors: readonly RiskFactor[];
}

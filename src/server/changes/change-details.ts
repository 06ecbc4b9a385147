import type { RiskAssessment } from "../../core/change/risk/risk-assessment.js";
import type { MigrationHazard } from "../../core/change/risk/risk-facts.js";
import type { RiskBands } from "../../core/change/risk/risk-model.js";
import type { RollbackPlan } from "../../core/change/rollback-plan.js";
import type { PlanEstimate, PlanWave } from "../../core/planner/release-plan.js";

/** What a change was made from and what was derived from it, stored beside the core's record. */
export interface ChangeDetails {
  /** The plan's waves for the change's environment, as planned (the plan itself is in the plans table). */
  readonly waves: readonly PlanWave[];
  readonly estimate: PlanEstimate;
  readonly rollback: RollbackPlan;
  /** Transitive dependents of the changed services. */
  readonly dependents: readonly string[];
  readonly risk: RiskAssessment & { readonly bands: RiskBands; readonly assessedAt: number };
  /** The Policy's audit approver group, while the window falls in an audit window. */
  readonly auditApproverGroup?: string;
  /**
   * Destructive or locking migrations found when the change was planned (linter rule and file when
   * the migration files were read); absent on changes made before it was recorded.
   */
  readonly migrationHazards?: readonly MigrationHazard[];
  /** Calendar conflicts an emergency change was let through despite. */
  readonly overriddenConflicts?: readonly string[];
}

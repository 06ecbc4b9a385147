/** The release planner's public surface (issue 3), for the CLI (`upshift plan`) and the API (`POST /v1/plans`). */
export { type PlanOptions, planRelease } from "./plan-release.js";
export {
  checkPlanSafety,
  resolveSafetyFleet,
  type SafetyViolation,
  type SafetyViolationKind,
  type StateViolation,
  stateViolations,
} from "./plan-safety.js";
export type { PlanInput } from "./planning-fleet.js";
export type {
  EnvironmentPlan,
  PlanConflict,
  PlanEstimate,
  PlanRequirement,
  PlanStep,
  PlanStepKind,
  PlanWave,
  ReleasePlan,
} from "./release-plan.js";
export { renderPlanDot } from "./render-dot.js";
export { renderPlanMermaid } from "./render-mermaid.js";
export { ESTIMATE_DEFAULTS } from "./rollout-estimate.js";

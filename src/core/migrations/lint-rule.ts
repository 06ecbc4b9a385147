import type { MigrationPhase } from "./migration-phase.js";

/** How a finding weighs: an unacknowledged error blocks the run; a warning is advice. */
export type LintSeverity = "error" | "warning";

/** What a rule is about, shown to the DBA beside every finding of that rule. */
export interface LintRule {
  /** Stable identifier; acknowledgements and clients match on it. */
  readonly id: string;
  readonly severity: LintSeverity;
  /** What the rule flags, in a few words. */
  readonly title: string;
  /** Why it is dangerous: the lock taken, for how long, and which clients break. */
  readonly why: string;
  /** What to write instead. */
  readonly safePattern: string;
  /**
   * Phases whose contract the statement keeps. A rule missing `expand` flags a breaking change:
   * old application versions still running during the rollout would fail.
   */
  readonly allowedPhases: readonly MigrationPhase[];
}

/** True when the rule flags a change that old application versions cannot live with. */
export function isBreaking(rule: LintRule): boolean {
  return !rule.allowedPhases.includes("expand");
}

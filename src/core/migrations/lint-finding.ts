import type { LintSeverity } from "./lint-rule.js";
import type { MigrationPhase, PhaseSource } from "./migration-phase.js";

/** One hazard found in one statement, with everything a reviewer needs; JSON-serialisable. */
export interface LintFinding {
  readonly ruleId: string;
  readonly severity: LintSeverity;
  readonly file: string;
  /** 1-based position of the statement's first keyword (or of the comment, for acknowledgement rules). */
  readonly line: number;
  readonly column: number;
  /** What is wrong with this statement. */
  readonly message: string;
  /** The statement's first line, for context in reports. */
  readonly statement: string;
  /** The lock taken and the clients broken. */
  readonly why: string;
  readonly safePattern: string;
  readonly allowedPhases: readonly MigrationPhase[];
  /** The acknowledgement's reason when a comment accepted this finding, else null. */
  readonly acknowledged: { readonly reason: string } | null;
  /** The file's phase is not one the rule allows. */
  readonly phaseViolation: boolean;
  /** Whether this finding stops `upshift migrate apply`. */
  readonly blocking: boolean;
}

/** The linter's verdict on one migration file; JSON-serialisable. */
export interface MigrationLint {
  readonly file: string;
  readonly phase: MigrationPhase;
  readonly phaseSource: PhaseSource;
  /** Why the phase was inferred as it was (or the header line that declared it). */
  readonly phaseReason: string;
  readonly statementCount: number;
  readonly findings: readonly LintFinding[];
  /** Any finding blocks. */
  readonly blocking: boolean;
}

import type { LintRuleId } from "./lint-rules.js";
import type { LintState } from "./lint-state.js";
import type { SqlStatement } from "./sql-statements.js";

/** Settings that change what is hazardous. */
export interface LintOptions {
  /**
   * Major version of the target PostgreSQL. Decides, for instance, whether ADD COLUMN with a
   * constant default rewrites the table (before 11) and whether SET NOT NULL can use a CHECK (12+).
   */
  readonly postgresMajor: number;
  /**
   * Timeouts the executor sets before every statement (Upshift's own executor sets
   * lock_timeout), so the file need not; the timeout rules then only fire for the others.
   */
  readonly presetTimeouts?: readonly ("lock_timeout" | "statement_timeout")[];
}

/** The default target: the parser's own version (libpg_query 17). */
export const DEFAULT_LINT_OPTIONS: LintOptions = { postgresMajor: 17 };

/** A rule's verdict on one statement, before positions and acknowledgements are attached. */
export interface RuleHit {
  readonly ruleId: LintRuleId;
  /** What exactly is wrong with this statement, naming the table and column. */
  readonly message: string;
}

/** A group of rules looking at one statement, given what earlier statements established. */
export type StatementCheck = (
  statement: SqlStatement,
  state: LintState,
  options: LintOptions,
) => readonly RuleHit[];

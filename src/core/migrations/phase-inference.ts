import type { RuleHit } from "./lint-check.js";
import { isBreaking } from "./lint-rule.js";
import { lintRule } from "./lint-rules.js";
import type { MigrationPhase } from "./migration-phase.js";
import { nodeKind } from "./sql-ast.js";
import type { SqlStatement } from "./sql-statements.js";

/** Statements that only move data (or set up the session), the stuff of a migrate phase. */
const DATA_STATEMENTS = new Set([
  "InsertStmt",
  "UpdateStmt",
  "DeleteStmt",
  "MergeStmt",
  "CopyStmt",
  "SelectStmt",
]);
const SESSION_STATEMENTS = new Set(["VariableSetStmt", "TransactionStmt"]);

/** The inferred phase and the reason, stated so a reviewer can check it. */
export interface InferredPhase {
  readonly phase: MigrationPhase;
  readonly reason: string;
}

/**
 * Infers the phase of a migration without a header: contract if any statement breaks old clients
 * (a finding of a rule not allowed in expand: drop, rename, type change, SET NOT NULL...);
 * migrate if it only changes data (INSERT, UPDATE, DELETE, MERGE, COPY, SELECT); expand otherwise.
 */
export function inferPhase(
  statements: readonly SqlStatement[],
  hits: readonly (RuleHit & { readonly line: number })[],
): InferredPhase {
  const breaking = hits.find((hit) => isBreaking(lintRule(hit.ruleId)));
  if (breaking !== undefined) {
    return { phase: "contract", reason: `line ${breaking.line} breaks old clients (${breaking.ruleId})` };
  }
  if (statements.length === 0) return { phase: "expand", reason: "no statement could be read" };
  const kinds = statements.map((s) => nodeKind(s.node)).filter((kind) => !SESSION_STATEMENTS.has(kind));
  if (kinds.length > 0 && kinds.every((kind) => DATA_STATEMENTS.has(kind))) {
    return { phase: "migrate", reason: "only data statements (INSERT, UPDATE, DELETE, MERGE, COPY, SELECT)" };
  }
  return { phase: "expand", reason: "additive schema changes only" };
}

import type { Node } from "@pgsql/parser";
import type { RuleHit, StatementCheck } from "../lint-check.js";
import { isExistingTable, type LintState } from "../lint-state.js";
import { names, nodeKind, tableKey } from "../sql-ast.js";

const STATEMENT_WORDS: Readonly<Record<string, string>> = {
  AlterTableStmt: "ALTER TABLE",
  IndexStmt: "CREATE INDEX",
  ReindexStmt: "REINDEX",
  DropStmt: "DROP",
  RenameStmt: "RENAME",
  CreateTrigStmt: "CREATE TRIGGER",
  TruncateStmt: "TRUNCATE",
  LockStmt: "LOCK",
  ClusterStmt: "CLUSTER",
};

/** How a statement locks a table that clients use: not at all, waiting only, or holding a blocking lock. */
type LockWeight = "none" | "waits" | "blocks";

/** lock_timeout and statement_timeout before statements that lock tables in use. */
export const checkTimeouts: StatementCheck = (statement, state) => {
  const weight = lockWeight(statement.node, state);
  if (weight === "none") return [];
  const kind = STATEMENT_WORDS[nodeKind(statement.node)] ?? nodeKind(statement.node);
  const hits: RuleHit[] = [];
  if (state.lockTimeout === "unset") {
    hits.push({
      ruleId: "require-lock-timeout",
      message: `${kind} waits for a lock with no lock_timeout set`,
    });
  }
  if (weight === "blocks" && state.statementTimeout === "unset") {
    hits.push({
      ruleId: "require-statement-timeout",
      message: `${kind} holds a blocking lock with no statement_timeout set`,
    });
  }
  return hits;
};

/** Which statements take a table lock other sessions can queue behind (PostgreSQL manual 13.3.1). */
function lockWeight(node: Node, state: LintState): LockWeight {
  const existing = (relation: Parameters<typeof tableKey>[0]) => isExistingTable(state, tableKey(relation));
  if ("AlterTableStmt" in node) {
    if (!existing(node.AlterTableStmt.relation)) return "none";
    // VALIDATE CONSTRAINT holds SHARE UPDATE EXCLUSIVE: reads and writes go on while it scans.
    const onlyValidates = (node.AlterTableStmt.cmds ?? []).every(
      (c) => "AlterTableCmd" in c && c.AlterTableCmd.subtype === "AT_ValidateConstraint",
    );
    return onlyValidates ? "waits" : "blocks";
  }
  if ("IndexStmt" in node) {
    if (!existing(node.IndexStmt.relation)) return "none";
    return node.IndexStmt.concurrent === true ? "waits" : "blocks";
  }
  if ("ReindexStmt" in node) {
    return (node.ReindexStmt.params ?? []).some((p) => "DefElem" in p && p.DefElem.defname === "concurrently")
      ? "waits"
      : "blocks";
  }
  if ("DropStmt" in node) {
    const drop = node.DropStmt;
    if (drop.removeType !== "OBJECT_TABLE" && drop.removeType !== "OBJECT_INDEX") return "none";
    const objects = (drop.objects ?? []).map((o) => ("List" in o ? names(o.List.items) : []));
    const anyExisting = objects.some((parts) =>
      drop.removeType === "OBJECT_INDEX"
        ? !state.createdIndexes.has(parts[parts.length - 1] ?? "")
        : isExistingTable(state, parts.length > 1 ? parts.join(".") : `public.${parts[0] ?? ""}`),
    );
    if (!anyExisting) return "none";
    return drop.concurrent === true ? "waits" : "blocks";
  }
  if ("RenameStmt" in node) return existing(node.RenameStmt.relation) ? "blocks" : "none";
  if ("CreateTrigStmt" in node) return existing(node.CreateTrigStmt.relation) ? "blocks" : "none";
  if ("TruncateStmt" in node || "LockStmt" in node || "ClusterStmt" in node) return "blocks";
  return "none";
}

/** BEGIN inside BEGIN, and COMMIT or ROLLBACK with no transaction open. */
export const checkTransactionNesting: StatementCheck = (statement, state) => {
  const node = statement.node;
  if (!("TransactionStmt" in node)) return [];
  const kind = node.TransactionStmt.kind;
  if ((kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") && state.transactionDepth > 0) {
    const line = state.transactionStart?.position.line;
    return [
      {
        ruleId: "transaction-nesting",
        message: `BEGIN inside the transaction opened on line ${line}: PostgreSQL ignores it`,
      },
    ];
  }
  if ((kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_ROLLBACK") && state.transactionDepth === 0) {
    return [
      {
        ruleId: "transaction-nesting",
        message: `${kind === "TRANS_STMT_COMMIT" ? "COMMIT" : "ROLLBACK"} with no transaction open`,
      },
    ];
  }
  return [];
};

/** Statements that fail when re-run, where a failure can leave them half-applied (outside BEGIN). */
export const checkIdempotency: StatementCheck = (statement, state) => {
  if (state.transactionDepth > 0) return []; // the block commits all or nothing
  const what = nonIdempotent(statement.node);
  return what === undefined
    ? []
    : [{ ruleId: "non-idempotent-statement", message: `${what} fails if it already ran` }];
};

function nonIdempotent(node: Node): string | undefined {
  if ("CreateStmt" in node)
    return node.CreateStmt.if_not_exists === true ? undefined : "CREATE TABLE without IF NOT EXISTS";
  if ("IndexStmt" in node)
    return node.IndexStmt.if_not_exists === true ? undefined : "CREATE INDEX without IF NOT EXISTS";
  if ("CreateSeqStmt" in node)
    return node.CreateSeqStmt.if_not_exists === true ? undefined : "CREATE SEQUENCE without IF NOT EXISTS";
  if ("CreateSchemaStmt" in node)
    return node.CreateSchemaStmt.if_not_exists === true ? undefined : "CREATE SCHEMA without IF NOT EXISTS";
  if ("CreateExtensionStmt" in node)
    return node.CreateExtensionStmt.if_not_exists === true
      ? undefined
      : "CREATE EXTENSION without IF NOT EXISTS";
  if ("ViewStmt" in node)
    return node.ViewStmt.replace === true ? undefined : "CREATE VIEW without OR REPLACE";
  if ("CreateFunctionStmt" in node)
    return node.CreateFunctionStmt.replace === true ? undefined : "CREATE FUNCTION without OR REPLACE";
  if ("DropStmt" in node) return node.DropStmt.missing_ok === true ? undefined : "DROP without IF EXISTS";
  if ("AlterTableStmt" in node) {
    for (const cmd of node.AlterTableStmt.cmds ?? []) {
      if (!("AlterTableCmd" in cmd) || cmd.AlterTableCmd.missing_ok === true) continue;
      if (cmd.AlterTableCmd.subtype === "AT_AddColumn") return "ADD COLUMN without IF NOT EXISTS";
      if (cmd.AlterTableCmd.subtype === "AT_DropColumn") return "DROP COLUMN without IF EXISTS";
    }
  }
  return undefined;
}

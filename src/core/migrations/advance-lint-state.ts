import type { AlterTableCmd, Constraint, Node, TransactionStmt } from "@pgsql/parser";
import type { LintState, TimeoutScope } from "./lint-state.js";
import { columnConstraints, columnType, names, tableKey } from "./sql-ast.js";
import type { SqlStatement } from "./sql-statements.js";

const ENDS_TRANSACTION = new Set(["TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_PREPARE"]);

/** Records what a statement changes for the statements after it (runs after the rules). */
export function advanceLintState(state: LintState, statement: SqlStatement): void {
  const node = statement.node;
  if ("TransactionStmt" in node) advanceTransaction(state, statement, node.TransactionStmt);
  else if ("VariableSetStmt" in node) {
    const set = node.VariableSetStmt;
    const scope: TimeoutScope =
      set.kind === "VAR_SET_VALUE" && !isZero(set.args?.[0]) ? scopeOf(set.is_local) : "unset";
    if (set.name === "lock_timeout") state.lockTimeout = scope;
    if (set.name === "statement_timeout") state.statementTimeout = scope;
  } else if ("SelectStmt" in node) advanceSetConfig(state, node);
  else if ("CreateStmt" in node) {
    const key = tableKey(node.CreateStmt.relation);
    state.createdTables.add(key);
    const columns = new Map();
    for (const element of node.CreateStmt.tableElts ?? []) {
      if ("ColumnDef" in element)
        columns.set(element.ColumnDef.colname ?? "", columnType(element.ColumnDef.typeName));
    }
    state.catalog.set(key, columns);
  } else if ("CreateTableAsStmt" in node) state.createdTables.add(tableKey(node.CreateTableAsStmt.into?.rel));
  else if ("IndexStmt" in node) state.createdIndexes.add(node.IndexStmt.idxname ?? "");
  else if ("AlterTableStmt" in node) {
    const key = tableKey(node.AlterTableStmt.relation);
    for (const cmd of node.AlterTableStmt.cmds ?? [])
      if ("AlterTableCmd" in cmd) advanceAlter(state, key, cmd.AlterTableCmd);
  } else if ("RenameStmt" in node) {
    const rename = node.RenameStmt;
    const key = tableKey(rename.relation);
    if (rename.renameType === "OBJECT_TABLE") {
      const renamed = `${rename.relation?.schemaname ?? "public"}.${rename.newname ?? ""}`;
      moveKey(state.catalog, key, renamed);
      if (state.createdTables.delete(key)) state.createdTables.add(renamed);
    } else if (rename.renameType === "OBJECT_COLUMN") {
      const columns = state.catalog.get(key);
      if (columns !== undefined) moveKey(columns, rename.subname ?? "", rename.newname ?? "");
    }
  } else if ("DropStmt" in node && node.DropStmt.removeType === "OBJECT_TABLE") {
    for (const object of node.DropStmt.objects ?? []) {
      const parts = "List" in object ? names(object.List.items) : [];
      const key = parts.length > 1 ? parts.join(".") : `public.${parts[0] ?? ""}`;
      state.catalog.delete(key);
      state.createdTables.delete(key);
    }
  }
}

function advanceTransaction(state: LintState, statement: SqlStatement, tx: TransactionStmt): void {
  if (tx.kind === "TRANS_STMT_BEGIN" || tx.kind === "TRANS_STMT_START") {
    if (state.transactionDepth === 0) state.transactionStart = statement;
    state.transactionDepth++;
  } else if (tx.kind !== undefined && ENDS_TRANSACTION.has(tx.kind) && tx.chain !== true) {
    // PostgreSQL has no nested transactions: one COMMIT ends the block however many BEGINs.
    state.transactionDepth = 0;
    state.transactionStart = undefined;
    if (state.lockTimeout === "local") state.lockTimeout = "unset";
    if (state.statementTimeout === "local") state.statementTimeout = "unset";
  }
}

function advanceAlter(state: LintState, key: string, cmd: AlterTableCmd): void {
  const columns = state.catalog.get(key);
  const def = cmd.def;
  if (cmd.subtype === "AT_AddColumn" && def !== undefined && "ColumnDef" in def) {
    columns?.set(def.ColumnDef.colname ?? "", columnType(def.ColumnDef.typeName));
    for (const c of columnConstraints(def.ColumnDef)) noteNotNullCheck(state, key, c);
  } else if (cmd.subtype === "AT_DropColumn") columns?.delete(cmd.name ?? "");
  else if (cmd.subtype === "AT_AlterColumnType" && def !== undefined && "ColumnDef" in def) {
    columns?.set(cmd.name ?? "", columnType(def.ColumnDef.typeName));
  } else if (cmd.subtype === "AT_AddConstraint" && def !== undefined && "Constraint" in def) {
    noteNotNullCheck(state, key, def.Constraint);
  } else if (cmd.subtype === "AT_ValidateConstraint") {
    const column = state.pendingNotNullChecks.get(`${key}.${cmd.name ?? ""}`);
    if (column !== undefined) state.notNullChecks.add(`${key}.${column}`);
  }
}

/**
 * A valid `CHECK (col IS NOT NULL)` lets SET NOT NULL skip its scan on PostgreSQL 12+ (release
 * notes 12: "ALTER TABLE ... SET NOT NULL ... skip the full table scan"); a NOT VALID one counts
 * only once VALIDATE CONSTRAINT has run.
 */
function noteNotNullCheck(state: LintState, key: string, constraint: Constraint): void {
  const expr = constraint.raw_expr;
  if (constraint.contype !== "CONSTR_CHECK" || expr === undefined || !("NullTest" in expr)) return;
  const test = expr.NullTest;
  if (test.nulltesttype !== "IS_NOT_NULL" || test.arg === undefined || !("ColumnRef" in test.arg)) return;
  const column = names(test.arg.ColumnRef.fields).pop();
  if (column === undefined) return;
  if (constraint.skip_validation !== true) {
    state.notNullChecks.add(`${key}.${column}`);
    return;
  }
  // Unnamed checks get PostgreSQL's generated name <table>_<column>_check (ChooseConstraintName).
  const table = key.slice(key.indexOf(".") + 1);
  state.pendingNotNullChecks.set(`${key}.${constraint.conname ?? `${table}_${column}_check`}`, column);
}

function advanceSetConfig(state: LintState, node: Node): void {
  const select = "SelectStmt" in node ? node.SelectStmt : undefined;
  for (const target of select?.targetList ?? []) {
    const value = "ResTarget" in target ? target.ResTarget.val : undefined;
    if (value === undefined || !("FuncCall" in value)) continue;
    if (names(value.FuncCall.funcname).pop() !== "set_config") continue;
    const [name, setting, isLocal] = value.FuncCall.args ?? [];
    const settingName = name !== undefined && "A_Const" in name ? name.A_Const.sval?.sval : undefined;
    const local = isLocal !== undefined && "A_Const" in isLocal && isLocal.A_Const.boolval?.boolval === true;
    const scope: TimeoutScope = isZero(setting) ? "unset" : scopeOf(local);
    if (settingName === "lock_timeout") state.lockTimeout = scope;
    if (settingName === "statement_timeout") state.statementTimeout = scope;
  }
}

function scopeOf(isLocal: boolean | undefined): TimeoutScope {
  return isLocal === true ? "local" : "session";
}

/** A timeout of 0 (in any unit) disables it. */
function isZero(value: Node | undefined): boolean {
  if (value === undefined || !("A_Const" in value)) return false;
  const constant = value.A_Const;
  if (constant.ival !== undefined) return (constant.ival.ival ?? 0) === 0;
  const text = constant.sval?.sval;
  return text !== undefined && /^\s*0+(\.0*)?\s*(us|ms|s|min|h|d)?\s*$/i.test(text);
}

function moveKey<V>(map: Map<string, V>, from: string, to: string): void {
  const value = map.get(from);
  if (value === undefined) return;
  map.delete(from);
  map.set(to, value);
}
